"""The DCMA 14-point schedule assessment over a scheduled network (pure computation).

`assess(project, result, baseline_finish)` answers one `Check` per point, each with its
figure, threshold, pass/fail and the codes of the activities that fail it. The population
of most checks is the *incomplete* tasks and milestones (level-of-effort and WBS-summary
activities are left out, as the DCMA guidance does); the relationship checks count the
relationships whose successor is such an activity. Float and duration are in working days of
each activity's own calendar (minutes / (hours per day x 60)).

Thresholds (DCMA 14-point assessment, 2009 guidance): missing logic, lags, hard constraints,
high float, high duration and missed tasks at most 5 %; leads, negative float and invalid
dates none; FS relationships at least 90 %; CPLI and BEI at least 0.95; the critical path
test passes when a delay added to a critical activity moves the project finish.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sitebook.engine import cpm
from sitebook.engine.calendars import compile_calendar, to_minutes
from sitebook.engine.network import (
    Activity,
    ActivityType,
    ConstraintType,
    LinkType,
    Project,
    Schedule,
)

HIGH_DAYS = 44
CRITICAL_PATH_DELAY_DAYS = 20
HARD = {
    ConstraintType.START_ON,
    ConstraintType.START_ON_OR_BEFORE,
    ConstraintType.FINISH_ON,
    ConstraintType.FINISH_ON_OR_BEFORE,
    ConstraintType.MANDATORY_START,
    ConstraintType.MANDATORY_FINISH,
}
_COUNTED = {ActivityType.TASK, ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE}


@dataclass
class Check:
    """One point of the assessment. `value` is a percentage, a ratio or None (not assessed)."""

    number: int
    key: str
    name: str
    value: float | None
    threshold: str
    passed: bool | None
    count: int = 0
    population: int = 0
    activities: list[str] = field(default_factory=list)


def _pct(count: int, population: int) -> float:
    return round(100.0 * count / population, 2) if population else 0.0


def assess(
    project: Project,
    result: Schedule,
    baseline_finish: dict[str, dt.datetime | None] | None = None,
) -> list[Check]:
    """The fourteen checks over `project` as `result` scheduled it."""
    acts = [a for a in project.activities if a.type in _COUNTED]
    incomplete = [a for a in acts if not a.is_complete]
    ids = {a.id for a in incomplete}
    code = {a.id: a.code for a in project.activities}
    hpd = {cid: c.hours_per_day or 8.0 for cid, c in project.calendars.items()}

    def days(minutes: int, calendar_id: str) -> float:
        return minutes / (hpd.get(calendar_id, 8.0) * 60.0)

    has_pred: set[str] = set()
    has_succ: set[str] = set()
    for link in project.links:
        has_pred.add(link.succ_id)
        has_succ.add(link.pred_id)
    links = [k for k in project.links if k.succ_id in ids]
    n = len(incomplete)
    checks: list[Check] = []

    missing = [a.code for a in incomplete if a.id not in has_pred or a.id not in has_succ]
    checks.append(_ratio(1, "logic", "Logic", missing, n, 5.0))
    leads = sorted({code[k.succ_id] for k in links if k.lag < 0})
    count_leads = sum(1 for k in links if k.lag < 0)
    checks.append(
        Check(
            2,
            "leads",
            "Leads",
            _pct(count_leads, len(links)),
            "0%",
            count_leads == 0,
            count_leads,
            len(links),
            leads,
        )
    )
    lags = [k for k in links if k.lag > 0]
    checks.append(
        Check(
            3,
            "lags",
            "Lags",
            _pct(len(lags), len(links)),
            "≤ 5%",
            _pct(len(lags), len(links)) <= 5.0,
            len(lags),
            len(links),
            sorted({code[k.succ_id] for k in lags}),
        )
    )
    fs = [k for k in links if k.type == LinkType.FS]
    other = sorted({code[k.succ_id] for k in links if k.type != LinkType.FS})
    fs_pct = _pct(len(fs), len(links)) if links else 100.0
    checks.append(
        Check(
            4,
            "relationship_types",
            "Relationship types",
            fs_pct,
            "FS ≥ 90%",
            fs_pct >= 90.0,
            len(links) - len(fs),
            len(links),
            other,
        )
    )
    hard = [a.code for a in incomplete if any(c.type in HARD for c in a.constraints)]
    checks.append(_ratio(5, "hard_constraints", "Hard constraints", hard, n, 5.0))
    results = result.results
    high_float = [
        a.code
        for a in incomplete
        if (tf := results[a.id].total_float) is not None and days(tf, a.calendar_id) > HIGH_DAYS
    ]
    checks.append(_ratio(6, "high_float", "High float", high_float, n, 5.0))
    negative = [
        a.code for a in incomplete if (tf := results[a.id].total_float) is not None and tf < 0
    ]
    checks.append(_ratio(7, "negative_float", "Negative float", negative, n, 0.0))
    long = [
        a.code
        for a in incomplete
        if a.type == ActivityType.TASK and days(a.original_duration, a.calendar_id) > HIGH_DAYS
    ]
    checks.append(_ratio(8, "high_duration", "High duration", long, n, 5.0))
    data_date = result.data_date
    invalid = []
    for a in acts:
        r = results[a.id]
        actual_late = (a.actual_start and a.actual_start > data_date) or (
            a.actual_finish and a.actual_finish > data_date
        )
        forecast_early = (
            not a.is_complete
            and not r.dates_blank
            and (r.early_finish < data_date or (not a.is_started and r.early_start < data_date))
        )
        if actual_late or forecast_early:
            invalid.append(a.code)
    checks.append(_ratio(9, "invalid_dates", "Invalid dates", invalid, len(acts), 0.0))
    checks.append(
        Check(
            10, "resources", "Resources", None, "not assessed: no resources loaded", None, 0, n, []
        )
    )
    due = [
        a
        for a in acts
        if baseline_finish and (bf := baseline_finish.get(a.id)) is not None and bf <= data_date
    ]
    missed = [
        a.code
        for a in due
        if a.actual_finish is None
        or (
            baseline_finish is not None
            and (bf := baseline_finish.get(a.id)) is not None
            and a.actual_finish > bf
        )
    ]
    if baseline_finish:
        checks.append(_ratio(11, "missed_tasks", "Missed tasks", missed, len(due), 5.0))
    else:
        checks.append(
            Check(11, "missed_tasks", "Missed tasks", None, "≤ 5% (needs a baseline)", None)
        )
    checks.append(_critical_path_test(project, result, incomplete))
    checks.append(_cpli(project, result))
    if baseline_finish:
        done = sum(1 for a in due if a.actual_finish is not None)
        bei = round(done / len(due), 3) if due else 1.0
        checks.append(
            Check(
                14,
                "bei",
                "BEI",
                bei,
                "≥ 0.95",
                bei >= 0.95,
                done,
                len(due),
                [a.code for a in due if a.actual_finish is None],
            )
        )
    else:
        checks.append(Check(14, "bei", "BEI", None, "≥ 0.95 (needs a baseline)", None))
    return checks


def _ratio(number: int, key: str, name: str, failing: list[str], n: int, limit: float) -> Check:
    value = _pct(len(failing), n)
    threshold = "0%" if limit == 0 else f"≤ {limit:g}%"
    return Check(number, key, name, value, threshold, value <= limit, len(failing), n, failing)


def _critical_path_test(project: Project, result: Schedule, incomplete: list[Activity]) -> Check:
    """Add a long delay to one critical, unfinished task; the finish must move by it."""
    candidates = [
        a for a in incomplete if a.type == ActivityType.TASK and result.results[a.id].critical
    ]
    if not candidates:
        return Check(
            12, "critical_path_test", "Critical path test", None, "finish moves", False, 0, 0, []
        )
    probe = max(candidates, key=lambda a: result.results[a.id].early_finish)
    hours = (
        project.calendars[probe.calendar_id].hours_per_day
        if probe.calendar_id in project.calendars
        else 8.0
    )
    delay = int(CRITICAL_PATH_DELAY_DAYS * hours * 60)
    saved = probe.remaining_duration, probe.original_duration
    try:
        probe.remaining_duration += delay
        if not probe.is_started:
            probe.original_duration += delay
        moved = cpm.schedule(project).finish
    finally:
        probe.remaining_duration, probe.original_duration = saved
    passed = moved > result.finish
    return Check(
        12,
        "critical_path_test",
        "Critical path test",
        round((moved - result.finish).total_seconds() / 86400, 1),
        f"finish moves when {probe.code} is delayed {CRITICAL_PATH_DELAY_DAYS} days",
        passed,
        0 if passed else 1,
        1,
        [] if passed else [probe.code],
    )


def _cpli(project: Project, result: Schedule) -> Check:
    """CPLI = (critical path length + total float to the required finish) / CP length."""
    cal = project.calendars.get(project.default_calendar_id) or next(
        iter(project.calendars.values()), None
    )
    if cal is None or result.finish <= result.data_date:
        return Check(13, "cpli", "CPLI", None, "≥ 0.95", None)
    target = project.must_finish_by or result.finish
    first = min(result.data_date, target).date() - dt.timedelta(days=1)
    last = max(result.finish, target).date() + dt.timedelta(days=1)
    compiled = compile_calendar(cal, first, last)
    start = compiled.ordinal(to_minutes(result.data_date))
    length = compiled.ordinal(to_minutes(result.finish)) - start
    float_ = compiled.ordinal(to_minutes(target)) - compiled.ordinal(to_minutes(result.finish))
    if length <= 0:
        return Check(13, "cpli", "CPLI", None, "≥ 0.95", None)
    value = round((length + float_) / length, 3)
    return Check(13, "cpli", "CPLI", value, "≥ 0.95", value >= 0.95, 0, 0, [])
