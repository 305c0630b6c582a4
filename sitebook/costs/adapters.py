"""Rows of the cost centre turned into engine inputs for earned value.

PV comes from `spread_items`: today each cost code's current budget spread over its planned
start and finish (or the project's) along its profile. When the schedule centre's baseline
activities exist, this is the one function to change so that the budget follows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from sitebook.costs.models import BudgetLine, CostCode, CostTransaction, ProgressEntry
from sitebook.costs.money import ZERO, fen_sum, from_fen
from sitebook.engine import evm as engine
from sitebook.projects.models import Project, WbsNode


@dataclass
class EvmInputs:
    """Everything the engine needs for a project or one WBS branch, read in four queries."""

    start: dt.date
    finish: dt.date
    items: list[engine.SpreadItem]
    budgets: dict[int, Decimal]  # cost code id -> current budget
    progress: list[tuple[int, dt.date, Decimal]]  # (cost code, as of, percent)
    actuals: list[tuple[dt.date, Decimal]]  # (date, amount) summed per day

    @property
    def bac(self) -> Decimal:
        return sum(self.budgets.values(), ZERO)


def _branch(project: Project, wbs_node_id: int | None) -> Q:
    if wbs_node_id is None:
        return Q(project=project)
    nodes = {wbs_node_id}
    pairs = list(WbsNode.objects.filter(project=project).values_list("pk", "parent_id"))
    grew = True
    while grew:
        before = len(nodes)
        nodes |= {pk for pk, parent in pairs if parent in nodes}
        grew = len(nodes) != before
    return Q(project=project, wbs_node_id__in=nodes)


def spread_items(
    codes: list[CostCode], budgets: dict[int, Decimal], start: dt.date, finish: dt.date
) -> list[engine.SpreadItem]:
    """Each cost code's budget spread over its planned dates (the project's when unset)."""
    items = []
    for cc in codes:
        amount = budgets.get(cc.pk, ZERO)
        if not amount:
            continue
        s = cc.planned_start or start
        f = cc.planned_finish or finish
        items.append(engine.SpreadItem(amount, s, max(s, f), cc.profile))
    return items


def evm_inputs(project: Project, wbs_node_id: int | None = None) -> EvmInputs:
    codes = list(CostCode.objects.filter(_branch(project, wbs_node_id)))
    ids = [c.pk for c in codes]
    budgets = {
        cc_id: from_fen(s)
        for cc_id, s in BudgetLine.objects.filter(cost_code_id__in=ids, revision__is_current=True)
        .values("cost_code_id")
        .annotate(s=fen_sum("amount"))
        .values_list("cost_code_id", "s")
    }
    starts = [c.planned_start for c in codes if c.planned_start]
    finishes = [c.planned_finish for c in codes if c.planned_finish]
    start = project.start_date or (min(starts) if starts else dt.date.today())
    finish = project.finish_date or (max(finishes) if finishes else start + dt.timedelta(days=365))
    if starts:
        start = min(start, *starts)
    if finishes:
        finish = max(finish, *finishes)
    progress = list(
        ProgressEntry.objects.filter(cost_code_id__in=ids)
        .order_by("date", "id")
        .values_list("cost_code_id", "date", "percent_complete")
    )
    actuals = [
        (day, from_fen(s))
        for day, s in CostTransaction.objects.filter(cost_code_id__in=ids)
        .values("date")
        .annotate(s=fen_sum("amount"))
        .order_by("date")
        .values_list("date", "s")
    ]
    return EvmInputs(
        start=start,
        finish=finish,
        items=spread_items(codes, budgets, start, finish),
        budgets=budgets,
        progress=progress,
        actuals=actuals,
    )


def earned_at(inputs: EvmInputs, day: dt.date) -> Decimal:
    latest: dict[int, Decimal] = {}
    for cc_id, as_of, pct in inputs.progress:
        if as_of <= day:
            latest[cc_id] = pct
    return engine.earned_value((inputs.budgets.get(cc, ZERO), pct) for cc, pct in latest.items())


def actual_at(inputs: EvmInputs, day: dt.date) -> Decimal:
    return sum((amount for d, amount in inputs.actuals if d <= day), ZERO)


def week_ends(start: dt.date, finish: dt.date) -> list[dt.date]:
    """The last day of each 7-day period from `start`, the last one cut at `finish`."""
    ends = []
    day = start + dt.timedelta(days=6)
    while day < finish:
        ends.append(day)
        day += dt.timedelta(days=7)
    ends.append(finish)
    return ends


@dataclass
class EvmReport:
    data_date: dt.date
    start: dt.date
    finish: dt.date
    result: engine.EvmResult
    schedule: engine.EarnedSchedule | None
    forecast_finish: dt.date | None
    earned_date: dt.date | None
    curve: dict[str, Any]


def _period_date(start: dt.date, periods: Decimal) -> dt.date:
    """The date `periods` weeks after the start (the end of that period's last day)."""
    return start + dt.timedelta(days=int(periods * 7) - 1 if periods > 0 else 0)


def evm_report(project: Project, data_date: dt.date, wbs_node_id: int | None = None) -> EvmReport:
    """EVM figures, Earned Schedule and the weekly S-curve (PV, EV, AC, forecast)."""
    inputs = evm_inputs(project, wbs_node_id)
    pv = engine.planned_value(inputs.items, data_date)
    ev = earned_at(inputs, data_date)
    ac = actual_at(inputs, data_date)
    result = engine.evm(bac=inputs.bac, pv=pv, ev=ev, ac=ac)
    ends = week_ends(inputs.start, inputs.finish)
    curve_pv = engine.pv_curve(inputs.items, ends)
    schedule = None
    forecast_finish = earned_date = None
    if inputs.bac > 0 and data_date >= inputs.start:
        at = Decimal((data_date - inputs.start).days + 1) / 7
        schedule = engine.earned_schedule(curve_pv, ev=ev, at=at)
        earned_date = _period_date(inputs.start, schedule.es)
        if schedule.ieac_t is not None:
            forecast_finish = _period_date(inputs.start, schedule.ieac_t)
    labels = [d.isoformat() for d in ends]
    shown = [d for d in ends if d <= data_date]
    eac = result.eac_cpi or result.eac_budget_rate
    forecast: list[Any] = [None] * len(ends)
    if shown and forecast_finish:
        # Straight line from today's AC to the EAC at the Earned-Schedule finish.
        last = len(shown) - 1
        forecast[last] = str(ac)
        span = max((forecast_finish - shown[-1]).days, 1)
        for i in range(last + 1, len(ends)):
            share = min(Decimal((ends[i] - shown[-1]).days) / span, Decimal(1))
            forecast[i] = str((ac + (eac - ac) * share).quantize(Decimal("0.01")))
    curve = {
        "labels": labels,
        "pv": [str(v) for v in curve_pv[1:]],
        "ev": [str(earned_at(inputs, d)) for d in shown],
        "ac": [str(actual_at(inputs, d)) for d in shown],
        "forecast": forecast,
        "bac": str(inputs.bac),
        "eac": str(eac),
    }
    return EvmReport(
        data_date=data_date,
        start=inputs.start,
        finish=inputs.finish,
        result=result,
        schedule=schedule,
        forecast_finish=forecast_finish,
        earned_date=earned_date,
        curve=curve,
    )
