"""Primavera P6 XML (PMXML): reading, rescheduling from scratch, and bad input.

P6 stored start/finish and remaining early/late dates (no floats) in the fixture. The tests blank
them in a copy, reschedule, and compare with the original's stored dates.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitebook.engine.cpm import schedule
from sitebook.engine.errors import EmptyInputError, FormatError, ScheduleInputError
from sitebook.engine.network import ActivityType, Project
from sitebook.interchange.compute import detect_format, read_projects
from sitebook.interchange.pmxml import read_pmxml, stored_dates

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "schedules"
    / "p6-pmxml"
    / "plasma-product-launch.xml"
)
_NS = "http://xmlns.oracle.com/Primavera/P6Professional/V15.2/API/BusinessObjects"
_COMPUTED = (
    "StartDate",
    "FinishDate",
    "PlannedStartDate",
    "PlannedFinishDate",
    "RemainingEarlyStartDate",
    "RemainingEarlyFinishDate",
    "RemainingLateStartDate",
    "RemainingLateFinishDate",
)

#: The 24 holidays of the fixture's only calendar were not in force when P6 computed the
#: stored dates (e.g. PD1000 starts on 2012-01-02, which the calendar lists as a holiday);
#: every activity of both projects lies after at least one of them.
STALE_HOLIDAY_MISMATCHES = 26


def _blank(data: bytes) -> bytes:
    ET.register_namespace("", _NS)
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ET.fromstring(data)
    for activity in root.iter(f"{{{_NS}}}Activity"):
        for name in _COMPUTED:
            for element in activity.findall(f"{{{_NS}}}{name}"):
                activity.remove(element)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _mismatches(projects: list[Project]) -> list[str]:
    expected = stored_dates(FIXTURE.read_bytes())
    problems = []
    for project in projects:
        results = schedule(project).results
        for activity in project.activities:
            want = expected[(project.code, activity.code)]
            got = results[activity.id]
            diffs = [
                f"{key} {ours:%Y-%m-%d %H:%M} (P6 {want[key]:%Y-%m-%d %H:%M})"
                for key, ours in (
                    ("early_start", got.early_start),
                    ("early_finish", got.early_finish),
                    ("late_start", got.late_start),
                    ("late_finish", got.late_finish),
                    ("start", got.early_start),
                    ("finish", got.early_finish),
                )
                if want[key] != ours
            ]
            if diffs:
                problems.append(f"{project.code} {activity.code}: " + "; ".join(diffs))
    return problems


def test_reads_two_scheduled_projects_and_skips_reference_stubs() -> None:
    projects = read_pmxml(FIXTURE.read_bytes())
    assert [p.code for p in projects] == ["PROD00883", "PROD00499"]
    assert [len(p.activities) for p in projects] == [13, 13]
    # Cross-project links to the stub projects are dropped: 12 links stay in each.
    assert [len(p.links) for p in projects] == [12, 12]
    first = projects[0]
    assert first.data_date == dt.datetime(2012, 1, 2, 0, 0)
    by_code = {a.code: a for a in first.activities}
    assert by_code["PD1030"].original_duration == round(70.583333 * 60)  # "70,583333" hours
    assert by_code["PD9003"].type is ActivityType.FINISH_MILESTONE
    lags = {(k.pred_id, k.succ_id): k.lag for k in first.links}
    assert lags[(by_code["PD1030"].id, by_code["PD1040"].id)] == -40 * 60
    calendar = first.calendars[first.default_calendar_id]
    assert calendar.week[0] == ((8 * 60, 16 * 60),)  # 08:00-15:59 inclusive
    assert calendar.week[6] == ()
    assert calendar.exceptions[dt.date(2012, 1, 2)] == ()
    assert first.wbs_parent


def test_compute_detects_pmxml() -> None:
    assert detect_format(FIXTURE.read_bytes()) == "pmxml"


def test_rescheduled_dates_match_p6_once_the_stale_holidays_are_dropped() -> None:
    projects = read_projects(_blank(FIXTURE.read_bytes()), FIXTURE.name)
    for project in projects:
        for calendar in project.calendars.values():
            calendar.exceptions.clear()
    assert _mismatches(projects) == []


def test_rescheduled_dates_with_the_calendar_as_written() -> None:
    projects = read_projects(_blank(FIXTURE.read_bytes()), FIXTURE.name)
    problems = _mismatches(projects)
    assert len(problems) <= STALE_HOLIDAY_MISMATCHES, "\n".join(problems)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyInputError),
        (b"\x00\x01\x02 junk", FormatError),
        (b"<APIBusinessObjects><Project><Activity>", FormatError),
        (b"<Project xmlns='http://schemas.microsoft.com/project'/>", FormatError),
        (b"<APIBusinessObjects/>", EmptyInputError),
        (
            b"<!DOCTYPE x [<!ENTITY a 'b'>]><APIBusinessObjects>&a;</APIBusinessObjects>",
            FormatError,
        ),
    ],
)
def test_bad_input_raises_a_typed_error(data: bytes, error: type[ScheduleInputError]) -> None:
    with pytest.raises(error):
        read_pmxml(data)


def test_truncated_fixture_is_a_format_error() -> None:
    data = FIXTURE.read_bytes()
    with pytest.raises(FormatError):
        read_pmxml(data[: len(data) // 3])
