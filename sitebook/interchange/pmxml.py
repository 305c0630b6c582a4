"""Primavera P6 XML (PMXML, `APIBusinessObjects`) reader: file bytes -> engine `Project`s.

One `Project` per `<Project>` element that holds a schedule, in file order. P6 also writes
*reference stubs*: a `<Project>` carrying a single `<Activity>` with only its id, name and type,
present because a relationship of another project points at it. Stubs are skipped, and so are
relationships that leave the project being read (their other end has no dates in the file).

Units: PMXML durations and lags are hours (decimal, sometimes with a comma as separator);
the engine wants working minutes. Calendar work times are inclusive (`08:00`-`15:59` is the
eight-hour slot ending at 16:00), so a finish ending in :29 or :59 is moved up one minute.
"""

from __future__ import annotations

import datetime as dt

from sitebook.engine.errors import EmptyInputError, FormatError
from sitebook.engine.network import (
    Activity,
    ActivityType,
    Calendar,
    Constraint,
    ConstraintType,
    CriticalDefinition,
    DayIntervals,
    FloatType,
    LagCalendarRule,
    Link,
    LinkType,
    Project,
    ScheduleOptions,
)
from sitebook.interchange._xml import (
    Element,
    local_name,
    merge_intervals,
    parse_xml,
    strip_namespaces,
    text,
    to_datetime,
    to_float,
    to_minute_of_day,
)

__all__ = ["read_pmxml"]

_WHAT = "Primavera P6 XML (APIBusinessObjects)"

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_ACTIVITY_TYPES = {
    "task dependent": ActivityType.TASK,
    "resource dependent": ActivityType.TASK,
    "level of effort": ActivityType.LEVEL_OF_EFFORT,
    "start milestone": ActivityType.START_MILESTONE,
    "finish milestone": ActivityType.FINISH_MILESTONE,
    "wbs summary": ActivityType.WBS_SUMMARY,
}

_LINK_TYPES = {
    "finish to start": LinkType.FS,
    "start to start": LinkType.SS,
    "finish to finish": LinkType.FF,
    "start to finish": LinkType.SF,
}

_CONSTRAINTS = {
    "start on": ConstraintType.START_ON,
    "start on or after": ConstraintType.START_ON_OR_AFTER,
    "start on or before": ConstraintType.START_ON_OR_BEFORE,
    "finish on": ConstraintType.FINISH_ON,
    "finish on or after": ConstraintType.FINISH_ON_OR_AFTER,
    "finish on or before": ConstraintType.FINISH_ON_OR_BEFORE,
    "mandatory start": ConstraintType.MANDATORY_START,
    "mandatory finish": ConstraintType.MANDATORY_FINISH,
    "as late as possible": ConstraintType.AS_LATE_AS_POSSIBLE,
}

_LAG_CALENDARS = {
    "predecessor activity calendar": LagCalendarRule.PREDECESSOR,
    "successor activity calendar": LagCalendarRule.SUCCESSOR,
    "24 hour calendar": LagCalendarRule.TWENTY_FOUR_HOUR,
    "project default calendar": LagCalendarRule.PROJECT_DEFAULT,
}


def read_pmxml(data: bytes) -> list[Project]:
    """Read a P6 XML file; one `Project` per scheduled `<Project>` element, in file order."""
    root = parse_xml(data, _WHAT)
    if local_name(root.tag) != "APIBusinessObjects":
        raise FormatError(f"root element is <{local_name(root.tag)}>, expected {_WHAT}")
    strip_namespaces(root)
    global_calendars = [c for c in root.findall("Calendar")]
    projects: list[Project] = []
    for index, element in enumerate(root.findall("Project"), start=1):
        project = _read_project(element, global_calendars, f"Project[{index}]")
        if project is not None:
            projects.append(project)
    if not projects:
        raise EmptyInputError("the P6 XML file holds no scheduled project")
    return projects


def _is_stub(activity: Element) -> bool:
    """A reference stub carries no schedule data at all (only id, name, type)."""
    return all(activity.find(tag) is None for tag in ("PlannedDuration", "StartDate", "Status"))


def _read_project(element: Element, global_calendars: list[Element], where: str) -> Project | None:
    activities_xml = [a for a in element.findall("Activity") if not _is_stub(a)]
    data_date = to_datetime(text(element, "DataDate"), f"{where}/DataDate")
    if not activities_xml and data_date is None:
        return None
    code = text(element, "Id") or text(element, "ObjectId") or where
    where = f"Project {code}"
    planned_start = to_datetime(text(element, "PlannedStartDate"), f"{where}/PlannedStartDate")
    project = Project(
        code=code,
        name=text(element, "Name") or "",
        data_date=data_date or planned_start,
        planned_start=planned_start,
        must_finish_by=to_datetime(text(element, "MustFinishByDate"), f"{where}/MustFinishByDate"),
        default_calendar_id=text(element, "ActivityDefaultCalendarObjectId") or "",
        options=_read_options(element, where),
    )
    project.calendars = _read_calendars([*global_calendars, *element.findall("Calendar")], where)
    if project.default_calendar_id not in project.calendars:
        defaults = [c for c in global_calendars if text(c, "IsDefault") == "1"]
        fallback = text(defaults[0], "ObjectId") if defaults else None
        project.default_calendar_id = fallback or next(iter(project.calendars), "")
    root_wbs = text(element, "WBSObjectId") or ""
    for wbs in element.findall("WBS"):
        wbs_id = text(wbs, "ObjectId")
        if wbs_id is None:
            continue
        project.wbs_parent[wbs_id] = text(wbs, "ParentObjectId") or root_wbs
    for activity in activities_xml:
        project.activities.append(_read_activity(activity, project, root_wbs, where))
    known = {a.id for a in project.activities}
    for index, rel in enumerate(element.findall("Relationship"), start=1):
        link = _read_link(rel, f"{where}/Relationship[{index}]")
        if link.pred_id in known and link.succ_id in known:
            project.links.append(link)
    return project


def _read_options(element: Element, where: str) -> ScheduleOptions:
    options = ScheduleOptions()
    limit = to_float(text(element, "CriticalActivityFloatLimit"), f"{where}/CriticalFloat")
    if limit is not None:
        options.critical_float_minutes = round(limit * 60)
    if (text(element, "CriticalActivityPathType") or "").lower().startswith("critical float"):
        options.critical = CriticalDefinition.TOTAL_FLOAT
    elif text(element, "CriticalActivityPathType"):
        options.critical = CriticalDefinition.LONGEST_PATH
    sched = element.find("ScheduleOptions")
    if sched is None:
        return options
    out_of_sequence = (text(sched, "OutOfSequenceScheduleType") or "").lower()
    options.progress_override = out_of_sequence == "progress override"
    lag_rule = _LAG_CALENDARS.get((text(sched, "RelationshipLagCalendar") or "").lower())
    if lag_rule is not None:
        options.lag_calendar = lag_rule
    float_type = (text(sched, "ComputeTotalFloatType") or "").lower()
    if float_type.startswith("start float"):
        options.float_type = FloatType.START
    elif float_type.startswith("smallest"):
        options.float_type = FloatType.SMALLEST
    elif float_type.startswith("finish float"):
        options.float_type = FloatType.FINISH
    expected = text(sched, "UseExpectedFinishDates")
    if expected is not None:
        options.use_expected_finish = expected in ("1", "true")
    ss_lag = (text(sched, "StartToStartLagCalculationType") or "").lower()
    if ss_lag:
        options.ss_lag_from_actual_start = ss_lag.startswith("actual")
    project_end = text(sched, "CalculateFloatBasedOnFinishDate")
    if project_end is not None:
        options.open_ends_to_project_finish = project_end in ("1", "true")
    return options


def _work_times(parent: Element, where: str) -> DayIntervals:
    intervals: list[tuple[int, int]] = []
    for work in parent.findall("WorkTime"):
        start_text, finish_text = text(work, "Start"), text(work, "Finish")
        if start_text is None or finish_text is None:
            continue
        start = to_minute_of_day(start_text, where)
        finish = to_minute_of_day(finish_text, where)
        if finish % 30 == 29:  # inclusive end of a half-hour slot
            finish += 1
        if finish <= start:  # a slot that runs to midnight
            finish = 24 * 60
        intervals.append((start, finish))
    return merge_intervals(intervals)


def _read_calendars(elements: list[Element], where: str) -> dict[str, Calendar]:
    raw: dict[str, Element] = {}
    for element in elements:
        calendar_id = text(element, "ObjectId")
        if calendar_id is not None:
            raw[calendar_id] = element
    result: dict[str, Calendar] = {}

    def build(calendar_id: str, seen: frozenset[str]) -> Calendar:
        if calendar_id in result:
            return result[calendar_id]
        element = raw[calendar_id]
        cal_where = f"{where}/Calendar {calendar_id}"
        base_id = text(element, "BaseCalendarObjectId")
        base = (
            build(base_id, seen | {calendar_id})
            if base_id in raw and base_id not in seen and base_id != calendar_id
            else None
        )
        week: list[DayIntervals] = list(base.week) if base is not None else [()] * 7
        exceptions = dict(base.exceptions) if base is not None else {}
        work_week = element.find("StandardWorkWeek")
        if work_week is not None:
            for hours in work_week.findall("StandardWorkHours"):
                day = text(hours, "DayOfWeek")
                if day in _DAYS:
                    week[_DAYS.index(day)] = _work_times(hours, cal_where)
        holidays = element.find("HolidayOrExceptions")
        if holidays is not None:
            for holiday in holidays.findall("HolidayOrException"):
                when = to_datetime(text(holiday, "Date"), f"{cal_where}/HolidayOrException")
                if when is not None:
                    exceptions[when.date()] = _work_times(holiday, cal_where)
        hours_per_day = to_float(text(element, "HoursPerDay"), f"{cal_where}/HoursPerDay", 8.0)
        calendar = Calendar(
            id=calendar_id,
            name=text(element, "Name") or "",
            week=tuple(week),
            exceptions=exceptions,
            hours_per_day=hours_per_day or 8.0,
        )
        result[calendar_id] = calendar
        return calendar

    for calendar_id in raw:
        build(calendar_id, frozenset())
    return result


def _hours_to_minutes(value: str | None, where: str) -> int:
    hours = to_float(value, where, 0.0) or 0.0
    return round(hours * 60)


def _constraint(element: Element, prefix: str, where: str) -> Constraint | None:
    name = (text(element, f"{prefix}ConstraintType") or "").lower()
    if not name or name == "<none>":
        return None
    kind = _CONSTRAINTS.get(name)
    if kind is None:
        raise FormatError(f"unknown constraint type {name!r}", where=where)
    date = to_datetime(text(element, f"{prefix}ConstraintDate"), where)
    if date is None and kind is not ConstraintType.AS_LATE_AS_POSSIBLE:
        return None
    return Constraint(kind, date)


def _read_activity(element: Element, project: Project, root_wbs: str, where: str) -> Activity:
    activity_id = text(element, "ObjectId")
    if activity_id is None:
        raise FormatError("activity without ObjectId", where=where)
    code = text(element, "Id") or activity_id
    where = f"{where}/Activity {code}"
    type_name = (text(element, "Type") or "task dependent").lower()
    kind = _ACTIVITY_TYPES.get(type_name)
    if kind is None:
        raise FormatError(f"unknown activity type {type_name!r}", where=where)
    calendar_id = text(element, "CalendarObjectId") or project.default_calendar_id
    if calendar_id not in project.calendars:
        calendar_id = project.default_calendar_id
    original = _hours_to_minutes(text(element, "PlannedDuration"), f"{where}/PlannedDuration")
    remaining_text = text(element, "RemainingDuration")
    remaining = (
        _hours_to_minutes(remaining_text, f"{where}/RemainingDuration")
        if remaining_text is not None
        else original
    )
    actual_start = to_datetime(text(element, "ActualStartDate"), f"{where}/ActualStartDate")
    actual_finish = to_datetime(text(element, "ActualFinishDate"), f"{where}/ActualFinishDate")
    if actual_finish is not None:
        remaining = 0
    percent = to_float(text(element, "PercentComplete"), f"{where}/PercentComplete", 0.0) or 0.0
    return Activity(
        id=activity_id,
        code=code,
        name=text(element, "Name") or "",
        type=kind,
        calendar_id=calendar_id,
        original_duration=original,
        remaining_duration=remaining,
        primary_constraint=_constraint(element, "Primary", where),
        secondary_constraint=_constraint(element, "Secondary", where),
        actual_start=actual_start,
        actual_finish=actual_finish,
        suspend=to_datetime(text(element, "SuspendDate"), f"{where}/SuspendDate"),
        resume=to_datetime(text(element, "ResumeDate"), f"{where}/ResumeDate"),
        expected_finish=to_datetime(text(element, "ExpectedFinishDate"), f"{where}/Expected"),
        # PMXML writes percentages either as 0-1 fractions or as 0-100.
        percent_complete=percent * 100.0 if 0.0 < percent <= 1.0 else percent,
        wbs_id=text(element, "WBSObjectId") or root_wbs,
    )


def _read_link(element: Element, where: str) -> Link:
    pred = text(element, "PredecessorActivityObjectId")
    succ = text(element, "SuccessorActivityObjectId")
    if pred is None or succ is None:
        raise FormatError("relationship without both activities", where=where)
    type_name = (text(element, "Type") or "finish to start").lower()
    link_type = _LINK_TYPES.get(type_name)
    if link_type is None:
        raise FormatError(f"unknown relationship type {type_name!r}", where=where)
    return Link(
        pred_id=pred,
        succ_id=succ,
        type=link_type,
        lag=_hours_to_minutes(text(element, "Lag"), f"{where}/Lag"),
    )


def stored_dates(data: bytes) -> dict[tuple[str, str], dict[str, dt.datetime | None]]:
    """The dates P6 computed and stored, per (project code, activity code).

    Keys: start, finish, early_start, early_finish, late_start, late_finish (the remaining
    early/late dates, which are what P6's CPM computes). For tests and import reports.
    """
    root = parse_xml(data, _WHAT)
    strip_namespaces(root)
    fields = {
        "start": "StartDate",
        "finish": "FinishDate",
        "early_start": "RemainingEarlyStartDate",
        "early_finish": "RemainingEarlyFinishDate",
        "late_start": "RemainingLateStartDate",
        "late_finish": "RemainingLateFinishDate",
    }
    result: dict[tuple[str, str], dict[str, dt.datetime | None]] = {}
    for project in root.findall("Project"):
        code = text(project, "Id") or ""
        for activity in project.findall("Activity"):
            if _is_stub(activity):
                continue
            key = (code, text(activity, "Id") or "")
            result[key] = {
                name: to_datetime(text(activity, tag), tag) for name, tag in fields.items()
            }
    return result
