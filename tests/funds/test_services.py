"""The funds centre's services: a claim from measured progress through certification and
receipts, payables through payment, advances, retention and its release, corrections."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from sitebook.audit.models import ChangeRecord
from sitebook.core.errors import Conflict, Forbidden, InvalidInput
from sitebook.costs import services as costs
from sitebook.funds import selectors, services
from sitebook.funds.models import (
    Claim,
    ClaimLine,
    LedgerEntry,
    Payable,
    Payment,
    PaymentRequest,
    Receipt,
)
from tests.funds import factories as fx

D = Decimal


@pytest.fixture
def f(world_a: Any) -> fx.Funds:
    return fx.setup(world_a)


def _counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Claim, ClaimLine, Receipt, Payable, PaymentRequest, Payment, LedgerEntry)
    } | {"changes": ChangeRecord.objects.count()}


def _refused(exc: Any, field: str) -> None:
    assert exc.value.errors, exc.value
    assert exc.value.errors[0]["field"] == field, exc.value.errors


# --- claims ------------------------------------------------------------------------------------


def test_claim_from_measured_progress_claims_only_the_new_work(f: fx.Funds) -> None:
    fx.progress(f, "F1", date(2026, 3, 31), "25")
    fx.progress(f, "F2", date(2026, 3, 31), "10")
    first = fx.draft_claim(f, date(2026, 3, 1), date(2026, 3, 31))
    lines = list(first.lines.order_by("id"))
    # 25% of 1000 m3 x 400.00 and 10% of 1200 m3 x 500.00
    assert [(ln.quantity, ln.amount) for ln in lines] == [
        (D("250.0000"), D("100000.00")),
        (D("120.0000"), D("60000.00")),
    ]
    assert first.claimed_amount == D("160000.00")
    assert first.number == 1
    assert first.payment_ratio == D("80")

    fx.progress(f, "F1", date(2026, 4, 30), "40")
    second = fx.draft_claim(f, date(2026, 4, 1), date(2026, 4, 30))
    line = second.lines.get()
    assert (line.quantity_to_date, line.quantity, line.amount) == (
        D("400.0000"),
        D("150.0000"),
        D("60000.00"),
    )
    assert second.number == 2


def test_nothing_new_to_claim_is_refused_naming_the_period(f: fx.Funds) -> None:
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        fx.draft_claim(f, date(2026, 3, 1), date(2026, 3, 31))
    _refused(exc, "period_end")
    assert _counts() == before


def test_approved_change_order_is_claimed_once(f: fx.Funds) -> None:
    order = costs.change_order_create(
        actor=f.world.admin, contract=f.income, code="BG-1", title="增加桩", amount=D("1234.50")
    )
    order = costs.change_order_submit(actor=f.world.admin, order=order, version=order.version)
    costs.change_order_approve(actor=f.world.admin, order=order, version=order.version)
    today = date.today()
    claim = fx.draft_claim(f, today.replace(day=1), today)
    assert [(ln.source, ln.amount) for ln in claim.lines.all()] == [("change_order", D("1234.50"))]
    with pytest.raises(InvalidInput):  # nothing left: the order is on claim 1
        fx.draft_claim(f, today.replace(day=1), today)
    # Withdrawn, the claim gives the order back.
    services.claim_withdraw(actor=f.world.admin, claim=claim, version=claim.version)
    again = fx.draft_claim(f, today.replace(day=1), today)
    assert again.claimed_amount == D("1234.50")


def _approved_order(f: fx.Funds, code: str, amount: str) -> Any:
    order = costs.change_order_create(
        actor=f.world.admin, contract=f.income, code=code, title="取消地下室防水", amount=D(amount)
    )
    order = costs.change_order_submit(actor=f.world.admin, order=order, version=order.version)
    return costs.change_order_approve(actor=f.world.admin, order=order, version=order.version)[0]


def _omission_claim(f: fx.Funds) -> tuple[Claim, Any]:
    """50 % of F1 (1000 m3 x 400.00 = 200,000.00) and an approved omission of -50,000.00."""
    order = _approved_order(f, "BG-2", "-50000.00")
    today = date.today()
    fx.progress(f, "F1", today, "50")
    return fx.draft_claim(f, today.replace(day=1), today), order


def test_approved_omission_is_a_negative_line_that_lowers_the_amount_due(f: fx.Funds) -> None:
    claim, order = _omission_claim(f)
    assert sorted((ln.source, ln.amount) for ln in claim.lines.all()) == [
        ("boq", D("200000.00")),
        ("change_order", D("-50000.00")),
    ]
    assert claim.lines.get(source="change_order").change_order_id == order.pk
    assert claim.claimed_amount == D("150000.00")
    claim = services.claim_submit(actor=f.world.admin, claim=claim, version=claim.version)
    claim = services.claim_certify(
        actor=f.world.admin, claim=claim, version=claim.version, certified_on=date(2026, 4, 10)
    )
    # 80 % of 150,000.00 less 3 % retention of it (4,500.00); without the omission it would
    # be 80 % of 200,000.00 less 6,000.00 = 154,000.00: 38,500.00 (77 % of 50,000) less.
    assert claim.certified_amount == D("150000.00")
    assert claim.retention == D("4500.00")
    assert claim.amount_due == D("115500.00")
    assert claim.lines.get(source="change_order").certified_amount == D("-50000.00")
    # Claimed once: the next claim with new progress does not take the omission again.
    fx.progress(f, "F1", date.today(), "60")
    second = fx.draft_claim(f, date.today().replace(day=1), date.today())
    assert [(ln.source, ln.amount) for ln in second.lines.all()] == [("boq", D("40000.00"))]


def test_rejected_claim_frees_the_omission_for_the_next_claim(f: fx.Funds) -> None:
    claim, order = _omission_claim(f)
    claim = services.claim_submit(actor=f.world.admin, claim=claim, version=claim.version)
    services.claim_reject(actor=f.world.admin, claim=claim, version=claim.version)
    again = fx.draft_claim(f, date.today().replace(day=1), date.today())
    assert again.number == 2
    assert sorted((ln.source, ln.amount) for ln in again.lines.all()) == [
        ("boq", D("200000.00")),
        ("change_order", D("-50000.00")),
    ]
    assert again.claimed_amount == D("150000.00")
    services.claim_withdraw(actor=f.world.admin, claim=again, version=again.version)
    third = fx.draft_claim(f, date.today().replace(day=1), date.today())
    assert third.lines.get(source="change_order").change_order_id == order.pk


def test_omissions_that_take_a_claim_below_zero_are_refused(f: fx.Funds) -> None:
    _approved_order(f, "BG-3", "-250000.00")
    fx.progress(f, "F1", date.today(), "50")  # 200,000.00 of work
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        fx.draft_claim(f, date.today().replace(day=1), date.today())
    _refused(exc, "change_orders")
    assert "-50,000.00" in str(exc.value.errors[0]["message"])
    assert _counts() == before


def test_removing_a_line_may_not_leave_a_claim_below_zero(f: fx.Funds) -> None:
    claim, _order = _omission_claim(f)
    boq = claim.lines.get(source="boq")
    with pytest.raises(InvalidInput) as exc:
        services.claim_line_remove(
            actor=f.world.admin, claim=claim, version=claim.version, line_id=boq.pk
        )
    _refused(exc, "line_id")
    claim.refresh_from_db()
    assert claim.claimed_amount == D("150000.00") and claim.lines.count() == 2
    # The omission itself may be taken off (it is then free for a later claim).
    omission = claim.lines.get(source="change_order")
    claim = services.claim_line_remove(
        actor=f.world.admin, claim=claim, version=claim.version, line_id=omission.pk
    )
    assert claim.claimed_amount == D("200000.00")


def test_an_omission_is_certified_at_its_claim_or_more_off(f: fx.Funds) -> None:
    claim, _order = _omission_claim(f)
    claim = services.claim_submit(actor=f.world.admin, claim=claim, version=claim.version)
    omission = claim.lines.get(source="change_order")
    with pytest.raises(InvalidInput) as exc:
        services.claim_certify(
            actor=f.world.admin,
            claim=claim,
            version=claim.version,
            line_amounts={omission.pk: D("-49999.99")},
        )
    _refused(exc, f"line_amounts.{omission.pk}")
    claim = services.claim_certify(
        actor=f.world.admin,
        claim=claim,
        version=claim.version,
        line_amounts={omission.pk: D("-60000.00")},
    )
    assert claim.certified_amount == D("140000.00")
    # 80 % of 140,000.00 - 3 % of it (4,200.00)
    assert claim.amount_due == D("107800.00")


def test_certify_retention_ratio_and_amount_due(f: fx.Funds) -> None:
    claim = fx.submitted_claim(f)  # 200,000.00 claimed
    certified = services.claim_certify(
        actor=f.world.admin,
        claim=claim,
        version=claim.version,
        certified_amount=D("190000.00"),
        certified_on=date(2026, 4, 10),
        deductions=D("0.70"),
    )
    assert certified.status == "certified"
    assert certified.retention == D("5700.00")  # 3% of 190,000
    # 80% of 190,000 - 5,700 - 0.70
    assert certified.amount_due == D("146299.30")
    assert certified.due_on == date(2026, 5, 8)  # 28 days


def test_certified_above_claimed_is_refused(f: fx.Funds) -> None:
    claim = fx.submitted_claim(f)
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.claim_certify(
            actor=f.world.admin,
            claim=claim,
            version=claim.version,
            certified_amount=D("200000.01"),
        )
    _refused(exc, "certified_amount")
    assert _counts() == before
    line = claim.lines.first()
    with pytest.raises(InvalidInput) as exc:
        services.claim_certify(
            actor=f.world.admin,
            claim=claim,
            version=claim.version,
            line_amounts={line.pk: line.amount + D("0.01")},
        )
    _refused(exc, f"line_amounts.{line.pk}")
    assert _counts() == before


def test_retention_rate_over_the_cap_is_refused(f: fx.Funds) -> None:
    claim = fx.submitted_claim(f)
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.claim_certify(
            actor=f.world.admin, claim=claim, version=claim.version, retention_percent=D("5")
        )
    _refused(exc, "retention_percent")
    assert "3.00%" in str(exc.value.errors[0]["message"])
    assert _counts() == before
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_retention_stops_at_the_cap_of_the_settlement(f: fx.Funds) -> None:
    """Cap 3% of 1,000,000.00 = 30,000.00; claims of 600,000 and 400,000 at 3% would
    withhold 18,000 + 12,000; with a 2% cap the second claim withholds only what is left."""
    costs_admin = f.world.admin
    services.contract_terms_set(actor=costs_admin, contract=f.income, retention_cap_percent=D("2"))
    with pytest.raises(InvalidInput) as exc:
        fx.certified_claim(f)  # contract rate 3% > cap 2%
    _refused(exc, "retention_percent")
    claim = Claim.objects.get(contract=f.income, number=1)
    claim = services.claim_certify(
        actor=costs_admin, claim=claim, version=claim.version, retention_percent=D("2")
    )
    assert claim.retention == D("4000.00")
    fx.progress(f, "F1", date(2026, 4, 30), "100")
    fx.progress(f, "F2", date(2026, 4, 30), "100")
    second = fx.draft_claim(f, date(2026, 4, 1), date(2026, 4, 30), actor=costs_admin)
    second = services.claim_submit(actor=costs_admin, claim=second, version=second.version)
    second = services.claim_certify(
        actor=costs_admin, claim=second, version=second.version, retention_percent=D("2")
    )
    assert second.claimed_amount == D("800000.00")
    assert second.retention == D("16000.00")  # 2% of 1,000,000 = 20,000 cap; 4,000 before
    assert selectors.retention_withheld(f.income) == selectors.retention_cap(f.income)


def test_receipts_mark_the_claim_paid_in_part_then_paid(f: fx.Funds) -> None:
    claim = fx.certified_claim(f)  # due 154,000.00
    services.receipt_create(
        actor=f.world.admin, claim=claim, date=date(2026, 5, 1), amount=D("54000.00")
    )
    claim.refresh_from_db()
    assert claim.status == "part_paid"
    services.receipt_create(
        actor=f.world.admin, claim=claim, date=date(2026, 5, 8), amount=D("100000.00")
    )
    claim.refresh_from_db()
    assert claim.status == "paid"
    assert selectors.claim_received(claim) == D("154000.00")
    entries = LedgerEntry.objects.filter(claim=claim)
    assert {(e.kind, e.direction, e.counterparty) for e in entries} == {
        ("receipt", "in", "业主单位")
    }


def test_receipt_on_a_draft_claim_is_refused(f: fx.Funds) -> None:
    fx.progress(f, "F1", date(2026, 3, 31), "10")
    claim = fx.draft_claim(f, date(2026, 3, 1), date(2026, 3, 31))
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.receipt_create(
            actor=f.world.admin, claim=claim, date=date(2026, 4, 1), amount=D("1.00")
        )
    _refused(exc, "claim")
    assert _counts() == before


def test_receipt_above_what_is_due_is_refused(f: fx.Funds) -> None:
    claim = fx.certified_claim(f)
    services.receipt_create(
        actor=f.world.admin, claim=claim, date=date(2026, 5, 1), amount=D("153999.90")
    )
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.receipt_create(
            actor=f.world.admin, claim=claim, date=date(2026, 5, 2), amount=D("0.20")
        )
    _refused(exc, "amount")
    assert "0.10" in exc.value.errors[0]["message"]
    assert _counts() == before


def test_receipt_in_another_currency_is_refused(f: fx.Funds) -> None:
    claim = fx.certified_claim(f)
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.receipt_create(
            actor=f.world.admin,
            claim=claim,
            date=date(2026, 5, 1),
            amount=D("100.00"),
            currency="USD",
        )
    _refused(exc, "currency")
    assert _counts() == before


def test_advance_is_recovered_through_claims(f: fx.Funds) -> None:
    services.advance_create(
        actor=f.world.admin,
        project=f.world.project,
        contract_id=f.income.pk,
        date=date(2026, 1, 10),
        amount=D("100000.00"),
    )
    assert selectors.advance_outstanding(f.income) == D("100000.00")
    with pytest.raises(InvalidInput) as exc:  # 10% of 1,000,000: no more than 100,000
        services.advance_create(
            actor=f.world.admin,
            project=f.world.project,
            contract_id=f.income.pk,
            date=date(2026, 1, 11),
            amount=D("0.01"),
        )
    _refused(exc, "amount")
    claim = fx.certified_claim(f, advance_recovery=D("20000.00"))
    assert claim.amount_due == D("134000.00")  # 160,000 - 20,000 - 6,000
    assert selectors.advance_outstanding(f.income) == D("80000.00")
    claim2 = fx.submitted_claim(f, end=date(2026, 4, 30), percent="60")
    with pytest.raises(InvalidInput) as exc:
        services.claim_certify(
            actor=f.world.admin,
            claim=claim2,
            version=claim2.version,
            advance_recovery=D("80000.01"),
        )
    _refused(exc, "advance_recovery")


# --- payables ----------------------------------------------------------------------------------


def test_payable_with_retention_request_and_payment(f: fx.Funds) -> None:
    payable = fx.approved_payable(f, gross="10000.00")
    assert (payable.retention, payable.approved_amount) == (D("300.00"), D("9700.00"))
    assert payable.due_on == date(2026, 5, 5)
    request = fx.approved_request(f, payable, "9000.00")
    payment = services.payment_create(actor=f.world.admin, request=request, date=date(2026, 5, 1))
    assert payment.amount == D("9000.00")
    payable.refresh_from_db()
    assert payable.status == "part_paid"
    rest = fx.approved_request(f, payable, "700.00")
    services.payment_create(actor=f.world.admin, request=rest, date=date(2026, 5, 2))
    payable.refresh_from_db()
    assert payable.status == "paid"
    assert selectors.payable_paid(payable) == D("9700.00")


def test_payment_above_the_approved_amount_is_refused(f: fx.Funds) -> None:
    payable = fx.approved_payable(f)
    request = fx.approved_request(f, payable, "1000.00")
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.payment_create(
            actor=f.world.admin, request=request, date=date(2026, 5, 1), amount=D("1000.01")
        )
    _refused(exc, "amount")
    assert _counts() == before
    with pytest.raises(InvalidInput) as exc:  # a request beyond what the payable approved
        services.payment_request_create(actor=f.world.admin, payable=payable, amount=D("8700.01"))
    _refused(exc, "amount")
    assert _counts() == before


def test_a_request_is_paid_once(f: fx.Funds) -> None:
    payable = fx.approved_payable(f)
    request = fx.approved_request(f, payable, "1000.00")
    services.payment_create(actor=f.world.admin, request=request, date=date(2026, 5, 1))
    before = _counts()
    with pytest.raises(Conflict) as exc:
        services.payment_create(actor=f.world.admin, request=request, date=date(2026, 5, 1))
    _refused(exc, "request")
    assert _counts() == before


def test_unapproved_request_is_not_paid(f: fx.Funds) -> None:
    payable = fx.approved_payable(f)
    request = services.payment_request_create(
        actor=f.world.admin, payable=payable, amount=D("10.00")
    )
    with pytest.raises(Conflict):
        services.payment_create(actor=f.world.admin, request=request, date=date(2026, 5, 1))
    assert not Payment.objects.exists()


def test_payable_retention_over_the_cap_is_refused(f: fx.Funds) -> None:
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.payable_create(
            actor=f.world.admin,
            project=f.world.project,
            contract_id=f.sub.pk,
            number="INV-9",
            invoice_date=date(2026, 4, 5),
            gross_amount=D("100.00"),
            retention_percent=D("3.01"),
        )
    _refused(exc, "retention_percent")
    assert _counts() == before


def test_payable_in_another_currency_is_refused(f: fx.Funds) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.payable_create(
            actor=f.world.admin,
            project=f.world.project,
            contract_id=f.sub.pk,
            number="INV-9",
            invoice_date=date(2026, 4, 5),
            gross_amount=D("100.00"),
            currency="EUR",
        )
    _refused(exc, "currency")


# --- retention release -------------------------------------------------------------------------


def test_retention_release_waits_for_the_defects_period(f: fx.Funds) -> None:
    fx.certified_claim(f)  # 6,000.00 withheld by the owner
    services.contract_terms_set(
        actor=f.world.admin, contract=f.income, completion_date=date(2026, 6, 30)
    )
    assert selectors.contract_terms(f.income).retention_due_on == date(2028, 6, 30)
    due = selectors.retention_due([f.world.project], within_days=30, today=date(2028, 6, 1))
    assert [(d.contract.code, d.held, d.direction) for d in due] == [("ZB-01", D("6000.00"), "in")]
    assert selectors.retention_due([f.world.project], within_days=28, today=date(2028, 6, 1)) == []
    with pytest.raises(InvalidInput) as exc:
        services.retention_release_create(
            actor=f.world.admin,
            project=f.world.project,
            contract_id=f.income.pk,
            date=date(2028, 6, 29),
        )
    _refused(exc, "date")
    release = services.retention_release_create(
        actor=f.world.admin,
        project=f.world.project,
        contract_id=f.income.pk,
        date=date(2028, 7, 1),
    )
    assert release.amount == D("6000.00")
    assert selectors.retention_held(f.income) == 0
    entry = LedgerEntry.objects.get(release=release)
    assert (entry.kind, entry.direction) == ("retention_in", "in")
    with pytest.raises(InvalidInput) as exc:
        services.retention_release_create(
            actor=f.world.admin,
            project=f.world.project,
            contract_id=f.income.pk,
            date=date(2028, 7, 2),
            amount=D("0.01"),
        )
    _refused(exc, "amount")


def test_defects_months_come_from_the_organisation_policy(f: fx.Funds) -> None:
    services.funds_policy_set(
        actor=f.world.admin, organisation_id=f.world.org.pk, defects_liability_months=12
    )
    services.contract_terms_set(
        actor=f.world.admin, contract=f.sub, completion_date=date(2026, 1, 31)
    )
    assert selectors.contract_terms(f.sub).retention_due_on == date(2027, 1, 31)


# --- corrections and permissions ---------------------------------------------------------------


def test_reversing_a_receipt_reopens_the_claim(f: fx.Funds) -> None:
    claim = fx.certified_claim(f)
    services.receipt_create(
        actor=f.world.admin, claim=claim, date=date(2026, 5, 1), amount=D("154000.00")
    )
    entry = LedgerEntry.objects.get(claim=claim)
    reversal = services.ledger_reverse(actor=f.world.admin, entry=entry, memo="银行退票")
    assert (reversal.kind, reversal.direction, reversal.amount, reversal.reverses_id) == (
        "reversal",
        "out",
        D("154000.00"),
        entry.pk,
    )
    claim.refresh_from_db()
    assert claim.status == "certified"
    assert selectors.claim_received(claim) == 0
    with pytest.raises(Conflict):
        services.ledger_reverse(actor=f.world.admin, entry=entry, memo="again")
    with pytest.raises(InvalidInput) as exc:
        services.ledger_reverse(actor=f.world.admin, entry=reversal, memo="again")
    _refused(exc, "entry")


def test_roles(f: fx.Funds) -> None:
    w = f.world
    fx.progress(f, "F1", date(2026, 3, 31), "10")
    with pytest.raises(Forbidden):
        fx.draft_claim(f, date(2026, 3, 1), date(2026, 3, 31), actor=w.users["viewer"])
    claim = fx.draft_claim(f, date(2026, 3, 1), date(2026, 3, 31), actor=w.users["cost_engineer"])
    claim = services.claim_submit(actor=w.users["cost_engineer"], claim=claim, version=1)
    with pytest.raises(Forbidden):
        services.claim_certify(actor=w.users["cost_engineer"], claim=claim, version=claim.version)
    claim = services.claim_certify(actor=w.users["finance"], claim=claim, version=claim.version)
    assert claim.status == "certified"
