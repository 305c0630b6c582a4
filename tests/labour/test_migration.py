"""0003_post_to_cost_centre: ticket cost codes and labour's own ledger move to the cost centre."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sitebook.costs.models import CostCode, CostTransaction
from sitebook.labour.models import Ticket
from tests.costs.factories import cost_codes

BEFORE = [("labour", "0002_labourline_approved")]
AFTER = [("labour", "0004_remove_ticket_cost_code_text")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_ticket_codes_and_postings_move_to_the_cost_centre(world_a: Any) -> None:
    codes = cost_codes(world_a)
    org, project = world_a.org, world_a.project
    apps = _migrate(BEFORE)
    try:
        OldTicket = apps.get_model("labour", "Ticket")
        OldPosting = apps.get_model("labour", "CostPosting")
        made = {}
        for n, text, total in [
            (1, "01.02", Decimal("1068.75")),
            (2, " 5.2-DW ", Decimal("0.01")),
            (3, "", Decimal("240.00")),
            (4, "5.2-DW", Decimal("99.99")),
        ]:
            made[n] = OldTicket.objects.create(
                organisation_id=org.pk,
                project_id=project.pk,
                number=f"DG-{n}",
                location="x",
                work_date=dt.date(2026, 6, n),
                day_type="work_day",
                instruction_source="owner",
                reason="rework",
                cost_code=text,
                status="approved",
                total=total,
            )
            if n < 4:
                OldPosting.objects.create(
                    organisation_id=org.pk,
                    project_id=project.pk,
                    ticket_id=made[n].pk,
                    cost_code=text.strip() or "DAYWORK",
                    amount=total,
                    date=dt.date(2026, 6, n),
                    description=f"Day-labour ticket DG-{n}",
                )
    finally:
        _migrate(AFTER)
    tickets = {t.number: t.cost_code for t in Ticket.objects.select_related("cost_code")}
    moved = CostCode.objects.get(project=project, code="5.2-DW")
    assert (moved.name, moved.name_en, moved.parent) == ("计日工", "Day labour", None)
    assert tickets == {"DG-1": codes["01.02"], "DG-2": moved, "DG-3": None, "DG-4": moved}
    assert set(CostTransaction.objects.values_list("source_type", "kind")) == {
        ("labour_ticket", "labour")
    }
    rows = list(
        CostTransaction.objects.order_by("date").values_list(
            "source_id", "cost_code__code", "amount", "date"
        )
    )
    assert rows == [
        (str(made[1].pk), "01.02", Decimal("1068.75"), dt.date(2026, 6, 1)),
        (str(made[2].pk), "5.2-DW", Decimal("0.01"), dt.date(2026, 6, 2)),
        (str(made[3].pk), "DAYWORK", Decimal("240.00"), dt.date(2026, 6, 3)),
    ]
