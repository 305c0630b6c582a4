"""Property tests of the funds invariants: whatever sequence of amounts is tried,
paid never exceeds approved, received never exceeds due, certified never exceeds claimed,
retention never exceeds its cap, and ledger balances equal the sum of entries to the fen.

Each example runs in a transaction rolled back at its end, over one world per test.
Amounts are drawn from 0.10 / 0.20 / 0.70 (which binary floats cannot add exactly) and
arbitrary fen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitebook.core.errors import Conflict, InvalidInput
from sitebook.funds import selectors, services
from sitebook.funds.models import LedgerEntry, Payment
from tests.funds import factories as fx

D = Decimal
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FEN = st.integers(min_value=1, max_value=2_000_000).map(lambda n: D(n) / 100)
TRICKY = st.sampled_from([D("0.10"), D("0.20"), D("0.70")])
AMOUNTS = st.lists(st.one_of(TRICKY, FEN), min_size=1, max_size=12)


@pytest.fixture
def f(world_a: Any) -> fx.Funds:
    return fx.setup(world_a)


def _ledger_exact(project: Any) -> None:
    [total] = selectors.balances(project, "project")
    entries = LedgerEntry.objects.filter(project=project)
    assert total.money_in == sum((e.amount for e in entries if e.direction == "in"), D(0))
    assert total.money_out == sum((e.amount for e in entries if e.direction == "out"), D(0))
    by_month = selectors.balances(project, "month")
    assert sum((b.net for b in by_month), D(0)) == total.net


@SETTINGS
@given(amounts=AMOUNTS, due_fen=st.integers(min_value=1, max_value=5_000_000))
def test_receipts_never_exceed_the_amount_due(f: fx.Funds, amounts: list[D], due_fen: int) -> None:
    with transaction.atomic():
        claim = fx.certified_claim(f, deductions=D("0.00"))
        # Pretend a certificate with an arbitrary amount due (below the computed one).
        due = min(D(due_fen) / 100, claim.amount_due)
        claim.amount_due = due
        claim.save()
        accepted = D(0)
        for i, amount in enumerate(amounts):
            try:
                services.receipt_create(
                    actor=f.world.admin, claim=claim, date=date(2026, 5, 1 + i), amount=amount
                )
                accepted += amount
            except InvalidInput as exc:
                assert accepted + amount > due
                # Refused on the amount, or on the claim once it is paid in full.
                field = exc.errors[0]["field"]
                assert field == "amount" or (field == "claim" and accepted == due)
            assert selectors.claim_received(claim) == accepted <= due
        claim.refresh_from_db()
        expected = "paid" if accepted == due else ("part_paid" if accepted else "certified")
        assert claim.status == expected
        _ledger_exact(f.world.project)
        transaction.set_rollback(True)


@SETTINGS
@given(
    gross_fen=st.integers(min_value=100, max_value=10_000_000),
    requests=AMOUNTS,
    pay_twice=st.booleans(),
    overpay=st.sampled_from([D("0"), D("0.01"), D("0.10")]),
)
@example(gross_fen=144, requests=[D("0.70"), D("0.70"), D("0.10")], pay_twice=False, overpay=D(0))
def test_paid_never_exceeds_approved(
    f: fx.Funds, gross_fen: int, requests: list[D], pay_twice: bool, overpay: D
) -> None:
    with transaction.atomic():
        payable = fx.approved_payable(f, gross=str(D(gross_fen) / 100))
        for i, amount in enumerate(requests):
            try:
                request = fx.approved_request(f, payable, str(amount))
            except InvalidInput as exc:
                # Too much for what is left (`amount`), or nothing is left at all: a payable
                # paid in full takes no more requests (`payable`).
                field = exc.errors[0]["field"]
                paid_in_full = selectors.payable_paid(payable) == payable.approved_amount
                assert field == "amount" or (field == "payable" and paid_in_full), field
                continue
            try:
                services.payment_create(
                    actor=f.world.admin,
                    request=request,
                    date=date(2026, 6, 1 + i),
                    amount=amount + overpay,
                )
            except InvalidInput as exc:
                assert overpay > 0 and exc.errors[0]["field"] == "amount"
                services.payment_create(
                    actor=f.world.admin, request=request, date=date(2026, 6, 1 + i)
                )
            if pay_twice:
                with pytest.raises(Conflict):
                    services.payment_create(
                        actor=f.world.admin, request=request, date=date(2026, 6, 1 + i)
                    )
            assert Payment.objects.filter(request=request).count() == 1
            assert selectors.payable_paid(payable) <= payable.approved_amount
        payable.refresh_from_db()
        paid = selectors.payable_paid(payable)
        assert paid <= payable.approved_amount
        assert payable.approved_amount == (
            payable.gross_amount - payable.retention - payable.advance_recovery
        )
        assert payable.retention <= selectors.retention_cap(f.sub)
        _ledger_exact(f.world.project)
        transaction.set_rollback(True)


@SETTINGS
@given(
    cap=st.sampled_from([D("0"), D("1.5"), D("2"), D("3")]),
    steps=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=100),  # percent complete of F1 (cumulative)
            st.integers(min_value=0, max_value=110),  # certified, % of claimed (>100: refused)
            st.sampled_from([D("0"), D("1"), D("2.5"), D("3"), D("5")]),  # retention rate
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_certified_within_claimed_and_retention_within_its_cap(
    f: fx.Funds, cap: D, steps: list[tuple[int, int, D]]
) -> None:
    with transaction.atomic():
        services.contract_terms_set(
            actor=f.world.admin, contract=f.income, retention_cap_percent=cap
        )
        done = 0
        for month, (percent, certified_pct, rate) in enumerate(steps, start=1):
            done = max(done, percent)
            end = date(2026, month, 28)
            fx.progress(f, "F1", end, str(done))
            try:
                claim = fx.draft_claim(f, date(2026, month, 1), end)
            except InvalidInput:
                continue  # no new progress this month
            claim = services.claim_submit(actor=f.world.admin, claim=claim, version=claim.version)
            certified = (claim.claimed_amount * certified_pct / 100).quantize(D("0.01"))
            try:
                claim = services.claim_certify(
                    actor=f.world.admin,
                    claim=claim,
                    version=claim.version,
                    certified_amount=certified,
                    retention_percent=rate,
                )
            except InvalidInput as exc:
                field = exc.errors[0]["field"]
                assert (field == "certified_amount" and certified > claim.claimed_amount) or (
                    field == "retention_percent" and rate > cap
                ), exc.errors
                continue
            assert claim.certified_amount is not None
            assert claim.certified_amount <= claim.claimed_amount
            assert claim.retention <= (claim.certified_amount * rate / 100).quantize(D("0.01"))
            assert claim.amount_due >= 0
            assert selectors.retention_withheld(f.income) <= selectors.retention_cap(f.income)
        transaction.set_rollback(True)
