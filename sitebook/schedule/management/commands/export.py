"""`sitebook export --project CODE --format xer|mspdi FILE`: write a project's schedule to a file.

Exports the project CODE of the organisation (--organisation, default the first) as the user
--user (default: the organisation's first admin), who needs the `schedule.export` permission.
Prints what was written and what the format cannot carry; bad input prints one line and
exits 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sitebook.audit.context import acting
from sitebook.core.errors import SitebookError
from sitebook.projects.models import Project
from sitebook.schedule.exporter import FORMATS, schedule_export
from sitebook.schedule.management.commands._acting import acting_user


class Command(BaseCommand):
    help = "Export a project's schedule as Primavera P6 XER or MS Project XML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="file to write ('-' for standard output)")
        parser.add_argument("--project", required=True, help="project code")
        parser.add_argument("--format", choices=sorted(FORMATS), default="xer")
        parser.add_argument("--organisation", help="organisation slug (default: the first)")
        parser.add_argument("--user", help="username acting (default: an organisation admin)")

    def handle(self, *args: Any, **options: Any) -> None:
        org, user = acting_user(options["organisation"], options["user"])
        project = Project.objects.filter(organisation=org, code=options["project"]).first()
        if project is None:
            raise CommandError(f"no project {options['project']} in {org.slug}")
        with acting(user, "cli"):
            try:
                export = schedule_export(actor=user, project=project, format=options["format"])
            except SitebookError as exc:
                self.stderr.write(f"{project.code}: {exc.detail}")
                sys.exit(2)
        target = options["file"]
        if target == "-":
            sys.stdout.buffer.write(export.data)
            sys.stdout.flush()
            out = self.stderr
        else:
            Path(target).write_bytes(export.data)
            out = self.stdout
        out.write(
            f"Exported {project.code} ({export.format_label}) to {target}: "
            f"activities {export.activities}, relationships {export.relationships}, "
            f"calendars {export.calendars}, resources {export.resources}, "
            f"assignments {export.assignments}, {len(export.data)} bytes"
        )
        for line in export.losses:
            out.write(f"  not carried exactly: {line}")
