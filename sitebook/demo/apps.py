from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation and the `sitebook up` command; sits above every centre."""

    name = "sitebook.demo"
    label = "demo"
