"""Rows of the cost centre turned into engine inputs for earned value.

PV (`spread_items`): a cost code's current budget follows the project's baseline schedule.
The activities linked to the cost code (`schedule.Activity.cost_code` holds the code) that
are in the baseline chosen in the schedule options (`ScheduleSettings.baseline`) share the
budget in proportion to their baseline working time (working minutes of each activity's
calendar between its baseline start and finish; equal shares when all of them are
milestones), split in whole fen (`money.allocate`), and each share is spread over its
activity's baseline dates by working time (holidays and weekends plan nothing; the cost
code's profile, linear or S-curve, applies to the working-time share). A cost code with no
linked activity in the baseline (or a project without a baseline) is spread by calendar
days over its own planned dates, else the project's.

EV (`earned_at`): a linked cost code earns the percent complete of those same activities
weighted by their budget shares (without a baseline: by their original durations). An
activity's percent at a date is the last one recorded by the schedule's period updates
(`ProgressUpdate`) on or before it, its current percent from the schedule's data date on,
and 100 % from its actual finish. A manual `ProgressEntry` of the cost code is the fallback
(no linked activity) and the override: when it is at least as recent as the schedule's
latest progress for the cost code on the data date, it wins.

Per WBS element (and its descendants): a linked cost code counts with the shares of its
activities in the branch (budget, PV, EV; its actual cost in the same proportion of working
time, since actual costs are booked per cost code, not per activity); a cost code without
linked activities counts whole when it is mapped to the branch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sitebook.costs.models import BudgetLine, CostCode, CostTransaction, ProgressEntry
from sitebook.costs.money import ZERO, allocate, fen_sum, from_fen, to_fen
from sitebook.engine import evm as engine
from sitebook.projects.models import Project, WbsNode
from sitebook.schedule.adapters import engine_calendar, to_wall
from sitebook.schedule.models import Activity, Calendar, ProgressUpdate, ScheduleSettings

HUNDRED = Decimal("100")


# --- the schedule as the cost centre sees it -------------------------------------------------


@dataclass
class PlannedActivity:
    """An activity linked to a cost code, with its baseline span and its progress history."""

    pk: int
    code: str
    cost_code_id: int
    wbs_id: int | None
    #: Baseline working minutes (in the baseline), else the current original duration.
    weight: int
    start: dt.date | None = None  # baseline start day; None: not in the baseline
    finish: dt.date | None = None
    day_minutes: tuple[int, ...] = ()
    #: (as of, percent complete), sorted by date.
    history: list[tuple[dt.date, Decimal]] = field(default_factory=list)

    @property
    def in_baseline(self) -> bool:
        return self.start is not None

    def percent_at(self, day: dt.date) -> tuple[dt.date | None, Decimal]:
        """The date of the last progress on or before `day` and the percent it gave."""
        found: tuple[dt.date | None, Decimal] = (None, ZERO)
        for as_of, pct in self.history:
            if as_of > day:
                break
            found = (as_of, pct)
        return found


@dataclass
class SchedulePlan:
    """The activities of the project linked to each cost code (by cost code id)."""

    baseline: str | None = None  # name of the baseline used, if any
    by_code: dict[int, list[PlannedActivity]] = field(default_factory=dict)

    def progress_set(self, cost_code_id: int) -> list[PlannedActivity]:
        """The activities whose progress a cost code earns: those in the baseline when any
        is, else every linked one."""
        linked = self.by_code.get(cost_code_id, [])
        planned = [a for a in linked if a.in_baseline]
        return planned or linked

    def weights(self, activities: list[PlannedActivity]) -> list[int]:
        return [a.weight for a in activities]


def _wall_day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    wall = to_wall(value)
    return wall.date() if wall else None


def schedule_plan(project_id: int, codes: Iterable[CostCode]) -> SchedulePlan:
    """The linked activities of a project's cost codes: one query, four with activities."""
    return schedule_plans({project_id: codes})[project_id]


_PLAN_COLUMNS = (
    "project_id",
    "pk",
    "code",
    "cost_code",
    "wbs_id",
    "calendar_id",
    "original_duration",
    "percent_complete",
    "actual_finish",
)


def schedule_plans(codes: dict[int, Iterable[CostCode]]) -> dict[int, SchedulePlan]:
    """`schedule_plan` of several projects ({project id: its cost codes}) in the same four
    queries at most, whatever the number of projects: one when none has linked activities."""
    by_code_text = {pid: {c.code: c.pk for c in cc} for pid, cc in codes.items()}
    rows = [
        r
        for r in Activity.objects.filter(project_id__in=list(codes))
        .exclude(cost_code="")
        .values_list(*_PLAN_COLUMNS)
        if r[3].strip() in by_code_text[r[0]]
    ]
    plans = {pid: SchedulePlan() for pid in codes}
    if not rows:
        return plans
    linked = {r[0] for r in rows}
    settings = {
        s.project_id: s
        for s in ScheduleSettings.objects.filter(project_id__in=linked).select_related("baseline")
    }
    baselines = {pid: s.baseline for pid, s in settings.items() if s.baseline}
    data: dict[int, dict[str, list[Any]]] = {pid: b.data for pid, b in baselines.items()}
    calendars = {
        c.pk: engine_calendar(c)
        for c in Calendar.objects.filter(
            pk__in={r[5] for r in rows if str(r[1]) in data.get(r[0], {})}
        )
    }
    histories = _progress_histories(rows)
    for pid in linked:
        baseline = baselines.get(pid)
        plans[pid] = SchedulePlan(baseline=baseline.name if baseline else None)
    for project_id, pk, code, cc_text, wbs_id, calendar_id, duration, pct, finish_at in rows:
        activity = PlannedActivity(
            pk, code, by_code_text[project_id][cc_text.strip()], wbs_id, duration
        )
        points = histories[pk]
        project_settings = settings.get(project_id)
        data_day = _wall_day(project_settings.data_date) if project_settings else None
        if data_day is not None:
            points.append((data_day, pct))
        finished = _wall_day(finish_at)
        if finished is not None:
            points.append((finished, HUNDRED))
        # Sorted by date; on one date the larger percent (a finish is 100 %).
        activity.history = sorted(points)
        entry = data.get(project_id, {}).get(str(pk))
        if entry and entry[1] and entry[2] and calendar_id in calendars:
            start = dt.datetime.fromisoformat(entry[1])
            finish = max(dt.datetime.fromisoformat(entry[2]), start)
            activity.start, activity.finish = start.date(), finish.date()
            activity.day_minutes = engine.working_minutes_by_day(
                calendars[calendar_id], start, finish
            )
            activity.weight = sum(activity.day_minutes)
        plans[project_id].by_code.setdefault(activity.cost_code_id, []).append(activity)
    return plans


def _progress_histories(rows: list[Any]) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """{activity id: (day, percent) points} from the period updates of the rows' projects,
    one query; an update counts only for activities of its own project."""
    project_of = {r[1]: r[0] for r in rows}
    histories: dict[int, list[tuple[dt.date, Decimal]]] = {r[1]: [] for r in rows}
    for project_id, as_of, entries in ProgressUpdate.objects.filter(
        project_id__in=set(project_of.values())
    ).values_list("project_id", "data_date", "entries"):
        day = _wall_day(as_of)
        for pk, entry in entries.items():
            points = histories.get(int(pk))
            if points is None or day is None or project_of[int(pk)] != project_id:
                continue
            if entry.get("percent_complete") is not None:
                points.append((day, Decimal(entry["percent_complete"])))
            finished = _wall_day(entry.get("actual_finish"))
            if finished is not None:
                points.append((finished, HUNDRED))
    return histories


# --- inputs of the engine ---------------------------------------------------------------------


@dataclass
class CodeShare:
    """A cost code's part of a project or WBS branch."""

    budget: Decimal  # the budget in the branch (whole when not split over activities)
    portion: Fraction  # of its actual cost (1: all of it)
    #: (activity, its share of the budget, whether it is in the branch).
    activities: list[tuple[PlannedActivity, Decimal, bool]] = field(default_factory=list)


@dataclass
class EvmInputs:
    """Everything the engine needs for a project or one WBS branch, read in a fixed number
    of queries (five, nine with linked activities)."""

    start: dt.date
    finish: dt.date
    items: list[engine.SpreadItem]
    budgets: dict[int, Decimal]  # cost code id -> current budget (in the branch)
    progress: list[tuple[int, dt.date, Decimal]]  # manual: (cost code, as of, percent)
    actuals: list[tuple[int, dt.date, Decimal]]  # (cost code, date, amount) summed per day
    shares: dict[int, CodeShare] = field(default_factory=dict)
    plan: SchedulePlan = field(default_factory=SchedulePlan)

    @property
    def bac(self) -> Decimal:
        return sum(self.budgets.values(), ZERO)


def _branch_nodes(project: Project, wbs_node_id: int) -> set[int]:
    nodes = {wbs_node_id}
    pairs = list(WbsNode.objects.filter(project=project).values_list("pk", "parent_id"))
    grew = True
    while grew:
        before = len(nodes)
        nodes |= {pk for pk, parent in pairs if parent in nodes}
        grew = len(nodes) != before
    return nodes


def code_shares(
    codes: list[CostCode],
    budgets: dict[int, Decimal],
    plan: SchedulePlan,
    nodes: set[int] | None = None,
) -> dict[int, CodeShare]:
    """Each cost code's budget split over its activities, and what lies in the WBS branch
    `nodes` (the whole project when None). Cost codes with nothing in the branch are left out.
    """
    out: dict[int, CodeShare] = {}
    for cc in codes:
        budget = budgets.get(cc.pk, ZERO)
        acts = plan.progress_set(cc.pk)
        if not acts:
            if nodes is None or cc.wbs_node_id in nodes:
                out[cc.pk] = CodeShare(budget, Fraction(1))
            continue
        weights = plan.weights(acts)
        amounts = allocate(budget, weights)
        inside = [nodes is None or a.wbs_id in nodes for a in acts]
        if not any(inside):
            continue
        total_weight = sum(weights)
        if total_weight:
            portion = Fraction(sum(w for w, i in zip(weights, inside, strict=True) if i))
            portion /= total_weight
        else:
            portion = Fraction(sum(inside), len(inside))
        out[cc.pk] = CodeShare(
            budget=sum((m for m, i in zip(amounts, inside, strict=True) if i), ZERO),
            portion=portion,
            activities=list(zip(acts, amounts, inside, strict=True)),
        )
    return out


def spread_items(
    codes: list[CostCode],
    budgets: dict[int, Decimal],
    start: dt.date,
    finish: dt.date,
    plan: SchedulePlan | None = None,
    nodes: set[int] | None = None,
) -> list[engine.SpreadItem]:
    """Each cost code's budget spread over its baseline activities (by their working time)
    or, without them, over its planned dates (the project's when unset).

    `plan` is read from the schedule when not given (four queries at most); `nodes` keeps
    only what lies in a WBS branch. The amounts of a cost code's items add up to its budget
    (or its share in the branch) to the fen.
    """
    if plan is None:
        plan = schedule_plan(codes[0].project_id, codes) if codes else SchedulePlan()
    items = []
    for cc_id, share in code_shares(codes, budgets, plan, nodes).items():
        cc = next(c for c in codes if c.pk == cc_id)
        if share.activities and share.activities[0][0].in_baseline:
            for activity, amount, inside in share.activities:
                if inside and amount and activity.start and activity.finish:
                    items.append(
                        engine.SpreadItem(
                            amount,
                            activity.start,
                            activity.finish,
                            cc.profile,
                            activity.day_minutes,
                        )
                    )
            continue
        if not share.budget:
            continue
        s = cc.planned_start or start
        f = cc.planned_finish or finish
        items.append(engine.SpreadItem(share.budget, s, max(s, f), cc.profile))
    return items


def evm_inputs(project: Project, wbs_node_id: int | None = None) -> EvmInputs:
    codes = list(CostCode.objects.filter(project=project))
    ids = [c.pk for c in codes]
    budgets = {
        cc_id: from_fen(s)
        for cc_id, s in BudgetLine.objects.filter(project=project, revision__is_current=True)
        .values("cost_code_id")
        .annotate(s=fen_sum("amount"))
        .values_list("cost_code_id", "s")
    }
    plan = schedule_plan(project.pk, codes)
    nodes = None if wbs_node_id is None else _branch_nodes(project, wbs_node_id)
    shares = code_shares(codes, budgets, plan, nodes)
    chosen = [c for c in codes if c.pk in shares]
    starts = [c.planned_start for c in chosen if c.planned_start]
    finishes = [c.planned_finish for c in chosen if c.planned_finish]
    start = project.start_date or (min(starts) if starts else dt.date.today())
    finish = project.finish_date or (max(finishes) if finishes else start + dt.timedelta(days=365))
    if starts:
        start = min(start, *starts)
    if finishes:
        finish = max(finish, *finishes)
    items = spread_items(chosen, budgets, start, finish, plan, nodes)
    if items:
        start = min(start, *(i.start for i in items))
        finish = max(finish, *(i.finish for i in items))
    progress = list(
        ProgressEntry.objects.filter(cost_code_id__in=ids)
        .order_by("date", "id")
        .values_list("cost_code_id", "date", "percent_complete")
    )
    actuals = [
        (cc_id, day, from_fen(s))
        for cc_id, day, s in CostTransaction.objects.filter(project=project)
        .values("cost_code_id", "date")
        .annotate(s=fen_sum("amount"))
        .order_by("date")
        .values_list("cost_code_id", "date", "s")
        if cc_id in shares
    ]
    return EvmInputs(
        start=start,
        finish=finish,
        items=items,
        budgets={cc_id: share.budget for cc_id, share in shares.items()},
        progress=progress,
        actuals=actuals,
        shares=shares,
        plan=plan,
    )


def code_earned(
    share: CodeShare, manual: tuple[dt.date, Decimal] | None, day: dt.date
) -> list[tuple[Decimal, Decimal]]:
    """(budget, percent) pairs a cost code earns at the end of `day` (see the module note)."""
    latest: dt.date | None = None
    for activity, _amount, _inside in share.activities:
        as_of, _pct = activity.percent_at(day)
        if as_of is not None and (latest is None or as_of > latest):
            latest = as_of
    if manual is not None and (latest is None or manual[0] >= latest):
        return [(share.budget, manual[1])]
    return [
        (amount, activity.percent_at(day)[1])
        for activity, amount, inside in share.activities
        if inside
    ]


def manual_progress(
    entries: Iterable[tuple[int, dt.date, Decimal]], day: dt.date
) -> dict[int, tuple[dt.date, Decimal]]:
    """The latest manual progress entry of each cost code on or before `day`."""
    latest: dict[int, tuple[dt.date, Decimal]] = {}
    for cc_id, as_of, pct in entries:
        if as_of <= day:
            latest[cc_id] = (as_of, pct)
    return latest


def earned_at(inputs: EvmInputs, day: dt.date) -> Decimal:
    manual = manual_progress(inputs.progress, day)
    pairs: list[tuple[Decimal, Decimal]] = []
    for cc_id, share in inputs.shares.items():
        pairs += code_earned(share, manual.get(cc_id), day)
    return engine.earned_value(pairs)


def actual_at(inputs: EvmInputs, day: dt.date) -> Decimal:
    total = Fraction(0)
    for cc_id, d, amount in inputs.actuals:
        if d <= day:
            total += Fraction(amount) * inputs.shares[cc_id].portion
    return engine.money(total)


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
            forecast[i] = str(to_fen(ac + (eac - ac) * share))
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
