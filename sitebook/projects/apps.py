from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "sitebook.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from sitebook.projects import permissions  # noqa: F401  (declares the codes)
