"""Property tests of the CPM engine on random networks (hypothesis).

Networks: up to 18 activities (tasks and both milestone kinds, durations in odd minutes too),
links of all four types with positive and negative lags counted in working minutes, elapsed
minutes or percent, on two or three calendars drawn from five (5-day with holidays, 6-day,
24-hour, a China-style week with a weekday holiday and a make-up Saturday, and a night shift
crossing midnight), a data date at any minute of the week, and the scheduling options that
matter without progress. The activity list is shuffled so that its order is not a
topological one.

Properties: the compiled kernel (`cpm_fast`, numba and plain Python) gives exactly what
`cpm_core` gives; the project finish is the longest path; total float is never negative
without constraints, across calendars too, and not below free float; rescheduling changes
nothing; adding a link makes nothing earlier.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitebook.engine import cpm, cpm_core, cpm_fast
from sitebook.engine.calendars import compile_calendar, to_minutes
from sitebook.engine.network import (
    STANDARD_DAY,
    Activity,
    ActivityType,
    Calendar,
    Constraint,
    ConstraintType,
    DayIntervals,
    FloatType,
    LagCalendarRule,
    LagUnit,
    Link,
    LinkType,
    Project,
    Schedule,
    ScheduleOptions,
    calendar_24h,
)

MONDAY = dt.datetime(2025, 1, 6)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _calendar(kind: str, holidays: list[int]) -> Calendar:
    """One of the five calendar kinds, with `holidays` (days after MONDAY) off."""
    off: dict[dt.date, DayIntervals] = {
        (MONDAY + dt.timedelta(days=d)).date(): () for d in holidays
    }
    if kind == "std":
        return Calendar(id=kind, exceptions=off)
    if kind == "six":
        week: tuple[DayIntervals, ...] = (((7 * 60, 17 * 60),),) * 6 + ((),)
        return Calendar(id=kind, week=week, exceptions=off)
    if kind == "h24":
        return calendar_24h(kind)
    if kind == "cn":
        # A weekday holiday and a make-up working Saturday (调休) in the first weeks.
        cn: dict[dt.date, DayIntervals] = {
            dt.date(2025, 1, 8): (),
            dt.date(2025, 1, 11): STANDARD_DAY,
        }
        return Calendar(id=kind, exceptions={**off, **cn})
    night: DayIntervals = ((0, 6 * 60), (22 * 60, 24 * 60))
    return Calendar(id=kind, week=(night,) * 5 + ((), ()), exceptions=off)


CAL_KINDS = ["std", "six", "h24", "cn", "night"]


@st.composite
def projects(
    draw: st.DrawFn,
    *,
    max_n: int = 18,
    one_calendar: bool = False,
    finish_by: bool = True,
    zero_durations: bool = True,
) -> Project:
    """A random unprogressed, unconstrained project (see the module docstring)."""
    if one_calendar:
        kinds = [draw(st.sampled_from(CAL_KINDS))]
    else:
        kinds = draw(st.lists(st.sampled_from(CAL_KINDS), min_size=2, max_size=3, unique=True))
    holidays = st.lists(st.integers(0, 90), max_size=6)
    cals = {k: _calendar(k, draw(holidays)) for k in kinds}
    n = draw(st.integers(1, max_n))
    types = st.sampled_from(
        [ActivityType.TASK] * 4 + [ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE]
    )
    duration = st.one_of(st.integers(0, 5).map(lambda d: d * 480), st.integers(0, 3000))
    if not zero_durations:
        types = st.just(ActivityType.TASK)
        duration = duration.map(lambda d: max(d, 1))
    acts = []
    for i in range(n):
        d = draw(duration)
        acts.append(
            Activity(
                id=f"a{i}",
                code=f"A{i}",
                type=draw(types),
                calendar_id=draw(st.sampled_from(kinds)),
                original_duration=d,
                remaining_duration=d,
            )
        )
    links = []
    if n > 1:
        pairs = st.tuples(st.integers(0, n - 2), st.integers(1, n - 1)).filter(
            lambda p: p[0] < p[1]
        )
        for p, s in draw(st.lists(pairs, max_size=2 * n)):
            links.append(draw(links_between(f"a{p}", f"a{s}", kinds, one_calendar)))
    order = draw(st.permutations(range(n)))
    options = ScheduleOptions(
        lag_calendar=(
            LagCalendarRule.PREDECESSOR if one_calendar else draw(st.sampled_from(LagCalendarRule))
        ),
        float_type=draw(st.sampled_from(FloatType)),
        late_finish_by_project_finish=draw(st.booleans()),
        critical_float_minutes=draw(st.sampled_from([0, 480])),
        # Options that only matter with progress or summaries, which these networks lack.
        progress_override=draw(st.booleans()),
        use_expected_finish=draw(st.booleans()),
        ss_lag_from_actual_start=draw(st.booleans()),
        float_on_completed=draw(st.booleans()),
        actual_dates_as_early_dates=draw(st.booleans()),
        roll_up_wbs_summaries=draw(st.booleans()),
        dates_on_completed=draw(st.booleans()),
        # Only acts on as-late-as-possible constraints, which these networks lack.
        alap_float_from_block_pass=draw(st.booleans()),
    )
    data_date = MONDAY + dt.timedelta(minutes=draw(st.integers(0, 7 * 1440 - 1)))
    must_finish_by = None
    if finish_by and draw(st.booleans()):
        must_finish_by = data_date + dt.timedelta(days=draw(st.integers(0, 60)))
    return Project(
        code="P",
        data_date=data_date,
        must_finish_by=must_finish_by,
        default_calendar_id=kinds[0],
        options=options,
        calendars=cals,
        activities=[acts[i] for i in order],
        links=links,
    )


@st.composite
def links_between(
    draw: st.DrawFn, pred: str, succ: str, kinds: list[str], one_calendar: bool
) -> Link:
    """A link pred -> succ of any type with a lag of any sign and unit."""
    lag = draw(st.one_of(st.just(0), st.integers(-1500, 1500)))
    units = [LagUnit.WORKING, LagUnit.PERCENT] if one_calendar else list(LagUnit)
    unit = draw(st.sampled_from(units))
    if unit is LagUnit.PERCENT:
        lag = draw(st.integers(-5000, 15000))
    lag_cal = None if one_calendar else draw(st.one_of(st.none(), st.sampled_from(kinds)))
    return Link(pred, succ, draw(st.sampled_from(LinkType)), lag, unit, lag_cal)


def _kernel(project: Project, jit: bool = True) -> Schedule:
    found = cpm_fast.schedule(project, jit=jit)
    assert found is not None, cpm_fast.unsupported_reason(project)
    return found


@SETTINGS
@given(projects())
def test_kernel_gives_what_cpm_core_gives(project: Project) -> None:
    core = cpm_core.schedule(project)
    assert _kernel(project) == core
    assert _kernel(project, jit=False) == core


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects(max_n=60))
def test_kernel_matches_cpm_core_on_larger_networks(project: Project) -> None:
    assert _kernel(project) == cpm_core.schedule(project)


@SETTINGS
@given(projects(one_calendar=True))
def test_project_finish_is_the_longest_path(project: Project) -> None:
    """On one calendar every date is a working ordinal: early start = the longest path."""
    (cal,) = project.calendars.values()
    assert project.data_date is not None
    c = compile_calendar(cal, dt.date(2024, 1, 1), dt.date(2031, 1, 1))
    by_id = project.activity_by_id()
    dur = {
        a.id: 0 if a.type is not ActivityType.TASK else a.remaining_duration
        for a in project.activities
    }
    es: dict[str, int] = {}

    def early_start(aid: str) -> int:
        if aid not in es:
            best = c.ordinal(to_minutes(project.data_date))  # type: ignore[arg-type]
            for k in project.links:
                if k.succ_id != aid:
                    continue
                lag = k.lag if k.lag_unit is LagUnit.WORKING else dur[k.pred_id] * k.lag // 10000
                p_start = early_start(k.pred_id)
                p_end = p_start + dur[k.pred_id]
                bound = {
                    LinkType.FS: p_end + lag,
                    LinkType.SS: p_start + lag,
                    LinkType.FF: p_end + lag - dur[aid],
                    LinkType.SF: p_start + lag - dur[aid],
                }[k.type]
                best = max(best, bound)
            es[aid] = best
        return es[aid]

    longest = max(early_start(a) + dur[a] for a in by_id)
    for result in (cpm_core.schedule(project), _kernel(project)):
        assert c.ordinal(to_minutes(result.finish)) == longest
        for aid, r in result.results.items():
            assert c.ordinal(to_minutes(r.early_start)) == early_start(aid)


@SETTINGS
@given(projects(finish_by=False))
def test_total_float_is_never_negative_without_constraints(project: Project) -> None:
    """On one to three calendars (the cases below are ones this property found across
    calendars). Total float is at least free float, except where every late finish is
    bounded by the project finish (MS Project), which can bind before a successor does."""
    for r in _kernel(project).results.values():
        assert r.total_float is not None and r.total_float >= 0
        assert r.free_float is not None and r.free_float >= 0
        if not project.options.late_finish_by_project_finish:
            assert r.total_float >= r.free_float


def _two_calendar_project(
    a_cal: Calendar, b: Activity, links: list[Link], dd: dt.datetime
) -> Project:
    a = Activity(id="a", code="A", calendar_id=a_cal.id)
    a.original_duration = a.remaining_duration = 600 if a_cal.id == "six" else 1
    return Project(
        code="P",
        data_date=dd,
        default_calendar_id="std",
        calendars={a_cal.id: a_cal, "std": Calendar(id="std")},
        activities=[a, b],
        links=links,
    )


def test_saturday_work_before_a_weekday_finish_milestone_keeps_its_float() -> None:
    """A predecessor reads a milestone's late bound, not the milestone's own calendar's view.

    A (Monday-Saturday 07:00-17:00) works Saturday; its successor M (Monday-Friday) finishes
    Monday 08:00, which M's calendar shows as Friday 17:00 (the same working minute). Read as
    Friday 17:00, A's late finish fell a day before its early finish (total float -600). A
    may in fact finish as late as Monday 08:00 (one working hour later, Monday 07:00-08:00)
    without moving M: total float 60, equal to its free float.
    """
    six = Calendar(id="six", week=(((7 * 60, 17 * 60),),) * 6 + ((),))
    m = Activity(id="b", code="M", type=ActivityType.FINISH_MILESTONE, calendar_id="std")
    saturday = dt.datetime(2025, 1, 11, 7, 0)
    project = _two_calendar_project(six, m, [Link("a", "b")], saturday)
    result = cpm_core.schedule(project)
    assert _kernel(project) == result
    assert _kernel(project, jit=False) == result
    a, b = result.results["a"], result.results["b"]
    assert a.early_finish == dt.datetime(2025, 1, 11, 17, 0)
    assert a.late_finish == dt.datetime(2025, 1, 13, 8, 0)
    assert a.total_float == a.free_float == 60
    assert b.early_finish == dt.datetime(2025, 1, 13, 8, 0)
    assert b.late_finish == dt.datetime(2025, 1, 10, 17, 0)  # shown on M's own calendar
    assert b.total_float == 0 and b.critical


def test_night_shift_predecessor_with_a_finish_to_finish_lag_keeps_its_float() -> None:
    """An FF lag from a night shift to a day calendar: float from the bound, not its 17:00.

    A (22:00-06:00) finishes Monday 00:01; FF +360 night minutes puts B's finish at Monday
    22:01, i.e. the end of Monday on B's day calendar. Read back from B's late finish shown
    as Monday 17:00, A's late finish came out a minute before its early finish (total float
    -1). The night minutes up to Tuesday 00:00 still end B's lag by Tuesday 06:00, before
    B's next working minute: A's total float is 479, equal to its free float.
    """
    night = Calendar(id="night", week=(((0, 360), (1320, 1440)),) * 5 + ((), ()))
    b = Activity(id="b", code="B", calendar_id="std", original_duration=1, remaining_duration=1)
    project = _two_calendar_project(night, b, [Link("a", "b", LinkType.FF, 360)], MONDAY)
    result = cpm_core.schedule(project)
    assert _kernel(project) == result
    assert _kernel(project, jit=False) == result
    a = result.results["a"]
    assert a.early_finish == dt.datetime(2025, 1, 6, 0, 1)
    assert a.late_finish == dt.datetime(2025, 1, 7, 0, 0)
    assert a.total_float == a.free_float == 479
    assert result.results["b"].total_float == 0


def test_negative_lag_on_the_successors_calendar_keeps_float() -> None:
    """A lead counted on the successor's calendar, read back in the late pass.

    A (Monday-Saturday 07:00-17:00, two days from Friday) finishes Saturday 17:00; B
    (Monday-Friday) may start one working hour before that on its own calendar (FS -60 on
    B's calendar): Friday 16:00. Moving back through the lead must land on the latest moment
    of B's working minute reached (Monday 08:00), not Friday 17:00, which is before A's
    early finish (total float -600 before the fix).
    """
    six = Calendar(id="six", week=(((7 * 60, 17 * 60),),) * 6 + ((),))
    a = Activity(id="a", code="A", calendar_id="six", original_duration=1200)
    a.remaining_duration = 1200
    b = Activity(id="b", code="B", calendar_id="std", original_duration=480, remaining_duration=480)
    project = Project(
        code="P",
        data_date=dt.datetime(2025, 1, 10, 7, 0),
        default_calendar_id="std",
        calendars={"six": six, "std": Calendar(id="std")},
        activities=[a, b],
        links=[Link("a", "b", LinkType.FS, -60, lag_calendar_id="std")],
    )
    result = cpm_core.schedule(project)
    assert _kernel(project) == result
    assert _kernel(project, jit=False) == result
    assert result.results["a"].early_finish == dt.datetime(2025, 1, 11, 17, 0)
    assert result.results["b"].early_start == dt.datetime(2025, 1, 10, 16, 0)
    assert result.results["a"].total_float == result.results["a"].free_float == 60


@SETTINGS
@given(projects())
def test_rescheduling_changes_nothing(project: Project) -> None:
    first = _kernel(project)
    assert _kernel(project) == first
    assert cpm.schedule(project) == first
    # Pinning every activity to its own early start (start on or after) moves nothing.
    pinned = dataclasses.replace(
        project,
        activities=[
            dataclasses.replace(
                a,
                primary_constraint=Constraint(
                    ConstraintType.START_ON_OR_AFTER, first.results[a.id].early_start
                ),
            )
            for a in project.activities
        ],
    )
    again = cpm_core.schedule(pinned)
    assert again.finish == first.finish
    for aid, r in first.results.items():
        assert again.results[aid].early_start == r.early_start
        assert again.results[aid].early_finish == r.early_finish
    # The compiled network can be run again in place with the same answer.
    cals, (dur, cal, start_ms, pred, succ, kind, lag, lag_cal) = cpm_fast._arrays(project)
    net = cpm_fast.compile_network(dur, cal, start_ms, pred, succ, kind, lag, lag_cal)
    assert net is not None
    dd = to_minutes(project.data_date)  # type: ignore[arg-type]
    for first_day, last_day in cpm_fast._horizons(project):
        blob = cpm_fast.stack_calendars([compile_calendar(c, first_day, last_day) for c in cals])
        once = cpm_fast.run_passes(net, blob, dd)
        if not once.horizon_error:
            break
    copies = [np.array(a) for a in (once.ds, once.df, once.ls, once.lf, once.tf, once.ff)]
    twice = cpm_fast.run_passes(net, blob, dd)
    for a, b in zip(
        copies, (twice.ds, twice.df, twice.ls, twice.lf, twice.tf, twice.ff), strict=True
    ):
        assert np.array_equal(a, b)


@SETTINGS
@given(projects(), st.data())
def test_adding_a_link_makes_nothing_earlier(project: Project, data: st.DataObject) -> None:
    before = _kernel(project)
    ids = [a.id for a in project.activities]
    # Keep the network acyclic: link forward in the generator's (hidden) numbering.
    number = sorted(ids, key=lambda aid: int(aid[1:]))
    if len(number) < 2:
        return
    i = data.draw(st.integers(0, len(number) - 2))
    j = data.draw(st.integers(i + 1, len(number) - 1))
    kinds = list(project.calendars)
    link = data.draw(links_between(number[i], number[j], kinds, False))
    after_project = dataclasses.replace(project, links=[*project.links, link])
    after = _kernel(after_project)
    assert after == cpm_core.schedule(after_project)
    assert after.finish >= before.finish
    for aid, r in before.results.items():
        assert after.results[aid].early_start >= r.early_start
        assert after.results[aid].early_finish >= r.early_finish
