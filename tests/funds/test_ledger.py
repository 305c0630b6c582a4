"""The funds ledger is append-only: every way of editing a posted entry is refused with a
clear error and changes nothing; balances are sums of entries, exact to the fen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from sitebook.audit.models import ChangeRecord
from sitebook.funds import selectors, services
from sitebook.funds.models import LedgerEntry, LedgerImmutable
from tests.conftest import ApiClient
from tests.funds import factories as fx

D = Decimal


@pytest.fixture
def posted(world_a: Any) -> LedgerEntry:
    f = fx.setup(world_a)
    claim = fx.certified_claim(f)
    services.receipt_create(
        actor=world_a.admin, claim=claim, date=date(2026, 5, 1), amount=D("0.10")
    )
    return LedgerEntry.objects.get(claim=claim)


def _state() -> tuple[Any, ...]:
    rows = tuple(
        LedgerEntry.objects.order_by("id").values_list("id", "amount", "entry_date", "memo")
    )
    return rows, ChangeRecord.objects.count()


def test_orm_save_of_a_posted_entry_is_refused(posted: LedgerEntry) -> None:
    before = _state()
    posted.amount = D("99.00")
    with pytest.raises(LedgerImmutable) as exc:
        posted.save()
    assert exc.value.status == 409
    assert "reversing entry" in str(exc.value.detail)
    assert _state() == before


def test_orm_delete_is_refused(posted: LedgerEntry) -> None:
    before = _state()
    with pytest.raises(LedgerImmutable):
        posted.delete()
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.filter(pk=posted.pk).delete()
    assert _state() == before


def test_queryset_update_is_refused(posted: LedgerEntry) -> None:
    before = _state()
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.filter(pk=posted.pk).update(amount=D("99.00"))
    assert _state() == before


def test_the_database_refuses_raw_updates(posted: LedgerEntry) -> None:
    before = _state()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE funds_ledgerentry SET amount = 99 WHERE id = %s", [posted.pk])
    assert _state() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite keeps DELETE open: Django empties SQLite test tables with DELETE",
)
def test_postgresql_refuses_raw_deletes(posted: LedgerEntry) -> None:
    before = _state()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM funds_ledgerentry WHERE id = %s", [posted.pk])
    assert _state() == before


def test_service_edit_is_refused_naming_the_field(posted: LedgerEntry, world_a: Any) -> None:
    before = _state()
    with pytest.raises(LedgerImmutable) as exc:
        services.ledger_entry_update(actor=world_a.admin, entry=posted, amount=D("1.00"))
    assert exc.value.errors[0]["field"] == "amount"
    assert _state() == before


def test_api_edit_is_refused_with_409(posted: LedgerEntry, world_a: Any) -> None:
    api = ApiClient(world_a.users["finance"])
    api.get(f"/api/v1/ledger/{posted.pk}")  # the token's first use is recorded
    before = _state()
    response = api.patch(f"/api/v1/ledger/{posted.pk}", {"amount": "99.00", "version": 1})
    assert response.status_code == 409
    body = response.json()
    assert "reversing entry" in body["detail"]
    assert body["errors"][0]["field"] == "amount"
    assert _state() == before
    # The correction the error points to works through the API.
    response = api.post(f"/api/v1/ledger/{posted.pk}/reverse", {"memo": "录入错误"})
    assert response.status_code == 201, response.content
    assert response.json()["reverses_id"] == posted.pk
    assert response.json()["direction"] == "out"


def test_balances_are_exact_to_the_fen(world_a: Any) -> None:
    """0.10 + 0.20 + 0.70 summed as binary floats is 0.9999999999999999; in fen it is 1.00."""
    f = fx.setup(world_a)
    claim = fx.certified_claim(f)
    for day, amount in ((1, "0.10"), (2, "0.20"), (3, "0.70")) * 10:
        services.receipt_create(
            actor=world_a.admin, claim=claim, date=date(2026, 5, day), amount=D(amount)
        )
    payable = fx.approved_payable(f)
    request = fx.approved_request(f, payable, "0.30")
    services.payment_create(actor=world_a.admin, request=request, date=date(2026, 6, 1))
    project = world_a.project
    [total] = selectors.balances(project, "project")
    assert (total.money_in, total.money_out, total.net) == (D("10.00"), D("0.30"), D("9.70"))
    by_month = {b.label: (b.money_in, b.money_out) for b in selectors.balances(project, "month")}
    assert by_month == {"2026-05": (D("10.00"), D("0.00")), "2026-06": (D("0.00"), D("0.30"))}
    by_party = {b.label: b.net for b in selectors.balances(project, "counterparty")}
    assert by_party == {"业主单位": D("10.00"), "上海基础工程有限公司": D("-0.30")}
    by_contract = {b.label: b.net for b in selectors.balances(project, "contract")}
    assert by_contract == {"ZB-01": D("10.00"), "FB-01": D("-0.30")}
    entries = list(LedgerEntry.objects.filter(project=project))
    assert sum(e.amount * e.sign for e in entries) == total.net
