"""MS Project (MSPDI) calendars -> engine `Calendar`s: week days, exceptions, work weeks, bases.

An MSPDI calendar lists `WeekDay` rows. `DayType` 1..7 are Sunday..Saturday of the default week;
`DayType` 0 is an exception over `TimePeriod` (Project 2003 style, still written by later
versions). Project 2007+ adds `Exceptions/Exception` (with a recurrence; only daily recurrence,
the common "holiday range", is supported) and `WorkWeeks/WorkWeek` (alternative weeks over a
date range). A derived calendar (resource calendars) inherits every day and exception it does
not set from its `BaseCalendarUID`. A `ToTime` of 00:00 means midnight at the end of the day.
"""

from __future__ import annotations

import datetime as dt

from sitebook.engine.network import STANDARD_DAY, Calendar, DayIntervals
from sitebook.interchange._xml import (
    Element,
    merge_intervals,
    text,
    to_datetime,
    to_int,
    to_minute_of_day,
)

#: Work weeks and long exception ranges are expanded day by day; this bounds the expansion.
MAX_EXPANDED_DAYS = 366 * 30


def _weekday_index(day_type: int) -> int:
    """MSPDI DayType 1 = Sunday ... 7 = Saturday -> Python weekday (Monday = 0)."""
    return (day_type - 2) % 7


def _working_times(element: Element, where: str) -> DayIntervals:
    times = element.find("WorkingTimes")
    intervals: list[tuple[int, int]] = []
    if times is not None:
        for work in times.findall("WorkingTime"):
            start_text, end_text = text(work, "FromTime"), text(work, "ToTime")
            if start_text is None or end_text is None:
                continue
            start = to_minute_of_day(start_text, where)
            end = to_minute_of_day(end_text, where)
            if end <= start:  # 00:00 (or earlier than the start) runs to midnight
                end = 24 * 60
            intervals.append((start, end))
    return merge_intervals(intervals)


def _day_intervals(element: Element, where: str, inherited: DayIntervals) -> DayIntervals:
    """Intervals of a WeekDay/Exception row: non-working, listed times, or default times."""
    working = text(element, "DayWorking")
    if working == "0":
        return ()
    times = _working_times(element, where)
    if times:
        return times
    return inherited or STANDARD_DAY


def _date_range(period: Element | None, where: str) -> list[dt.date]:
    if period is None:
        return []
    start = to_datetime(text(period, "FromDate"), f"{where}/FromDate")
    end = to_datetime(text(period, "ToDate"), f"{where}/ToDate")
    if start is None:
        return []
    first = start.date()
    last = end.date() if end is not None else first
    # A ToDate at exactly midnight ends the previous day.
    if end is not None and end.time() == dt.time(0, 0) and last > first:
        last -= dt.timedelta(days=1)
    count = min((last - first).days + 1, MAX_EXPANDED_DAYS)
    return [first + dt.timedelta(days=i) for i in range(max(count, 0))]


class _RawCalendar:
    """One `<Calendar>` element before inheritance is resolved."""

    def __init__(self, element: Element, where: str) -> None:
        self.element = element
        self.where = where
        self.base_uid = text(element, "BaseCalendarUID")
        self.name = text(element, "Name") or ""


def read_calendars(root: Element, minutes_per_day: int) -> dict[str, Calendar]:
    """All calendars of an MSPDI file, by UID, with base calendars resolved."""
    raw: dict[str, _RawCalendar] = {}
    calendars_element = root.find("Calendars")
    if calendars_element is not None:
        for index, element in enumerate(calendars_element.findall("Calendar"), start=1):
            uid = text(element, "UID")
            if uid is not None:
                raw[uid] = _RawCalendar(element, f"Calendar[{index}] UID {uid}")
    built: dict[str, Calendar] = {}

    def build(uid: str, seen: frozenset[str]) -> Calendar:
        if uid in built:
            return built[uid]
        entry = raw[uid]
        base = None
        if entry.base_uid in raw and entry.base_uid not in seen and entry.base_uid != uid:
            base = build(entry.base_uid, seen | {uid})
        week: list[DayIntervals] = list(base.week) if base else [STANDARD_DAY] * 5 + [(), ()]
        exceptions: dict[dt.date, DayIntervals] = dict(base.exceptions) if base else {}
        weekdays = entry.element.find("WeekDays")
        dated: list[tuple[list[dt.date], Element]] = []
        if weekdays is not None:
            for row in weekdays.findall("WeekDay"):
                day_type = to_int(text(row, "DayType"), entry.where, -1)
                if day_type is not None and 1 <= day_type <= 7:
                    index = _weekday_index(day_type)
                    week[index] = _day_intervals(row, entry.where, week[index])
                elif day_type == 0:
                    dated.append((_date_range(row.find("TimePeriod"), entry.where), row))
        for dates, row in dated:
            for day in dates:
                exceptions[day] = _day_intervals(row, entry.where, week[day.weekday()])
        _apply_work_weeks(entry, week, exceptions)
        _apply_exceptions(entry, week, exceptions)
        calendar = Calendar(
            id=uid,
            name=entry.name,
            week=tuple(week),
            exceptions=exceptions,
            hours_per_day=minutes_per_day / 60.0,
        )
        built[uid] = calendar
        return calendar

    for uid in raw:
        build(uid, frozenset())
    return built


def _apply_work_weeks(
    entry: _RawCalendar, week: list[DayIntervals], exceptions: dict[dt.date, DayIntervals]
) -> None:
    work_weeks = entry.element.find("WorkWeeks")
    if work_weeks is None:
        return
    for work_week in work_weeks.findall("WorkWeek"):
        pattern: dict[int, DayIntervals] = {}
        days = work_week.find("WeekDays")
        for row in days.findall("WeekDay") if days is not None else []:
            day_type = to_int(text(row, "DayType"), entry.where, -1)
            if day_type is not None and 1 <= day_type <= 7:
                index = _weekday_index(day_type)
                pattern[index] = _day_intervals(row, entry.where, week[index])
        for day in _date_range(work_week.find("TimePeriod"), entry.where):
            if day.weekday() in pattern and day not in exceptions:
                exceptions[day] = pattern[day.weekday()]


def _apply_exceptions(
    entry: _RawCalendar, week: list[DayIntervals], exceptions: dict[dt.date, DayIntervals]
) -> None:
    element = entry.element.find("Exceptions")
    if element is None:
        return
    for row in element.findall("Exception"):
        recurrence = to_int(text(row, "Type"), entry.where, 1)
        dates = _date_range(row.find("TimePeriod"), entry.where)
        if recurrence != 1:
            # Weekly/monthly/yearly recurrences: MS Project also writes each occurrence as a
            # DayType-0 WeekDay row, which has been applied already.
            continue
        for day in dates:
            exceptions[day] = _day_intervals(row, entry.where, week[day.weekday()])


def union_calendar(uid: str, parts: list[Calendar]) -> Calendar:
    """A calendar working whenever any of `parts` works (a task driven by several resources)."""
    week = tuple(merge_intervals([i for part in parts for i in part.week[day]]) for day in range(7))
    exceptional = {day for part in parts for day in part.exceptions}
    exceptions = {
        day: merge_intervals([i for part in parts for i in part.intervals_on(day)])
        for day in exceptional
    }
    return Calendar(
        id=uid,
        name=" + ".join(p.name or p.id for p in parts),
        week=week,
        exceptions=exceptions,
        hours_per_day=parts[0].hours_per_day,
    )
