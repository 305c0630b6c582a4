"""MS Project XML (MSPDI) writer: one engine `Project` -> XML bytes that `read_mspdi` reads back.

Written (Microsoft's MSPDI schema, namespace `http://schemas.microsoft.com/project`): the
project header (`StartDate`, `MinutesPerDay`, default `CalendarUID`, `HonorConstraints`,
`CriticalSlackLimit`, `ScheduleFromStart`/`FinishDate`), every calendar as a base calendar with
its seven `WeekDay` rows (`DayType` 1 = Sunday ... 7 = Saturday, `WorkingTimes`) and one
`Exceptions/Exception` per dated exception (daily recurrence `Type` 1, one occurrence), the
project summary task (UID 0) and one `Task` per activity: `UID`, `ID`, `Name`, `Type` (1, fixed
duration), `Duration` (`PT#H#M0S`, working time), `Milestone`, `Summary`, `OutlineLevel`
(summary tasks enclose the activities of their WBS subtree), `ConstraintType`/`ConstraintDate`,
`CalendarUID`, progress (`ActualStart`, `ActualFinish`, `RemainingDuration`, `PercentComplete`,
`Stop`/`Resume`) and `PredecessorLink` (`PredecessorUID`, `Type` 0 FF, 1 FS, 2 SF, 3 SS,
`LinkLag` in tenths of a minute, `LagFormat` 7 working days, 8 elapsed days, 19 percent),
and task custom fields (`ExtendedAttributes` definitions before the calendars, per task
`ExtendedAttribute`) for cost codes, responsibles and three-point durations when given.
No computed dates or slack are written.

What MSPDI cannot carry, and is therefore changed or dropped (see `mspdi_losses`):

* P6 scheduling options: `read_mspdi` gives every project MS Project's semantics (progress
  override, lags on the project calendar, no expected finish, slack on completed tasks...),
  so `ScheduleOptions` other than the critical slack limit (whole days) are not carried;
* the data date: MSPDI's project start is what `read_mspdi` schedules from; the writer writes
  `planned_start` (else the data date) as `StartDate` and the data date as `StatusDate`, which
  the reader does not use;
* secondary constraints and expected finish dates (no MSPDI field);
* P6 constraints "start on" / "finish on" next to mandatory ones: MSPDI's MSO/MFO mean
  mandatory when the project honours constraints and soft otherwise, one or the other for the
  whole project (`HonorConstraints` is written 1 when any constraint is mandatory, and then
  soft "on" constraints are written as mandatory);
* level-of-effort activities (written as plain tasks) and the start/finish flavour of
  milestones (`read_mspdi` derives it from the links);
* WBS nodes that are not summary tasks (P6 WBS elements): tasks keep only the outline under
  the WBS-summary activities;
* percentage lags to a tenth of a percent; per-link lag calendars.

Calendar UIDs and task UIDs must be integers: numeric identifiers are kept, others (such as
the union calendars `read_mspdi` builds for multi-resource tasks) get fresh numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from xml.etree import ElementTree as ET

from sitebook.engine.network import (
    Activity,
    ActivityType,
    Calendar,
    ConstraintType,
    DayIntervals,
    LagUnit,
    LinkType,
    Project,
)
from sitebook.interchange.activity_fields import (
    COST_CODE,
    DURATION_LABELS,
    MSPDI_FIELDS,
    RESPONSIBLE,
    ActivityFields,
)
from sitebook.interchange.mspdi import ms_project_options
from sitebook.interchange.resources import MATERIAL, ResourceSet

__all__ = ["write_mspdi", "mspdi_losses", "MSPDI_NAMESPACE"]

MSPDI_NAMESPACE = "http://schemas.microsoft.com/project"

_LINK_TYPES = {LinkType.FF: "0", LinkType.FS: "1", LinkType.SF: "2", LinkType.SS: "3"}
_CONSTRAINTS = {
    ConstraintType.START_ON: "2",
    ConstraintType.MANDATORY_START: "2",
    ConstraintType.FINISH_ON: "3",
    ConstraintType.MANDATORY_FINISH: "3",
    ConstraintType.START_ON_OR_AFTER: "4",
    ConstraintType.START_ON_OR_BEFORE: "5",
    ConstraintType.FINISH_ON_OR_AFTER: "6",
    ConstraintType.FINISH_ON_OR_BEFORE: "7",
}
_MANDATORY = {ConstraintType.MANDATORY_START, ConstraintType.MANDATORY_FINISH}
_SOFT_ON = {ConstraintType.START_ON, ConstraintType.FINISH_ON}


class _Uids:
    """Integer UIDs for string identifiers: a numeric original is kept when still free."""

    def __init__(self, keys: list[str], first: int = 1) -> None:
        self.by_key: dict[str, str] = {}
        used = set()
        for key in keys:
            if key.isdigit() and int(key) >= first and key not in used:
                self.by_key[key] = str(int(key))
                used.add(str(int(key)))
        counter = first
        for key in keys:
            if key not in self.by_key:
                while str(counter) in used:
                    counter += 1
                self.by_key[key] = str(counter)
                used.add(str(counter))

    def __getitem__(self, key: str) -> str:
        return self.by_key[key]


def _date(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00")


def _duration(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}PT{minutes // 60}H{minutes % 60}M0S"


def _clock(minute: int) -> str:
    minute %= 1440  # 24:00 is written 00:00, MSPDI's midnight at the end of the day
    return f"{minute // 60:02d}:{minute % 60:02d}:00"


def _add(parent: ET.Element, tag: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = value
    return child


def _working_times(parent: ET.Element, intervals: DayIntervals) -> None:
    _add(parent, "DayWorking", "1" if intervals else "0")
    if intervals:
        times = ET.SubElement(parent, "WorkingTimes")
        for start, end in intervals:
            work = ET.SubElement(times, "WorkingTime")
            _add(work, "FromTime", _clock(start))
            _add(work, "ToTime", _clock(end))


def _calendar(parent: ET.Element, uid: str, calendar: Calendar) -> None:
    element = ET.SubElement(parent, "Calendar")
    _add(element, "UID", uid)
    _add(element, "Name", calendar.name or calendar.id)
    _add(element, "IsBaseCalendar", "1")
    _add(element, "BaseCalendarUID", "-1")
    weekdays = ET.SubElement(element, "WeekDays")
    for day_type in range(1, 8):
        row = ET.SubElement(weekdays, "WeekDay")
        _add(row, "DayType", str(day_type))
        _working_times(row, calendar.week[(day_type - 2) % 7])
    if calendar.exceptions:
        exceptions = ET.SubElement(element, "Exceptions")
        for day in sorted(calendar.exceptions):
            row = ET.SubElement(exceptions, "Exception")
            _add(row, "EnteredByOccurrences", "0")
            period = ET.SubElement(row, "TimePeriod")
            _add(period, "FromDate", f"{day.isoformat()}T00:00:00")
            _add(period, "ToDate", f"{day.isoformat()}T23:59:00")
            _add(row, "Occurrences", "1")
            _add(row, "Name", "")
            _add(row, "Type", "1")
            _working_times(row, calendar.exceptions[day])


def _outline(project: Project) -> list[tuple[Activity, int]]:
    """Activities in outline order with their outline level (summary tasks before members)."""
    summaries = {a.wbs_id: a for a in project.activities if a.type is ActivityType.WBS_SUMMARY}

    def enclosing(activity: Activity) -> Activity | None:
        node: str | None = activity.wbs_id
        if activity.type is ActivityType.WBS_SUMMARY:
            node = project.wbs_parent.get(activity.wbs_id)
        seen: set[str] = set()
        while node and node not in seen:
            seen.add(node)
            owner = summaries.get(node)
            if owner is not None and owner is not activity:
                return owner
            node = project.wbs_parent.get(node)
        return None

    children: dict[str, list[Activity]] = {}
    roots: list[Activity] = []
    for activity in project.activities:
        parent = enclosing(activity)
        if parent is None:
            roots.append(activity)
        else:
            children.setdefault(parent.id, []).append(activity)
    ordered: list[tuple[Activity, int]] = []
    placed: set[str] = set()

    def emit(activity: Activity, level: int) -> None:
        if activity.id in placed:
            return
        placed.add(activity.id)
        ordered.append((activity, level))
        for child in children.get(activity.id, []):
            emit(child, level + 1)

    for activity in roots:
        emit(activity, 1)
    for activity in project.activities:  # members of a summary cycle, if any
        emit(activity, 1)
    return ordered


def mspdi_losses(project: Project) -> list[str]:
    """What of `project` an MSPDI file cannot carry exactly (see the module docstring)."""
    losses: list[str] = []
    carried = dataclasses.replace(project.options, critical_float_minutes=0)
    if carried != ms_project_options():
        losses.append("P6 scheduling options (MSPDI is read with MS Project's)")
    kinds = {c.type for a in project.activities for c in a.constraints}
    if kinds & _MANDATORY and kinds & _SOFT_ON:
        losses.append("soft and mandatory 'on' constraints in one project")
    if any(a.secondary_constraint for a in project.activities):
        losses.append("secondary constraints")
    if any(a.expected_finish for a in project.activities):
        losses.append("expected finish dates")
    if any(a.type is ActivityType.LEVEL_OF_EFFORT for a in project.activities):
        losses.append("level-of-effort activities")
    if any(link.lag_calendar_id for link in project.links):
        losses.append("per-link lag calendars")
    if any(link.lag_unit is LagUnit.PERCENT and link.lag % 10 for link in project.links):
        losses.append("percentage lags finer than a tenth of a percent")
    if project.data_date != (project.planned_start or project.data_date):
        losses.append("a data date after the project start")
    return losses


def write_mspdi(
    project: Project,
    resources: ResourceSet | None = None,
    fields: Mapping[str, ActivityFields] | None = None,
) -> bytes:
    """Write `project` as an MSPDI document (UTF-8).

    `resources` become `Resources/Resource` (labour and equipment as work resources, Type 1;
    material Type 0 with its unit as `MaterialLabel`; cost Type 2) and
    `Assignments/Assignment` (units as `Work` hours, costs in hundredths as MSPDI writes
    currency), which `sitebook.interchange.resources.read_resources` reads back; equipment
    comes back as labour (MSPDI has no equipment type). `fields` (cost codes, responsibles
    and three-point durations by activity id) become the task custom fields Text1, Text2 and
    Duration1..3 under the aliases of `sitebook.interchange.activity_fields`.
    """
    calendar_uids = _Uids(list(project.calendars))
    task_uids = _Uids([a.id for a in project.activities])
    default_calendar = project.calendars.get(project.default_calendar_id)
    minutes_per_day = round((default_calendar.hours_per_day if default_calendar else 8.0) * 60)
    kinds = {c.type for a in project.activities for c in a.constraints}
    honor = bool(kinds & _MANDATORY)
    root = ET.Element("Project", {"xmlns": MSPDI_NAMESPACE})
    _add(root, "SaveVersion", "14")
    _add(root, "Name", f"{project.code}.xml")
    _add(root, "Title", project.name or project.code)
    start = project.planned_start or project.data_date
    if project.must_finish_by is not None:
        _add(root, "ScheduleFromStart", "0")
    else:
        _add(root, "ScheduleFromStart", "1")
    if start is not None:
        _add(root, "StartDate", _date(start))
    if project.must_finish_by is not None:
        _add(root, "FinishDate", _date(project.must_finish_by))
    if project.default_calendar_id in project.calendars:
        _add(root, "CalendarUID", calendar_uids[project.default_calendar_id])
    _add(root, "MinutesPerDay", str(minutes_per_day))
    _add(root, "MinutesPerWeek", str(minutes_per_day * 5))
    _add(root, "HonorConstraints", "1" if honor else "0")
    if project.data_date is not None:
        _add(root, "StatusDate", _date(project.data_date))
    slack_days = project.options.critical_float_minutes // max(minutes_per_day, 1)
    _add(root, "CriticalSlackLimit", str(slack_days))
    values = _field_values(project, fields or {})
    _field_definitions(root, values)
    calendars = ET.SubElement(root, "Calendars")
    for cid, calendar in project.calendars.items():
        _calendar(calendars, calendar_uids[cid], calendar)
    tasks = ET.SubElement(root, "Tasks")
    summary = ET.SubElement(tasks, "Task")
    _add(summary, "UID", "0")
    _add(summary, "ID", "0")
    _add(summary, "Name", project.name or project.code)
    _add(summary, "OutlineLevel", "0")
    _add(summary, "Summary", "1")
    predecessors: dict[str, list[int]] = {}
    for index, link in enumerate(project.links):
        predecessors.setdefault(link.succ_id, []).append(index)
    for number, (activity, level) in enumerate(_outline(project), start=1):
        task = ET.SubElement(tasks, "Task")
        _task(task, activity, task_uids[activity.id], number, level)
        calendar_id = activity.calendar_id or project.default_calendar_id
        if calendar_id in project.calendars:
            _add(task, "CalendarUID", calendar_uids[calendar_id])
        for index in predecessors.get(activity.id, []):
            link = project.links[index]
            element = ET.SubElement(task, "PredecessorLink")
            _add(element, "PredecessorUID", task_uids[link.pred_id])
            _add(element, "Type", _LINK_TYPES[link.type])
            _add(element, "CrossProject", "0")
            if link.lag_unit is LagUnit.PERCENT:
                _add(element, "LinkLag", str(round(link.lag / 10)))
                _add(element, "LagFormat", "19")
            else:
                _add(element, "LinkLag", str(link.lag * 10))
                _add(element, "LagFormat", "8" if link.lag_unit is LagUnit.ELAPSED else "7")
        for label, value in values.get(activity.id, {}).items():
            _field_value(task, label, value)
    if resources is not None:
        _resources(root, resources, task_uids)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + "\n").encode(
        "utf-8"
    )


def _task(task: ET.Element, activity: Activity, uid: str, number: int, level: int) -> None:
    _add(task, "UID", uid)
    _add(task, "ID", str(number))
    _add(task, "Name", activity.name)
    _add(task, "Type", "1")
    _add(task, "IsNull", "0")
    _add(task, "OutlineLevel", str(level))
    manual_start = None
    constraint = activity.primary_constraint
    if (
        activity.manually_scheduled
        and constraint is not None
        and constraint.type is ConstraintType.MANDATORY_START
    ):
        manual_start = constraint.date
    _add(task, "Manual", "1" if manual_start is not None else "0")
    if manual_start is not None:
        _add(task, "ManualStart", _date(manual_start))
    _add(task, "Duration", _duration(activity.original_duration))
    _add(task, "DurationFormat", "7")
    milestone = activity.type in (ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE)
    _add(task, "Milestone", "1" if milestone else "0")
    _add(task, "Summary", "1" if activity.type is ActivityType.WBS_SUMMARY else "0")
    if constraint is None:
        _add(task, "ConstraintType", "0")
    elif constraint.type is ConstraintType.AS_LATE_AS_POSSIBLE:
        _add(task, "ConstraintType", "1")
    elif constraint.date is not None:
        _add(task, "ConstraintType", _CONSTRAINTS[constraint.type])
        _add(task, "ConstraintDate", _date(constraint.date))
    _add(task, "PercentComplete", str(round(activity.percent_complete)))
    if activity.actual_start is not None:
        _add(task, "ActualStart", _date(activity.actual_start))
        _add(task, "RemainingDuration", _duration(activity.remaining_duration))
        if activity.suspend is not None and activity.actual_finish is None:
            _add(task, "Stop", _date(activity.suspend))
        if activity.resume is not None and activity.actual_finish is None:
            _add(task, "Resume", _date(activity.resume))
    if activity.actual_finish is not None:
        _add(task, "ActualFinish", _date(activity.actual_finish))


def _field_values(
    project: Project, fields: Mapping[str, ActivityFields]
) -> dict[str, dict[str, str | int]]:
    """{activity id: {field label: text or minutes}} of the project's activities."""
    found: dict[str, dict[str, str | int]] = {}
    for activity in project.activities:
        given = fields.get(activity.id)
        if given is None:
            continue
        values: dict[str, str | int] = {}
        if given.cost_code:
            values[COST_CODE] = given.cost_code
        if given.responsible:
            values[RESPONSIBLE] = given.responsible
        for attribute, minutes in given.durations().items():
            values[DURATION_LABELS[attribute]] = minutes
        if values:
            found[activity.id] = values
    return found


def _field_definitions(root: ET.Element, values: dict[str, dict[str, str | int]]) -> None:
    """`ExtendedAttributes`: one definition per custom field some task has a value of."""
    used = {label for by_label in values.values() for label in by_label}
    if not used:
        return
    definitions = ET.SubElement(root, "ExtendedAttributes")
    for label, (field_id, field_name) in MSPDI_FIELDS.items():
        if label in used:
            element = ET.SubElement(definitions, "ExtendedAttribute")
            _add(element, "FieldID", field_id)
            _add(element, "FieldName", field_name)
            _add(element, "Alias", label)


def _field_value(task: ET.Element, label: str, value: str | int) -> None:
    element = ET.SubElement(task, "ExtendedAttribute")
    _add(element, "FieldID", MSPDI_FIELDS[label][0])
    if isinstance(value, int):
        _add(element, "Value", _duration(value))
        _add(element, "DurationFormat", "7")
    else:
        _add(element, "Value", value)


_RESOURCE_TYPES = {MATERIAL: "0", "cost": "2"}


def _work(hours: Decimal) -> str:
    return _duration(int((hours * 60).to_integral_value()))


def _resources(root: ET.Element, found: ResourceSet, task_uids: _Uids) -> None:
    uids = _Uids([r.id for r in found.resources])
    resources = ET.SubElement(root, "Resources")
    for number, resource in enumerate(found.resources, start=1):
        element = ET.SubElement(resources, "Resource")
        _add(element, "UID", uids[resource.id])
        _add(element, "ID", str(number))
        _add(element, "Name", resource.name)
        kind = _RESOURCE_TYPES.get(resource.kind, "1")
        _add(element, "Type", kind)
        _add(element, "IsNull", "0")
        _add(element, "Initials", resource.code)
        if resource.kind == MATERIAL and resource.unit:
            _add(element, "MaterialLabel", resource.unit)
    assignments = ET.SubElement(root, "Assignments")
    hundred = Decimal(100)
    for number, assignment in enumerate(found.assignments, start=1):
        element = ET.SubElement(assignments, "Assignment")
        _add(element, "UID", str(number))
        _add(element, "TaskUID", task_uids[assignment.activity_id])
        _add(element, "ResourceUID", uids[assignment.resource_id])
        _add(element, "Work", _work(assignment.planned_quantity))
        _add(element, "RemainingWork", _work(assignment.remaining_quantity))
        _add(element, "ActualWork", _work(assignment.actual_quantity))
        _add(element, "Cost", format(assignment.planned_cost * hundred, "f"))
        _add(element, "ActualCost", format(assignment.actual_cost * hundred, "f"))
