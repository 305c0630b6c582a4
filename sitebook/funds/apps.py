from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "sitebook.funds"
    label = "funds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from sitebook.funds import permissions  # noqa: F401  (declares the codes)
