from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "sitebook.schedule"
    label = "schedule"
    verbose_name = _("Schedule")

    def ready(self) -> None:
        from sitebook.schedule import permissions  # noqa: F401  (declares the codes)
