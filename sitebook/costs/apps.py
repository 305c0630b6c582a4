from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostsConfig(AppConfig):
    name = "sitebook.costs"
    label = "costs"
    verbose_name = _("Costs")

    def ready(self) -> None:
        from sitebook.costs import permissions  # noqa: F401  (declares the codes)
