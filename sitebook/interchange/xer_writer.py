"""Primavera P6 XER writer: engine `Project`s -> XER bytes that `read_xer` reads back.

Layout (Oracle's XER format): an `ERMHDR` line, then per table a `%T name` line, a `%F` line of
column names and one `%R` line per row, every field separated by a tab, and `%E` at the end.
Dates are `YYYY-MM-DD HH:MM`, durations and lags are hours, calendar exceptions are day numbers
from 1899-12-30 inside P6's parenthesised `clndr_data` text.

Tables written: CALENDAR, PROJECT, SCHEDOPTIONS, PROJWBS (when the network has WBS ids),
TASK and TASKPRED; the resource tables and, for cost codes, responsibles and three-point
durations, UDFTYPE, ACTVTYPE, ACTVCODE, TASKACTV and UDFVALUE when given. No early/late dates
or floats are written (P6 recomputes them; `read_xer` never reads them).

What XER cannot carry, and is therefore changed or dropped (see `xer_losses`):

* lag units other than working time (`LagUnit.ELAPSED`, `LagUnit.PERCENT`) and per-link lag
  calendars: XER has only `lag_hr_cnt`, working hours on the project's lag-calendar rule; such
  lags are written as working hours (elapsed minutes as if working, percent of the
  predecessor's original duration);
* `Activity.manually_scheduled` (an MS Project notion; the date it fixes travels as its
  mandatory-start constraint);
* MS Project scheduling semantics in `ScheduleOptions` (`float_on_completed`,
  `actual_dates_as_early_dates`, `roll_up_wbs_summaries`) and `late_finish_by_project_finish`
  / `ss_lag_from_actual_start`, which `read_xer` fixes to P6's behaviour;
* `Project.name` apart from the code: XER keeps it only as the project node's WBS name, which
  `read_xer` does not read (it uses `proj_short_name` for both).

`ScheduleOptions.dates_on_completed` is carried by the header's version: P6 20 and later leave
completed activities' dates blank, so the header claims 23.12 when the first project has that
option off, 8.4 otherwise (the tables written are those both versions share).

Identifiers: P6 wants integers for `clndr_id`, `task_id`, `wbs_id` and `proj_id`; numeric
identifiers are kept, others get fresh numbers. Activity codes (`task_code`) are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

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
    LagUnit,
    Link,
    LinkType,
    Project,
)
from sitebook.interchange.activity_fields import (
    COST_CODE,
    DURATION_LABELS,
    RESPONSIBLE,
    ActivityFields,
)
from sitebook.interchange.resources import EQUIPMENT, LABOUR, MATERIAL, ResourceSet

__all__ = ["write_xer", "xer_losses", "clndr_data"]

SPREADSHEET_EPOCH = dt.date(1899, 12, 30)

_TASK_TYPES = {
    ActivityType.TASK: "TT_Task",
    ActivityType.START_MILESTONE: "TT_Mile",
    ActivityType.FINISH_MILESTONE: "TT_FinMile",
    ActivityType.LEVEL_OF_EFFORT: "TT_LOE",
    ActivityType.WBS_SUMMARY: "TT_WBS",
}
_CONSTRAINTS = {
    ConstraintType.START_ON: "CS_MSO",
    ConstraintType.START_ON_OR_AFTER: "CS_MSOA",
    ConstraintType.START_ON_OR_BEFORE: "CS_MSOB",
    ConstraintType.FINISH_ON: "CS_MEO",
    ConstraintType.FINISH_ON_OR_AFTER: "CS_MEOA",
    ConstraintType.FINISH_ON_OR_BEFORE: "CS_MEOB",
    ConstraintType.MANDATORY_START: "CS_MANDSTART",
    ConstraintType.MANDATORY_FINISH: "CS_MANDFIN",
    ConstraintType.AS_LATE_AS_POSSIBLE: "CS_ALAP",
}
_LINK_TYPES = {LinkType.FS: "PR_FS", LinkType.SS: "PR_SS", LinkType.FF: "PR_FF"}
_LINK_TYPES[LinkType.SF] = "PR_SF"
_LAG_RULES = {
    LagCalendarRule.PREDECESSOR: "rcal_Predecessor",
    LagCalendarRule.SUCCESSOR: "rcal_Successor",
    LagCalendarRule.TWENTY_FOUR_HOUR: "rcal_24Hour",
    LagCalendarRule.PROJECT_DEFAULT: "rcal_ProjDefault",
}
_FLOAT_TYPES = {FloatType.FINISH: "FT_FF", FloatType.START: "FT_SF", FloatType.SMALLEST: "FT_SM"}

_CALENDAR_FIELDS = [
    "clndr_id",
    "default_flag",
    "clndr_name",
    "proj_id",
    "base_clndr_id",
    "last_chng_date",
    "clndr_type",
    "day_hr_cnt",
    "week_hr_cnt",
    "month_hr_cnt",
    "year_hr_cnt",
    "rsrc_private",
    "clndr_data",
]
_PROJECT_FIELDS = [
    "proj_id",
    "proj_short_name",
    "clndr_id",
    "critical_drtn_hr_cnt",
    "critical_path_type",
    "last_recalc_date",
    "plan_start_date",
    "plan_end_date",
    "def_duration_type",
    "def_task_type",
    "def_complete_pct_type",
    "task_code_base",
    "task_code_step",
]
_SCHEDOPTIONS_FIELDS = [
    "schedoptions_id",
    "proj_id",
    "sched_lag_early_start_flag",
    "sched_retained_logic",
    "sched_progress_override",
    "sched_float_type",
    "sched_calendar_on_relationship_lag",
    "sched_use_expect_end_flag",
    "sched_use_project_end_date_for_float",
]
_PROJWBS_FIELDS = [
    "wbs_id",
    "proj_id",
    "seq_num",
    "proj_node_flag",
    "status_code",
    "wbs_short_name",
    "wbs_name",
    "parent_wbs_id",
]
_TASK_FIELDS = [
    "task_id",
    "proj_id",
    "wbs_id",
    "clndr_id",
    "phys_complete_pct",
    "complete_pct_type",
    "task_type",
    "duration_type",
    "status_code",
    "task_code",
    "task_name",
    "remain_drtn_hr_cnt",
    "target_drtn_hr_cnt",
    "cstr_date",
    "act_start_date",
    "act_end_date",
    "expect_end_date",
    "cstr_type",
    "suspend_date",
    "resume_date",
    "cstr_date2",
    "cstr_type2",
]
_UMEASURE_FIELDS = ["unit_id", "seq_num", "unit_abbrev", "unit_name"]
_RSRC_FIELDS = [
    "rsrc_id",
    "rsrc_seq_num",
    "rsrc_name",
    "rsrc_short_name",
    "def_qty_per_hr",
    "cost_qty_type",
    "active_flag",
    "def_cost_qty_link_flag",
    "unit_id",
    "rsrc_type",
]
_TASKRSRC_FIELDS = [
    "taskrsrc_id",
    "task_id",
    "proj_id",
    "rsrc_id",
    "remain_qty",
    "target_qty",
    "act_reg_qty",
    "act_ot_qty",
    "target_cost",
    "act_reg_cost",
    "act_ot_cost",
    "remain_cost",
    "rsrc_type",
]
_RSRC_TYPES = {LABOUR: "RT_Labor", EQUIPMENT: "RT_Equip", MATERIAL: "RT_Mat"}
_ACTVTYPE_FIELDS = [
    "actv_code_type_id",
    "actv_short_len",
    "seq_num",
    "actv_code_type",
    "proj_id",
    "wbs_id",
    "actv_code_type_scope",
]
_ACTVCODE_FIELDS = [
    "actv_code_id",
    "parent_actv_code_id",
    "actv_code_type_id",
    "actv_code_name",
    "short_name",
    "seq_num",
]
_TASKACTV_FIELDS = ["task_id", "actv_code_type_id", "actv_code_id", "proj_id"]
_UDFTYPE_FIELDS = [
    "udf_type_id",
    "table_name",
    "udf_type_name",
    "udf_type_label",
    "logical_data_type",
    "super_flag",
]
_UDFVALUE_FIELDS = [
    "udf_type_id",
    "fk_id",
    "proj_id",
    "udf_date",
    "udf_number",
    "udf_text",
    "udf_code_id",
]
_TASKPRED_FIELDS = [
    "task_pred_id",
    "task_id",
    "pred_task_id",
    "proj_id",
    "pred_proj_id",
    "pred_type",
    "lag_hr_cnt",
]


class _Ids:
    """Numeric identifiers for arbitrary keys: a numeric original is kept when still free."""

    def __init__(self) -> None:
        self.by_key: dict[object, str] = {}
        self.used: set[str] = set()
        self.next = 1

    def reserve(self, key: object, original: str) -> None:
        if original.isdigit() and original not in self.used:
            self.by_key[key] = original
            self.used.add(original)

    def get(self, key: object) -> str:
        found = self.by_key.get(key)
        if found is None:
            while str(self.next) in self.used:
                self.next += 1
            found = str(self.next)
            self.by_key[key] = found
            self.used.add(found)
        return found


def _text(value: str) -> str:
    """A field value without the tabs and line breaks that would break the row."""
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _date(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def _hours(minutes: int | float) -> str:
    """Minutes as an hours number that `read_xer` turns back into the same whole minutes."""
    if minutes == int(minutes) and int(minutes) % 60 == 0:
        return str(int(minutes) // 60)
    return f"{minutes / 60.0:.6f}".rstrip("0").rstrip(".")


def _clock(minute: int) -> str:
    """Minute of day as P6's `HH:MM` (24:00 is written 00:00, P6's end of day)."""
    minute %= 1440
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _intervals(intervals: DayIntervals) -> str:
    return "".join(
        f"(0||{i}(s|{_clock(start)}|f|{_clock(end)})())" for i, (start, end) in enumerate(intervals)
    )


def _day_entry(label: str, intervals: DayIntervals) -> str:
    if not intervals:
        return f"(0||{label}())"
    return f"(0||{label}({_intervals(intervals)}))"


def clndr_data(calendar: Calendar) -> str:
    """P6's `clndr_data` text of a calendar: week pattern (1 = Sunday) and dated exceptions."""
    days = "".join(
        _day_entry(f"{p6_day}()", calendar.week[(p6_day + 5) % 7]) for p6_day in range(1, 8)
    )
    exceptions = "".join(
        _day_entry(f"{i}(d|{(day - SPREADSHEET_EPOCH).days})", calendar.exceptions[day])
        for i, day in enumerate(sorted(calendar.exceptions))
    )
    return (
        f"(0||CalendarData()((0||DaysOfWeek()({days}))"
        f"(0||VIEW(ShowTotal|Y)())(0||Exceptions()({exceptions}))))"
    )


def _day_hours(intervals: DayIntervals) -> float:
    return sum(end - start for start, end in intervals) / 60.0


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.4f}".rstrip("0").rstrip(".")


def _table(name: str, fields: list[str], rows: Iterable[dict[str, str]]) -> list[str]:
    lines = [f"%T\t{name}", "%F\t" + "\t".join(fields)]
    lines.extend("%R\t" + "\t".join(_text(row.get(f, "")) for f in fields) for row in rows)
    return lines


def _constraint(constraint: Constraint | None) -> tuple[str, str]:
    if constraint is None:
        return "", ""
    return _CONSTRAINTS[constraint.type], _date(constraint.date)


def _status(activity: Activity) -> str:
    if activity.actual_finish is not None:
        return "TK_Complete"
    if activity.actual_start is not None:
        return "TK_Active"
    return "TK_NotStart"


def _lag_hours(link: Link, activities: dict[str, Activity]) -> str:
    if link.lag_unit is LagUnit.PERCENT:
        pred = activities.get(link.pred_id)
        base = pred.original_duration if pred is not None else 0
        return _hours(round(base * link.lag / 10000))
    return _hours(link.lag)


def xer_losses(project: Project) -> list[str]:
    """What of `project` an XER file cannot carry exactly (empty when it round-trips)."""
    losses: list[str] = []
    if any(link.lag_unit is not LagUnit.WORKING for link in project.links):
        losses.append("elapsed or percentage lags (XER lags are working hours)")
    if any(link.lag_calendar_id for link in project.links):
        losses.append("per-link lag calendars")
    if any(a.manually_scheduled for a in project.activities):
        losses.append("manually scheduled tasks (kept as mandatory starts)")
    options = project.options
    if (
        options.float_on_completed
        or options.actual_dates_as_early_dates
        or options.roll_up_wbs_summaries
        or not options.late_finish_by_project_finish
        or not options.ss_lag_from_actual_start
    ):
        losses.append("MS Project scheduling options (XER carries P6's)")
    return losses


def write_xer(
    projects: list[Project],
    wbs_names: Mapping[str, tuple[str, str]] | None = None,
    resources: ResourceSet | None = None,
    fields: Mapping[str, ActivityFields] | None = None,
) -> bytes:
    """Write `projects` as one XER file (UTF-8, CRLF line ends).

    `wbs_names` gives WBS elements their short code and name by WBS id (the network model
    has none); an element not in it is named by its id. `resources` (the first project's
    resources and assignments, by activity id) become the UMEASURE, RSRC and TASKRSRC tables
    that `sitebook.interchange.resources.read_resources` reads back; a cost resource (an
    MS Project notion) is written as a material. `fields` (the first project's cost codes,
    responsibles and three-point durations, by activity id) become project activity codes
    and number user-defined fields (see `sitebook.interchange.activity_fields`).
    """
    calendar_ids = _Ids()
    task_ids = _Ids()
    wbs_ids = _Ids()
    project_ids = _Ids()
    calendars: dict[str, Calendar] = {}
    for index, project in enumerate(projects):
        for cid, calendar in project.calendars.items():
            calendar_ids.reserve(cid, cid)
            if cid not in calendars:
                calendars[cid] = calendar
        for activity in project.activities:
            task_ids.reserve((index, activity.id), activity.id)
        for child, parent in project.wbs_parent.items():
            wbs_ids.reserve((index, child), child)
            wbs_ids.reserve((index, parent), parent)
        for activity in project.activities:
            if activity.wbs_id:
                wbs_ids.reserve((index, activity.wbs_id), activity.wbs_id)
    defaults = {p.default_calendar_id for p in projects}
    calendar_rows = []
    for cid, calendar in calendars.items():
        week_hours = sum(_day_hours(day) for day in calendar.week)
        calendar_rows.append(
            {
                "clndr_id": calendar_ids.get(cid),
                "default_flag": "Y" if cid in defaults else "N",
                "clndr_name": calendar.name or cid,
                "clndr_type": "CA_Base",
                "day_hr_cnt": _number(calendar.hours_per_day),
                "week_hr_cnt": _number(week_hours),
                "month_hr_cnt": _number(round(week_hours * 52 / 12)),
                "year_hr_cnt": _number(week_hours * 52),
                "rsrc_private": "N",
                "clndr_data": clndr_data(calendar),
            }
        )
    project_rows: list[dict[str, str]] = []
    option_rows: list[dict[str, str]] = []
    wbs_rows: list[dict[str, str]] = []
    task_rows: list[dict[str, str]] = []
    pred_rows: list[dict[str, str]] = []
    for index, project in enumerate(projects):
        pid = project_ids.get(index)
        options = project.options
        default_calendar = project.default_calendar_id
        project_rows.append(
            {
                "proj_id": pid,
                "proj_short_name": project.code,
                "clndr_id": calendar_ids.get(default_calendar) if default_calendar else "",
                "critical_drtn_hr_cnt": _hours(options.critical_float_minutes),
                "critical_path_type": (
                    "CT_DrivPath"
                    if options.critical is CriticalDefinition.LONGEST_PATH
                    else "CT_TotFloat"
                ),
                "last_recalc_date": _date(project.data_date),
                "plan_start_date": _date(project.planned_start or project.data_date),
                "plan_end_date": _date(project.must_finish_by),
                "def_duration_type": "DT_FixedDUR2",
                "def_task_type": "TT_Task",
                "def_complete_pct_type": "CP_Drtn",
                "task_code_base": "1000",
                "task_code_step": "10",
            }
        )
        option_rows.append(
            {
                "schedoptions_id": pid,
                "proj_id": pid,
                "sched_lag_early_start_flag": "Y" if options.ss_lag_from_actual_start else "N",
                "sched_retained_logic": "N" if options.progress_override else "Y",
                "sched_progress_override": "Y" if options.progress_override else "N",
                "sched_float_type": _FLOAT_TYPES[options.float_type],
                "sched_calendar_on_relationship_lag": _LAG_RULES[options.lag_calendar],
                "sched_use_expect_end_flag": "Y" if options.use_expected_finish else "N",
                "sched_use_project_end_date_for_float": (
                    "Y" if options.open_ends_to_project_finish else "N"
                ),
            }
        )
        wbs_rows.extend(_wbs_rows(project, index, pid, wbs_ids, wbs_names or {}))
        for activity in project.activities:
            cstr_type, cstr_date = _constraint(activity.primary_constraint)
            cstr_type2, cstr_date2 = _constraint(activity.secondary_constraint)
            calendar_id = activity.calendar_id or default_calendar
            task_rows.append(
                {
                    "task_id": task_ids.get((index, activity.id)),
                    "proj_id": pid,
                    "wbs_id": wbs_ids.get((index, activity.wbs_id)) if activity.wbs_id else "",
                    "clndr_id": calendar_ids.get(calendar_id) if calendar_id else "",
                    "phys_complete_pct": _number(activity.percent_complete),
                    "complete_pct_type": "CP_Drtn",
                    "task_type": _TASK_TYPES[activity.type],
                    "duration_type": "DT_FixedDUR2",
                    "status_code": _status(activity),
                    "task_code": activity.code,
                    "task_name": activity.name,
                    "remain_drtn_hr_cnt": _hours(activity.remaining_duration),
                    "target_drtn_hr_cnt": _hours(activity.original_duration),
                    "cstr_date": cstr_date,
                    "act_start_date": _date(activity.actual_start),
                    "act_end_date": _date(activity.actual_finish),
                    "expect_end_date": _date(activity.expected_finish),
                    "cstr_type": cstr_type,
                    "suspend_date": _date(activity.suspend),
                    "resume_date": _date(activity.resume),
                    "cstr_date2": cstr_date2,
                    "cstr_type2": cstr_type2,
                }
            )
        by_id = project.activity_by_id()
        for link in project.links:
            pred_rows.append(
                {
                    "task_pred_id": str(len(pred_rows) + 1),
                    "task_id": task_ids.get((index, link.succ_id)),
                    "pred_task_id": task_ids.get((index, link.pred_id)),
                    "proj_id": pid,
                    "pred_proj_id": pid,
                    "pred_type": _LINK_TYPES[link.type],
                    "lag_hr_cnt": _lag_hours(link, by_id),
                }
            )
    blank_completed = bool(projects) and not projects[0].options.dates_on_completed
    version = "23.12" if blank_completed else "8.4"
    today = dt.date.today().isoformat()
    lines = [f"ERMHDR\t{version}\t{today}\tProject\tadmin\tadmin\tdbxDatabaseNoName\t\tUSD"]
    lines += _table("CALENDAR", _CALENDAR_FIELDS, calendar_rows)
    lines += _table("PROJECT", _PROJECT_FIELDS, project_rows)
    lines += _table("SCHEDOPTIONS", _SCHEDOPTIONS_FIELDS, option_rows)
    if wbs_rows:
        lines += _table("PROJWBS", _PROJWBS_FIELDS, wbs_rows)
    definitions, values = _field_tables(fields or {}, task_ids, project_ids.get(0))
    lines += definitions
    lines += _table("TASK", _TASK_FIELDS, task_rows)
    lines += _table("TASKPRED", _TASKPRED_FIELDS, pred_rows)
    if resources is not None and projects:
        lines += _resource_tables(resources, task_ids, project_ids.get(0))
    lines += values
    lines.append("%E")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _wbs_rows(
    project: Project,
    index: int,
    pid: str,
    wbs_ids: _Ids,
    names: Mapping[str, tuple[str, str]],
) -> list[dict[str, str]]:
    """PROJWBS rows of every WBS id the project uses, parents before children."""
    nodes: list[str] = []
    seen: set[str] = set()

    def visit(node: str, trail: frozenset[str]) -> None:
        if node in seen or node in trail:
            return
        parent = project.wbs_parent.get(node)
        if parent:
            visit(parent, trail | {node})
        seen.add(node)
        nodes.append(node)

    for child in project.wbs_parent:
        visit(child, frozenset())
    for activity in project.activities:
        if activity.wbs_id:
            visit(activity.wbs_id, frozenset())
    rows = []
    for seq, node in enumerate(nodes, start=1):
        parent = project.wbs_parent.get(node, "")
        short, name = names.get(node, (node, node))
        rows.append(
            {
                "wbs_id": wbs_ids.get((index, node)),
                "proj_id": pid,
                "seq_num": str(seq),
                "proj_node_flag": "N",
                "status_code": "WS_Open",
                "wbs_short_name": short,
                "wbs_name": name,
                "parent_wbs_id": wbs_ids.get((index, parent)) if parent else "",
            }
        )
    return rows


def _resource_tables(found: ResourceSet, task_ids: _Ids, pid: str) -> list[str]:
    """UMEASURE, RSRC and TASKRSRC of the first project (index 0)."""
    units = sorted({r.unit for r in found.resources if r.unit})
    unit_ids = {unit: str(n) for n, unit in enumerate(units, start=1)}
    rsrc_ids = _Ids()
    for resource in found.resources:
        rsrc_ids.reserve(resource.id, resource.id)
    kinds = {}
    rsrc_rows = []
    for seq, resource in enumerate(found.resources, start=1):
        kinds[resource.id] = _RSRC_TYPES.get(resource.kind, "RT_Mat")
        rsrc_rows.append(
            {
                "rsrc_id": rsrc_ids.get(resource.id),
                "rsrc_seq_num": str(seq),
                "rsrc_name": resource.name,
                "rsrc_short_name": resource.code,
                "def_qty_per_hr": "1",
                "cost_qty_type": "QT_Hour",
                "active_flag": "Y",
                "def_cost_qty_link_flag": "N",
                "unit_id": unit_ids.get(resource.unit, ""),
                "rsrc_type": kinds[resource.id],
            }
        )
    assignment_rows = [
        {
            "taskrsrc_id": str(n),
            "task_id": task_ids.get((0, a.activity_id)),
            "proj_id": pid,
            "rsrc_id": rsrc_ids.get(a.resource_id),
            "remain_qty": format(a.remaining_quantity, "f"),
            "target_qty": format(a.planned_quantity, "f"),
            "act_reg_qty": format(a.actual_quantity, "f"),
            "act_ot_qty": "0",
            "target_cost": format(a.planned_cost, "f"),
            "act_reg_cost": format(a.actual_cost, "f"),
            "act_ot_cost": "0",
            "remain_cost": format(max(a.planned_cost - a.actual_cost, 0), "f"),
            "rsrc_type": kinds.get(a.resource_id, "RT_Mat"),
        }
        for n, a in enumerate(found.assignments, start=1)
    ]
    lines = []
    if units:
        lines += _table(
            "UMEASURE",
            _UMEASURE_FIELDS,
            [
                {"unit_id": uid, "seq_num": uid, "unit_abbrev": unit, "unit_name": unit}
                for unit, uid in unit_ids.items()
            ],
        )
    lines += _table("RSRC", _RSRC_FIELDS, rsrc_rows)
    lines += _table("TASKRSRC", _TASKRSRC_FIELDS, assignment_rows)
    return lines


def _field_tables(
    fields: Mapping[str, ActivityFields], task_ids: _Ids, pid: str
) -> tuple[list[str], list[str]]:
    """(UDFTYPE, ACTVTYPE and ACTVCODE; TASKACTV and UDFVALUE) of the first project's
    activity fields, only for the fields some activity has."""
    used = {a: f for a, f in fields.items() if not f.is_empty() and (0, a) in task_ids.by_key}
    definitions: list[str] = []
    values: list[str] = []
    type_rows, code_rows, assigned = _activity_codes(used, task_ids, pid)
    udf_rows, udf_values = _duration_udfs(used, task_ids, pid)
    if udf_rows:
        definitions += _table("UDFTYPE", _UDFTYPE_FIELDS, udf_rows)
    if type_rows:
        definitions += _table("ACTVTYPE", _ACTVTYPE_FIELDS, type_rows)
        definitions += _table("ACTVCODE", _ACTVCODE_FIELDS, code_rows)
        values += _table("TASKACTV", _TASKACTV_FIELDS, assigned)
    if udf_values:
        values += _table("UDFVALUE", _UDFVALUE_FIELDS, udf_values)
    return definitions, values


_Rows = list[dict[str, str]]


def _activity_codes(
    fields: Mapping[str, ActivityFields], task_ids: _Ids, pid: str
) -> tuple[_Rows, _Rows, _Rows]:
    """Project activity code types "Cost Code" and "Responsible", one value per distinct
    text, and the assignments of the activities to them."""
    type_rows: _Rows = []
    code_rows: _Rows = []
    assigned: _Rows = []
    for name, attribute in ((COST_CODE, "cost_code"), (RESPONSIBLE, "responsible")):
        by_activity = {a: str(getattr(f, attribute)) for a, f in fields.items()}
        texts = sorted({v for v in by_activity.values() if v})
        if not texts:
            continue
        type_id = str(len(type_rows) + 1)
        type_rows.append(
            {
                "actv_code_type_id": type_id,
                "actv_short_len": str(max(len(v) for v in texts)),
                "seq_num": type_id,
                "actv_code_type": name,
                "proj_id": pid,
                "actv_code_type_scope": "AS_Project",
            }
        )
        code_ids: dict[str, str] = {}
        for seq, value in enumerate(texts, start=1):
            code_ids[value] = str(len(code_rows) + 1)
            code_rows.append(
                {
                    "actv_code_id": code_ids[value],
                    "actv_code_type_id": type_id,
                    "actv_code_name": value,
                    "short_name": value,
                    "seq_num": str(seq),
                }
            )
        for activity, value in by_activity.items():
            if value:
                assigned.append(
                    {
                        "task_id": task_ids.get((0, activity)),
                        "actv_code_type_id": type_id,
                        "actv_code_id": code_ids[value],
                        "proj_id": pid,
                    }
                )
    return type_rows, code_rows, assigned


def _duration_udfs(
    fields: Mapping[str, ActivityFields], task_ids: _Ids, pid: str
) -> tuple[_Rows, _Rows]:
    """Number user-defined fields of TASK for the three-point durations, in hours to two
    decimals (36 seconds, so the whole minutes come back)."""
    type_rows: _Rows = []
    value_rows: _Rows = []
    for attribute, label in DURATION_LABELS.items():
        by_activity = {
            a: minutes
            for a, f in fields.items()
            if (minutes := f.durations().get(attribute)) is not None
        }
        if not by_activity:
            continue
        udf_id = str(len(type_rows) + 1)
        type_rows.append(
            {
                "udf_type_id": udf_id,
                "table_name": "TASK",
                "udf_type_name": f"user_field_{udf_id}",
                "udf_type_label": label,
                "logical_data_type": "FT_FLOAT_2_DECIMALS",
                "super_flag": "N",
            }
        )
        value_rows.extend(
            {
                "udf_type_id": udf_id,
                "fk_id": task_ids.get((0, activity)),
                "proj_id": pid,
                "udf_number": f"{minutes / 60:.2f}",
            }
            for activity, minutes in by_activity.items()
        )
    return type_rows, value_rows
