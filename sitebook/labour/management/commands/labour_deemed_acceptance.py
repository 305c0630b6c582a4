"""Mark recoverable tickets the owner left unanswered past the period as deemed accepted.

Pages run the same sweep for their project when opened; run this from cron (e.g. hourly) so
that summaries and claims are right even for projects nobody opens.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sitebook.accounts.models import Organisation
from sitebook.core.context import acting
from sitebook.labour import services


class Command(BaseCommand):
    help = "Apply the owner's deemed acceptance (GB 50500-2013 9.7.3) to overdue tickets."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        with acting(None, "system"):
            for org_id in Organisation.objects.values_list("pk", flat=True):
                total += services.deemed_acceptance_sweep(organisation_id=org_id)
        self.stdout.write(f"{total} ticket(s) deemed accepted.")
