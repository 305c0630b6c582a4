from typing import Any

from django.core.management.base import BaseCommand

from sitebook.demo.data import DEMO_PASSWORD, PEOPLE, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation and project (once; later runs change nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        project = load_demo()
        if project is None:
            self.stdout.write("Demo data already loaded.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo project {project.code} loaded."))
        print_logins(self.stdout)


def print_logins(out: Any) -> None:
    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, display, role, is_admin in PEOPLE:
        extra = ", organisation admin" if is_admin else ""
        out.write(f"  {username:<10} {display}  ({role}{extra})")
