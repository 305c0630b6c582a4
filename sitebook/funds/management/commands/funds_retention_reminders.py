"""Print the retention (质保金) falling due for release in the next N days, every project.

Run it from cron (e.g. every Monday) and mail its output to finance; the same list is on
each project's funds card and at GET /api/v1/funds/retention-due.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sitebook.funds import selectors
from sitebook.projects.models import Project


class Command(BaseCommand):
    help = "List retention due for release within --days days (default 30), overdue first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--organisation", help="Only this organisation (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        projects = Project.objects.all()
        if options.get("organisation"):
            projects = projects.filter(organisation__slug=options["organisation"])
        due = selectors.retention_due(list(projects), within_days=options["days"])
        codes = dict(projects.values_list("pk", "code"))
        for d in due:
            direction = _("to receive") if d.direction == "in" else _("to pay")
            overdue = _(" (overdue)") if d.overdue else ""
            self.stdout.write(
                f"{d.due_on.isoformat()}{overdue}  {codes.get(d.contract.project_id, '')}  "
                f"{d.contract.code}  {d.contract.counterparty}  {direction}  {d.held:,.2f}"
            )
        self.stdout.write(
            _("%(n)s contract(s) with retention due within %(days)s days.")
            % {"n": len(due), "days": options["days"]}
        )
