"""The passes of `sitebook.engine.risk`: a project on one calendar, forward and backward
over arrays of iterations.

`prepare` turns a `Project` into per-activity ordinals on the default calendar (lower bounds,
pins, progress) and adjacency lists in topological order (`cpm_core`'s order, so a loop is a
`CycleError` naming it); `forward` and `critical_counts` run cpm_core's forward pass and a
backward pass with every date an int64 array over the iterations (see `risk` for the model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sitebook.engine.calendars import CompiledCalendar, to_minutes
from sitebook.engine.cpm_core import lag_calendar_id, topological_order
from sitebook.engine.errors import NetworkError
from sitebook.engine.network import (
    Activity,
    ActivityType,
    ConstraintType,
    LagUnit,
    LinkType,
    Project,
)

I64 = npt.NDArray[np.int64]

FS, SS, FF, SF = 0, 1, 2, 3
_KIND = {LinkType.FS: FS, LinkType.SS: SS, LinkType.FF: FF, LinkType.SF: SF}
#: "not set" for the integer fields of `RiskNetwork` (far below any working ordinal).
NONE = -(1 << 40)
MILESTONES = {ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE}
NOT_DRIVING = {ActivityType.LEVEL_OF_EFFORT, ActivityType.WBS_SUMMARY}

# The kinds of `RiskResult.notes`: how many activities or links a simplification touched.
#: activities on a calendar other than the default (their minutes counted on the default)
OTHER_CALENDAR = "activities_on_other_calendars"
#: working lags counted on another calendar by cpm_core (counted on the default here)
OTHER_LAG_CALENDAR = "lags_on_other_calendars"
#: elapsed lags (converted to working minutes at the default calendar's hours per day)
ELAPSED_LAGS = "elapsed_lags"
#: activities with an upper-bound or as-late-as-possible constraint (not applied)
CONSTRAINTS_NOT_APPLIED = "constraints_not_applied"
#: activities with three-point durations left fixed: complete, milestones, level of effort,
#: WBS summaries, or started with an expected finish
NOT_SAMPLED = "three_points_not_sampled"


@dataclass
class RiskNetwork:
    """The project prepared for the passes; positions are indices into `project.activities`."""

    order: list[int]
    #: per position: (other end, link type, lag in minutes, percent lag in 1/100 % or NONE)
    preds: list[list[tuple[int, int, int, int]]]
    succs: list[list[tuple[int, int, int, int]]]
    base: list[int]  # remaining duration in working minutes (0 for milestones, complete)
    complete: list[bool]
    started: list[bool]
    override: list[bool]  # started under progress override: ignores its predecessors
    floor: list[int]  # start lower bound (ordinal)
    finish_floor: list[int]  # finish lower bound (ordinal) or NONE
    pin_start: list[int]  # mandatory start or NONE
    pin_finish: list[int]  # mandatory finish or NONE
    actual_start: list[int]  # started: the ordinal successors' SS/SF links read, else NONE
    fixed_finish: list[int]  # complete: the finish ordinal; started with expected finish too
    not_driving: list[bool]
    data_w: int


def prepare(project: Project, cal: CompiledCalendar, notes: dict[str, int]) -> RiskNetwork:
    """Ordinals and adjacency of the project on the one calendar, noting simplifications."""
    acts = project.activities
    options = project.options
    index = {a.id: i for i, a in enumerate(acts)}
    n = len(acts)
    assert project.data_date is not None
    dd = to_minutes(project.data_date)
    data_w = cal.ordinal(dd)
    preds: list[list[tuple[int, int, int, int]]] = [[] for _ in range(n)]
    succs: list[list[tuple[int, int, int, int]]] = [[] for _ in range(n)]
    edges: list[tuple[int, int]] = []
    hpd = cal.calendar.hours_per_day
    other_lag_calendar = elapsed = 0
    for k in project.links:
        p, s = index.get(k.pred_id), index.get(k.succ_id)
        if p is None or s is None:
            raise NetworkError(f"link {k.pred_id} -> {k.succ_id} names an unknown activity")
        lag, percent = k.lag, NONE
        if k.lag_unit is LagUnit.PERCENT:
            lag, percent = 0, k.lag
        elif k.lag_unit is LagUnit.ELAPSED:
            lag = round(k.lag * hpd / 24)
            elapsed += 1
        elif (
            k.lag
            and (lag_calendar_id(project, k, acts[p], acts[s]) or project.default_calendar_id)
            != cal.calendar.id
        ):
            other_lag_calendar += 1
        kind = _KIND[k.type]
        preds[s].append((p, kind, lag, percent))
        succs[p].append((s, kind, lag, percent))
        edges.append((p, s))
    order = topological_order(acts, index, edges)
    net = RiskNetwork(
        order=order,
        preds=preds,
        succs=succs,
        base=[0] * n,
        complete=[a.actual_finish is not None for a in acts],
        started=[a.actual_start is not None and a.actual_finish is None for a in acts],
        override=[options.progress_override and a.actual_start is not None for a in acts],
        floor=[data_w] * n,
        finish_floor=[NONE] * n,
        pin_start=[NONE] * n,
        pin_finish=[NONE] * n,
        actual_start=[NONE] * n,
        fixed_finish=[NONE] * n,
        not_driving=[a.type in NOT_DRIVING for a in acts],
        data_w=data_w,
    )
    ignored = 0
    for i, a in enumerate(acts):
        ignored += _prepare_activity(net, i, a, cal, dd, project)
    other_calendar = sum(1 for a in acts if a.calendar_id and a.calendar_id != cal.calendar.id)
    note(notes, OTHER_CALENDAR, other_calendar)
    note(notes, OTHER_LAG_CALENDAR, other_lag_calendar)
    note(notes, ELAPSED_LAGS, elapsed)
    note(notes, CONSTRAINTS_NOT_APPLIED, ignored)
    return net


def note(notes: dict[str, int], kind: str, count: int) -> None:
    """Record that `count` activities or links are of `kind`, unless there are none."""
    if count:
        notes[kind] = count


def _prepare_activity(
    net: RiskNetwork, i: int, a: Activity, cal: CompiledCalendar, dd: int, project: Project
) -> int:
    """Fill position `i`'s fixed inputs; answers 1 when a constraint of it is not applied."""
    options = project.options
    if a.actual_finish is not None:
        finish = min(to_minutes(a.actual_finish), dd)
        start = min(to_minutes(a.actual_start or a.actual_finish), dd)
        net.fixed_finish[i] = cal.ordinal(finish)
        net.actual_start[i] = cal.ordinal(start)
        return 0
    skip_duration = a.type in MILESTONES or (
        options.roll_up_wbs_summaries and a.type is ActivityType.WBS_SUMMARY
    )
    net.base[i] = 0 if skip_duration else a.remaining_duration
    if a.actual_start is not None:
        if options.ss_lag_from_actual_start:
            net.actual_start[i] = cal.ordinal(to_minutes(a.actual_start))
        if a.resume is not None and a.suspend is not None:
            net.floor[i] = max(net.floor[i], cal.ordinal(to_minutes(a.resume)))
        if options.use_expected_finish and a.expected_finish is not None:
            net.fixed_finish[i] = cal.ordinal(to_minutes(a.expected_finish))
        return 0
    if options.use_expected_finish and a.expected_finish is not None:
        net.finish_floor[i] = cal.ordinal(cal.normalize(to_minutes(a.expected_finish)))
    ignored = 0
    for con in a.constraints:
        if con.date is None:
            ignored += 1
            continue
        w = cal.ordinal(cal.normalize(to_minutes(con.date)))
        if con.type in (ConstraintType.START_ON, ConstraintType.START_ON_OR_AFTER):
            net.floor[i] = max(net.floor[i], w)
        elif con.type in (ConstraintType.FINISH_ON, ConstraintType.FINISH_ON_OR_AFTER):
            net.finish_floor[i] = max(net.finish_floor[i], w)
        elif con.type is ConstraintType.MANDATORY_START:
            net.pin_start[i] = w
        elif con.type is ConstraintType.MANDATORY_FINISH:
            net.pin_finish[i] = w
        else:
            ignored += 1
    return min(ignored, 1)


def forward(net: RiskNetwork, dur: list[I64], size: int) -> tuple[list[I64], list[I64]]:
    """Early start and finish ordinals per activity over the iterations (cpm_core's forward
    pass on one calendar). A started activity's SS/SF successors read its actual start."""
    n = len(dur)
    es: list[I64] = [np.empty(0, np.int64)] * n
    ef: list[I64] = [np.empty(0, np.int64)] * n
    link_start: list[I64] = [np.empty(0, np.int64)] * n
    for i in net.order:
        d = dur[i]
        # Bounds are allocated only when something sets them (most activities have one or
        # two predecessors and no finish bound); each candidate is a new array.
        start: I64 | None = None
        finish_lb: I64 | None = None
        if not net.override[i]:
            for p, kind, lag, percent in net.preds[i]:
                shift = lag if percent == NONE else dur[p] * percent // 10000
                source = ef[p] if kind in (FS, FF) else link_start[p]
                bound = source + shift
                if kind in (FS, SS):
                    start = bound if start is None else np.maximum(start, bound, out=start)
                else:
                    finish_lb = (
                        bound if finish_lb is None else np.maximum(finish_lb, bound, out=finish_lb)
                    )
        if start is None:
            start = np.full(size, net.floor[i], np.int64)
        else:
            np.maximum(start, net.floor[i], out=start)
        if net.finish_floor[i] != NONE:
            if finish_lb is None:
                finish_lb = np.full(size, net.finish_floor[i], np.int64)
            else:
                np.maximum(finish_lb, net.finish_floor[i], out=finish_lb)
        if net.pin_start[i] != NONE:
            start[:] = max(net.pin_start[i], net.data_w)
        elif net.pin_finish[i] != NONE:
            start[:] = np.maximum(net.pin_finish[i] - d, net.data_w)
        elif finish_lb is not None:
            np.maximum(start, finish_lb - d, out=start)
        if net.complete[i]:
            # Finished work drives its successors from its actual dates, unless unfinished
            # predecessors push it past the data date (out-of-sequence progress): then, as in
            # cpm_core, from where the logic puts it.
            ef[i] = np.where(start > net.data_w, start, net.fixed_finish[i])
            es[i] = link_start[i] = np.full(size, net.actual_start[i], np.int64)
            continue
        if net.fixed_finish[i] != NONE:
            d = np.maximum(0, net.fixed_finish[i] - start)
            dur[i] = d
        es[i] = start
        ef[i] = start + d
        if net.actual_start[i] != NONE:
            link_start[i] = np.full(size, net.actual_start[i], np.int64)
        else:
            link_start[i] = start
    return es, ef


def critical_counts(
    net: RiskNetwork, dur: list[I64], es: list[I64], ef: list[I64], finish: I64
) -> I64:
    """Per activity, in how many iterations its total float is zero or less (backward pass
    against each iteration's own finish; a started activity's fixed start does not move)."""
    n = len(dur)
    late_start: list[I64] = [finish] * n
    late_finish: list[I64] = [finish] * n
    counts = np.zeros(n, dtype=np.int64)
    for i in reversed(net.order):
        if net.complete[i]:
            late_start[i], late_finish[i] = es[i], ef[i]
            continue
        d = dur[i]
        bound = finish.copy()
        for s, kind, lag, percent in net.succs[i]:
            if net.not_driving[s] or net.complete[s] or net.override[s]:
                continue
            shift = lag if percent == NONE else d * percent // 10000
            if kind == FS:
                np.minimum(bound, late_start[s] - shift, out=bound)
            elif kind == FF:
                np.minimum(bound, late_finish[s] - shift, out=bound)
            elif not net.started[i]:
                target = late_start[s] if kind == SS else late_finish[s]
                np.minimum(bound, target - shift + d, out=bound)
        late_finish[i] = bound
        late_start[i] = bound - d
        counts[i] = np.count_nonzero(bound - ef[i] <= 0)
    return counts
