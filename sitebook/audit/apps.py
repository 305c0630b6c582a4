from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "sitebook.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from sitebook.audit import permissions, recorder  # noqa: F401  (codes; signal receiver)
