"""The demo project carries funds data in every state, so `sitebook up` shows the centre."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from sitebook.demo.data import load_demo
from sitebook.funds import selectors
from sitebook.funds.models import Advance, Claim, LedgerEntry, Payable, Payment


def test_demo_has_claims_payables_advances_and_retention_due(db: Any) -> None:
    project = load_demo()
    assert project is not None
    statuses = set(Claim.objects.filter(project=project).values_list("status", flat=True))
    assert statuses == {"paid", "part_paid", "certified", "submitted", "draft"}
    assert Payable.objects.filter(project=project, retention__gt=0).count() >= 3
    assert Payment.objects.filter(project=project).count() == 3
    assert set(Advance.objects.filter(project=project).values_list("direction", flat=True)) == {
        "in",
        "out",
    }
    due = selectors.retention_due([project], within_days=30)
    assert [d.contract.code for d in due] == ["FB-2024-001"]
    assert due[0].held == selectors.retention_held(due[0].contract) > 0
    card = selectors.funds_card(project)
    [total] = selectors.balances(project)
    assert card.net_cash == total.net
    entries = LedgerEntry.objects.filter(project=project)
    assert total.net == sum(e.amount * e.sign for e in entries)
    # Accepted recoverable day-labour tickets of October joined that month's claim.
    october = Claim.objects.get(project=project, status="draft")
    assert october.lines.filter(source="day_labour").exists()


def test_retention_reminders_command_prints_what_is_due(db: Any) -> None:
    load_demo()
    out = io.StringIO()
    call_command("funds_retention_reminders", "--days", "30", stdout=out)
    text = out.getvalue()
    assert "FB-2024-001" in text
    assert "上海浦建临设工程有限公司" in text
    assert "38,400.00" in text  # 3% of 1,280,000.00
    assert "1 contract(s)" in text
    out = io.StringIO()
    call_command("funds_retention_reminders", "--days", "1", stdout=out)
    assert "0 contract(s)" in out.getvalue()
