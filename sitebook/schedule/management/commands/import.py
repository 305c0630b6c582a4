"""`sitebook import FILE --project CODE`: import a P6 XER, P6 XML or MS Project XML file.

Imports into the project CODE of the organisation (created when it does not exist yet, with
--organisation), as the user --user (default: the organisation's first admin). Prints each
stage with a progress bar and the import report; bad input prints one line and exits 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sitebook.audit.context import acting
from sitebook.core.errors import SitebookError
from sitebook.projects.models import Project
from sitebook.schedule.importer import schedule_import
from sitebook.schedule.management.commands._acting import acting_user


class Command(BaseCommand):
    help = "Import a schedule file (P6 XER, P6 XML, MS Project XML) into a project."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--project", required=True, help="project code")
        parser.add_argument("--organisation", help="organisation slug (default: the only one)")
        parser.add_argument("--user", help="username acting (default: an organisation admin)")
        parser.add_argument("--source-project", help="project code inside a multi-project file")

    def _bar(self, stage: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{stage:<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        org, user = acting_user(options["organisation"], options["user"])
        project = Project.objects.filter(organisation=org, code=options["project"]).first()
        with acting(user, "cli"):
            try:
                run = schedule_import(
                    actor=user,
                    data=path.read_bytes(),
                    filename=path.name,
                    project=project,
                    organisation_id=org.pk,
                    code=options["project"],
                    source_project=options["source_project"],
                    progress=self._bar,
                )
            except SitebookError as exc:
                self.stderr.write(f"{path.name}: {exc.detail}")
                sys.exit(2)
        report = run.report
        counts = ", ".join(f"{k} {v}" for k, v in report["counts"].items())
        self.stdout.write(
            f"Imported {path.name} ({report['format_label']}) into {run.project.code}: {counts}; "
            f"data date {report['data_date']}, finish {report['finish']}, {report['seconds']} s"
        )
        for line in report["mapped"]:
            self.stdout.write(f"  mapped: {line}")
        for line in report["skipped"]:
            self.stdout.write(f"  skipped: {line}")
        for line in report.get("warnings", []):
            self.stdout.write(f"  warning: {line}")
