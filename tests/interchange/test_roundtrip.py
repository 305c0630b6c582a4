"""Round trips: read a fixture, write it as XER and as MSPDI, read it back, schedule both.

XER carries everything P6 schedules with, so a round trip through XER must give the same
activities, links, calendars, options and computed dates. The only exceptions are MS Project
semantics flags of `ScheduleOptions` that `read_xer` fixes to P6's behaviour (listed in
`NOT_IN_XER`); for MSPDI and P6 XML sources the test carries those over to the read-back
project before scheduling, after asserting everything else.

Neither format carries the calendar MS Project measures slack on for a task scheduled on its
resources' calendars (`Activity.float_calendar_id`, set by `read_mspdi`): P6 has no such
thing, and the MSPDI writer gives every task its calendar as its own. Both tests copy it from
the original onto the read-back project before scheduling. Nor does the MSPDI writer carry a
contoured assignment's timephased work, from which `read_mspdi` gives a task not yet started
the working time its work spans (zero-work days included) as `remaining_duration`: the MSPDI
test copies that too for MSPDI sources.

MSPDI cannot carry several P6 features (see `sitebook.interchange.mspdi_writer`): P6
scheduling options and the data date (`read_mspdi` always applies MS Project's semantics and
schedules from the project start), activity codes apart from the UID, expected finish dates,
secondary constraints, level-of-effort activities, the start/finish flavour of milestones
(`read_mspdi` derives it from the links), soft "start/finish on" constraints next to mandatory
ones, P6 WBS elements that are not summary tasks, and percent complete to better than 1 %.
For P6 sources the test asserts what MSPDI carries (UIDs, names, durations, remaining
durations, actual dates, the constraints it can express, links with lags, calendars), then
copies exactly those listed items from the original onto the read-back project and asserts
identical computed dates and floats. MSPDI sources round-trip through MSPDI with no copying.

No Django: these are pure engine/interchange tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from sitebook.engine.calendars import compile_calendar
from sitebook.engine.cpm import schedule
from sitebook.engine.network import (
    Activity,
    ActivityResult,
    ActivityType,
    Calendar,
    ConstraintType,
    Project,
    Schedule,
)
from sitebook.interchange.mspdi import MSPDI_NAMESPACE, read_mspdi
from sitebook.interchange.mspdi_writer import mspdi_losses, write_mspdi
from sitebook.interchange.pmxml import read_pmxml
from sitebook.interchange.xer import read_tables, read_xer
from sitebook.interchange.xer_writer import write_xer, xer_losses

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "schedules"
#: Manual-task-only file: every task is manually scheduled, MS Project's own dates are input.
EXCLUDED = {"task-links-project2019-mspdi.xml"}
FILES = sorted(
    str(p.relative_to(ROOT))
    for sub in ("p6-xer", "msproject-xml", "p6-pmxml")
    for p in (ROOT / sub).iterdir()
    if p.suffix in (".xer", ".xml") and p.name not in EXCLUDED
)

#: `ScheduleOptions` fields XER has no column for: `read_xer` sets them to P6's behaviour.
NOT_IN_XER = (
    "float_on_completed",
    "actual_dates_as_early_dates",
    "roll_up_wbs_summaries",
    "late_finish_by_project_finish",
    "ss_lag_from_actual_start",
    "alap_float_from_block_pass",
)


def _read(relative: str) -> list[Project]:
    data = (ROOT / relative).read_bytes()
    if relative.startswith("p6-xer/"):
        return read_xer(data)
    if relative.startswith("p6-pmxml/"):
        return read_pmxml(data)
    return read_mspdi(data, Path(relative).name)


def _span(project: Project, result: Schedule) -> tuple[dt.date, dt.date]:
    moments = [m for m in (project.data_date, project.planned_start, project.must_finish_by) if m]
    for activity in project.activities:
        moments += [m for m in (activity.actual_start, activity.actual_finish) if m]
    first = min(moments).date() - dt.timedelta(days=14)
    last = max([result.finish, *moments]).date() + dt.timedelta(days=14)
    return first, last


def _working(calendar: Calendar, span: tuple[dt.date, dt.date]) -> list[tuple[int, int]]:
    """The compiled calendar's working intervals (absolute minutes) over the span."""
    compiled = compile_calendar(calendar, *span)
    return list(zip(compiled.starts_list, compiled.ends_list, strict=True))


def _assert_calendars(
    before: Project,
    after: Project,
    key: Callable[[Activity], str],
    span: tuple[dt.date, dt.date],
) -> None:
    """Each activity's calendar, and the default calendar, work the same minutes."""
    cache: dict[tuple[int, str], list[tuple[int, int]]] = {}

    def minutes(project: Project, calendar_id: str, side: int) -> list[tuple[int, int]]:
        if (side, calendar_id) not in cache:
            calendar = project.calendars[calendar_id or project.default_calendar_id]
            cache[(side, calendar_id)] = _working(calendar, span)
        return cache[(side, calendar_id)]

    assert minutes(before, before.default_calendar_id, 0) == minutes(
        after, after.default_calendar_id, 1
    )
    by_key = {key(a): a for a in after.activities}
    for activity in before.activities:
        other = by_key[key(activity)]
        assert minutes(before, activity.calendar_id, 0) == minutes(after, other.calendar_id, 1), (
            activity.code
        )


def _links(project: Project, key: Callable[[Activity], str]) -> list[tuple[str, ...]]:
    keys = {a.id: key(a) for a in project.activities}
    return sorted(
        (keys[link.pred_id], keys[link.succ_id], link.type, str(link.lag), link.lag_unit)
        for link in project.links
    )


def _results(
    project: Project, result: Schedule, key: Callable[[Activity], str]
) -> dict[str, ActivityResult]:
    keys = {a.id: key(a) for a in project.activities}
    return {keys[i]: r for i, r in result.results.items()}


def _calendars(
    project: Project, other: Project, span: tuple[dt.date, dt.date]
) -> list[tuple[object, ...]]:
    """Calendars by id, name, hours per day and working minutes over the span.

    Numeric calendar ids are kept by the writers; others (MSPDI union calendars) are
    renumbered, so only ids the other project also has are compared.
    """
    return sorted(
        (cid if cid in other.calendars else "", c.name, c.hours_per_day, _working(c, span))
        for cid, c in project.calendars.items()
    )


def _assert_same_wbs(original: Project, back: Project) -> None:
    """The same WBS tree and membership, up to renaming (XER keeps numeric WBS ids)."""
    rename: dict[str, str] = {}
    by_code = {a.code: a for a in back.activities}
    for activity in original.activities:
        found = by_code[activity.code].wbs_id
        assert rename.setdefault(activity.wbs_id, found) == found, activity.code
    for child, parent in original.wbs_parent.items():
        rename.setdefault(child, child if child.isdigit() else "?" + child)
        rename.setdefault(parent, parent if parent.isdigit() else "?" + parent)
    assert len(set(rename.values())) == len(rename)
    renamed = {rename[c]: rename[p] for c, p in original.wbs_parent.items()}
    known = {c: p for c, p in back.wbs_parent.items() if c in renamed}
    assert known == renamed
    assert len(back.wbs_parent) == len(original.wbs_parent)


def _by_code(activity: Activity) -> str:
    return activity.code


def _by_id(activity: Activity) -> str:
    return activity.id


def _network(activity: Activity) -> tuple[object, ...]:
    """Everything of an activity XER carries (all of it but the MS Project manual flag)."""
    return (
        activity.name,
        activity.type,
        activity.original_duration,
        activity.remaining_duration,
        activity.primary_constraint,
        activity.secondary_constraint,
        activity.actual_start,
        activity.actual_finish,
        activity.suspend,
        activity.resume,
        activity.expected_finish,
        activity.percent_complete,
    )


@pytest.mark.parametrize("relative", FILES)
def test_xer_round_trip(relative: str) -> None:
    for original in _read(relative):
        first = schedule(original)
        back_list = read_xer(write_xer([original]))
        assert len(back_list) == 1
        back = back_list[0]
        assert back.code == original.code
        assert (back.data_date, back.planned_start, back.must_finish_by) == (
            original.data_date,
            original.planned_start,
            original.must_finish_by,
        )
        # Codes are unique in every fixture project, so they identify activities.
        assert len({a.code for a in original.activities}) == len(original.activities)
        assert {a.code: _network(a) for a in back.activities} == {
            a.code: _network(a) for a in original.activities
        }
        assert _links(back, _by_code) == _links(original, _by_code)
        span = _span(original, first)

        assert _calendars(back, original, span) == _calendars(original, back, span)
        _assert_calendars(original, back, _by_code, span)
        _assert_same_wbs(original, back)
        carried = {
            f.name: getattr(original.options, f.name)
            for f in dataclasses.fields(original.options)
            if f.name not in NOT_IN_XER
        }
        assert {name: getattr(back.options, name) for name in carried} == carried
        losses = xer_losses(original)
        if relative.startswith("p6-xer/"):
            assert losses == []
            assert back.options == original.options
        for name in NOT_IN_XER:
            setattr(back.options, name, getattr(original.options, name))
        _carry_over_float_calendars(original, back, _by_code)
        second = schedule(back)
        assert second.finish == first.finish
        assert _results(back, second, _by_code) == _results(original, first, _by_code)


def _carry_over_float_calendars(
    original: Project, back: Project, key: Callable[[Activity], str]
) -> None:
    """Copy each activity's `float_calendar_id` (see the module docstring) onto `back`."""
    by_key = {key(a): a for a in back.activities}
    for activity in original.activities:
        by_key[key(activity)].float_calendar_id = activity.float_calendar_id


def _carry_over_contoured_spans(original: Project, back: Project) -> None:
    """Copy the remaining duration of each task not yet started (see the module docstring)."""
    by_id = back.activity_by_id()
    for activity in original.activities:
        if not activity.is_started:
            by_id[activity.id].remaining_duration = activity.remaining_duration


def _carry_over_mspdi_losses(original: Project, back: Project) -> None:
    """Copy onto `back` exactly what MSPDI cannot carry (the module docstring's list)."""
    back.options = dataclasses.replace(original.options)
    back.data_date = original.data_date
    back.code = original.code
    mixed = "soft and mandatory 'on' constraints in one project" in mspdi_losses(original)
    p6_wbs = not original.wbs_parent or not all(n.startswith("S") for n in original.wbs_parent)
    if p6_wbs:
        back.wbs_parent = dict(original.wbs_parent)
    by_id = back.activity_by_id()
    for activity in original.activities:
        other = by_id[activity.id]
        other.code = activity.code
        other.expected_finish = activity.expected_finish
        other.secondary_constraint = activity.secondary_constraint
        other.percent_complete = activity.percent_complete
        if activity.type in (ActivityType.LEVEL_OF_EFFORT, ActivityType.START_MILESTONE):
            other.type = activity.type
        if activity.type is ActivityType.FINISH_MILESTONE:
            other.type = activity.type
        if p6_wbs:
            other.wbs_id = activity.wbs_id
        if mixed and activity.primary_constraint is not None:
            other.primary_constraint = activity.primary_constraint


_SOFT_TO_MANDATORY = {
    ConstraintType.START_ON: ConstraintType.MANDATORY_START,
    ConstraintType.FINISH_ON: ConstraintType.MANDATORY_FINISH,
}


@pytest.mark.parametrize("relative", FILES)
def test_mspdi_round_trip(relative: str) -> None:
    for original in _read(relative):
        first = schedule(original)
        data = write_mspdi(original)
        back_list = read_mspdi(data, original.code)
        assert len(back_list) == 1
        back = back_list[0]
        # What MSPDI carries: UIDs (numeric in every fixture), names, durations, progress,
        # expressible constraints, links with lags, calendars.
        assert {a.id for a in back.activities} == {a.id for a in original.activities}
        by_id = back.activity_by_id()
        mixed = "soft and mandatory 'on' constraints in one project" in mspdi_losses(original)
        for activity in original.activities:
            other = by_id[activity.id]
            assert other.name == activity.name
            assert other.original_duration == activity.original_duration
            assert other.actual_start == activity.actual_start
            assert other.actual_finish == activity.actual_finish
            if activity.actual_start is not None:
                assert other.remaining_duration == activity.remaining_duration
            assert other.percent_complete == round(activity.percent_complete)
            milestone = (ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE)
            if activity.type in milestone:
                assert other.type in milestone
            elif activity.type is ActivityType.LEVEL_OF_EFFORT:
                assert other.type is ActivityType.TASK
            else:
                assert other.type is activity.type
            expected = activity.primary_constraint
            if mixed and expected is not None and expected.type in _SOFT_TO_MANDATORY:
                expected = dataclasses.replace(expected, type=_SOFT_TO_MANDATORY[expected.type])
            assert other.primary_constraint == expected, activity.code
            if activity.resume is not None and activity.actual_finish is None:
                assert (other.suspend, other.resume) == (activity.suspend, activity.resume)
        assert _links(back, _by_id) == _links(original, _by_id)
        assert back.planned_start == (original.planned_start or original.data_date)
        assert back.must_finish_by == original.must_finish_by
        span = _span(original, first)
        _assert_calendars(original, back, _by_id, span)
        if relative.startswith("msproject-xml/"):
            # Same reader, same semantics: nothing to carry over, everything must match.
            assert mspdi_losses(original) == []
            assert back.options == original.options
            assert back.wbs_parent == original.wbs_parent
            assert {a.id: (a.type, a.wbs_id, a.code) for a in back.activities} == {
                a.id: (a.type, a.wbs_id, a.code) for a in original.activities
            }
            _carry_over_contoured_spans(original, back)
        _carry_over_mspdi_losses(original, back)
        _carry_over_float_calendars(original, back, _by_id)
        second = schedule(back)
        assert second.finish == first.finish
        assert _results(back, second, _by_id) == _results(original, first, _by_id)


def test_mspdi_output_is_namespaced_project() -> None:
    original = _read("msproject-xml/mspdirelations.xml")[0]
    root = ET.fromstring(write_mspdi(original))
    assert root.tag == f"{{{MSPDI_NAMESPACE}}}Project"
    ns = {"p": MSPDI_NAMESPACE}
    links = root.findall("p:Tasks/p:Task/p:PredecessorLink", ns)
    assert len(links) == len(original.links)
    for link in links:
        assert link.findtext("p:LagFormat", namespaces=ns) in ("7", "8", "19")


@pytest.mark.parametrize("relative", FILES)
def test_written_xer_parses_line_by_line(relative: str) -> None:
    data = write_xer(_read(relative))
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0].startswith("ERMHDR\t")
    assert lines[-1] == ""
    assert lines[-2] == "%E"
    fields: list[str] | None = None
    tables: list[str] = []
    for number, line in enumerate(lines[1:-2], start=2):
        parts = line.split("\t")
        tag = parts[0]
        if tag == "%T":
            assert len(parts) == 2 and parts[1], number
            tables.append(parts[1])
            fields = None
        elif tag == "%F":
            assert fields is None, number
            fields = parts[1:]
            assert all(fields), number
        else:
            assert tag == "%R", (number, line[:40])
            assert fields is not None, number
            assert len(parts) - 1 == len(fields), number
    for required in ("CALENDAR", "PROJECT", "SCHEDOPTIONS", "TASK", "TASKPRED"):
        assert required in tables
    assert "PROJWBS" in tables or not any(p.wbs_parent for p in _read(relative))
    # And the reader's own table splitter agrees.
    assert set(read_tables(data)) == set(tables)


def test_clndr_data_round_trips_exceptions_both_ways() -> None:
    from sitebook.interchange.xer import parse_clndr_data
    from sitebook.interchange.xer_writer import clndr_data

    calendar = Calendar(
        id="7",
        name="Six day",
        week=(((420, 720), (780, 1020)),) * 6 + ((),),
        exceptions={
            dt.date(2025, 1, 1): (),
            dt.date(2025, 1, 5): ((480, 720),),
            dt.date(2025, 1, 6): ((0, 1440),),
        },
        hours_per_day=9.0,
    )
    back = parse_clndr_data("7", "Six day", clndr_data(calendar), 9.0)
    assert back == calendar
