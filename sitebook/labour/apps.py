from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "sitebook.labour"
    label = "labour"
    verbose_name = _("Day labour")

    def ready(self) -> None:
        from sitebook.labour import permissions  # noqa: F401  (declares the codes)
