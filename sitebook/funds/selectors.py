"""Reads of the funds centre, starting from what the user may see.

Every balance is an SQL aggregation over the ledger summed in whole fen (`costs.money`), so
totals are exact to the fen on SQLite and PostgreSQL alike; nothing here is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import TruncMonth

from sitebook.core.errors import NotFound
from sitebook.costs.models import ChangeOrder, Contract, ContractLine
from sitebook.costs.money import fen_sum, from_fen, to_fen
from sitebook.engine.cashflow import add_months
from sitebook.funds.models import (
    DEFAULT_CERTIFY_DAYS,
    DEFAULT_DEFECTS_MONTHS,
    DEFAULT_RETENTION_CAP,
    Advance,
    Claim,
    ClaimLine,
    ContractTerms,
    FundsPolicy,
    LedgerEntry,
    Payable,
    Payment,
    PaymentRequest,
    Receipt,
    RetentionRelease,
)
from sitebook.projects import access
from sitebook.projects.models import Project
from sitebook.projects.selectors import project_get, project_list

IN = LedgerEntry.Direction.IN
OUT = LedgerEntry.Direction.OUT
CLAIM_COUNTED = (
    Claim.Status.CERTIFIED,
    Claim.Status.INVOICED,
    Claim.Status.PART_PAID,
    Claim.Status.PAID,
)
PAYABLE_COUNTED = (Payable.Status.APPROVED, Payable.Status.PART_PAID, Payable.Status.PAID)


# --- single objects ----------------------------------------------------------------------------


def funds_project(user: Any, project_id: int, code: str = "funds.view") -> Project:
    return project_get(user, project_id, code)


def _get(qs: QuerySet[Any], user: Any, pk: int, code: str) -> Any:
    obj = qs.select_related("project").filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    access.require(user, code, obj.project)
    return obj


def claim_get(user: Any, pk: int, code: str = "funds.view") -> Claim:
    return _get(Claim.objects.select_related("contract"), user, pk, code)


def payable_get(user: Any, pk: int, code: str = "funds.view") -> Payable:
    return _get(Payable.objects.select_related("contract"), user, pk, code)


def payment_request_get(user: Any, pk: int, code: str = "funds.view") -> PaymentRequest:
    return _get(PaymentRequest.objects.select_related("payable__contract"), user, pk, code)


def ledger_entry_get(user: Any, pk: int, code: str = "funds.view") -> LedgerEntry:
    return _get(LedgerEntry.objects.select_related("contract"), user, pk, code)


def contract_get(user: Any, pk: int, code: str = "funds.view") -> Contract:
    return _get(Contract.objects.all(), user, pk, code)


# --- terms -------------------------------------------------------------------------------------


class Policy(NamedTuple):
    """An organisation's funds defaults (the built-in ones when it has set none)."""

    retention_cap_percent: Decimal
    defects_liability_months: int
    certify_days: int


def policy(organisation_id: int) -> Policy:
    """The organisation's retention cap %, defects liability months and certify days."""
    row = FundsPolicy.objects.filter(organisation_id=organisation_id).first()
    if row is None:
        return Policy(DEFAULT_RETENTION_CAP, DEFAULT_DEFECTS_MONTHS, DEFAULT_CERTIFY_DAYS)
    return Policy(row.retention_cap_percent, row.defects_liability_months, row.certify_days)


@dataclass(frozen=True)
class Terms:
    retention_cap_percent: Decimal
    defects_liability_months: int
    completion_date: date | None
    certify_days: int = DEFAULT_CERTIFY_DAYS

    @property
    def retention_due_on(self) -> date | None:
        if self.completion_date is None:
            return None
        return add_months(self.completion_date, self.defects_liability_months)


def _own_or(value: Any, default: Any) -> Any:
    return default if value is None else value


def contract_terms(contract: Contract) -> Terms:
    """The contract's funds terms, each one it leaves empty taken from the policy."""
    cap, months, days = policy(contract.organisation_id)
    own = ContractTerms.objects.filter(contract=contract).first()
    if own is None:
        return Terms(cap, months, None, days)
    return Terms(
        _own_or(own.retention_cap_percent, cap),
        _own_or(own.defects_liability_months, months),
        own.completion_date,
        _own_or(own.certify_days, days),
    )


def contract_value(contract: Contract) -> Decimal:
    """The settlement value so far: contract lines plus approved change orders."""
    lines = ContractLine.objects.filter(contract=contract).aggregate(s=fen_sum("amount"))["s"]
    changes = ChangeOrder.objects.filter(
        contract=contract, status=ChangeOrder.Status.APPROVED
    ).aggregate(s=fen_sum("amount"))["s"]
    return from_fen(lines + changes)


def retention_cap(contract: Contract) -> Decimal:
    """The most retention the contract may hold: cap % of its settlement value."""
    terms = contract_terms(contract)
    return to_fen(contract_value(contract) * terms.retention_cap_percent / 100)


def retention_withheld(contract: Contract, *, exclude_claim: int | None = None) -> Decimal:
    """Retention withheld on the contract by certified claims or approved payables."""
    if contract.is_income:
        qs: QuerySet[Any] = Claim.objects.filter(contract=contract, status__in=CLAIM_COUNTED)
        if exclude_claim is not None:
            qs = qs.exclude(pk=exclude_claim)
    else:
        qs = Payable.objects.filter(contract=contract, status__in=PAYABLE_COUNTED)
    return from_fen(qs.aggregate(s=fen_sum("retention"))["s"])


def _net(qs: QuerySet[LedgerEntry]) -> Decimal:
    """Money in minus money out over `qs`, exact to the fen."""
    row = qs.aggregate(
        i=fen_sum("amount", when=Q(direction=IN)), o=fen_sum("amount", when=Q(direction=OUT))
    )
    return from_fen(row["i"] - row["o"])


def claim_received(claim: Claim) -> Decimal:
    """What the owner has paid on the claim (receipts less their reversals)."""
    return _net(LedgerEntry.objects.filter(claim=claim))


def payable_paid(payable: Payable) -> Decimal:
    """What has been paid on the payable (payments less their reversals)."""
    return -_net(LedgerEntry.objects.filter(payable=payable))


def payable_requested(payable: Payable) -> Decimal:
    """Requests still to be paid (submitted or approved)."""
    return from_fen(
        PaymentRequest.objects.filter(
            payable=payable,
            status__in=[PaymentRequest.Status.SUBMITTED, PaymentRequest.Status.APPROVED],
        ).aggregate(s=fen_sum("amount"))["s"]
    )


def retention_released(contract: Contract) -> Decimal:
    """Retention paid back on the contract so far (in either direction, reversals netted)."""
    net = _net(LedgerEntry.objects.filter(contract=contract, release__isnull=False))
    return abs(net)


def retention_held(contract: Contract) -> Decimal:
    return retention_withheld(contract) - retention_released(contract)


def advance_outstanding(contract: Contract, *, exclude_claim: int | None = None) -> Decimal:
    """Advance paid or received on the contract and not yet recovered."""
    advanced = abs(_net(LedgerEntry.objects.filter(contract=contract, advance__isnull=False)))
    if contract.is_income:
        qs: QuerySet[Any] = Claim.objects.filter(contract=contract, status__in=CLAIM_COUNTED)
        if exclude_claim is not None:
            qs = qs.exclude(pk=exclude_claim)
    else:
        qs = Payable.objects.filter(contract=contract, status__in=PAYABLE_COUNTED)
    recovered = from_fen(qs.aggregate(s=fen_sum("advance_recovery"))["s"])
    return advanced - recovered


def advances_total(contract: Contract) -> Decimal:
    return abs(_net(LedgerEntry.objects.filter(contract=contract, advance__isnull=False)))


# --- lists -------------------------------------------------------------------------------------


def claim_list(project: Project) -> QuerySet[Claim]:
    return Claim.objects.filter(project=project).select_related("contract").order_by("-id")


def claim_line_list(claim: Claim) -> QuerySet[ClaimLine]:
    return ClaimLine.objects.filter(claim=claim).order_by("id")


def receipt_list(project: Project) -> QuerySet[Receipt]:
    return (
        Receipt.objects.filter(project=project)
        .select_related("claim__contract")
        .order_by("-date", "-id")
    )


def payable_list(project: Project) -> QuerySet[Payable]:
    return Payable.objects.filter(project=project).select_related("contract").order_by("-id")


def payment_request_list(project: Project) -> QuerySet[PaymentRequest]:
    return (
        PaymentRequest.objects.filter(project=project)
        .select_related("payable__contract", "approved_by")
        .order_by("-id")
    )


def payment_list(project: Project) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(project=project)
        .select_related("contract", "payable")
        .order_by("-date", "-id")
    )


def advance_list(project: Project) -> QuerySet[Advance]:
    return (
        Advance.objects.filter(project=project).select_related("contract").order_by("-date", "-id")
    )


def release_list(project: Project) -> QuerySet[RetentionRelease]:
    return (
        RetentionRelease.objects.filter(project=project)
        .select_related("contract")
        .order_by("-date", "-id")
    )


def ledger_list(project: Project) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(project=project)
        .select_related("contract")
        .order_by("-entry_date", "-id")
    )


# --- balances (derived from the ledger) ---------------------------------------------------------


@dataclass
class Balance:
    key: Any
    label: str
    money_in: Decimal
    money_out: Decimal

    @property
    def net(self) -> Decimal:
        return self.money_in - self.money_out


def _grouped(qs: QuerySet[LedgerEntry], *keys: str) -> list[dict[str, Any]]:
    return list(
        qs.values(*keys)
        .annotate(
            i=fen_sum("amount", when=Q(direction=IN)), o=fen_sum("amount", when=Q(direction=OUT))
        )
        .order_by(*keys)
    )


def balances(project: Project, by: str = "project") -> list[Balance]:
    """Money in, out and net by `project`, `contract`, `counterparty` or `month`, one query."""
    qs = LedgerEntry.objects.filter(project=project)
    if by == "project":
        row = qs.aggregate(
            i=fen_sum("amount", when=Q(direction=IN)), o=fen_sum("amount", when=Q(direction=OUT))
        )
        return [Balance(project.pk, project.code, from_fen(row["i"]), from_fen(row["o"]))]
    if by == "contract":
        rows = _grouped(qs, "contract_id", "contract__code")
        return [
            Balance(r["contract_id"], r["contract__code"] or "", from_fen(r["i"]), from_fen(r["o"]))
            for r in rows
        ]
    if by == "counterparty":
        rows = _grouped(qs, "counterparty")
        return [
            Balance(r["counterparty"], r["counterparty"], from_fen(r["i"]), from_fen(r["o"]))
            for r in rows
        ]
    if by == "month":
        rows = _grouped(qs.annotate(month=TruncMonth("entry_date")), "month")
        out = []
        for r in rows:
            month = r["month"]
            month = month.date() if hasattr(month, "date") and callable(month.date) else month
            out.append(Balance(month, f"{month:%Y-%m}", from_fen(r["i"]), from_fen(r["o"])))
        return out
    raise ValueError(f"unknown grouping {by!r}")


def portfolio_balances(user: Any) -> list[dict[str, Any]]:
    """Money in, out and net of every project the user may see the funds of (one query)."""
    projects = [p for p in project_list(user) if access.has_perm(user, "funds.view", p)]
    ids = [p.pk for p in projects]
    rows = {
        r["project_id"]: r
        for r in LedgerEntry.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(
            i=fen_sum("amount", when=Q(direction=IN)), o=fen_sum("amount", when=Q(direction=OUT))
        )
    }
    result = []
    for p in projects:
        r = rows.get(p.pk, {"i": 0, "o": 0})
        money_in, money_out = from_fen(r["i"]), from_fen(r["o"])
        result.append(
            {
                "project": p,
                "money_in": money_in,
                "money_out": money_out,
                "net": money_in - money_out,
            }
        )
    return result


# --- retention due ("reminders") ----------------------------------------------------------------


@dataclass
class RetentionDue:
    contract: Contract
    due_on: date
    held: Decimal
    direction: str  # "in": the owner owes us; "out": we owe the subcontractor

    @property
    def overdue(self) -> bool:
        return self.due_on < date.today()


def retention_due(
    projects: QuerySet[Project] | list[Project], *, within_days: int = 30, today: date | None = None
) -> list[RetentionDue]:
    """Retention still held whose release date falls before `today + within_days`.

    A fixed number of queries whatever the number of contracts: terms, policies,
    withheld (claims, payables) and released (ledger) are each one grouped query.
    """
    today = today or date.today()
    horizon = today + timedelta(days=within_days)
    ids = [p.pk if isinstance(p, Project) else p for p in projects]
    terms = {
        t.contract_id: t
        for t in ContractTerms.objects.filter(
            project_id__in=ids, completion_date__isnull=False
        ).select_related("contract")
    }
    if not terms:
        return []
    policies = {
        p.organisation_id: p
        for p in FundsPolicy.objects.filter(
            organisation_id__in={t.organisation_id for t in terms.values()}
        )
    }
    withheld: dict[int, int] = {}
    for model, statuses in ((Claim, CLAIM_COUNTED), (Payable, PAYABLE_COUNTED)):
        for cid, fen in (
            model.objects.filter(contract_id__in=terms, status__in=statuses)  # type: ignore[attr-defined]
            .values("contract_id")
            .annotate(s=fen_sum("retention"))
            .values_list("contract_id", "s")
        ):
            withheld[cid] = withheld.get(cid, 0) + fen
    released = {
        r["contract_id"]: abs(r["i"] - r["o"])
        for r in _grouped(
            LedgerEntry.objects.filter(contract_id__in=terms, release__isnull=False), "contract_id"
        )
    }
    due: list[RetentionDue] = []
    for cid, t in terms.items():
        held = withheld.get(cid, 0) - released.get(cid, 0)
        if held <= 0:
            continue
        pol = policies.get(t.organisation_id)
        months = t.defects_liability_months
        if months is None:
            months = pol.defects_liability_months if pol else DEFAULT_DEFECTS_MONTHS
        assert t.completion_date is not None
        due_on = add_months(t.completion_date, months)
        if due_on <= horizon:
            direction = IN if t.contract.is_income else OUT
            due.append(RetentionDue(t.contract, due_on, from_fen(held), direction))
    return sorted(due, key=lambda d: (d.due_on, d.contract.code))


def retention_due_for_user(user: Any, *, within_days: int = 30) -> list[RetentionDue]:
    projects = [p for p in project_list(user) if access.has_perm(user, "funds.view", p)]
    return retention_due(projects, within_days=within_days)


# --- dashboard card ----------------------------------------------------------------------------


@dataclass
class FundsCard:
    """What a project's funds card shows: claimed, certified, received, owed, paid, held."""

    claimed: Decimal
    certified: Decimal
    due_from_owner: Decimal
    received: Decimal
    receivable: Decimal
    approved_payables: Decimal
    paid: Decimal
    payable: Decimal
    retention_held_by_owner: Decimal
    retention_held_from_subs: Decimal
    net_cash: Decimal
    retention_due_soon: list[RetentionDue]


def funds_card(project: Project, *, within_days: int = 30, today: date | None = None) -> FundsCard:
    """The project's funds figures in a fixed number of queries."""
    claims = Claim.objects.filter(project=project, status__in=CLAIM_COUNTED).aggregate(
        claimed=fen_sum("claimed_amount"),
        certified=fen_sum("certified_amount"),
        due=fen_sum("amount_due"),
        retention=fen_sum("retention"),
    )
    payables = Payable.objects.filter(project=project, status__in=PAYABLE_COUNTED).aggregate(
        approved=fen_sum("approved_amount"), retention=fen_sum("retention")
    )
    ledger = LedgerEntry.objects.filter(project=project)
    claim_net = ledger.filter(claim__isnull=False).aggregate(
        i=fen_sum("amount", when=Q(direction=IN)), o=fen_sum("amount", when=Q(direction=OUT))
    )
    payable_net = ledger.filter(payable__isnull=False).aggregate(
        i=fen_sum("amount", when=Q(direction=IN)), o=fen_sum("amount", when=Q(direction=OUT))
    )
    releases = _grouped(ledger.filter(release__isnull=False), "release__direction")
    released = {r["release__direction"]: abs(r["i"] - r["o"]) for r in releases}
    total = ledger.aggregate(
        i=fen_sum("amount", when=Q(direction=IN)), o=fen_sum("amount", when=Q(direction=OUT))
    )
    received = from_fen(claim_net["i"] - claim_net["o"])
    paid = from_fen(payable_net["o"] - payable_net["i"])
    return FundsCard(
        claimed=from_fen(claims["claimed"]),
        certified=from_fen(claims["certified"]),
        due_from_owner=from_fen(claims["due"]),
        received=received,
        receivable=from_fen(claims["due"]) - received,
        approved_payables=from_fen(payables["approved"]),
        paid=paid,
        payable=from_fen(payables["approved"]) - paid,
        retention_held_by_owner=from_fen(claims["retention"] - released.get(IN, 0)),
        retention_held_from_subs=from_fen(payables["retention"] - released.get(OUT, 0)),
        net_cash=from_fen(total["i"] - total["o"]),
        retention_due_soon=retention_due([project], within_days=within_days, today=today),
    )


def claimed_before(
    contract_line_ids: list[int], *, exclude_claim: int | None = None
) -> dict[int, tuple[Decimal, Decimal]]:
    """{contract line id: (quantity claimed to date, amount claimed)} over open claims."""
    qs = ClaimLine.objects.filter(contract_line_id__in=contract_line_ids, superseded=False)
    if exclude_claim is not None:
        qs = qs.exclude(claim_id=exclude_claim)
    rows = qs.values("contract_line_id").annotate(q=Max("quantity_to_date"), s=fen_sum("amount"))
    return {r["contract_line_id"]: (r["q"] or Decimal(0), from_fen(r["s"])) for r in rows}
