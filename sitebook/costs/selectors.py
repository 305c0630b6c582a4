"""Reads of the cost centre, starting from what the user may see.

Roll-ups are SQL aggregations (GROUP BY cost code) summed in whole fen; each function runs
a fixed number of queries whatever the number of lines or transactions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from sitebook.core.errors import NotFound
from sitebook.costs import adapters
from sitebook.costs.models import (
    BudgetLine,
    BudgetRevision,
    ChangeOrder,
    Contract,
    ContractLine,
    Control,
    CostCode,
    CostPolicy,
    CostTransaction,
    EvmSnapshot,
    LineForecast,
    PaymentStage,
    ProgressEntry,
)
from sitebook.costs.money import ZERO, allocate, fen_sum, from_fen, to_fen
from sitebook.engine import evm as engine
from sitebook.projects import access
from sitebook.projects.models import Project
from sitebook.projects.selectors import project_get, project_list

COMMITTED_STATUSES = (Contract.Status.ACTIVE, Contract.Status.CLOSED)


# --- single objects ----------------------------------------------------------------------------


def _get(qs: QuerySet[Any], user: Any, pk: int, code: str) -> Any:
    obj = qs.select_related("project").filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    access.require(user, code, obj.project)
    return obj


def cost_project(user: Any, project_id: int, code: str = "costs.view") -> Project:
    return project_get(user, project_id, code)


def cost_code_get(user: Any, pk: int, code: str = "costs.view") -> CostCode:
    return _get(CostCode.objects.all(), user, pk, code)


def contract_get(user: Any, pk: int, code: str = "costs.view") -> Contract:
    return _get(Contract.objects.all(), user, pk, code)


def change_order_get(user: Any, pk: int, code: str = "costs.view") -> ChangeOrder:
    return _get(ChangeOrder.objects.select_related("contract", "cost_code"), user, pk, code)


def cost_transaction_get(user: Any, pk: int, code: str = "costs.view") -> CostTransaction:
    return _get(CostTransaction.objects.select_related("cost_code"), user, pk, code)


# --- lists -------------------------------------------------------------------------------------


def cost_code_list(project: Project) -> QuerySet[CostCode]:
    return CostCode.objects.filter(project=project).order_by("code", "id")


def current_revision(project: Project) -> BudgetRevision | None:
    return BudgetRevision.objects.filter(project=project, is_current=True).first()


def revision_list(project: Project) -> QuerySet[BudgetRevision]:
    return (
        BudgetRevision.objects.filter(project=project)
        .select_related("created_by", "change_order")
        .order_by("-number")
    )


def budget_line_list(project: Project, revision_id: int | None = None) -> QuerySet[BudgetLine]:
    qs = BudgetLine.objects.filter(project=project).select_related("cost_code", "revision")
    if revision_id is not None:
        return qs.filter(revision_id=revision_id).order_by("item_code", "id")
    return qs.filter(revision__is_current=True).order_by("item_code", "id")


def contract_list(project: Project) -> QuerySet[Contract]:
    """Contracts with their original value (lines) and approved changes, summed in SQL."""
    return Contract.objects.filter(project=project).order_by("code", "id")


def contract_values(project: Project) -> dict[int, tuple[Decimal, Decimal]]:
    """{contract id: (original value, approved changes)} in two grouped queries."""
    lines = dict(
        ContractLine.objects.filter(project=project)
        .values("contract_id")
        .annotate(s=fen_sum("amount"))
        .values_list("contract_id", "s")
    )
    changes = dict(
        ChangeOrder.objects.filter(project=project, status=ChangeOrder.Status.APPROVED)
        .values("contract_id")
        .annotate(s=fen_sum("amount"))
        .values_list("contract_id", "s")
    )
    ids = set(lines) | set(changes)
    return {i: (from_fen(lines.get(i)), from_fen(changes.get(i))) for i in ids}


def contract_line_list(contract: Contract) -> QuerySet[ContractLine]:
    return ContractLine.objects.filter(contract=contract).select_related("cost_code").order_by("id")


def payment_stage_list(contract: Contract) -> QuerySet[PaymentStage]:
    return PaymentStage.objects.filter(contract=contract).order_by("number")


def change_order_list(project: Project) -> QuerySet[ChangeOrder]:
    return (
        ChangeOrder.objects.filter(project=project)
        .select_related("contract", "cost_code", "decided_by")
        .order_by("-id")
    )


def cost_transaction_list(project: Project) -> QuerySet[CostTransaction]:
    return (
        CostTransaction.objects.filter(project=project)
        .select_related("cost_code", "contract")
        .order_by("-date", "-id")
    )


def snapshot_list(project: Project, wbs_node_id: int | None = None) -> QuerySet[EvmSnapshot]:
    qs = EvmSnapshot.objects.filter(project=project)
    if wbs_node_id is None:
        return qs.filter(wbs_node__isnull=True).order_by("data_date")
    return qs.filter(wbs_node_id=wbs_node_id).order_by("data_date")


# --- budget control figures ------------------------------------------------------------------


def default_control(organisation_id: int) -> str:
    policy = CostPolicy.objects.filter(organisation_id=organisation_id).first()
    return policy.control if policy else Control.WARN


@dataclass
class Exposure:
    budget: Decimal
    committed: Decimal
    actual: Decimal
    uncommitted_actual: Decimal

    @property
    def total(self) -> Decimal:
        """Committed plus actual, counting an actual cost against a contract only once."""
        return self.committed + self.uncommitted_actual


def _uncommitted() -> Q:
    """Actual costs not already counted as a commitment (no contract, or a draft one)."""
    return Q(contract__isnull=True) | ~Q(contract__status__in=COMMITTED_STATUSES)


def exposure(cost_code: CostCode) -> Exposure:
    """Current budget, commitments and actuals of one cost code (four queries)."""
    budget = BudgetLine.objects.filter(cost_code=cost_code, revision__is_current=True).aggregate(
        s=fen_sum("amount")
    )["s"]
    committed = (
        ContractLine.objects.filter(
            cost_code=cost_code,
            contract__status__in=COMMITTED_STATUSES,
        )
        .exclude(contract__kind=Contract.Kind.INCOME)
        .aggregate(s=fen_sum("amount"))["s"]
    )
    changes = (
        ChangeOrder.objects.filter(
            cost_code=cost_code,
            status=ChangeOrder.Status.APPROVED,
            contract__status__in=COMMITTED_STATUSES,
        )
        .exclude(contract__kind=Contract.Kind.INCOME)
        .aggregate(s=fen_sum("amount"))["s"]
    )
    actual = CostTransaction.objects.filter(cost_code=cost_code).aggregate(
        s=fen_sum("amount"), u=fen_sum("amount", when=_uncommitted())
    )
    return Exposure(
        budget=from_fen(budget),
        committed=from_fen(committed + changes),
        actual=from_fen(actual["s"]),
        uncommitted_actual=from_fen(actual["u"]),
    )


# --- the cost summary --------------------------------------------------------------------------


@dataclass
class SummaryRow:
    code: CostCode | None
    depth: int = 0
    original: Decimal = ZERO
    budget: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO
    uncommitted_actual: Decimal = ZERO
    earned: Decimal = ZERO
    etc: Decimal = ZERO
    percent: Decimal = ZERO
    control: str = Control.WARN
    is_leaf: bool = True

    @property
    def eac(self) -> Decimal:
        return self.actual + self.etc

    @property
    def variance(self) -> Decimal:
        """Budget minus estimate at completion: negative is an overrun."""
        return self.budget - self.eac

    @property
    def exposure(self) -> Decimal:
        return self.committed + self.uncommitted_actual

    @property
    def over_budget(self) -> bool:
        return self.exposure > self.budget or self.eac > self.budget


@dataclass
class LineRow:
    """A BOQ line of the current budget with its forecast (see `line_forecasts`)."""

    item_code: str
    description: str
    cost_code: CostCode
    quantity: Decimal
    budget: Decimal
    method: str = LineForecast.Method.AUTO
    forecast: LineForecast | None = None
    actual: Decimal = ZERO  # the line's budget share of its cost code's actual cost
    etc: Decimal = ZERO

    @property
    def eac(self) -> Decimal:
        return self.actual + self.etc


@dataclass
class CostSummary:
    project: Project
    rows: list[SummaryRow]
    total: SummaryRow
    income_value: Decimal
    income_from_contracts: bool
    revision: BudgetRevision | None
    data_date: date
    alerts: list[SummaryRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)

    @property
    def margin(self) -> Decimal:
        return self.income_value - self.total.eac

    @property
    def margin_percent(self) -> Decimal | None:
        if not self.income_value:
            return None
        return to_fen(self.margin * 100 / self.income_value)


def _latest_progress(project: Project, data_date: date) -> dict[int, tuple[date, Decimal]]:
    return adapters.manual_progress(
        ProgressEntry.objects.filter(project=project, date__lte=data_date)
        .order_by("date", "id")
        .values_list("cost_code_id", "date", "percent_complete"),
        data_date,
    )


def _etc(row: SummaryRow) -> Decimal:
    """Estimate to complete by the cost code's forecast method (never below zero)."""
    code = row.code
    method = code.forecast_method if code else CostCode.Forecast.AUTO
    remaining_budget = max(row.budget - row.earned, ZERO)
    if method == CostCode.Forecast.MANUAL and code and code.forecast_etc is not None:
        return code.forecast_etc
    if method == CostCode.Forecast.BUDGET_RATE:
        return remaining_budget
    if method == CostCode.Forecast.CPI or (method == CostCode.Forecast.AUTO and row.earned > 0):
        if row.earned > 0 and row.actual > 0:
            # ETC = (BAC - EV) / CPI = (BAC - EV) x AC / EV
            return to_fen(remaining_budget * row.actual / row.earned)
        return remaining_budget
    # Automatic without progress: what the budget or the open commitments still need.
    open_commitment = max(row.committed - (row.actual - row.uncommitted_actual), ZERO)
    return max(row.budget - row.actual, open_commitment, ZERO)


def cost_summary(project: Project, data_date: date | None = None) -> CostSummary:
    """Budget (original and current), committed, actual, forecast and margin per cost code.

    Thirteen queries whatever the data size (sixteen when activities are linked to the cost
    codes: earned value then follows their progress, see `adapters`); parents sum their
    children.
    """
    data_date = data_date or date.today()
    revisions = {
        r.number if not r.is_current else -1: r
        for r in BudgetRevision.objects.filter(project=project).filter(
            Q(is_current=True) | Q(number=1)
        )
    }
    current = revisions.get(-1)
    original = revisions.get(1) or current
    codes = list(cost_code_list(project))
    budget_by_rev: dict[tuple[int, int], int] = {
        (rev_id, cc_id): s
        for rev_id, cc_id, s in BudgetLine.objects.filter(
            revision_id__in=[r.pk for r in (current, original) if r is not None]
        )
        .values("revision_id", "cost_code_id")
        .annotate(s=fen_sum("amount"))
        .values_list("revision_id", "cost_code_id", "s")
    }
    committed_lines = dict(
        ContractLine.objects.filter(project=project, contract__status__in=COMMITTED_STATUSES)
        .exclude(contract__kind=Contract.Kind.INCOME)
        .values("cost_code_id")
        .annotate(s=fen_sum("amount"))
        .values_list("cost_code_id", "s")
    )
    committed_changes = dict(
        ChangeOrder.objects.filter(
            project=project,
            status=ChangeOrder.Status.APPROVED,
            contract__status__in=COMMITTED_STATUSES,
        )
        .exclude(contract__kind=Contract.Kind.INCOME)
        .values("cost_code_id")
        .annotate(s=fen_sum("amount"))
        .values_list("cost_code_id", "s")
    )
    actuals = {
        cc_id: (s, u)
        for cc_id, s, u in CostTransaction.objects.filter(project=project)
        .values("cost_code_id")
        .annotate(s=fen_sum("amount"), u=fen_sum("amount", when=_uncommitted()))
        .values_list("cost_code_id", "s", "u")
    }
    progress = _latest_progress(project, data_date)
    plan = adapters.schedule_plan(project.pk, codes)
    current_budgets = {
        cc.pk: from_fen(budget_by_rev.get((current.pk, cc.pk))) if current else ZERO for cc in codes
    }
    shares = adapters.code_shares(codes, current_budgets, plan)
    control = default_control(project.organisation_id)
    income = (
        ContractLine.objects.filter(project=project, contract__kind=Contract.Kind.INCOME)
        .exclude(contract__status=Contract.Status.DRAFT)
        .aggregate(s=fen_sum("amount"))["s"]
    )
    income_changes = (
        ChangeOrder.objects.filter(
            project=project,
            contract__kind=Contract.Kind.INCOME,
            status=ChangeOrder.Status.APPROVED,
        )
        .exclude(contract__status=Contract.Status.DRAFT)
        .aggregate(s=fen_sum("amount"))["s"]
    )
    has_income = bool(income or income_changes)
    income_value = from_fen(income + income_changes) if has_income else project.contract_value

    rows: dict[int, SummaryRow] = {}
    for cc in codes:
        s, u = actuals.get(cc.pk, (0, 0))
        row = SummaryRow(
            code=cc,
            original=from_fen(budget_by_rev.get((original.pk, cc.pk))) if original else ZERO,
            budget=from_fen(budget_by_rev.get((current.pk, cc.pk))) if current else ZERO,
            committed=from_fen(committed_lines.get(cc.pk, 0) + committed_changes.get(cc.pk, 0)),
            actual=from_fen(s),
            uncommitted_actual=from_fen(u),
            control=cc.control or control,
        )
        share = shares[cc.pk]
        manual = progress.get(cc.pk)
        row.earned = engine.earned_value(adapters.code_earned(share, manual, data_date))
        if share.activities:
            row.percent = to_fen(row.earned * 100 / row.budget) if row.budget else ZERO
        else:
            row.percent = manual[1] if manual else ZERO
        row.etc = _etc(row)
        rows[cc.pk] = row
    lines = line_forecasts(project, current, rows)
    ordered = _tree(codes, rows)
    total = SummaryRow(code=None, control=control, is_leaf=False)
    for line in ordered:
        if line.depth == 0:
            for name in ("original", "budget", "committed", "actual", "uncommitted_actual"):
                setattr(total, name, getattr(total, name) + getattr(line, name))
            total.earned += line.earned
            total.etc += line.etc
    if total.budget:
        total.percent = to_fen(total.earned * 100 / total.budget)
    alerts = [r for r in ordered if r.is_leaf and r.over_budget]
    return CostSummary(
        project=project,
        rows=ordered,
        total=total,
        income_value=income_value,
        income_from_contracts=has_income,
        revision=current,
        data_date=data_date,
        alerts=alerts,
        lines=lines,
    )


def _line_etc(line: LineRow, row: SummaryRow) -> Decimal:
    """A line's own estimate to complete (method manual, CPI or unit rate)."""
    f = line.forecast
    assert f is not None
    if line.method == LineForecast.Method.MANUAL:
        return f.etc or ZERO
    if line.method == LineForecast.Method.UNIT_RATE:
        # Remaining quantity x actual unit rate (the line's actual cost / quantity done).
        if not f.quantity_done:
            return ZERO
        remaining = max(line.quantity - f.quantity_done, ZERO)
        return to_fen(remaining * line.actual / f.quantity_done)
    # CPI of the cost code: (line budget - line EV) / CPI, the line earning the code's percent.
    earned = row.earned * line.budget / row.budget if row.budget else ZERO
    remaining_budget = max(line.budget - earned, ZERO)
    if row.earned > 0 and row.actual > 0:
        return to_fen(remaining_budget * row.actual / row.earned)
    return to_fen(remaining_budget)


def line_forecasts(
    project: Project, current: BudgetRevision | None, rows: dict[int, SummaryRow]
) -> list[LineRow]:
    """Forecast to complete per BOQ line of the current budget, rolled up into `rows`.

    A line with its own method (manual, CPI of its cost code, or remaining quantity at the
    actual unit rate) is forecast on its own; the lines without one share the rest of their
    cost code's forecast in proportion to their budgets. A cost code with at least one line
    forecast on its own then forecasts the sum of its lines. Each line carries its budget
    share of the cost code's actual cost (in whole fen, adding up to the code's). Two queries.
    """
    if current is None:
        return []
    forecasts = {f.item_code: f for f in LineForecast.objects.filter(project=project)}
    by_code: dict[int, list[LineRow]] = {}
    out: list[LineRow] = []
    for line in BudgetLine.objects.filter(revision=current).order_by("item_code", "id"):
        row = rows.get(line.cost_code_id)
        if row is None or row.code is None:
            continue
        f = forecasts.get(line.item_code)
        item = LineRow(
            item_code=line.item_code,
            description=line.description,
            cost_code=row.code,
            quantity=line.quantity,
            budget=line.amount,
            method=f.method if f else LineForecast.Method.AUTO,
            forecast=f,
        )
        by_code.setdefault(line.cost_code_id, []).append(item)
        out.append(item)
    for cc_id, items in by_code.items():
        row = rows[cc_id]
        for item, part in zip(items, allocate(row.actual, [i.budget for i in items]), strict=True):
            item.actual = part
        own = [i for i in items if i.method != LineForecast.Method.AUTO]
        rest = [i for i in items if i.method == LineForecast.Method.AUTO]
        for item in own:
            item.etc = _line_etc(item, row)
        rest_budget = sum((i.budget for i in rest), ZERO)
        if not own:
            rest_etc = row.etc
        elif row.budget:
            rest_etc = to_fen(row.etc * rest_budget / row.budget)
        else:
            rest_etc = to_fen(row.etc * len(rest) / len(items))
        for item, part in zip(rest, allocate(rest_etc, [i.budget for i in rest]), strict=True):
            item.etc = part
        if own:
            row.etc = sum((i.etc for i in items), ZERO)
    return out


def _tree(codes: list[CostCode], rows: dict[int, SummaryRow]) -> list[SummaryRow]:
    """Rows in outline order; a parent's figures become the sums of its own and its children's."""
    children: dict[int | None, list[CostCode]] = {}
    for cc in codes:
        children.setdefault(cc.parent_id, []).append(cc)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.sort_order, c.code))

    def visit(cc: CostCode, depth: int, out: list[SummaryRow]) -> SummaryRow:
        row = rows[cc.pk]
        row.depth = depth
        out.append(row)
        kids = children.get(cc.pk, [])
        if kids:
            row.is_leaf = False
            for kid in kids:
                sub = visit(kid, depth + 1, out)
                for name in (
                    "original",
                    "budget",
                    "committed",
                    "actual",
                    "uncommitted_actual",
                    "earned",
                    "etc",
                ):
                    setattr(row, name, getattr(row, name) + getattr(sub, name))
            if row.budget:
                row.percent = to_fen(row.earned * 100 / row.budget)
        return row

    out: list[SummaryRow] = []
    for root in children.get(None, []):
        visit(root, 0, out)
    return out


def portfolio_summary(user: Any) -> list[dict[str, Any]]:
    """Budget and actual of every project the user may see with costs: two grouped queries."""
    # Ids first: a plain IN list plans better than the visibility query as a subquery.
    projects = list(project_list(user).values_list("pk", flat=True))
    budgets = dict(
        BudgetLine.objects.filter(project__in=projects, revision__is_current=True)
        .values("project_id")
        .annotate(s=fen_sum("amount"))
        .values_list("project_id", "s")
    )
    actuals = dict(
        CostTransaction.objects.filter(project__in=projects)
        .values("project_id")
        .annotate(s=fen_sum("amount"))
        .values_list("project_id", "s")
    )
    ids = set(budgets) | set(actuals)
    return [
        {"project_id": i, "budget": from_fen(budgets.get(i)), "actual": from_fen(actuals.get(i))}
        for i in sorted(ids)
    ]
