"""Primavera P6 XER reader: tab-separated tables into `sitebook.engine.network` projects.

The format: a header line `ERMHDR ...`, then tables: `%T name`, `%F` column names, `%R` rows,
all tab-separated, and `%E` at the end. Durations, lags and floats are hours; dates are
`YYYY-MM-DD HH:MM`; calendar exceptions are day numbers from 1899-12-30.

The reader is tolerant of what real files contain (Windows code pages, odd bytes in names,
empty first projects, old versions with blank `week_hr_cnt`) and strict about what makes a
file unusable (empty, binary, truncated, bad dates, links to nowhere): those raise a subclass
of `ScheduleInputError` naming the table and row. Computed dates and floats in the file are
never read into the network.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field

from sitebook.engine.errors import (
    DateParseError,
    EmptyInputError,
    FormatError,
    NegativeDurationError,
    ScheduleInputError,
    UnknownActivityError,
)
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

SPREADSHEET_EPOCH = dt.date(1899, 12, 30)


@dataclass
class XerTable:
    """One table of an XER file: its column names and rows (each a dict column -> text)."""

    name: str
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    #: 1-based line number of each row in the file, for error messages.
    lines: list[int] = field(default_factory=list)


def decode_xer(data: bytes) -> str:
    """Decode XER bytes: UTF-8 if valid, else Windows-1252, never failing on a byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_tables(data: bytes) -> dict[str, XerTable]:
    """Split an XER file into its tables; raise `FormatError`/`EmptyInputError` if unusable."""
    if not data.strip():
        raise EmptyInputError("empty file")
    head = data[:4096]
    if b"\x00" in head or not head.lstrip(b"\xef\xbb\xbf").startswith(b"ERMHDR"):
        raise FormatError("not a P6 XER file (no ERMHDR header)")
    text = decode_xer(data)
    tables: dict[str, XerTable] = {}
    current: XerTable | None = None
    ended = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line:
            continue
        parts = line.split("\t")
        tag = parts[0]
        if tag == "%T":
            if len(parts) < 2 or not parts[1]:
                raise FormatError("table line without a name", where=f"line {number}")
            current = XerTable(name=parts[1].strip(), columns=[])
            tables[current.name] = current
        elif tag == "%F":
            if current is None:
                raise FormatError("%F before any %T", where=f"line {number}")
            current.columns = [c.strip() for c in parts[1:]]
        elif tag == "%R":
            if current is None or not current.columns:
                raise FormatError("%R before its table's %F", where=f"line {number}")
            values = parts[1:]
            if len(values) < len(current.columns):
                values += [""] * (len(current.columns) - len(values))
            current.rows.append(dict(zip(current.columns, values, strict=False)))
            current.lines.append(number)
        elif tag == "%E":
            ended = True
            break
        elif tag.startswith("ERMHDR"):
            continue
        elif b"\x00" in raw.encode("utf-8", errors="replace"):
            raise FormatError("binary data in file", where=f"line {number}")
    if not ended:
        raise FormatError("truncated file: no %E end marker")
    return tables


def _date(text: str, where: str) -> dt.datetime | None:
    """Parse an XER date (`YYYY-MM-DD HH:MM[:SS]`); blank means None."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise DateParseError(f"unreadable date {text!r}", where=where)


def _hours(text: str, where: str) -> float:
    """Parse an hours number; blank means 0."""
    text = text.strip()
    if not text:
        return 0.0
    try:
        return float(text)
    except ValueError:
        raise ScheduleInputError(f"unreadable number {text!r}", where=where) from None


def _minutes(hours: float) -> int:
    """Hours to whole minutes."""
    return int(round(hours * 60.0))


_INTERVAL = re.compile(r"s\|(\d{1,2}):(\d{2})\|f\|(\d{1,2}):(\d{2})")
_DAY = re.compile(r"\(0\|\|([1-7])\(\)\(")
_EXCEPTION = re.compile(r"\(0\|\|\d+\(d\|(\d+)\)\(")


def _intervals(text: str) -> DayIntervals:
    """Working intervals from the text between one day's markers; 00:00 finish means 24:00."""
    found: list[tuple[int, int]] = []
    for sh, sm, fh, fm in _INTERVAL.findall(text):
        start = int(sh) * 60 + int(sm)
        finish = int(fh) * 60 + int(fm)
        if finish == 0 or finish <= start:
            finish = 1440 if finish == 0 else finish + (1440 if finish < start else 0)
        # A "f|23:59" interval means to midnight in P6's 24-hour calendars.
        if finish == 1439:
            finish = 1440
        found.append((start, min(finish, 1440)))
    found.sort()
    return tuple(found)


def parse_clndr_data(calendar_id: str, name: str, data: str, hours_per_day: float) -> Calendar:
    """Parse P6's `clndr_data` (week pattern, exceptions) into a `Calendar`.

    P6 numbers weekdays 1 = Sunday ... 7 = Saturday; exceptions are day numbers from 1899-12-30
    with their own intervals (none = non-working).
    """
    week: list[DayIntervals] = [(), (), (), (), (), (), ()]
    exceptions: dict[dt.date, DayIntervals] = {}
    days_at = data.find("DaysOfWeek")
    exc_at = data.find("Exceptions")
    if days_at >= 0:
        section = data[days_at : exc_at if exc_at > days_at else len(data)]
        marks = list(_DAY.finditer(section))
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(section)
            p6_day = int(m.group(1))
            week[(p6_day + 5) % 7] = _intervals(section[m.end() : end])
    else:
        week = [((8 * 60, 12 * 60), (13 * 60, 17 * 60))] * 5 + [(), ()]
    if exc_at >= 0:
        section = data[exc_at:]
        marks = list(_EXCEPTION.finditer(section))
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(section)
            day = SPREADSHEET_EPOCH + dt.timedelta(days=int(m.group(1)))
            exceptions[day] = _intervals(section[m.end() : end])
    return Calendar(
        id=calendar_id,
        name=name,
        week=tuple(week),
        exceptions=exceptions,
        hours_per_day=hours_per_day or 8.0,
    )


_TASK_TYPES = {
    "TT_Task": ActivityType.TASK,
    "TT_Rsrc": ActivityType.TASK,
    "TT_Mile": ActivityType.START_MILESTONE,
    "TT_FinMile": ActivityType.FINISH_MILESTONE,
    "TT_LOE": ActivityType.LEVEL_OF_EFFORT,
    "TT_WBS": ActivityType.WBS_SUMMARY,
}
_CONSTRAINTS = {
    "CS_MSO": ConstraintType.START_ON,
    "CS_MSOA": ConstraintType.START_ON_OR_AFTER,
    "CS_MSOB": ConstraintType.START_ON_OR_BEFORE,
    "CS_MEO": ConstraintType.FINISH_ON,
    "CS_MEOA": ConstraintType.FINISH_ON_OR_AFTER,
    "CS_MEOB": ConstraintType.FINISH_ON_OR_BEFORE,
    "CS_MANDSTART": ConstraintType.MANDATORY_START,
    "CS_MANDFIN": ConstraintType.MANDATORY_FINISH,
    "CS_ALAP": ConstraintType.AS_LATE_AS_POSSIBLE,
}
_LINK_TYPES = {"PR_FS": LinkType.FS, "PR_SS": LinkType.SS, "PR_FF": LinkType.FF}
_LINK_TYPES["PR_SF"] = LinkType.SF
_LAG_RULES = {
    "rcal_Predecessor": LagCalendarRule.PREDECESSOR,
    "rcal_Successor": LagCalendarRule.SUCCESSOR,
    "rcal_24Hour": LagCalendarRule.TWENTY_FOUR_HOUR,
    "rcal_ProjDefault": LagCalendarRule.PROJECT_DEFAULT,
}
_FLOAT_TYPES = {"FT_FF": FloatType.FINISH, "FT_SF": FloatType.START, "FT_SM": FloatType.SMALLEST}


def _options(row: dict[str, str] | None, project_row: dict[str, str]) -> ScheduleOptions:
    """Schedule options from a SCHEDOPTIONS row (P6's defaults when the row is missing)."""
    options = ScheduleOptions()
    # P6 never lets a late finish pass the project's finish, even one bound only by an SS
    # successor with a long lag (HS2 P1EWCC-PWP02-3830).
    options.late_finish_by_project_finish = True
    # P6 8.1 takes the total float of an ALAP activity it left in place from a second pass
    # (HS2: all 47 such activities; see `cpm_core._in_place_alap_floats`).
    options.alap_float_from_block_pass = True
    if row is not None:
        options.progress_override = row.get("sched_progress_override", "N") == "Y"
        options.lag_calendar = _LAG_RULES.get(
            row.get("sched_calendar_on_relationship_lag", ""), LagCalendarRule.PREDECESSOR
        )
        options.float_type = _FLOAT_TYPES.get(row.get("sched_float_type", ""), FloatType.FINISH)
        options.use_expected_finish = row.get("sched_use_expect_end_flag", "Y") == "Y"
        # `sched_lag_early_start_flag` is not read: P6 counted start-to-start lags of started
        # predecessors from their actual start with the flag at Y (8.1) and at N (23.12).
        options.ss_lag_from_actual_start = True
        options.open_ends_to_project_finish = (
            row.get("sched_use_project_end_date_for_float", "Y") == "Y"
        )
    critical = project_row.get("critical_drtn_hr_cnt", "").strip()
    if critical:
        with contextlib.suppress(ValueError):
            options.critical_float_minutes = _minutes(float(critical))
    if project_row.get("critical_path_type", "") == "CT_DrivPath":
        options.critical = CriticalDefinition.LONGEST_PATH
    return options


def xer_version(data: bytes) -> tuple[int, ...]:
    """The P6 version in the `ERMHDR` line (e.g. (23, 12)); () when unreadable."""
    first = data[:200].lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    parts = first.split(b"\t")
    if len(parts) < 2:
        return ()
    numbers: list[int] = []
    for piece in parts[1].strip().split(b"."):
        if not piece.isdigit():
            break
        numbers.append(int(piece))
    return tuple(numbers)


#: From this P6 version on, completed activities carry no early/late dates (23.12 leaves them
#: blank; 8.1 and 5.0 report the data date). The exact version of the change is not known.
BLANK_COMPLETED_DATES_FROM = (20,)


def read_xer(data: bytes) -> list[Project]:
    """Read every project of an XER file into engine `Project`s, in file order."""
    tables = read_tables(data)
    version = xer_version(data)
    project_table = tables.get("PROJECT")
    if project_table is None or not project_table.rows:
        raise EmptyInputError("no PROJECT table: nothing to schedule")
    calendars: dict[str, Calendar] = {}
    cal_table = tables.get("CALENDAR")
    if cal_table is not None:
        for row, line in zip(cal_table.rows, cal_table.lines, strict=True):
            cid = row.get("clndr_id", "").strip()
            where = f"CALENDAR row at line {line}"
            hpd = _hours(row.get("day_hr_cnt", ""), where)
            calendars[cid] = parse_clndr_data(
                cid, row.get("clndr_name", ""), row.get("clndr_data", ""), hpd
            )
    options_rows = {
        r.get("proj_id", ""): r for r in (tables.get("SCHEDOPTIONS") or XerTable("", [])).rows
    }
    projects: dict[str, Project] = {}
    for row, line in zip(project_table.rows, project_table.lines, strict=True):
        pid = row.get("proj_id", "")
        where = f"PROJECT row at line {line}"
        data_date = _date(row.get("last_recalc_date", ""), where)
        planned = _date(row.get("plan_start_date", ""), where)
        project = Project(
            code=row.get("proj_short_name", "") or pid,
            name=row.get("proj_short_name", ""),
            data_date=data_date or planned,
            planned_start=planned,
            must_finish_by=_date(row.get("plan_end_date", ""), where),
            default_calendar_id=row.get("clndr_id", ""),
            options=_options(options_rows.get(pid), row),
            calendars=dict(calendars),
        )
        if version and version >= BLANK_COMPLETED_DATES_FROM:
            project.options.dates_on_completed = False
        projects[pid] = project
    wbs_table = tables.get("PROJWBS")
    if wbs_table is not None:
        for row in wbs_table.rows:
            wbs_project = projects.get(row.get("proj_id", ""))
            if wbs_project is not None and row.get("parent_wbs_id"):
                wbs_project.wbs_parent[row.get("wbs_id", "")] = row["parent_wbs_id"]
    owner: dict[str, Project] = {}
    task_table = tables.get("TASK")
    for row, line in zip(
        task_table.rows if task_table else [], task_table.lines if task_table else [], strict=True
    ):
        task_project = projects.get(row.get("proj_id", ""))
        where = f"TASK row at line {line} ({row.get('task_code', '')})"
        if task_project is None:
            raise ScheduleInputError(f"unknown project {row.get('proj_id')!r}", where=where)
        owner[row.get("task_id", "")] = task_project
        task_project.activities.append(_activity(row, where))
    pred_table = tables.get("TASKPRED")
    for row, line in zip(
        pred_table.rows if pred_table else [], pred_table.lines if pred_table else [], strict=True
    ):
        where = f"TASKPRED row at line {line}"
        succ, pred = row.get("task_id", ""), row.get("pred_task_id", "")
        succ_project = owner.get(succ)
        pred_project = owner.get(pred)
        if succ_project is None:
            raise UnknownActivityError(succ, where=where)
        if pred_project is None:
            raise UnknownActivityError(pred, where=where)
        link_type = _LINK_TYPES.get(row.get("pred_type", ""))
        if link_type is None:
            raise ScheduleInputError(f"unknown link type {row.get('pred_type')!r}", where=where)
        lag = _minutes(_hours(row.get("lag_hr_cnt", ""), where))
        if succ_project is pred_project:
            succ_project.links.append(Link(pred, succ, link_type, lag))
    return list(projects.values())


def _constraint(kind: str, date: str, where: str) -> Constraint | None:
    """A constraint from its XER code and date (None when blank or unknown)."""
    ctype = _CONSTRAINTS.get(kind.strip())
    if ctype is None:
        return None
    moment = _date(date, where)
    if moment is None and ctype is not ConstraintType.AS_LATE_AS_POSSIBLE:
        return None
    return Constraint(ctype, moment)


def _activity(row: dict[str, str], where: str) -> Activity:
    """One TASK row as an `Activity` (computed dates and floats are not read)."""
    code = row.get("task_code", "") or row.get("task_id", "")
    original = _hours(row.get("target_drtn_hr_cnt", ""), where)
    remaining = _hours(row.get("remain_drtn_hr_cnt", ""), where)
    if original < 0 or remaining < 0:
        raise NegativeDurationError(code, min(original, remaining))
    status = row.get("status_code", "")
    actual_start = _date(row.get("act_start_date", ""), where)
    actual_finish = _date(row.get("act_end_date", ""), where)
    if status == "TK_NotStart":
        actual_start = actual_finish = None
    elif status == "TK_Active":
        actual_finish = None
    pct = row.get("phys_complete_pct", "").strip()
    return Activity(
        id=row.get("task_id", ""),
        code=code,
        name=row.get("task_name", ""),
        type=_TASK_TYPES.get(row.get("task_type", ""), ActivityType.TASK),
        calendar_id=row.get("clndr_id", ""),
        original_duration=_minutes(original),
        remaining_duration=_minutes(remaining),
        primary_constraint=_constraint(row.get("cstr_type", ""), row.get("cstr_date", ""), where),
        secondary_constraint=_constraint(
            row.get("cstr_type2", ""), row.get("cstr_date2", ""), where
        ),
        actual_start=actual_start,
        actual_finish=actual_finish,
        suspend=_date(row.get("suspend_date", ""), where),
        resume=_date(row.get("resume_date", ""), where),
        expected_finish=_date(row.get("expect_end_date", ""), where),
        percent_complete=float(pct) if pct.replace(".", "", 1).isdigit() else 0.0,
        wbs_id=row.get("wbs_id", ""),
    )
