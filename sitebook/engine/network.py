"""Format-neutral data model of a schedulable network (calendars, activities, links, projects).

Readers (XER, P6 XML, MS Project XML) build these objects; `sitebook.engine.cpm` schedules them
and answers with a `Schedule`. Nothing here knows a file format.

Units and conventions (the invariants every reader must respect):

* Datetimes are naive `datetime.datetime` in the project's local wall-clock time, to the minute.
* Durations and lags are integers of **working minutes** on a calendar (a `Calendar` decides
  which minutes are working). A reader converts from its format's units: P6 stores hours
  (`target_drtn_hr_cnt * 60`), MS Project tenths of a minute (`value // 10`).
* A lag has a `LagUnit`: `WORKING` (working minutes on the lag calendar chosen by the project's
  `LagCalendarRule` or by `Link.lag_calendar_id`), `ELAPSED` (wall-clock minutes, MS Project's
  "elapsed days"), or `PERCENT` (`Link.lag` is then hundredths of a percent of the predecessor's
  duration, MS Project's percentage lags: 5000 = 50 %).
* Identifiers (`Calendar.id`, `Activity.id`) are strings unique in their project; `Activity.code`
  is what the user sees (P6 `task_code`, MS Project task UID as text).
* Weekdays are numbered as Python does: Monday = 0 ... Sunday = 6.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

#: A working interval within one day: (start minute, end minute) from midnight, 0 <= s < e <= 1440.
Interval = tuple[int, int]
#: The working intervals of one day, sorted and non-overlapping; empty means a non-working day.
DayIntervals = tuple[Interval, ...]

MINUTES_PER_DAY = 1440
STANDARD_DAY: DayIntervals = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
FULL_DAY: DayIntervals = ((0, MINUTES_PER_DAY),)


@dataclass
class Calendar:
    """A work calendar: a week pattern plus dated exceptions, both as working intervals.

    `week[d]` holds the intervals of weekday `d` (Monday = 0). `exceptions[date]` replaces the
    week pattern on that date in either direction: an empty tuple makes a working day a holiday,
    intervals make a rest day (or part of one) working, e.g. China's make-up workdays.
    `hours_per_day` only converts durations to days for display and import; the engine counts
    minutes, never days.
    """

    id: str
    name: str = ""
    week: tuple[DayIntervals, ...] = (STANDARD_DAY,) * 5 + ((), ())
    exceptions: dict[dt.date, DayIntervals] = field(default_factory=dict)
    hours_per_day: float = 8.0

    def intervals_on(self, day: dt.date) -> DayIntervals:
        """The working intervals of `day`, exceptions first, then the week pattern."""
        found = self.exceptions.get(day)
        if found is not None:
            return found
        return self.week[day.weekday()]


def calendar_24h(calendar_id: str = "24h", name: str = "24 Hour") -> Calendar:
    """A calendar on which every minute of every day is working time."""
    return Calendar(id=calendar_id, name=name, week=(FULL_DAY,) * 7, hours_per_day=24.0)


class ActivityType(StrEnum):
    """How an activity takes part in the network."""

    TASK = "task"
    START_MILESTONE = "start_milestone"
    FINISH_MILESTONE = "finish_milestone"
    #: Spans its predecessors' start to its successors' finish; never drives anything.
    LEVEL_OF_EFFORT = "level_of_effort"
    #: Spans the activities of its WBS element (`Activity.wbs_id` and below).
    WBS_SUMMARY = "wbs_summary"


class LinkType(StrEnum):
    """Relationship type: which end of the predecessor drives which end of the successor."""

    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class LagUnit(StrEnum):
    """What `Link.lag` counts (see the module docstring)."""

    WORKING = "working"
    ELAPSED = "elapsed"
    PERCENT = "percent"


class ConstraintType(StrEnum):
    """Date constraints. MS Project's names map onto these (see each member)."""

    START_ON = "start_on"  # P6 CS_MSO
    START_ON_OR_AFTER = "start_on_or_after"  # P6 CS_MSOA, MS Project SNET
    START_ON_OR_BEFORE = "start_on_or_before"  # P6 CS_MSOB, MS Project SNLT
    FINISH_ON = "finish_on"  # P6 CS_MEO
    FINISH_ON_OR_AFTER = "finish_on_or_after"  # P6 CS_MEOA, MS Project FNET
    FINISH_ON_OR_BEFORE = "finish_on_or_before"  # P6 CS_MEOB, MS Project FNLT
    MANDATORY_START = "mandatory_start"  # P6 CS_MANDSTART, MS Project MSO
    MANDATORY_FINISH = "mandatory_finish"  # P6 CS_MANDFIN, MS Project MFO
    AS_LATE_AS_POSSIBLE = "as_late_as_possible"  # P6 CS_ALAP, MS Project ALAP


@dataclass(frozen=True)
class Constraint:
    """A constraint and its date (`date` is None only for AS_LATE_AS_POSSIBLE)."""

    type: ConstraintType
    date: dt.datetime | None = None


@dataclass
class Activity:
    """One activity. Durations are working minutes on the activity's calendar.

    Progress: `actual_start` set means started; `actual_finish` set means complete. For an
    in-progress activity `remaining_duration` is what is left from the data date (or from
    `resume` if it was suspended and resumes later).
    """

    id: str
    code: str
    name: str = ""
    type: ActivityType = ActivityType.TASK
    calendar_id: str = ""
    original_duration: int = 0
    remaining_duration: int = 0
    primary_constraint: Constraint | None = None
    secondary_constraint: Constraint | None = None
    actual_start: dt.datetime | None = None
    actual_finish: dt.datetime | None = None
    suspend: dt.datetime | None = None
    resume: dt.datetime | None = None
    expected_finish: dt.datetime | None = None
    percent_complete: float = 0.0
    wbs_id: str = ""
    #: MS Project: a task whose dates the user fixes by hand; kept out of the logic.
    manually_scheduled: bool = False
    #: The calendar total and free float are measured on, when not the activity's own: MS
    #: Project measures the slack of a task scheduled on its resources' calendars on the
    #: project calendar. Such a task not yet started gets MS Project's total slack, the
    #: smaller of start and finish slack, and free slack no larger than that.
    float_calendar_id: str = ""

    @property
    def is_complete(self) -> bool:
        """True when the activity has an actual finish."""
        return self.actual_finish is not None

    @property
    def is_started(self) -> bool:
        """True when the activity has an actual start (complete or in progress)."""
        return self.actual_start is not None

    @property
    def constraints(self) -> tuple[Constraint, ...]:
        """The primary then the secondary constraint, those that are set."""
        return tuple(c for c in (self.primary_constraint, self.secondary_constraint) if c)


@dataclass
class Link:
    """A relationship `pred -> succ` (activity ids) with a lag (see `LagUnit`).

    `lag_calendar_id` overrides the project's `LagCalendarRule` for this link when set.
    """

    pred_id: str
    succ_id: str
    type: LinkType = LinkType.FS
    lag: int = 0
    lag_unit: LagUnit = LagUnit.WORKING
    lag_calendar_id: str | None = None


class LagCalendarRule(StrEnum):
    """Which calendar a working-time lag is counted on (P6 `sched_calendar_on_relationship_lag`)."""

    PREDECESSOR = "predecessor"
    SUCCESSOR = "successor"
    TWENTY_FOUR_HOUR = "24h"
    PROJECT_DEFAULT = "project_default"


class FloatType(StrEnum):
    """How total float is computed (P6 `sched_float_type`)."""

    FINISH = "finish"  # late finish - early finish (FT_FF)
    START = "start"  # late start - early start (FT_SF)
    SMALLEST = "smallest"  # the smaller of the two (FT_SM)


class CriticalDefinition(StrEnum):
    """What makes an activity critical."""

    TOTAL_FLOAT = "total_float"  # total float <= ScheduleOptions.critical_float_minutes
    LONGEST_PATH = "longest_path"


@dataclass
class ScheduleOptions:
    """Scheduling options of one project (P6 SCHEDOPTIONS; MS Project's defaults map here)."""

    #: False = retained logic: a started activity's remaining work still waits for its
    #: unfinished predecessors. True = progress override: started work ignores them.
    progress_override: bool = False
    lag_calendar: LagCalendarRule = LagCalendarRule.PREDECESSOR
    float_type: FloatType = FloatType.FINISH
    use_expected_finish: bool = True
    critical: CriticalDefinition = CriticalDefinition.TOTAL_FLOAT
    #: Activities with total float at or below this (working minutes) are critical.
    critical_float_minutes: int = 0
    #: Compute late dates of open-ended activities against the project's finish (P6's
    #: `sched_use_project_end_date_for_float`); False = against their own early finish.
    open_ends_to_project_finish: bool = True
    #: P6 `sched_lag_early_start_flag`: start-to-start lag counted from the actual start of a
    #: started predecessor (True) or from its early start (False).
    ss_lag_from_actual_start: bool = True
    #: MS Project's slack: float on a completed activity is 0, not blank.
    float_on_completed: bool = False
    #: MS Project: every activity's late finish is bounded by the project finish, not only
    #: the late finish of activities without successors.
    late_finish_by_project_finish: bool = False
    #: MS Project: a started activity reports its actual start as early and late start, a
    #: completed one its actual start/finish as early and late dates (P6 reports the data date).
    actual_dates_as_early_dates: bool = False
    #: WBS-summary activities (MS Project summary tasks) take no time of their own in the
    #: passes; afterwards they span their members: earliest early/late start, latest
    #: early/late finish, total float = late finish - early finish on their calendar.
    roll_up_wbs_summaries: bool = False
    #: P6 up to 8.x reports the data date as the early and late dates of completed work;
    #: P6 23.12 leaves them blank. False marks completed activities' dates as blank
    #: (`ActivityResult.dates_blank`); the engine still fills the fields.
    dates_on_completed: bool = True
    #: P6 8.1: an as-late-as-possible activity without free float stays at its early dates,
    #: but its total float is the one it gets in a second schedule in which every working day
    #: is a single block from its first working moment and in-progress work at 100 %
    #: complete ends at the data date (`cpm_core._in_place_alap_floats` gives the evidence).
    alap_float_from_block_pass: bool = False


@dataclass
class Project:
    """One schedulable project: its calendars, activities, links, data date and options."""

    code: str
    name: str = ""
    data_date: dt.datetime | None = None
    planned_start: dt.datetime | None = None
    must_finish_by: dt.datetime | None = None
    default_calendar_id: str = ""
    options: ScheduleOptions = field(default_factory=ScheduleOptions)
    calendars: dict[str, Calendar] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    #: WBS tree: child id -> parent id, for WBS-summary activities.
    wbs_parent: dict[str, str] = field(default_factory=dict)

    def activity_by_id(self) -> dict[str, Activity]:
        """A dict from activity id to activity."""
        return {a.id: a for a in self.activities}


@dataclass
class ActivityResult:
    """Computed dates and floats of one activity (floats in working minutes, None = blank)."""

    early_start: dt.datetime
    early_finish: dt.datetime
    late_start: dt.datetime
    late_finish: dt.datetime
    total_float: int | None
    free_float: int | None
    critical: bool
    longest_path: bool = False
    #: Remaining early start/finish (P6 restart_date/reend_date): equal to the early dates.
    remaining_start: dt.datetime | None = None
    remaining_finish: dt.datetime | None = None
    #: The tool reports no early/late dates for this activity (see
    #: `ScheduleOptions.dates_on_completed`); the date fields then hold the data date.
    dates_blank: bool = False

    @property
    def total_float_hours(self) -> float | None:
        """Total float in hours (P6's total_float_hr_cnt)."""
        return None if self.total_float is None else self.total_float / 60.0

    @property
    def free_float_hours(self) -> float | None:
        """Free float in hours (P6's free_float_hr_cnt)."""
        return None if self.free_float is None else self.free_float / 60.0


@dataclass
class Schedule:
    """The result of scheduling a project: one `ActivityResult` per activity id."""

    project_code: str
    data_date: dt.datetime
    finish: dt.datetime
    results: dict[str, ActivityResult] = field(default_factory=dict)
