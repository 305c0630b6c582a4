"""Cash flow, forecast against actual, by month: per project and company-wide.

Forecast: every contract in force (income, subcontract, purchase; drafts left out) is
forecast by `engine.cashflow` from its monthly work value and its payment terms. The work
value follows the budget's planned value (PV) as the cost centre spreads it
(`costs.adapters.spread_items`: over the baseline schedule's activities when they are
linked, else over the cost codes' planned dates): a contract line or an approved change
order with a budgeted cost code is spread like that cost code's PV, any other like the
project's whole PV (or, with no budget at all, evenly over the project's dates). The terms
are the contract's (advance %, progress payment %, retention %, days to pay) with the
funds terms of the contract or else the organisation's policy for the retention cap, the
defects liability period and the days the engineer takes to certify each month-end claim
(`certify_days`, 14 unless set).

Actual: the funds ledger summed by month in SQL in whole fen (exact on SQLite too); a
reversal counts against the direction of the entry it reverses.

Queries: seven for any number of projects (cost codes, budgets, contract lines, change
orders, contract terms, policies, the ledger), plus the schedule plans of all of them read
together (`costs.adapters.schedule_plans`: one query, four when activities are linked to
budgeted cost codes); the company view adds one for the projects the user may see: twelve
at most whatever the number of projects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.db.models.functions import TruncMonth

from sitebook.costs.adapters import SchedulePlan, schedule_plans, spread_items
from sitebook.costs.models import BudgetLine, ChangeOrder, Contract, ContractLine, CostCode
from sitebook.costs.money import fen_sum, from_fen
from sitebook.engine import cashflow as engine
from sitebook.engine.evm import LINEAR, SpreadItem, pv_curve
from sitebook.funds.models import ContractTerms, FundsPolicy, LedgerEntry
from sitebook.projects import access
from sitebook.projects.models import Project
from sitebook.projects.selectors import project_list

ZERO = Decimal("0.00")
#: Why a contract has no forecast: nothing to spread its value over (else the bad term).
NO_PLAN = "plan"
#: Terms neither the contract nor the organisation's policy sets.
DEFAULTS = {
    "retention_cap_percent": engine.DEFAULT_RETENTION_CAP_PERCENT,
    "defects_liability_months": engine.DEFAULT_DEFECTS_MONTHS,
    "certify_days": engine.DEFAULT_CERTIFY_DAYS,
}
COMMITTED = (Contract.Status.ACTIVE, Contract.Status.CLOSED)
Curve = list[tuple[dt.date, Decimal]]


@dataclass
class ContractForecast:
    contract: Contract
    terms: engine.Terms | None
    forecast: engine.Forecast | None
    problem: str = ""


@dataclass
class CashflowRow:
    """One month: forecast and actual money in and out, and their running totals."""

    month: dt.date
    forecast_in: Decimal = ZERO
    forecast_out: Decimal = ZERO
    actual_in: Decimal = ZERO
    actual_out: Decimal = ZERO
    forecast_cumulative: Decimal = ZERO
    actual_cumulative: Decimal = ZERO

    @property
    def forecast_net(self) -> Decimal:
        return self.forecast_in - self.forecast_out

    @property
    def actual_net(self) -> Decimal:
        return self.actual_in - self.actual_out


@dataclass
class Cashflow:
    rows: list[CashflowRow] = field(default_factory=list)
    contracts: list[ContractForecast] = field(default_factory=list)

    def total(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.rows), ZERO)

    @property
    def problems(self) -> list[ContractForecast]:
        return [c for c in self.contracts if c.problem]

    def chart(self) -> dict[str, Any]:
        """Labels and series for the ECharts chart (Decimals as strings)."""
        return {
            "labels": [f"{r.month:%Y-%m}" for r in self.rows],
            **{
                name: [str(getattr(r, name)) for r in self.rows]
                for name in (
                    "forecast_in",
                    "forecast_out",
                    "actual_in",
                    "actual_out",
                    "forecast_cumulative",
                    "actual_cumulative",
                )
            },
        }


# --- inputs ------------------------------------------------------------------------------------


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    return [engine.month_end(m) for m in engine.months_between(first, last)]


def _curve(items: list[SpreadItem]) -> Curve:
    """Cumulative planned value at each month end from the items' first month to their last,
    as (first day of month): before it nothing is planned, after it everything."""
    if not items:
        return []
    ends = _month_ends(min(i.start for i in items), max(i.finish for i in items))
    values = pv_curve(items, ends)[1:]
    return [(engine.month_start(end), v) for end, v in zip(ends, values, strict=True)]


def _sum_curves(curves: list[Curve]) -> Curve:
    """Curves added month by month, each held at its last value after its end."""
    months = sorted({m for curve in curves for m, _v in curve})
    total: dict[dt.date, Decimal] = dict.fromkeys(months, ZERO)
    for curve in curves:
        at = dict(curve)
        value = ZERO
        for month in months:
            value = at.get(month, value)
            total[month] += value
    return list(total.items())


class _Spreader:
    """Curves of one project: per budgeted cost code and of the whole project."""

    def __init__(
        self,
        project: Project,
        codes: list[CostCode],
        budgets: dict[int, Decimal],
        plan: SchedulePlan | None,
    ):
        self.project = project
        # The dates a cost code without its own (or activities) is spread over, as costs does.
        starts = [c.planned_start for c in codes if c.planned_start]
        finishes = [c.planned_finish for c in codes if c.planned_finish]
        start = project.start_date or (min(starts) if starts else dt.date.today())
        finish = project.finish_date or (
            max(finishes) if finishes else start + dt.timedelta(days=365)
        )
        budgeted = [c for c in codes if budgets.get(c.pk)]
        self.items: dict[int, list[SpreadItem]] = {
            cc.pk: spread_items([cc], budgets, start, max(start, finish), plan) for cc in budgeted
        }
        self.code_curves: dict[int, Curve] = {}
        self._project_curve: Curve | None = None

    def curve(self, cost_code_id: int | None) -> Curve:
        """A budgeted cost code's planned value by month; else the whole project's."""
        if cost_code_id is None or cost_code_id not in self.items:
            return self.project_curve()
        if cost_code_id not in self.code_curves:
            self.code_curves[cost_code_id] = _curve(self.items[cost_code_id])
        return self.code_curves[cost_code_id]

    def project_curve(self) -> Curve:
        """The sum of the cost codes' curves; with no budget, even over the project's dates."""
        if self._project_curve is None:
            if self.items:
                curves = [self.curve(cc_id) for cc_id in self.items]
                self._project_curve = _sum_curves(curves)
            elif self.project.start_date and self.project.finish_date:
                first = self.project.start_date
                last = max(first, self.project.finish_date)
                self._project_curve = _curve([SpreadItem(Decimal(1), first, last, LINEAR)])
            else:
                self._project_curve = []
        return self._project_curve


def _own_or_policy(name: str, own: ContractTerms | None, policy: FundsPolicy | None) -> Any:
    """The contract's own term `name`, else the organisation's policy, else the default."""
    value = getattr(own, name) if own is not None else None
    if value is None and policy is not None:
        value = getattr(policy, name)
    return DEFAULTS[name] if value is None else value


def _terms(contract: Contract, own: ContractTerms | None, policy: FundsPolicy | None) -> Any:
    return engine.Terms(
        kind=engine.INCOME if contract.is_income else engine.EXPENSE,
        advance_percent=contract.advance_percent,
        payment_percent=contract.progress_payment_percent,
        retention_percent=contract.retention_percent,
        retention_cap_percent=_own_or_policy("retention_cap_percent", own, policy),
        certify_days=_own_or_policy("certify_days", own, policy),
        payment_days=contract.payment_days,
        defects_months=_own_or_policy("defects_liability_months", own, policy),
    )


def _spreaders(
    projects: list[Project], codes: dict[int, list[CostCode]], budgets: dict[int, Decimal]
) -> dict[int, _Spreader]:
    """The spreader of each project, their schedule plans read together (four queries at
    most, none when no project has a budgeted cost code)."""
    budgeted = {p.pk: [c for c in codes.get(p.pk, []) if budgets.get(c.pk)] for p in projects}
    wanted: dict[int, Iterable[CostCode]] = {pid: cc for pid, cc in budgeted.items() if cc}
    plans = schedule_plans(wanted) if wanted else {}
    return {p.pk: _Spreader(p, codes.get(p.pk, []), budgets, plans.get(p.pk)) for p in projects}


def contract_forecasts(projects: list[Project]) -> list[ContractForecast]:
    """The forecast of every contract in force on `projects` (see the module docstring)."""
    ids = [p.pk for p in projects]
    codes: dict[int, list[CostCode]] = {}
    for cc in CostCode.objects.filter(project_id__in=ids):
        codes.setdefault(cc.project_id, []).append(cc)
    budgets = {
        cc_id: from_fen(s)
        for cc_id, s in BudgetLine.objects.filter(project_id__in=ids, revision__is_current=True)
        .values("cost_code_id")
        .annotate(s=fen_sum("amount"))
        .values_list("cost_code_id", "s")
    }
    contracts: dict[int, Contract] = {}
    # {contract: {cost code (None: none): its lines and approved changes summed}}
    parts: dict[int, dict[int | None, Decimal]] = {}
    lines = ContractLine.objects.filter(project_id__in=ids, contract__status__in=COMMITTED)
    orders = ChangeOrder.objects.filter(
        project_id__in=ids, status=ChangeOrder.Status.APPROVED, contract__status__in=COMMITTED
    )
    for row in [*lines.select_related("contract"), *orders.select_related("contract")]:
        contracts.setdefault(row.contract_id, row.contract)
        by_code = parts.setdefault(row.contract_id, {})
        by_code[row.cost_code_id] = by_code.get(row.cost_code_id, ZERO) + row.amount
    if not contracts:
        return []
    own = {t.contract_id: t for t in ContractTerms.objects.filter(contract_id__in=contracts)}
    policies = {
        p.organisation_id: p
        for p in FundsPolicy.objects.filter(
            organisation_id__in={p.organisation_id for p in projects}
        )
    }
    by_id = {p.pk: p for p in projects}
    spreaders = _spreaders(
        [by_id[pid] for pid in sorted({c.project_id for c in contracts.values()})], codes, budgets
    )
    out = []
    for contract in sorted(contracts.values(), key=lambda c: (c.project_id, c.code)):
        project = by_id[contract.project_id]
        spreader = spreaders[project.pk]
        terms = _terms(contract, own.get(contract.pk), policies.get(project.organisation_id))
        work: list[tuple[dt.date, Decimal]] = []
        for cost_code_id, amount in parts[contract.pk].items():
            work += engine.spread_like(amount, spreader.curve(cost_code_id))
        if not work:
            out.append(ContractForecast(contract, terms, None, NO_PLAN))
            continue
        try:
            out.append(ContractForecast(contract, terms, engine.forecast(work, terms)))
        except engine.TermsError as exc:
            out.append(ContractForecast(contract, terms, None, exc.field))
    return out


def actual_months(projects: list[Project]) -> dict[dt.date, tuple[Decimal, Decimal]]:
    """{first day of month: (money in, money out)} from the ledger, one grouped query."""
    IN, OUT = LedgerEntry.Direction.IN, LedgerEntry.Direction.OUT  # noqa: N806
    reversal = Q(kind=LedgerEntry.Kind.REVERSAL)
    rows = (
        LedgerEntry.objects.filter(project_id__in=[p.pk for p in projects])
        .annotate(month=TruncMonth("entry_date"))
        .values("month")
        .annotate(
            i=fen_sum("amount", when=Q(direction=IN) & ~reversal),
            o=fen_sum("amount", when=Q(direction=OUT) & ~reversal),
            ri=fen_sum("amount", when=Q(direction=IN) & reversal),
            ro=fen_sum("amount", when=Q(direction=OUT) & reversal),
        )
        .order_by("month")
    )
    out = {}
    for r in rows:
        month = r["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        # A reversal of a receipt goes out and undoes money in, and the other way round.
        out[month] = (from_fen(r["i"] - r["ro"]), from_fen(r["o"] - r["ri"]))
    return out


# --- the report --------------------------------------------------------------------------------


def cashflow(projects: list[Project]) -> Cashflow:
    """Forecast and actual by month over `projects`, every month from the first to the last."""
    forecasts = contract_forecasts(projects)
    actual = actual_months(projects)
    planned = engine.cash_months(
        engine.forecast_flows(f.forecast for f in forecasts if f.forecast), span=list(actual)
    )
    rows = []
    running = ZERO
    for p in planned:
        money_in, money_out = actual.get(p.month, (ZERO, ZERO))
        running += money_in - money_out
        rows.append(
            CashflowRow(
                month=p.month,
                forecast_in=p.cash_in,
                forecast_out=p.cash_out,
                actual_in=money_in,
                actual_out=money_out,
                forecast_cumulative=p.cumulative_net,
                actual_cumulative=running,
            )
        )
    return Cashflow(rows=rows, contracts=forecasts)


def project_cashflow(project: Project) -> Cashflow:
    return cashflow([project])


def visible_projects(user: Any) -> list[Project]:
    """Projects of the user's organisations on which they may see the funds."""
    return [p for p in project_list(user) if access.has_perm(user, "funds.view", p)]


def company_cashflow(user: Any) -> tuple[list[Project], Cashflow]:
    projects = visible_projects(user)
    return projects, cashflow(projects)
