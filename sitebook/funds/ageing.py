"""Ageing of receivables (certified claims not yet received) and payables (approved invoices
not yet paid): what is outstanding, by days past its due date.

Buckets are by days past due: not yet due, 0-30, 31-60, 61-90 and over 90. What is
outstanding is the amount due (claims) or approved to pay (payables) less the net of the
ledger entries linked to it, summed in whole fen in SQL, so it is exact on every database.
Each report is two queries whatever the number of documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sitebook.costs.money import ZERO, fen_sum, from_fen
from sitebook.funds.models import Claim, LedgerEntry, Payable
from sitebook.projects.models import Project

IN, OUT = LedgerEntry.Direction.IN, LedgerEntry.Direction.OUT

# (key, label, lowest days past due, highest days past due); None: open-ended.
BUCKETS: list[tuple[str, Any, int | None, int | None]] = [
    ("current", _("Not yet due"), None, -1),
    ("d0_30", _("0-30 days"), 0, 30),
    ("d31_60", _("31-60 days"), 31, 60),
    ("d61_90", _("61-90 days"), 61, 90),
    ("d90", _("Over 90 days"), 91, None),
]
RECEIVABLE = (Claim.Status.CERTIFIED, Claim.Status.INVOICED, Claim.Status.PART_PAID)
PAYABLE = (Payable.Status.APPROVED, Payable.Status.PART_PAID)


def bucket_of(days_past_due: int) -> str:
    for key, _label, low, high in BUCKETS:
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return key
    raise AssertionError(days_past_due)  # the buckets cover every integer


@dataclass
class AgeingRow:
    document: Any  # the Claim or the Payable
    counterparty: str
    due_on: date
    amount: Decimal  # amount due / approved
    settled: Decimal  # received / paid so far
    days_past_due: int

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.settled

    @property
    def bucket(self) -> str:
        return bucket_of(self.days_past_due)


@dataclass
class Ageing:
    kind: str  # "receivables" or "payables"
    today: date
    rows: list[AgeingRow] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, Decimal]:
        out = {key: ZERO for key, *_rest in BUCKETS}
        for row in self.rows:
            out[row.bucket] += row.outstanding
        return out

    @property
    def total(self) -> Decimal:
        return sum((row.outstanding for row in self.rows), ZERO)

    def columns(self) -> list[tuple[str, Any, Decimal]]:
        """(key, label, total) per bucket, in order, for tables and charts."""
        totals = self.totals
        return [(key, label, totals[key]) for key, label, *_rest in BUCKETS]

    def by_counterparty(self) -> list[tuple[str, dict[str, Decimal], Decimal]]:
        """(counterparty, {bucket: outstanding}, total) sorted by counterparty."""
        grouped: dict[str, dict[str, Decimal]] = {}
        for row in self.rows:
            cells = grouped.setdefault(row.counterparty, {key: ZERO for key, *_r in BUCKETS})
            cells[row.bucket] += row.outstanding
        return [(name, cells, sum(cells.values(), ZERO)) for name, cells in sorted(grouped.items())]


def settled_by(link: str, ids: list[int], sign: int) -> dict[int, Decimal]:
    """{document id: net of its ledger entries}, `sign` 1 for money in, -1 for money out."""
    rows = (
        LedgerEntry.objects.filter(**{f"{link}_id__in": ids})
        .values(f"{link}_id")
        .annotate(
            i=fen_sum("amount", when=Q(direction=IN)), o=fen_sum("amount", when=Q(direction=OUT))
        )
        .order_by()
    )
    return {r[f"{link}_id"]: from_fen(sign * (r["i"] - r["o"])) for r in rows}


def receivables(project: Project, today: date) -> Ageing:
    """Certified claims with money still due from the owner, aged from their due date."""
    claims = list(
        Claim.objects.filter(project=project, status__in=RECEIVABLE)
        .select_related("contract")
        .order_by("due_on", "id")
    )
    settled = settled_by("claim", [c.pk for c in claims], 1)
    report = Ageing("receivables", today)
    for claim in claims:
        due_on = claim.due_on or claim.certified_on or today
        row = AgeingRow(
            claim,
            claim.contract.counterparty,
            due_on,
            claim.amount_due,
            settled.get(claim.pk, ZERO),
            (today - due_on).days,
        )
        if row.outstanding > 0:
            report.rows.append(row)
    return report


def payables(project: Project, today: date) -> Ageing:
    """Approved invoices not yet paid in full, aged from their due date."""
    items = list(
        Payable.objects.filter(project=project, status__in=PAYABLE)
        .select_related("contract")
        .order_by("due_on", "id")
    )
    settled = settled_by("payable", [p.pk for p in items], -1)
    report = Ageing("payables", today)
    for payable in items:
        due_on = payable.due_on or payable.invoice_date
        row = AgeingRow(
            payable,
            payable.contract.counterparty,
            due_on,
            payable.approved_amount,
            settled.get(payable.pk, ZERO),
            (today - due_on).days,
        )
        if row.outstanding > 0:
            report.rows.append(row)
    return report
