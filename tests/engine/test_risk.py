"""Monte Carlo schedule risk (`sitebook.engine.risk`): fixed durations give the CPM finish,
the merge bias of two parallel triangular paths against the closed form, reproducibility,
progress, criticality, and properties over random one-calendar networks (hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitebook.engine import cpm
from sitebook.engine.calendars import compile_calendar, to_minutes
from sitebook.engine.network import (
    Activity,
    ActivityType,
    Calendar,
    Constraint,
    ConstraintType,
    Link,
    LinkType,
    Project,
)
from sitebook.engine.risk import Distribution, RiskResult, ThreePoint, simulate
from tests.engine.test_properties import MONDAY, projects

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DAY = 480


def _fixed(project: Project) -> dict[str, ThreePoint]:
    """Every activity's three points equal to its remaining duration."""
    return {
        a.id: ThreePoint(a.remaining_duration, a.remaining_duration, a.remaining_duration)
        for a in project.activities
    }


def _ordinal(project: Project, moment: dt.datetime) -> int:
    cal = compile_calendar(
        project.calendars[project.default_calendar_id],
        dt.date(2020, 1, 1),
        dt.date(2040, 1, 1),
    )
    return cal.ordinal(to_minutes(moment))


def _chain(*durations: int, progress: dict[str, dict[str, dt.datetime]] | None = None) -> Project:
    """A -> B -> C ... (FS) on the standard calendar, data date Monday 08:00."""
    acts = [
        Activity(id=f"a{k}", code=f"A{k}", calendar_id="std", original_duration=d,
                 remaining_duration=d, **(progress or {}).get(f"a{k}", {}))
        for k, d in enumerate(durations)
    ]  # fmt: skip
    links = [Link(f"a{k}", f"a{k + 1}") for k in range(len(acts) - 1)]
    return Project(
        code="P",
        data_date=MONDAY + dt.timedelta(hours=8),
        default_calendar_id="std",
        calendars={"std": Calendar(id="std")},
        activities=acts,
        links=links,
    )


@SETTINGS
@given(projects(one_calendar=True), st.sampled_from(Distribution))
def test_fixed_three_points_give_the_cpm_finish(project: Project, dist: Distribution) -> None:
    found = simulate(project, _fixed(project), distribution=dist, iterations=3, seed=1)
    finish = cpm.schedule(project).finish
    assert found.deterministic_finish == finish
    assert found.deterministic_percentile == 1.0
    want = _ordinal(project, finish)
    for moment in (found.mean_finish, found.model_finish, *found.percentiles.values()):
        # A milestone ending the project finishes in start form (Monday 08:00), the result
        # in finish form (Friday 17:00): the same working moment.
        assert _ordinal(project, moment) == want


@SETTINGS
@given(projects(one_calendar=True, zero_durations=False))
def test_fixed_three_points_give_the_cpm_finish_date_exactly(project: Project) -> None:
    found = simulate(project, _fixed(project), iterations=2, seed=3)
    finish = cpm.schedule(project).finish
    assert found.model_finish == finish
    assert set(found.percentiles.values()) == {finish}


LOWER_AND_MANDATORY = [
    ConstraintType.START_ON_OR_AFTER,
    ConstraintType.FINISH_ON_OR_AFTER,
    ConstraintType.START_ON,
    ConstraintType.FINISH_ON,
    ConstraintType.MANDATORY_START,
    ConstraintType.MANDATORY_FINISH,
]


@SETTINGS
@given(projects(one_calendar=True), st.data())
def test_fixed_three_points_give_the_cpm_finish_with_constraints(
    project: Project, data: st.DataObject
) -> None:
    assert project.data_date is not None
    for a in project.activities:
        if data.draw(st.booleans()):
            minutes = data.draw(st.integers(-3000, 20000))
            kind = data.draw(st.sampled_from(LOWER_AND_MANDATORY))
            a.primary_constraint = Constraint(
                kind, project.data_date + dt.timedelta(minutes=minutes)
            )
    found = simulate(project, _fixed(project), iterations=1, seed=1)
    want = _ordinal(project, cpm.schedule(project).finish)
    assert _ordinal(project, found.percentiles[50]) == want


@SETTINGS
@given(projects(one_calendar=True), st.data())
def test_fixed_three_points_give_the_cpm_finish_with_progress(
    project: Project, data: st.DataObject
) -> None:
    # Started work samples remaining / original of its three points: equal to the original
    # duration, that is its remaining duration. Finished work may sit after unfinished
    # predecessors (out-of-sequence progress).
    dd = project.data_date
    assert dd is not None
    for a in project.activities:
        state = data.draw(st.sampled_from(["open", "open", "started", "done"]))
        if state == "open":
            continue
        a.actual_start = dd - dt.timedelta(minutes=data.draw(st.integers(60, 5000)))
        if state == "done":
            spent = dt.timedelta(minutes=data.draw(st.integers(0, 4000)))
            a.actual_finish = min(a.actual_start + spent, dd)
            a.remaining_duration = 0
        else:
            a.remaining_duration = data.draw(st.integers(0, a.original_duration))
    points = {
        a.id: ThreePoint(*(a.original_duration if a.actual_start else a.remaining_duration,) * 3)
        for a in project.activities
    }
    deterministic = cpm.schedule(project)
    found = simulate(project, points, iterations=1, seed=1)
    want = _ordinal(project, deterministic.finish)
    assert _ordinal(project, found.percentiles[50]) == want


def _triangular_quantile(p: float, a: float, m: float, b: float) -> float:
    if p < (m - a) / (b - a):
        return a + math.sqrt(p * (b - a) * (m - a))
    return b - math.sqrt((1 - p) * (b - a) * (b - m))


def test_merge_bias_of_two_parallel_triangular_paths() -> None:
    # Two independent paths of triangular(8, 10, 20) days into a finish milestone: the finish
    # is their maximum, P(max <= x) = F(x)^2, so its median is F^-1(sqrt(0.5)), later than
    # either path's own median F^-1(0.5).
    a, m, b = 8 * DAY, 10 * DAY, 20 * DAY
    project = _chain(a, 0)
    project.activities.append(
        Activity(id="b", code="B", calendar_id="std", original_duration=m, remaining_duration=m)
    )
    project.activities[1].type = ActivityType.FINISH_MILESTONE
    project.links.append(Link("b", "a1"))
    points = {"a0": ThreePoint(a, m, b), "b": ThreePoint(a, m, b)}
    found = simulate(project, points, iterations=20_000, seed=11)
    start = _ordinal(project, project.data_date or MONDAY)
    p50 = _ordinal(project, found.percentiles[50]) - start
    path_median = _triangular_quantile(0.5, a, m, b)
    merged = _triangular_quantile(math.sqrt(0.5), a, m, b)
    assert p50 > path_median + DAY
    assert p50 == pytest.approx(merged, rel=0.01)
    p90 = _ordinal(project, found.percentiles[90]) - start
    assert p90 == pytest.approx(_triangular_quantile(math.sqrt(0.9), a, m, b), rel=0.01)
    # Mean of the maximum of two triangulars by numeric integration: E = int (1 - F^2) + a.
    steps = 20_000
    h = (b - a) / steps
    tail = sum(1 - _cdf(a + (k + 0.5) * h, a, m, b) ** 2 for k in range(steps)) * h
    mean = _ordinal(project, found.mean_finish) - start
    assert mean == pytest.approx(a + tail, rel=0.01)
    # Both paths are critical in about half of the iterations each.
    crit = {r.code: r.criticality for r in found.activities}
    assert crit["A0"] == pytest.approx(0.5, abs=0.02)
    assert crit["B"] == pytest.approx(0.5, abs=0.02)
    assert crit["A1"] == 1.0


def _cdf(x: float, a: float, m: float, b: float) -> float:
    if x <= m:
        return (x - a) ** 2 / ((b - a) * (m - a))
    return 1 - (b - x) ** 2 / ((b - a) * (b - m))


def test_pert_mean_is_the_lambda_four_mean() -> None:
    a, m, b = 4 * DAY, 6 * DAY, 14 * DAY
    project = _chain(m)
    found = simulate(
        project, {"a0": ThreePoint(a, m, b)}, distribution=Distribution.PERT,
        iterations=20_000, seed=5,
    )  # fmt: skip
    start = _ordinal(project, project.data_date or MONDAY)
    mean = _ordinal(project, found.mean_finish) - start
    assert mean == pytest.approx((a + 4 * m + b) / 6, rel=0.01)


def test_a_seeded_run_is_reproducible() -> None:
    project = _chain(5 * DAY, 3 * DAY, 4 * DAY)
    points = {a.id: ThreePoint(DAY, a.remaining_duration, 3 * a.remaining_duration)
              for a in project.activities}  # fmt: skip
    first = simulate(project, points, iterations=500, seed=42)
    again = simulate(project, points, iterations=500, seed=42)
    other = simulate(project, points, iterations=500, seed=43)
    assert first == again
    assert first.percentiles != other.percentiles or first.histogram != other.histogram
    unseeded = simulate(project, points, iterations=10)
    assert simulate(project, points, iterations=10, seed=unseeded.seed) == unseeded


def test_serial_chain_is_always_critical_and_a_short_branch_never() -> None:
    project = _chain(5 * DAY, 3 * DAY)
    project.activities.append(
        Activity(id="s", code="S", calendar_id="std", original_duration=DAY, remaining_duration=DAY)
    )
    project.links.append(Link("s", "a1", LinkType.FF))
    points = {"a0": ThreePoint(4 * DAY, 5 * DAY, 9 * DAY), "s": ThreePoint(DAY, DAY, 2 * DAY)}
    found = simulate(project, points, iterations=300, seed=2)
    crit = {r.code: r.criticality for r in found.activities}
    assert crit == {"A0": 1.0, "A1": 1.0, "S": 0.0}
    assert found.sampled == ["a0", "s"]
    sampled = {r.code: r.sampled for r in found.activities}
    assert sampled == {"A0": True, "A1": False, "S": True}


def test_completed_work_is_fixed_and_started_work_samples_its_remaining_share() -> None:
    dd = MONDAY + dt.timedelta(days=7, hours=8)  # the next Monday 08:00
    project = _chain(
        5 * DAY,
        10 * DAY,
        progress={
            "a0": {"actual_start": MONDAY + dt.timedelta(hours=8),
                   "actual_finish": MONDAY + dt.timedelta(days=4, hours=17)},
            "a1": {"actual_start": dd},
        },
    )  # fmt: skip
    project.data_date = dd
    project.activities[1].remaining_duration = 5 * DAY  # half done
    # The sample is of the whole duration: 8..10..30 days; half of it remains.
    points = {"a0": ThreePoint(DAY, DAY, 50 * DAY), "a1": ThreePoint(8 * DAY, 10 * DAY, 30 * DAY)}
    found = simulate(project, points, iterations=4000, seed=9)
    assert found.sampled == ["a1"]
    assert found.notes == {"three_points_not_sampled": 1}  # the completed A0
    start = _ordinal(project, dd)
    p10 = _ordinal(project, found.percentiles[10]) - start
    p90 = _ordinal(project, found.percentiles[90]) - start
    assert p10 >= 4 * DAY and p90 <= 15 * DAY
    assert _ordinal(project, found.percentiles[50]) - start == pytest.approx(
        _triangular_quantile(0.5, 8 * DAY, 10 * DAY, 30 * DAY) / 2, rel=0.02
    )
    assert found.deterministic_finish == cpm.schedule(project).finish
    assert found.model_finish == found.deterministic_finish


@st.composite
def uncertain(draw: st.DrawFn) -> tuple[Project, dict[str, ThreePoint]]:
    project = draw(projects(one_calendar=True))
    points = {}
    for a in project.activities:
        low = draw(st.integers(0, a.remaining_duration))
        high = draw(st.integers(a.remaining_duration, 3 * a.remaining_duration + 10))
        points[a.id] = ThreePoint(low, a.remaining_duration, high)
    return project, points


@SETTINGS
@given(uncertain(), st.sampled_from(Distribution))
def test_percentiles_are_ordered_and_no_finish_beats_the_optimistic_one(
    case: tuple[Project, dict[str, ThreePoint]], dist: Distribution
) -> None:
    project, points = case
    found = simulate(project, points, distribution=dist, iterations=60, seed=4)
    p = found.percentiles
    assert p[10] <= p[50] <= p[80] <= p[90]
    optimistic = {
        k: ThreePoint(v.optimistic, v.optimistic, v.optimistic) for k, v in points.items()
    }
    best = simulate(project, optimistic, iterations=1, seed=0).percentiles[10]
    earliest = min(b.start for b in found.histogram)
    assert _ordinal(project, earliest) >= _ordinal(project, best)
    assert sum(b.count for b in found.histogram) == 60
    assert all(0.0 <= r.criticality <= 1.0 for r in found.activities)


def test_result_is_a_plain_dataclass() -> None:
    project = _chain(DAY)
    found = simulate(project, {"a0": ThreePoint(DAY, DAY, 2 * DAY)}, iterations=5, seed=0)
    assert isinstance(found, RiskResult)
    assert dataclasses.asdict(found)["iterations"] == 5
