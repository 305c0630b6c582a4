from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sitebook.core"
    label = "core"
