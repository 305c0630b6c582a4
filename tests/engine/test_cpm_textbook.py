"""Hand-checked small networks on a Monday-Friday 08:00-12:00/13:00-17:00 calendar."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sitebook.engine import cpm_core, cpm_fast
from sitebook.engine.calendars import DayType, china_calendar, china_day_type
from sitebook.engine.cpm import schedule
from sitebook.engine.errors import CycleError, NetworkError
from sitebook.engine.network import Activity, ActivityType, Calendar, Link, LinkType, Project

MON = dt.datetime(2025, 1, 6)  # a Monday
DAY = 480


def _project(durations: dict[str, int], links: list[Link], cal: Calendar | None = None) -> Project:
    cal = cal or Calendar(id="std")
    acts = [
        Activity(
            id=k, code=k, calendar_id=cal.id, original_duration=d * DAY, remaining_duration=d * DAY
        )
        for k, d in durations.items()
    ]
    return Project(
        code="T",
        data_date=MON,
        default_calendar_id=cal.id,
        calendars={cal.id: cal},
        activities=acts,
        links=links,
    )


def test_finish_to_start_chain_and_float() -> None:
    p = _project({"A": 2, "B": 3, "C": 1}, [Link("A", "B"), Link("A", "C")])
    r = schedule(p).results
    assert r["B"].early_start == dt.datetime(2025, 1, 8, 8, 0)
    assert r["B"].early_finish == dt.datetime(2025, 1, 10, 17, 0)
    assert r["C"].total_float == 2 * DAY and r["C"].free_float == 2 * DAY
    assert r["A"].critical and r["B"].critical and not r["C"].critical


def test_start_to_start_with_negative_lag_and_finish_to_finish() -> None:
    links = [Link("A", "B", LinkType.SS, lag=DAY), Link("A", "C", LinkType.FF, lag=-DAY)]
    r = schedule(_project({"A": 3, "B": 1, "C": 1}, links)).results
    assert r["B"].early_start == dt.datetime(2025, 1, 7, 8, 0)
    # A lag that moves a date earlier lands on the start of working time: P6 23.12 shows an
    # FF -72 h finish as Monday 08:00, not Friday 17:00 (A2240 in p6-23-progress-override).
    assert r["C"].early_finish == dt.datetime(2025, 1, 8, 8, 0)


def test_loop_raises_cycle_error_with_codes() -> None:
    p = _project({"A": 1, "B": 1}, [Link("A", "B"), Link("B", "A")])
    with pytest.raises(CycleError) as info:
        schedule(p)
    assert set(info.value.activities) == {"A", "B"}


def test_china_national_day_holidays_and_make_up_workday() -> None:
    cal = china_calendar(first_year=2025, last_year=2025)
    cal.id = "cn"
    p = _project({"A": 2}, [], cal)
    p.data_date = dt.datetime(2025, 9, 26)  # Friday; Saturday 27th rest, Sunday 28th make-up day
    r = schedule(p).results
    assert r["A"].early_finish == dt.datetime(2025, 9, 28, 17, 0)
    assert china_day_type(dt.date(2025, 9, 28)) is DayType.WORK_DAY
    assert china_day_type(dt.date(2025, 10, 1)) is DayType.STATUTORY_HOLIDAY
    assert china_day_type(dt.date(2025, 10, 4)) is DayType.REST_DAY


def test_finished_predecessor_late_dates_ignore_spent_lag() -> None:
    # A finished Monday 6 January; A -> B is FS + 3 days. On the data date (Monday 13th) B
    # starts at once: A's finish + 3 days (Thursday 9th 17:00) is already past.
    a = Activity(
        id="A",
        code="A",
        calendar_id="std",
        original_duration=DAY,
        actual_start=dt.datetime(2025, 1, 6, 8, 0),
        actual_finish=dt.datetime(2025, 1, 6, 17, 0),
    )
    p = _project({"B": 1}, [Link("A", "B", LinkType.FS, lag=3 * DAY)])
    p.activities.insert(0, a)
    p.data_date = dt.datetime(2025, 1, 13, 8, 0)
    r = schedule(p).results
    assert r["B"].early_start == dt.datetime(2025, 1, 13, 8, 0)
    assert r["B"].late_start == dt.datetime(2025, 1, 13, 8, 0)
    # B's late start minus the lag would be Wednesday 8th 08:00; P6 8.1 drops a finished
    # activity's lag and shows B's late start itself (HS2 KM-CM-1010: 2017-01-24 09:00, the
    # FS-0 successor's late start, not 2017-01-16 from an FS +2,072 h link).
    assert r["A"].late_start == r["A"].late_finish == dt.datetime(2025, 1, 13, 8, 0)
    assert r["A"].total_float is None


def test_start_milestone_after_a_finish_at_the_end_of_the_day_starts_next_morning() -> None:
    # A works Monday 08:00-17:00; M, a start milestone after it, is written in start form as
    # P6 does: Tuesday 08:00, not Monday 17:00 (HS2 P1EWCC-AWP01-8510 after a 17:00 finish).
    p = _project({"A": 1}, [Link("A", "M")])
    p.activities.append(
        Activity(id="M", code="M", calendar_id="std", type=ActivityType.START_MILESTONE)
    )
    r = schedule(p).results
    assert r["A"].early_finish == dt.datetime(2025, 1, 6, 17, 0)
    assert r["M"].early_start == r["M"].early_finish == dt.datetime(2025, 1, 7, 8, 0)
    assert r["A"].free_float == 0 and r["M"].total_float == 0
    # The kernel writes it the same way (compiled and plain Python).
    core = cpm_core.schedule(p)
    assert cpm_fast.schedule(p) == core
    assert cpm_fast.schedule(p, jit=False) == core


def test_float_measured_on_another_calendar() -> None:
    """`float_calendar_id`: the same early and late moments, counted on that calendar.

    A works 7 days a week (08:00-17:00, no lunch) for one day from Friday; B, a 3-day task
    on the standard calendar, runs Friday, Monday and Tuesday and ends the project. A
    finishes Friday 17:00 and may finish as late as Tuesday 17:00: that is 4 of A's own
    9-hour days (36 h) but 2 standard 8-hour days (16 h) measured on the standard calendar.
    """
    seven = Calendar(id="seven", week=(((8 * 60, 17 * 60),),) * 7)
    a = Activity(id="A", code="A", calendar_id="seven", original_duration=540)
    a.remaining_duration = 540
    b = Activity(id="B", code="B", calendar_id="std", original_duration=3 * DAY)
    b.remaining_duration = 3 * DAY
    project = Project(
        code="T",
        data_date=dt.datetime(2025, 1, 10),
        default_calendar_id="std",
        calendars={"std": Calendar(id="std"), "seven": seven},
        activities=[a, b],
        links=[],
    )
    r = schedule(project).results["A"]
    assert r.early_finish == dt.datetime(2025, 1, 10, 17, 0)
    assert r.late_finish == dt.datetime(2025, 1, 14, 17, 0)
    assert r.total_float == r.free_float == 4 * 540
    a.float_calendar_id = "std"
    measured = schedule(project)
    r = measured.results["A"]
    assert r.late_finish == dt.datetime(2025, 1, 14, 17, 0)
    assert r.total_float == r.free_float == 2 * DAY
    # The compiled kernel does not measure on other calendars: it leaves such a project to
    # cpm_core (which gave the answer above).
    assert cpm_fast.unsupported_reason(project) == "activity A: field float_calendar_id"
    assert measured == cpm_core.schedule(project)


def test_progress_override_work_whose_only_successor_is_finished_is_an_open_end() -> None:
    """Under progress override a link into finished work asks nothing more (P6), so work whose
    only successors are finished ends, like an open end, by the project's finish; it used to
    get no late bound at all and the backward pass ran off the calendar."""
    p = _project({"A": 2, "B": 3, "C": 4}, [Link("A", "B"), Link("C", "B")])
    done = {"actual_start": MON - dt.timedelta(days=7), "actual_finish": MON - dt.timedelta(days=3)}
    p.activities[1] = dataclasses.replace(p.activities[1], **done)  # B finished last week
    p.options.progress_override = True
    r = schedule(p).results
    # C (4 days) finishes the project on Thursday; A (2 days) may end then too.
    assert r["C"].early_finish == r["C"].late_finish == dt.datetime(2025, 1, 9, 17, 0)
    assert r["A"].late_finish == dt.datetime(2025, 1, 9, 17, 0)
    assert r["A"].total_float == 2 * DAY


def test_work_that_would_run_past_the_year_9999_is_a_network_error() -> None:
    """One working minute a week and ten million minutes of work: no calendar reaches that
    far, and the answer is a typed error naming the problem, not an overflow."""
    cal = Calendar(id="thin", week=(((480, 481),),) + ((),) * 6)
    p = _project({}, [], cal)
    p.activities.append(
        Activity(
            id="A", code="A", calendar_id="thin", original_duration=10**7, remaining_duration=10**7
        )
    )
    with pytest.raises(NetworkError, match="beyond any calendar horizon"):
        schedule(p)
