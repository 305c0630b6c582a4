"""MS Project XML (MSPDI) reader: file bytes -> one engine `Project`.

Facts of the format this reader relies on (checked on the fixture files):

* Task UID 0 (outline level 0) is the project summary, not an activity. `IsNull` rows are
  blank lines; `ExternalTask` rows are placeholders of other files.
* Durations are ISO 8601 (`PT8H0M0S`) in working time. `LinkLag` is in tenths of a minute;
  `LagFormat` says how the user typed it: 3 m, 4 em, 5 h, 6 eh, 7 d, 8 ed, 9 w, 10 ew, 11 mo,
  12 emo, 19 %, 20 e% (and the same + 32 when "estimated"). Even codes below 19 are elapsed
  (wall-clock) time; 9 is *working weeks*, not elapsed days.
* Link `Type`: 0 FF, 1 FS, 2 SF, 3 SS. `ConstraintType`: 0 ASAP, 1 ALAP, 2 MSO, 3 MFO, 4 SNET,
  5 SNLT, 6 FNET, 7 FNLT.
* A task without its own calendar (`CalendarUID` -1) is scheduled on the calendars of the
  resources assigned to it; with several resources the task works whenever any of them does.
* `Manual` = 1 marks a manually scheduled task: its `Start` is the user's input, not a computed
  value, so it is kept as a mandatory start and the task is flagged `manually_scheduled`.

MS Project semantics are carried by `ScheduleOptions` (see `_options`): tasks without
predecessors start at the project start (the data date given to the engine is the project
start, not the status date, because MS Project never moves unstarted work to the status date);
total slack is late finish - early finish; slack of completed tasks is 0. A task on its
resources' calendars has its slack measured on the project calendar (`float_calendar_id`).
A task not yet started whose assignment is contoured (`WorkContour` 8: the user typed its
timephased work) lasts from the first to the last of that work, zero-work days included
(`_contoured_work_spans`).
"""

from __future__ import annotations

import datetime as dt
import re

from sitebook.engine.calendars import compile_calendar, to_minutes
from sitebook.engine.errors import FormatError
from sitebook.engine.network import (
    Activity,
    ActivityType,
    Calendar,
    Constraint,
    ConstraintType,
    CriticalDefinition,
    FloatType,
    LagCalendarRule,
    LagUnit,
    Link,
    LinkType,
    Project,
    ScheduleOptions,
)
from sitebook.interchange._ms_calendars import read_calendars, union_calendar
from sitebook.interchange._xml import (
    Element,
    local_name,
    namespace_of,
    parse_xml,
    strip_namespaces,
    text,
    to_datetime,
    to_int,
)

__all__ = ["read_mspdi", "MSPDI_NAMESPACE", "parse_duration", "ms_project_options"]

MSPDI_NAMESPACE = "http://schemas.microsoft.com/project"
_WHAT = "MS Project XML (MSPDI)"

_LINK_TYPES = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}

_ELAPSED_FORMATS = {4, 6, 8, 10, 12}
_PERCENT_FORMATS = {19, 20}

_DURATION = re.compile(
    r"(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)


def parse_duration(value: str | None, where: str) -> int | None:
    """Minutes of an MSPDI ISO 8601 duration (`PT8H0M0S`), rounded; None when absent.

    MSPDI writes working time as hours (days and longer units do not occur in practice; when
    they do, a day counts 24 h and a month 30 days, as the XML Schema duration type says).
    """
    if value is None:
        return None
    match = _DURATION.fullmatch(value.strip())
    if match is None:
        raise FormatError(f"not a duration: {value!r}", where=where)
    sign, years, months, days, hours, minutes, seconds = match.groups()
    total = (
        float(years or 0) * 365 * 1440
        + float(months or 0) * 30 * 1440
        + float(days or 0) * 1440
        + float(hours or 0) * 60
        + float(minutes or 0)
        + float(seconds or 0) / 60
    )
    return -round(total) if sign else round(total)


def read_mspdi(data: bytes, name: str) -> list[Project]:
    """Read an MSPDI file into a one-element list; `name` becomes the project's code."""
    root = parse_xml(data, _WHAT)
    if local_name(root.tag) != "Project" or namespace_of(root.tag) not in ("", MSPDI_NAMESPACE):
        raise FormatError(f"root element is <{local_name(root.tag)}>, expected {_WHAT}")
    strip_namespaces(root)
    if root.find("Tasks") is None and root.find("Calendars") is None:
        raise FormatError(f"no <Tasks> or <Calendars>: not {_WHAT}")
    return [_read_project(root, name)]


def _options(root: Element, minutes_per_day: int) -> ScheduleOptions:
    slack_limit_days = to_int(text(root, "CriticalSlackLimit"), "CriticalSlackLimit", 0) or 0
    return ms_project_options(slack_limit_days * minutes_per_day)


def ms_project_options(critical_float_minutes: int = 0) -> ScheduleOptions:
    """The scheduling semantics every MSPDI project is read with (MS Project's own)."""
    return ScheduleOptions(
        # MS Project fixes a started task at its actual start and lays the remaining
        # duration from its resume date, whatever its predecessors do.
        progress_override=True,
        lag_calendar=LagCalendarRule.PROJECT_DEFAULT,
        float_type=FloatType.FINISH,
        use_expected_finish=False,
        critical=CriticalDefinition.TOTAL_FLOAT,
        critical_float_minutes=critical_float_minutes,
        open_ends_to_project_finish=True,
        ss_lag_from_actual_start=True,
        float_on_completed=True,
        late_finish_by_project_finish=True,
        actual_dates_as_early_dates=True,
        roll_up_wbs_summaries=True,
    )


def _read_project(root: Element, name: str) -> Project:
    minutes_per_day = to_int(text(root, "MinutesPerDay"), "MinutesPerDay", 480) or 480
    start = to_datetime(text(root, "StartDate"), "StartDate")
    calendars = read_calendars(root, minutes_per_day)
    default_calendar = text(root, "CalendarUID") or ""
    if default_calendar not in calendars:
        if not calendars:
            calendars["standard"] = Calendar(id="standard", name="Standard")
        default_calendar = next(iter(calendars))
    project = Project(
        code=name,
        name=text(root, "Title") or text(root, "Name") or name,
        data_date=start,
        planned_start=start,
        default_calendar_id=default_calendar,
        options=_options(root, minutes_per_day),
        calendars=calendars,
    )
    if text(root, "ScheduleFromStart") == "0":
        finish = to_datetime(text(root, "FinishDate"), "FinishDate")
        project.must_finish_by = finish
    honor_constraints = text(root, "HonorConstraints") == "1"
    tasks_element = root.find("Tasks")
    tasks = tasks_element.findall("Task") if tasks_element is not None else []
    resource_calendars = _resource_calendars(root)
    task_resources = _task_resources(root)
    contoured_spans = _contoured_work_spans(root)
    parents: list[tuple[int, str]] = []  # (outline level, wbs node) of open summaries
    pending_links: list[tuple[Element, str]] = []
    for index, task in enumerate(tasks, start=1):
        uid = text(task, "UID")
        where = f"Task[{index}] UID {uid}"
        if uid is None:
            raise FormatError("task without UID", where=f"Task[{index}]")
        level = to_int(text(task, "OutlineLevel"), where, 1) or 0
        if uid == "0" or level == 0:
            continue
        if text(task, "IsNull") == "1" or text(task, "ExternalTask") == "1":
            continue
        while parents and parents[-1][0] >= level:
            parents.pop()
        parent_node = parents[-1][1] if parents else ""
        activity = _read_task(task, uid, where, honor_constraints)
        activity.wbs_id = parent_node
        if activity.type is ActivityType.WBS_SUMMARY:
            node = f"S{uid}"
            activity.wbs_id = node
            if parent_node:
                project.wbs_parent[node] = parent_node
            parents.append((level, node))
        calendar_uid = text(task, "CalendarUID")
        if calendar_uid in calendars:
            activity.calendar_id = calendar_uid
        else:
            activity.calendar_id = _resource_driven_calendar(
                project, task_resources.get(uid, []), resource_calendars
            )
            # MS Project measures such a task's slack on the project calendar: resource
            # calendars schedule the work but do not take over that function of it.
            if activity.calendar_id != project.default_calendar_id:
                activity.float_calendar_id = project.default_calendar_id
        span = contoured_spans.get(uid)
        if span is not None and not activity.is_started:
            _stretch_to_contoured_work(project, activity, span)
        project.activities.append(activity)
        pending_links.extend((link, uid) for link in task.findall("PredecessorLink"))
    known = {a.id for a in project.activities}
    for index, (element, succ) in enumerate(pending_links, start=1):
        link = _read_link(element, succ, f"Task UID {succ}/PredecessorLink[{index}]")
        if link is None:
            continue
        if link.pred_id not in known:
            if link.pred_id == "0" or text(element, "CrossProject") == "1":
                continue
            raise FormatError(
                f"predecessor UID {link.pred_id} is not a task of the file",
                where=f"Task UID {succ}/PredecessorLink",
            )
        project.links.append(link)
    _type_milestones(project)
    return project


def _resource_calendars(root: Element) -> dict[str, str]:
    """Resource UID -> calendar UID."""
    result: dict[str, str] = {}
    resources = root.find("Resources")
    for resource in resources.findall("Resource") if resources is not None else []:
        uid, calendar = text(resource, "UID"), text(resource, "CalendarUID")
        if uid is not None and calendar is not None:
            result[uid] = calendar
    return result


def _task_resources(root: Element) -> dict[str, list[str]]:
    """Task UID -> resource UIDs of its work-carrying assignments (the unassigned -65535 not)."""
    result: dict[str, list[str]] = {}
    assignments = root.find("Assignments")
    for assignment in assignments.findall("Assignment") if assignments is not None else []:
        task, resource = text(assignment, "TaskUID"), text(assignment, "ResourceUID")
        if task is None or resource is None or resource.startswith("-"):
            continue
        work = parse_duration(text(assignment, "Work"), "Assignment/Work")
        if work == 0:
            continue
        result.setdefault(task, []).append(resource)
    return result


#: `WorkContour` of an assignment whose timephased work the user edited by hand.
_CONTOURED = "8"
#: `TimephasedData/Type` of an assignment's remaining work (2 is its actual work).
_REMAINING_WORK = "1"


def _contoured_work_spans(root: Element) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Task UID -> (first, last) moment of remaining work of its contoured assignments.

    A contoured assignment (`WorkContour` 8) carries the work the user typed in, period by
    period, as `TimephasedData` of `Type` 1 (remaining work). Periods of zero work inside it
    are working time in which the task does nothing: MS Project keeps them inside the task,
    so its span is longer than its `Duration` (mspditimephased.xml, task 5: Duration 75 h, no
    work from 11-26 09:00 to 12-01 09:00, so 99 h from 11-20 09:00 to 12-08 12:00, which is
    MS Project's Finish; its late start is the late finish less the same 99 h). The span
    runs from the start of the first period with work to the end of the last one.
    """
    result: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    assignments = root.find("Assignments")
    for assignment in assignments.findall("Assignment") if assignments is not None else []:
        task = text(assignment, "TaskUID")
        if task is None or text(assignment, "WorkContour") != _CONTOURED:
            continue
        for period in assignment.findall("TimephasedData"):
            if text(period, "Type") != _REMAINING_WORK:
                continue
            where = f"Assignment of task {task}/TimephasedData"
            if not parse_duration(text(period, "Value"), f"{where}/Value"):
                continue
            start = to_datetime(text(period, "Start"), f"{where}/Start")
            finish = to_datetime(text(period, "Finish"), f"{where}/Finish")
            if start is None or finish is None:
                continue
            first, last = result.get(task, (start, finish))
            result[task] = (min(first, start), max(last, finish))
    return result


def _stretch_to_contoured_work(
    project: Project, activity: Activity, span: tuple[dt.datetime, dt.datetime]
) -> None:
    """Make a task not yet started last as long as its contoured work spans.

    The engine lays `remaining_duration` working minutes from the task's start, so it gets
    the working time of the span (on the task's calendar) when that is longer; `Duration`
    stays in `original_duration`. Started tasks keep theirs: MS Project lays their remaining
    work from `Resume` (checked on the file's five in-progress contoured tasks).
    """
    first, last = span
    calendar = compile_calendar(
        project.calendars[activity.calendar_id],
        first.date() - dt.timedelta(days=1),
        last.date() + dt.timedelta(days=1),
    )
    minutes = calendar.between(to_minutes(first), to_minutes(last))
    activity.remaining_duration = max(activity.remaining_duration, minutes)


def _resource_driven_calendar(
    project: Project, resources: list[str], resource_calendars: dict[str, str]
) -> str:
    uids = sorted({resource_calendars[r] for r in resources if r in resource_calendars})
    uids = [u for u in uids if u in project.calendars]
    if not uids:
        return project.default_calendar_id
    if len(uids) == 1:
        return uids[0]
    union_id = "union:" + "+".join(uids)
    if union_id not in project.calendars:
        parts = [project.calendars[u] for u in uids]
        project.calendars[union_id] = union_calendar(union_id, parts)
    return union_id


def _constraint(task: Element, where: str, honor: bool) -> Constraint | None:
    code = to_int(text(task, "ConstraintType"), f"{where}/ConstraintType", 0)
    date = to_datetime(text(task, "ConstraintDate"), f"{where}/ConstraintDate")
    if code == 1:
        return Constraint(ConstraintType.AS_LATE_AS_POSSIBLE)
    kinds = {
        # "Must start/finish on" override logic only when the project honours constraints
        # (HonorConstraints = 1); otherwise links win, which is the engine's soft "on".
        2: ConstraintType.MANDATORY_START if honor else ConstraintType.START_ON,
        3: ConstraintType.MANDATORY_FINISH if honor else ConstraintType.FINISH_ON,
        4: ConstraintType.START_ON_OR_AFTER,
        5: ConstraintType.START_ON_OR_BEFORE,
        6: ConstraintType.FINISH_ON_OR_AFTER,
        7: ConstraintType.FINISH_ON_OR_BEFORE,
    }
    kind = kinds.get(code or 0)
    if kind is None or date is None:
        return None
    return Constraint(kind, date)


def _read_task(task: Element, uid: str, where: str, honor_constraints: bool) -> Activity:
    duration = parse_duration(text(task, "Duration"), f"{where}/Duration") or 0
    remaining = parse_duration(text(task, "RemainingDuration"), f"{where}/RemainingDuration")
    actual_start = to_datetime(text(task, "ActualStart"), f"{where}/ActualStart")
    actual_finish = to_datetime(text(task, "ActualFinish"), f"{where}/ActualFinish")
    if remaining is None or actual_start is None:
        remaining = duration
    if actual_finish is not None:
        remaining = 0
    kind = ActivityType.TASK
    if text(task, "Summary") == "1":
        kind = ActivityType.WBS_SUMMARY
    elif text(task, "Milestone") == "1" and duration == 0:
        kind = ActivityType.START_MILESTONE  # refined by _type_milestones
    manual = text(task, "Manual") == "1"
    constraint = _constraint(task, where, honor_constraints)
    if manual and kind is not ActivityType.WBS_SUMMARY:
        manual_start = to_datetime(text(task, "ManualStart") or text(task, "Start"), where)
        if manual_start is not None:
            constraint = Constraint(ConstraintType.MANDATORY_START, manual_start)
    resume = None
    suspend = None
    if actual_start is not None and actual_finish is None:
        resume = to_datetime(text(task, "Resume"), f"{where}/Resume")
        stop = to_datetime(text(task, "Stop"), f"{where}/Stop")
        if resume is not None and resume <= actual_start:
            resume = None
        if resume is not None:
            # MS Project lays the remaining duration from Resume (Stop is where the actual
            # work ended; usually the same moment).
            suspend = stop if stop is not None and stop <= resume else resume
    percent = to_int(text(task, "PercentComplete"), f"{where}/PercentComplete", 0) or 0
    return Activity(
        id=uid,
        code=uid,
        name=text(task, "Name") or "",
        type=kind,
        original_duration=duration,
        remaining_duration=remaining,
        primary_constraint=constraint,
        actual_start=actual_start,
        actual_finish=actual_finish,
        suspend=suspend,
        resume=resume,
        percent_complete=float(percent),
        manually_scheduled=manual,
    )


def _read_link(element: Element, succ: str, where: str) -> Link | None:
    pred = text(element, "PredecessorUID")
    if pred is None:
        return None
    type_code = to_int(text(element, "Type"), f"{where}/Type", 1)
    link_type = _LINK_TYPES.get(type_code if type_code is not None else 1)
    if link_type is None:
        raise FormatError(f"unknown link type {type_code}", where=where)
    lag_tenths = to_int(text(element, "LinkLag"), f"{where}/LinkLag", 0) or 0
    lag_format = to_int(text(element, "LagFormat"), f"{where}/LagFormat", 7) or 7
    base_format = lag_format - 32 if lag_format > 32 else lag_format
    if base_format in _PERCENT_FORMATS:
        # A percentage lag: LinkLag holds tenths of a percent; the engine wants hundredths.
        return Link(pred, succ, link_type, lag_tenths * 10, LagUnit.PERCENT)
    unit = LagUnit.ELAPSED if base_format in _ELAPSED_FORMATS else LagUnit.WORKING
    return Link(pred, succ, link_type, round(lag_tenths / 10), unit)


def _type_milestones(project: Project) -> None:
    """Give each zero-duration milestone the end of the day MS Project would show it at.

    MS Project keeps a milestone at the very moment that drives it: after a finish (FS, FF
    links) that is the end of a working period (17:00), otherwise the start of one (08:00).
    """
    finish_driven = {
        link.succ_id for link in project.links if link.type in (LinkType.FS, LinkType.FF)
    }
    for activity in project.activities:
        if activity.type is ActivityType.START_MILESTONE and activity.id in finish_driven:
            activity.type = ActivityType.FINISH_MILESTONE


def _to_nearest_minute(value: str | None, where: str) -> dt.datetime | None:
    """A stored date to the nearest minute (`to_datetime` drops the seconds).

    The engine counts whole minutes (`parse_duration` rounds PT138H53M18S to 8,333), so what
    MS Project computed with seconds compares with its nearest minute: mspditimephased.xml
    task 34 starts late at 08:06:42, which the engine, 8,333 minutes before 11:00, gives
    as 08:07.
    """
    moment = to_datetime(value, where)
    if moment is None or value is None:
        return moment
    seconds = dt.datetime.fromisoformat(value.strip()[:19]).second
    return moment + dt.timedelta(minutes=1) if seconds >= 30 else moment


def stored_values(data: bytes) -> dict[str, dict[str, dt.datetime | float | bool | None]]:
    """What MS Project computed and stored, per task UID (project summary excluded).

    Keys: start, finish, early_start, early_finish, late_start, late_finish (datetimes, to
    the nearest minute),
    total_slack_hours, free_slack_hours (floats, from tenths of a minute), manual, summary,
    complete (bools). For tests and import reports.
    """
    root = parse_xml(data, _WHAT)
    strip_namespaces(root)
    result: dict[str, dict[str, dt.datetime | float | bool | None]] = {}
    tasks_element = root.find("Tasks")
    for task in tasks_element.findall("Task") if tasks_element is not None else []:
        uid = text(task, "UID") or ""
        if uid == "0" or text(task, "IsNull") == "1":
            continue
        row: dict[str, dt.datetime | float | bool | None] = {}
        for key, tag in (
            ("start", "Start"),
            ("finish", "Finish"),
            ("early_start", "EarlyStart"),
            ("early_finish", "EarlyFinish"),
            ("late_start", "LateStart"),
            ("late_finish", "LateFinish"),
        ):
            row[key] = _to_nearest_minute(text(task, tag), tag)
        for key, tag in (("total_slack_hours", "TotalSlack"), ("free_slack_hours", "FreeSlack")):
            tenths = to_int(text(task, tag), tag)
            row[key] = None if tenths is None else tenths / 600.0
        row["manual"] = text(task, "Manual") == "1"
        row["summary"] = text(task, "Summary") == "1"
        row["complete"] = text(task, "ActualFinish") is not None
        result[uid] = row
    return result
