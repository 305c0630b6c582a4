from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sitebook.demo.data import load_demo
from sitebook.demo.management.commands.demo_load import print_logins


class Command(BaseCommand):
    help = "Migrate the database, load the demo project once, and serve Sitebook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        created = load_demo()
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        self.stdout.write("Demo project loaded." if created else "Demo project present.")
        print_logins(self.stdout)
        if options["no_serve"]:
            return
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"Sitebook is at http://{address}/"))
        call_command("runserver", address, use_reloader=False)
