"""The passes of `sitebook.engine.cpm`: compile a `Project` once, then forward, backward, float.

See `sitebook.engine.cpm` for the representation. This module keeps per-activity state in flat
lists indexed by position in topological order; calendar arithmetic is a binary search in the
compiled calendars' interval arrays.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sitebook.engine.calendars import (
    CompiledCalendar,
    HorizonError,
    compile_calendar,
    from_minutes,
    to_minutes,
)
from sitebook.engine.errors import (
    CycleError,
    NegativeDurationError,
    NetworkError,
    UnknownActivityError,
)
from sitebook.engine.network import (
    Activity,
    ActivityResult,
    ActivityType,
    Calendar,
    ConstraintType,
    CriticalDefinition,
    DayIntervals,
    FloatType,
    LagCalendarRule,
    LagUnit,
    Link,
    LinkType,
    Project,
    Schedule,
    calendar_24h,
)

_NEG = -(1 << 60)
_POS = 1 << 60
FS, SS, FF, SF = 0, 1, 2, 3
_LINK_CODE = {LinkType.FS: FS, LinkType.SS: SS, LinkType.FF: FF, LinkType.SF: SF}

_START_LOWER = {
    ConstraintType.START_ON,
    ConstraintType.START_ON_OR_AFTER,
}
_FINISH_LOWER = {ConstraintType.FINISH_ON, ConstraintType.FINISH_ON_OR_AFTER}
_START_UPPER = {ConstraintType.START_ON, ConstraintType.START_ON_OR_BEFORE}
_MILESTONES = {ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE}
_LOE = ActivityType.LEVEL_OF_EFFORT
_FINISH_UPPER = {ConstraintType.FINISH_ON, ConstraintType.FINISH_ON_OR_BEFORE}


@dataclass
class _LinkRow:
    """A link between positions in topological order, with its lag calendar."""

    pred: int
    succ: int
    kind: int
    lag: int
    lag_unit: LagUnit
    lag_cal: CompiledCalendar | None


#: The id under which the 24-hour calendar lag arithmetic may use is compiled.
H24_ID = "\x0024h"


def lag_calendar_id(project: Project, link: Link, pred: Activity, succ: Activity) -> str:
    """The id of the calendar `link`'s lag is counted on (`H24_ID` for elapsed time): its own,
    else the project's rule (P6 SCHEDOPTIONS: predecessor, successor, 24-hour or default)."""
    if link.lag_unit is LagUnit.ELAPSED:
        return H24_ID
    if link.lag_calendar_id:
        return link.lag_calendar_id
    rule = project.options.lag_calendar
    if rule is LagCalendarRule.SUCCESSOR:
        return succ.calendar_id
    if rule is LagCalendarRule.TWENTY_FOUR_HOUR:
        return H24_ID
    if rule is LagCalendarRule.PROJECT_DEFAULT:
        return project.default_calendar_id
    return pred.calendar_id


def topological_order(
    acts: list[Activity], index: dict[str, int], edges: list[tuple[int, int]]
) -> list[int]:
    """Kahn's order of activity positions; raise `CycleError` naming one loop's codes."""
    n = len(acts)
    indegree = [0] * n
    out: list[list[int]] = [[] for _ in range(n)]
    for p, s in edges:
        out[p].append(s)
        indegree[s] += 1
    ready = [i for i in range(n) if indegree[i] == 0]
    ready.reverse()
    order: list[int] = []
    while ready:
        i = ready.pop()
        order.append(i)
        for s in out[i]:
            indegree[s] -= 1
            if indegree[s] == 0:
                ready.append(s)
    if len(order) == n:
        return order
    # Every node left has an incoming edge from another left node: walk backwards to a loop.
    left = {i for i in range(n) if indegree[i] > 0}
    back: dict[int, int] = {}
    for p, s in edges:
        if p in left and s in left:
            back[s] = p
    node = next(iter(left))
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = back[node]
    loop = path[seen[node] :]
    loop.reverse()
    raise CycleError([acts[i].code for i in loop])


def horizon(project: Project, extra_days: int) -> tuple[dt.date, dt.date]:
    """Days to compile calendars over: every known date plus room for the work."""
    moments = [m for m in (project.data_date, project.planned_start, project.must_finish_by) if m]
    total = 0
    for a in project.activities:
        total += max(a.original_duration, a.remaining_duration)
        for m in (a.actual_start, a.actual_finish, a.expected_finish, a.resume, a.suspend):
            if m is not None:
                moments.append(m)
        for c in a.constraints:
            if c.date is not None:
                moments.append(c.date)
    if not moments:
        moments = [dt.datetime(2000, 1, 1)]
    lag_total = sum(abs(k.lag) for k in project.links if k.lag_unit is not LagUnit.PERCENT)
    # Working minutes to calendar days: at worst about 1/3 of a day's minutes are working.
    span_days = (total + lag_total) * 3 // 1440 + 60
    span_days = min(span_days, 366 * 60)
    first = min(moments).date() - dt.timedelta(days=400 + extra_days)
    last = max(moments).date() + dt.timedelta(days=span_days + 400 + extra_days)
    return first, last


def schedule(project: Project) -> Schedule:
    """Schedule `project` from scratch and return its `Schedule`."""
    extra = 0
    for _ in range(6):
        try:
            return _schedule(project, extra)
        except HorizonError:
            extra = extra * 4 + 3650
        except OverflowError:
            break  # the horizon passed the year 9999
    raise NetworkError("schedule runs beyond any calendar horizon")


def _schedule(project: Project, extra_days: int) -> Schedule:  # noqa: C901 - the passes
    acts = project.activities
    n = len(acts)
    options = project.options
    if project.data_date is None:
        raise NetworkError(f"project {project.code!r} has no data date or planned start")
    index: dict[str, int] = {}
    for i, a in enumerate(acts):
        if a.original_duration < 0 or a.remaining_duration < 0:
            raise NegativeDurationError(a.code, min(a.original_duration, a.remaining_duration))
        index[a.id] = i

    first, last = horizon(project, extra_days)
    compiled: dict[str, CompiledCalendar] = {}

    def calendar_of(cid: str) -> CompiledCalendar:
        found = compiled.get(cid)
        if found is None:
            source = project.calendars.get(cid)
            if source is None:
                source = project.calendars.get(project.default_calendar_id) or Calendar(id=cid)
            found = compile_calendar(source, first, last)
            compiled[cid] = found
        return found

    cal = [calendar_of(a.calendar_id) for a in acts]
    h24 = compiled.setdefault(H24_ID, compile_calendar(calendar_24h(), first, last))

    links: list[_LinkRow] = []
    edges: list[tuple[int, int]] = []
    for k in project.links:
        p = index.get(k.pred_id)
        s = index.get(k.succ_id)
        if p is None:
            raise UnknownActivityError(k.pred_id, where=f"link {k.pred_id} -> {k.succ_id}")
        if s is None:
            raise UnknownActivityError(k.succ_id, where=f"link {k.pred_id} -> {k.succ_id}")
        lag_cid = lag_calendar_id(project, k, acts[p], acts[s])
        lag_cal = h24 if lag_cid == H24_ID else calendar_of(lag_cid)
        links.append(_LinkRow(p, s, _LINK_CODE[k.type], k.lag, k.lag_unit, lag_cal))
        edges.append((p, s))
    order = topological_order(acts, index, edges)

    preds: list[list[_LinkRow]] = [[] for _ in range(n)]
    succs: list[list[_LinkRow]] = [[] for _ in range(n)]
    for row in links:
        preds[row.succ].append(row)
        succs[row.pred].append(row)

    dd = to_minutes(project.data_date)
    # Absolute-minute driving dates (what links read) and ordinals on each activity's calendar.
    drive_start = [0] * n
    drive_finish = [0] * n
    es = [0] * n
    ef = [0] * n
    dur = [0] * n
    disp_start = [0] * n  # the early dates P6 shows (remaining early dates when started)
    disp_finish = [0] * n

    def lag_moment(row: _LinkRow, t: int, sign: int) -> int:
        """Moment `t` moved by the link's lag (sign -1 in the backward pass)."""
        lag = row.lag
        if row.lag_unit is LagUnit.PERCENT:
            lag = dur[row.pred] * lag // 10000
        if lag == 0:
            return t
        lc = row.lag_cal if row.lag_cal is not None else h24
        w = lc.ordinal(t) + sign * lag
        # Forward, a lag lands on the end of working time (17:00), a lead on its start
        # (08:00): P6 shows an FF -72 h finish as Monday 08:00. Backward (late dates, free
        # float) both land on the latest moment of the working minute reached (Monday 08:00,
        # not Friday 17:00): a predecessor on another calendar reads that moment, and an
        # earlier one of the same working minute may fall before the predecessor's own early
        # finish (a Saturday on its calendar: float -600 without any constraint).
        return lc.finish_at(w) if sign > 0 and lag > 0 else lc.start_at(w)

    for i in order:
        a = acts[i]
        c = cal[i]
        complete = a.actual_finish is not None
        d = 0 if complete or a.type in _MILESTONES else a.remaining_duration
        if options.roll_up_wbs_summaries and a.type is ActivityType.WBS_SUMMARY:
            d = 0  # spans its members afterwards (_roll_up_summaries)
        # The latest lower bound on the start, as (ordinal, moment): P6 keeps the moment of the
        # binding bound for zero-duration activities (a predecessor's 16:00 finish stays
        # 16:00, a data date is the next working moment, a completed one's stays raw).
        w0 = c.ordinal(dd)
        best_w, best_m = w0, (dd if complete else c.start_at(w0))
        if a.is_started and not complete and a.resume is not None and a.suspend is not None:
            wr = c.ordinal(to_minutes(a.resume))
            if wr > best_w:
                best_w, best_m = wr, c.start_at(wr)
        finish_lb = _NEG
        finish_m = 0
        if not (a.is_started and options.progress_override):
            for row in preds[i]:
                p = row.pred
                t = drive_finish[p] if row.kind == FS or row.kind == FF else drive_start[p]
                t = lag_moment(row, t, 1)
                w = c.ordinal(t)
                t = c.normalize(t)
                if row.kind == FS or row.kind == SS:
                    if w > best_w or (w == best_w and t > best_m):
                        best_w, best_m = w, t
                elif w > finish_lb or (w == finish_lb and t > finish_m):
                    finish_lb, finish_m = w, t
        mandatory_start = mandatory_finish = None
        if not a.is_started and options.use_expected_finish and a.expected_finish is not None:
            # Work not yet started finishes no earlier than its expected finish (P6 moves its
            # start so that the remaining duration ends there; logic may push it later).
            t = c.normalize(to_minutes(a.expected_finish))
            w = c.ordinal(t)
            if w > finish_lb or (w == finish_lb and t > finish_m):
                finish_lb, finish_m = w, t
        if not a.is_started:
            for con in a.constraints:
                if con.date is None:
                    continue
                t = c.normalize(to_minutes(con.date))
                w = c.ordinal(t)
                if con.type in _START_LOWER:
                    if w > best_w or (w == best_w and t > best_m):
                        best_w, best_m = w, t
                elif con.type in _FINISH_LOWER:
                    if w > finish_lb or (w == finish_lb and t > finish_m):
                        finish_lb, finish_m = w, t
                elif con.type is ConstraintType.MANDATORY_START:
                    mandatory_start = (w, t)
                elif con.type is ConstraintType.MANDATORY_FINISH:
                    mandatory_finish = (w, t)
        if (
            options.use_expected_finish
            and a.expected_finish is not None
            and a.is_started
            and not complete
        ):
            d = max(0, c.ordinal(to_minutes(a.expected_finish)) - best_w)
        if a.type is ActivityType.START_MILESTONE and not complete:
            # P6 writes a start milestone's early date in start form: after a predecessor
            # ending Monday 17:00 it starts Tuesday 08:00 (HS2 P1EWCC-AWP01-8510). Not its
            # late date: HS2 stores 27 unstarted ones' late starts at 17:00 (8510: a Friday).
            best_m = c.start_at(best_w)
        finish_driven = finish_lb - d > best_w or (finish_lb - d == best_w and finish_m > best_m)
        if mandatory_start is not None:
            best_w, best_m = mandatory_start
            finish_driven = False
        elif mandatory_finish is not None:
            finish_lb, finish_m = mandatory_finish
            finish_driven = True
        if (mandatory_start or mandatory_finish) and (
            finish_lb - d if finish_driven else best_w
        ) < w0:
            # Even a mandatory date cannot put remaining work before the data date.
            best_w, best_m = w0, c.start_at(w0)
            finish_driven = False
        start = finish_lb - d if finish_driven else best_w
        es[i] = start
        ef[i] = start + d
        dur[i] = d
        if finish_driven:
            drive_finish[i] = finish_m
            drive_start[i] = finish_m if d == 0 else c.start_at(start)
        elif d == 0:
            drive_start[i] = drive_finish[i] = best_m
        else:
            drive_start[i] = c.start_at(start)
            drive_finish[i] = c.finish_at(ef[i])
        disp_start[i] = drive_start[i]
        disp_finish[i] = drive_finish[i]
        if complete and a.actual_start is not None and a.actual_finish is not None:
            # Successors of finished work are driven by its actual dates.
            # An actual date after the data date (bad progress) drives nothing past it.
            drive_start[i] = min(to_minutes(a.actual_start), dd)
            drive_finish[i] = min(to_minutes(a.actual_finish), dd)
            if disp_finish[i] > dd:
                drive_finish[i] = disp_finish[i]
        elif a.actual_start is not None and options.ss_lag_from_actual_start:
            drive_start[i] = to_minutes(a.actual_start)

    # As-late-as-possible activities slide forward by their free float, latest first; those
    # without any stay in place (see `_in_place_alap_floats` for their float).
    in_place: list[str] = []
    for i in reversed(order):
        a = acts[i]
        if a.actual_finish is not None or a.is_started:
            continue
        if not any(con.type is ConstraintType.AS_LATE_AS_POSSIBLE for con in a.constraints):
            continue
        slack = _free_float(
            i,
            acts,
            succs,
            cal,
            drive_start,
            drive_finish,
            ef,
            dur,
            lag_moment,
            options.progress_override,
        )
        if slack is None or slack <= 0:
            in_place.append(a.id)
            continue
        c = cal[i]
        es[i] += slack
        ef[i] += slack
        if dur[i] == 0:
            if acts[i].type is ActivityType.FINISH_MILESTONE:
                drive_start[i] = drive_finish[i] = c.finish_at(ef[i])
            else:
                drive_start[i] = drive_finish[i] = c.start_at(es[i])
        else:
            drive_start[i] = c.start_at(es[i])
            drive_finish[i] = c.finish_at(ef[i])
        disp_start[i], disp_finish[i] = drive_start[i], drive_finish[i]

    project_finish = max(drive_finish) if n else dd
    # Open ends finish by the project's must-finish-by date when set (P6 plan_end_date).
    late_anchor = project_finish
    if project.must_finish_by is not None:
        late_anchor = to_minutes(project.must_finish_by)

    ls = [0] * n
    lf = [0] * n
    late_start = [0] * n
    late_finish = [0] * n
    # The late moments an activity's predecessors read (P6 converts them onto each
    # predecessor's calendar): the late dates shown, except where those snap a bound from the
    # logic back onto the activity's own calendar (see `from_logic` below).
    read_start = [0] * n
    read_finish = [0] * n
    for i in reversed(order):
        a = acts[i]
        c = cal[i]
        d = dur[i]
        complete = a.actual_finish is not None
        # The earliest upper bound as (ordinal, moment); zero-duration activities keep the
        # binding bound's moment (moved back to the previous working end unless complete).
        bw, bm = _POS, 0
        # The earliest start-end bound from SS/SF successors, as (ordinal, moment): when it
        # binds, P6 keeps its moment as the late start (a Saturday start on a 7-day successor
        # is Friday 17:00 here, not Monday 08:00).
        sw, sm = _POS, 0
        # Whether the binding bound comes from the logic (a successor or the project finish),
        # not from a constraint date.
        from_logic = False

        def bound(w: int, t: int, logic: bool = False) -> None:
            nonlocal bw, bm, from_logic
            if w < bw or (w == bw and t < bm):
                bw, bm, from_logic = w, t, logic

        # A level-of-effort successor never drives its predecessors (P6), nor, under progress
        # override, does a link that asks nothing more (into finished work): skip such links.
        # Without any other successor the activity is an open end.
        driving = [
            row
            for row in succs[i]
            if acts[row.succ].type is not _LOE
            and not (options.progress_override and _link_spent(acts[row.succ], row.kind))
        ]
        if not driving or options.late_finish_by_project_finish:
            bound(c.ordinal(late_anchor), late_anchor, True)
        # Progress override: a started activity's start-end lags run from its actual start
        # (see the forward pass) and its remaining late start keeps the same distance from
        # that late "actual" start (P6 23.12; P6 8.1 under retained logic does not).
        from_actual = 0
        if (
            options.progress_override
            and a.actual_start is not None
            and not complete
            and options.ss_lag_from_actual_start
        ):
            from_actual = es[i] - c.ordinal(to_minutes(a.actual_start))
        for row in driving:
            s = row.succ
            if complete:
                # A finished activity's lags are spent: P6 bounds its late dates by its
                # successors' without them (HS2 KM-CM-1010, FS +2,072 h to unstarted work),
                # and by the late dates they show (HS2 P1EWCC-PWP01-7300).
                t = late_start[s] if row.kind == FS or row.kind == SS else late_finish[s]
            else:
                t = read_start[s] if row.kind == FS or row.kind == SS else read_finish[s]
                t = lag_moment(row, t, -1)
            w = c.ordinal(t)
            if row.kind == FS or row.kind == FF:
                bound(w, t, True)
            else:
                if from_actual:
                    w += from_actual
                    t = c.start_at(w)
                bound(w + d, t, True)
                if w < sw or (w == sw and t < sm):
                    sw, sm = w, t
        if not complete:
            for con in a.constraints:
                if con.date is None:
                    continue
                t = to_minutes(con.date)
                w = c.ordinal(t)
                if con.type is ConstraintType.MANDATORY_FINISH:
                    # A mandatory date overrides the successors' logic (P6).
                    bw, bm = _POS, 0
                    bound(w, t)
                    break
                if con.type is ConstraintType.MANDATORY_START:
                    bw, bm = _POS, 0
                    bound(w + d, t)
                    break
                if con.type in _FINISH_UPPER:
                    bound(w, t)
                elif con.type in _START_UPPER:
                    bound(w + d, t)
        finish = bw
        lf[i] = finish
        ls[i] = finish - d
        if d == 0:
            if complete:
                late_start[i] = late_finish[i] = bm
            elif a.type is ActivityType.START_MILESTONE:
                late_start[i] = late_finish[i] = c.normalize_back(bm)
            else:
                late_start[i] = late_finish[i] = c.finish_at(finish)
        else:
            late_start[i] = c.start_at(ls[i])
            if sw == ls[i] and not complete:
                late_start[i] = min(late_start[i], c.normalize_back(sm))
            late_finish[i] = c.finish_at(lf[i])
        read_start[i], read_finish[i] = late_start[i], late_finish[i]
        if from_logic and not complete and c.ordinal(bm) == bw:
            # The binding bound is a successor's late moment (or the project finish) on the
            # finish side. Shown on this activity's calendar it snaps back to the previous
            # working end (a finish milestone's Friday 17:00 for a Monday 08:00 bound), but
            # predecessors read the bound itself: a predecessor that works on Saturday may
            # finish then without delaying anything, so its late finish is not the Friday.
            read_finish[i] = bm
            if d == 0:
                read_start[i] = bm
        elif from_logic and not complete:
            # A start-side bound (SS/SF successor) binds: the late finish is that start plus
            # the duration; predecessors read the latest moment of its working minute (a
            # night shift's Monday 22:00, not the 06:00 it shows), as they would read a bound.
            read_finish[i] = c.start_at(bw)

    # A level-of-effort activity starts late when its start-side predecessors do, whatever
    # its own span (P6): its late start is theirs, its late finish its successors' bound.
    for i in order:
        if acts[i].type is not _LOE or acts[i].is_started:
            continue
        c = cal[i]
        best_w, best_t = _POS, 0
        for row in preds[i]:
            if row.kind == FF or row.kind == SF:
                continue
            t = late_start[row.pred] if row.kind == SS else late_finish[row.pred]
            w = c.ordinal(lag_moment(row, t, 1))
            t = c.start_at(w)
            if w < best_w or (w == best_w and t < best_t):
                best_w, best_t = w, t
        if best_w < _POS:
            ls[i] = best_w
            late_start[i] = best_t

    results: dict[str, ActivityResult] = {}
    threshold = options.critical_float_minutes
    for i in range(n):
        a = acts[i]
        c = cal[i]
        complete = a.actual_finish is not None
        if complete:
            early_s = early_f = from_minutes(disp_start[i])
            tf: int | None = None
            ff: int | None = None
            if options.float_on_completed:
                tf = ff = 0
        else:
            early_s = from_minutes(disp_start[i])
            early_f = from_minutes(disp_finish[i])
            finish_float = lf[i] - ef[i]
            start_float = ls[i] - es[i]
            fc = None
            if a.float_calendar_id and a.float_calendar_id != a.calendar_id:
                # Float measured on another calendar (MS Project: the project calendar for a
                # task on its resources' calendars): the same moments, counted there.
                fc = calendar_of(a.float_calendar_id)
                finish_float = fc.ordinal(late_finish[i]) - fc.ordinal(disp_finish[i])
                start_float = fc.ordinal(late_start[i]) - fc.ordinal(disp_start[i])
            if options.float_type is FloatType.START:
                tf = start_float
            elif options.float_type is FloatType.SMALLEST:
                tf = min(start_float, finish_float)
            else:
                tf = finish_float
            smaller_slack = fc is not None and not a.is_started
            if smaller_slack:
                # Only MS Project tasks have a float calendar, and MS Project's Total Slack is
                # the smaller of start and finish slack ("Total Slack (task field)"); counted
                # on another calendar the two differ (mspditimephased.xml, 24-hour task 17:
                # 103 h from early to late start on Standard, 112 h between the finishes;
                # MS Project stores 103 h). A started task has no start slack, so keeps its
                # finish slack.
                tf = min(start_float, finish_float)
            ff = _free_float(
                i,
                acts,
                succs,
                cal,
                drive_start,
                drive_finish,
                ef,
                dur,
                lag_moment,
                options.progress_override,
            )
            if ff is None:
                ff = c.ordinal(project_finish) - ef[i]
            ff = max(0, ff)
            if fc is not None and ff:
                allowed = c.finish_at(ef[i] + ff)
                ff = max(0, fc.ordinal(allowed) - fc.ordinal(disp_finish[i]))
            if smaller_slack and tf is not None:
                ff = max(0, min(ff, tf))  # MS Project: free slack never exceeds total slack
            if options.use_expected_finish and a.expected_finish is not None:
                # P6 pins an activity with an expected finish to that finish: no free float.
                ff = 0
        critical = tf is not None and tf <= threshold
        late_s, late_f = from_minutes(late_start[i]), from_minutes(late_finish[i])
        if options.actual_dates_as_early_dates and a.actual_start is not None:
            early_s = late_s = a.actual_start
            if a.actual_finish is not None:
                early_f = late_f = a.actual_finish
        results[a.id] = ActivityResult(
            early_start=early_s,
            early_finish=early_f,
            late_start=late_s,
            late_finish=late_f,
            total_float=tf,
            free_float=ff,
            critical=critical,
            remaining_start=None if complete else early_s,
            remaining_finish=None if complete else early_f,
            dates_blank=complete and not options.dates_on_completed,
        )
    if in_place and options.alap_float_from_block_pass:
        _in_place_alap_floats(project, in_place, results, extra_days)
    if options.roll_up_wbs_summaries:
        _roll_up_summaries(project, results, cal, project_finish)
    if options.critical is CriticalDefinition.LONGEST_PATH:
        _mark_longest_path(results, acts, preds, drive_finish, project_finish, cal, ef)
    return Schedule(
        project_code=project.code,
        data_date=project.data_date,
        finish=from_minutes(project_finish),
        results=results,
    )


def _roll_up_summaries(
    project: Project,
    results: dict[str, ActivityResult],
    cal: list[CompiledCalendar],
    project_finish: int,
) -> None:
    """Give each WBS summary the span of its members (MS Project summary tasks).

    Members are the non-summary activities whose WBS element is the summary's or below it.
    Dates are the members' own moments (earliest start, latest finish); total float is late
    finish - early finish and free float the distance to the project finish, both on the
    summary's calendar. A summary without members keeps what the passes gave it.
    """
    members: dict[str, list[ActivityResult]] = {}
    for a in project.activities:
        if a.type is ActivityType.WBS_SUMMARY:
            continue
        node, seen = a.wbs_id, set()
        while node and node not in seen:
            seen.add(node)
            members.setdefault(node, []).append(results[a.id])
            node = project.wbs_parent.get(node, "")
    threshold = project.options.critical_float_minutes
    for i, a in enumerate(project.activities):
        rows = members.get(a.wbs_id) if a.type is ActivityType.WBS_SUMMARY else None
        if not rows:
            continue
        c = cal[i]
        mine = results[a.id]
        mine.early_start = min(r.early_start for r in rows)
        mine.early_finish = max(r.early_finish for r in rows)
        mine.late_start = min(r.late_start for r in rows)
        mine.late_finish = max(r.late_finish for r in rows)
        ef = c.ordinal(to_minutes(mine.early_finish))
        mine.total_float = c.ordinal(to_minutes(mine.late_finish)) - ef
        mine.free_float = max(0, c.ordinal(project_finish) - ef)
        mine.critical = mine.total_float <= threshold
        mine.remaining_start, mine.remaining_finish = mine.early_start, mine.early_finish


def _in_place_alap_floats(
    project: Project, ids: list[str], results: dict[str, ActivityResult], extra_days: int
) -> None:
    """Give the as-late-as-possible activities left in place P6 8.1's total float.

    P6 8.1 leaves an ALAP activity without free float at its early dates, like any other, but
    stores as its total float the one it has in a second schedule of the same project that
    differs in two ways (`_block_pass_project`): every working day is one unbroken block of
    the day's working time from its first working moment (08:00-12:00 + 13:00-17:00 becomes
    08:00-16:00), and in-progress activities at 100 % (physical) complete end at the data
    date. Evidence, HS2 (hs2-sp10-cost-loaded.xer, P6 8.1): this reproduces the stored total
    float of all 47 ALAP activities left in place, 43 of which differ from their float in
    the real pass. Each rule alone gives 11 (progress) and 17 (block days) of the 47.
    Block days explain why late finishes 16:00 and 17:00 of the same day give the same float
    (FWP03-5760 and FWP04-6390: 720 h), the 16 h of PWP02-11880/11890 and the 2 h of the
    PWP01-11320..11430 chain: its early finishes come 1 h later (PWP10-1260, 865 h from a
    16:00 start, ends at 09:00 the next day, not 17:00) and its late finishes 1 h earlier.
    The progress rule gives the +40 h downstream of PWP01-170 (56 h left to its expected
    finish) and +32 h downstream of PWP02-11780, both 100 % physical complete, while
    PWP01-7430 (0 %) keeps its remaining time (PWP01-7980/7990/8010 match only so). Taking
    instead each started activity's remaining time as its planned finish less the data date
    also gives 47 of 47; the stored columns (float_path blank, restart/reend and rem_late
    dates equal to the early and late dates) say nothing more. ALAP activities that move
    (HS2's 251, p6-23-progress-override.xer's 6) keep the float of the real pass.
    """
    second = _schedule(_block_pass_project(project), extra_days)
    threshold = project.options.critical_float_minutes
    for aid in ids:
        mine = results[aid]
        mine.total_float = second.results[aid].total_float
        mine.critical = mine.total_float is not None and mine.total_float <= threshold


def _block_pass_project(project: Project) -> Project:
    """The copy of `project` whose floats `_in_place_alap_floats` reads."""
    calendars = {cid: _block_calendar(source) for cid, source in project.calendars.items()}
    default = project.default_calendar_id
    if default not in calendars:
        # `_schedule` gives an unknown calendar id the default calendar, else the standard
        # week: that week in blocks.
        calendars[default] = _block_calendar(Calendar(id=default))
    activities = []
    for a in project.activities:
        if a.is_started and not a.is_complete and a.percent_complete >= 100:
            a = dataclasses.replace(a, remaining_duration=0, expected_finish=None)
        activities.append(a)
    options = dataclasses.replace(project.options, alap_float_from_block_pass=False)
    return dataclasses.replace(project, calendars=calendars, activities=activities, options=options)


def _block_calendar(source: Calendar) -> Calendar:
    """`source` with each working day as one block (see `_block_day`)."""
    return dataclasses.replace(
        source,
        week=tuple(_block_day(day) for day in source.week),
        exceptions={day: _block_day(hours) for day, hours in source.exceptions.items()},
    )


def _block_day(day: DayIntervals) -> DayIntervals:
    """A day's working time as one block starting at its first working moment."""
    if not day:
        return day
    first = min(start for start, _ in day)
    return ((first, first + sum(end - start for start, end in day)),)


def c_start(c: CompiledCalendar, w: int) -> int:
    """The moment ordinal `w` starts on `c`."""
    return c.start_at(w)


def _link_spent(succ: Activity, kind: int) -> bool:
    """Under progress override, whether a link asks nothing more of its predecessor.

    Finished work asks nothing; started work no longer waits to start (FS, SS), though its
    finish still follows the predecessor's (FF, SF) (P6 23.12).
    """
    if succ.actual_finish is not None:
        return True
    return succ.actual_start is not None and kind in (FS, SS)


def _free_float(
    i: int,
    acts: list[Activity],
    succs: list[list[_LinkRow]],
    cal: list[CompiledCalendar],
    drive_start: list[int],
    drive_finish: list[int],
    ef: list[int],
    dur: list[int],
    lag_moment: object,
    progress_override: bool = False,
) -> int | None:
    """Working minutes activity `i` can slip before it moves any successor's early dates."""
    move = lag_moment
    assert callable(move)
    c = cal[i]
    best: int | None = None
    for row in succs[i]:
        s = row.succ
        if acts[s].actual_finish is not None:
            continue
        if progress_override and _link_spent(acts[s], row.kind):
            continue
        t = drive_start[s] if row.kind == FS or row.kind == SS else drive_finish[s]
        t = move(row, t, -1)
        w = c.ordinal(t)
        allowed = w if row.kind == FS or row.kind == FF else w + dur[i]
        slack = allowed - ef[i]
        best = slack if best is None else min(best, slack)
    return best


def _mark_longest_path(
    results: dict[str, ActivityResult],
    acts: list[Activity],
    preds: list[list[_LinkRow]],
    drive_finish: list[int],
    project_finish: int,
    cal: list[CompiledCalendar],
    ef: list[int],
) -> None:
    """Flag activities on the longest path: back from the latest finish along driving links."""
    n = len(acts)
    stack = [i for i in range(n) if drive_finish[i] == project_finish]
    seen: set[int] = set()
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        results[acts[i].id].longest_path = True
        results[acts[i].id].critical = True
        for row in preds[i]:
            if results[acts[row.pred].id].total_float == results[acts[i].id].total_float:
                stack.append(row.pred)
