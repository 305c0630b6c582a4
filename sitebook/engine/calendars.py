"""Calendars compiled to arrays of working intervals, so date arithmetic is a lookup.

A `CompiledCalendar` covers a horizon of days. Its working time is a sorted list of disjoint
intervals `[starts[k], ends[k])` in absolute minutes since `EPOCH`, with `cum[k]` the number of
working minutes before interval `k` (so `cum[-1]` is the horizon's total). Then:

* `ordinal(t)`: working minutes in the horizon before moment `t` (a binary search);
* `start_at(w)`: the moment working minute `w` begins ("next working moment" form, e.g. 08:00);
* `finish_at(w)`: the moment working minute `w - 1` ends ("finish" form, e.g. 17:00).

Adding N working minutes to a moment is `start_at(ordinal(t) + N)` (or `finish_at`), and the
working minutes between two moments are `ordinal(b) - ordinal(a)`: no loops over days.
Adjacent intervals (e.g. across midnight on a 24-hour calendar) are merged.

China: `china_calendar` builds a calendar from the statutory holidays and make-up workdays
(调休) of the `chinese_calendar` package; `china_day_type` tells a date's day type for
day-labour pay rates.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from sitebook.engine.errors import NetworkError
from sitebook.engine.network import (
    FULL_DAY,
    MINUTES_PER_DAY,
    STANDARD_DAY,
    Calendar,
    DayIntervals,
)

EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_DATE = EPOCH.date()

IntArray = npt.NDArray[np.int64]


def to_minutes(moment: dt.datetime) -> int:
    """Absolute minutes since `EPOCH` (seconds are dropped)."""
    delta = moment - EPOCH
    return delta.days * MINUTES_PER_DAY + delta.seconds // 60


def from_minutes(minutes: int) -> dt.datetime:
    """The datetime `minutes` after `EPOCH`."""
    return EPOCH + dt.timedelta(minutes=int(minutes))


class HorizonError(NetworkError):
    """A computation ran past the end (or start) of a compiled calendar's horizon."""


class CompiledCalendar:
    """Working intervals of one calendar over `[first_day, last_day]` as arrays."""

    def __init__(self, calendar: Calendar, first_day: dt.date, last_day: dt.date) -> None:
        self.calendar = calendar
        self.first_day = first_day
        self.last_day = last_day
        starts, ends = _working_intervals(calendar, first_day, last_day)
        if not starts:
            raise NetworkError(f"calendar {calendar.id!r} has no working time")
        lengths = np.asarray(ends, dtype=np.int64) - np.asarray(starts, dtype=np.int64)
        cum: list[int] = [0, *np.cumsum(lengths).tolist()]
        self.starts_list = starts
        self.ends_list = ends
        self.cum_list = cum
        self.starts: IntArray = np.asarray(starts, dtype=np.int64)
        self.ends: IntArray = np.asarray(ends, dtype=np.int64)
        self.cum: IntArray = np.asarray(cum, dtype=np.int64)
        self.total = cum[-1]
        self.horizon_start = (first_day - _EPOCH_DATE).days * MINUTES_PER_DAY
        self.horizon_end = (last_day - _EPOCH_DATE).days * MINUTES_PER_DAY + MINUTES_PER_DAY

    # -- scalar lookups (bisect on lists: the fastest path from plain Python) ---------------

    def ordinal(self, t: int) -> int:
        """Working minutes in the horizon before absolute minute `t`."""
        k = bisect_right(self.starts_list, t) - 1
        if k < 0:
            if t < self.horizon_start:
                raise HorizonError(f"{from_minutes(t)} is before calendar horizon")
            return 0
        if t > self.horizon_end:
            raise HorizonError(f"{from_minutes(t)} is after calendar horizon")
        s = self.starts_list[k]
        return self.cum_list[k] + min(t - s, self.ends_list[k] - s)

    def start_at(self, w: int) -> int:
        """The moment working minute `w` begins (the next working moment at ordinal `w`)."""
        if w < 0 or w >= self.total:
            raise HorizonError(f"working minute {w} outside calendar horizon")
        k = bisect_right(self.cum_list, w) - 1
        return self.starts_list[k] + (w - self.cum_list[k])

    def finish_at(self, w: int) -> int:
        """The moment working minute `w - 1` ends (for w = 0, the horizon's first start)."""
        if w <= 0:
            if w < 0:
                raise HorizonError(f"working minute {w} outside calendar horizon")
            return self.starts_list[0]
        if w > self.total:
            raise HorizonError(f"working minute {w} outside calendar horizon")
        k = bisect_right(self.cum_list, w - 1) - 1
        return self.starts_list[k] + (w - self.cum_list[k])

    def normalize(self, t: int) -> int:
        """`t` if it lies in or at either end of a working interval, else the next start."""
        k = bisect_right(self.starts_list, t) - 1
        if k >= 0 and t <= self.ends_list[k]:
            return t
        if k + 1 < len(self.starts_list):
            return self.starts_list[k + 1]
        raise HorizonError(f"{from_minutes(t)} is after calendar horizon")

    def normalize_back(self, t: int) -> int:
        """`t` if it lies in or at either end of a working interval, else the previous end."""
        k = bisect_right(self.starts_list, t) - 1
        if k >= 0 and t <= self.ends_list[k]:
            return t
        if k >= 0:
            return self.ends_list[k]
        raise HorizonError(f"{from_minutes(t)} is before calendar horizon")

    def next_working(self, t: int) -> int:
        """The first working moment at or after `t`."""
        return self.start_at(self.ordinal(t))

    def previous_working_end(self, t: int) -> int:
        """The last moment at or before `t` that ends working time (17:00 form)."""
        return self.finish_at(self.ordinal(t))

    def add(self, t: int, minutes: int, *, finish_form: bool = False) -> int:
        """`t` plus `minutes` working minutes (may be negative), in start or finish form."""
        w = self.ordinal(t) + minutes
        return self.finish_at(w) if finish_form else self.start_at(w)

    def between(self, a: int, b: int) -> int:
        """Working minutes from `a` to `b` (negative when `b` is before `a`)."""
        return self.ordinal(b) - self.ordinal(a)

    # -- vectorised lookups ----------------------------------------------------------------

    def ordinals(self, t: IntArray) -> IntArray:
        """`ordinal` over an array of absolute minutes."""
        k = np.searchsorted(self.starts, t, side="right") - 1
        kc = np.clip(k, 0, len(self.starts) - 1)
        s = self.starts[kc]
        out = self.cum[kc] + np.minimum(t - s, self.ends[kc] - s)
        return np.where(k < 0, 0, out).astype(np.int64)

    def starts_at(self, w: IntArray) -> IntArray:
        """`start_at` over an array of working ordinals (clamped to the horizon)."""
        wc = np.clip(w, 0, self.total - 1)
        k = np.searchsorted(self.cum, wc, side="right") - 1
        return (self.starts[k] + (wc - self.cum[k])).astype(np.int64)

    def finishes_at(self, w: IntArray) -> IntArray:
        """`finish_at` over an array of working ordinals (clamped to the horizon)."""
        wc = np.clip(w, 1, self.total)
        k = np.searchsorted(self.cum, wc - 1, side="right") - 1
        return (self.starts[k] + (wc - self.cum[k])).astype(np.int64)


def _working_intervals(
    calendar: Calendar, first_day: dt.date, last_day: dt.date
) -> tuple[list[int], list[int]]:
    """The calendar's working intervals over the days, in absolute minutes, sorted, with
    touching intervals (e.g. across midnight on a 24-hour calendar) merged.

    Built per day pattern (each weekday, each exception) with NumPy rather than day by day:
    a horizon of decades is tens of thousands of days.
    """
    n_days = (last_day - first_day).days + 1
    day_index = np.arange(n_days, dtype=np.int64)
    pattern = (first_day.weekday() + day_index) % 7
    patterns: list[tuple[tuple[int, int], ...]] = [tuple(day) for day in calendar.week]
    for day, intervals in calendar.exceptions.items():
        k = (day - first_day).days
        if 0 <= k < n_days:
            pattern[k] = len(patterns)
            patterns.append(tuple(intervals))
    base = (first_day - _EPOCH_DATE).days * MINUTES_PER_DAY + day_index * MINUTES_PER_DAY
    start_parts: list[IntArray] = []
    end_parts: list[IntArray] = []
    for p, intervals in enumerate(patterns):
        spans = [(s, e) for s, e in intervals if s < e]
        if not spans:
            continue
        days = base[pattern == p]
        if not len(days):
            continue
        for s, e in spans:
            start_parts.append(days + s)
            end_parts.append(days + e)
    if not start_parts:
        return [], []
    starts = np.concatenate(start_parts)
    ends = np.concatenate(end_parts)
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    # Merge an interval into the previous one when it begins where that one ends.
    new_run = np.ones(len(starts), dtype=bool)
    new_run[1:] = starts[1:] != ends[:-1]
    first_of_run = np.flatnonzero(new_run)
    last_of_run = np.append(first_of_run[1:] - 1, len(starts) - 1)
    return starts[first_of_run].tolist(), ends[last_of_run].tolist()


def compile_calendar(calendar: Calendar, first_day: dt.date, last_day: dt.date) -> CompiledCalendar:
    """Compile `calendar` over the days `first_day` to `last_day` inclusive."""
    return CompiledCalendar(calendar, first_day, last_day)


def seven_day_calendar(calendar_id: str = "7d", day: DayIntervals = STANDARD_DAY) -> Calendar:
    """A calendar working `day` on all seven weekdays."""
    return Calendar(id=calendar_id, name="7 Day", week=(day,) * 7)


def twenty_four_hour_calendar(calendar_id: str = "24h") -> Calendar:
    """A calendar on which every minute is working time."""
    return Calendar(id=calendar_id, name="24 Hour", week=(FULL_DAY,) * 7, hours_per_day=24.0)


class DayType(StrEnum):
    """Day types for day-labour pay rates under China's labour law."""

    WORK_DAY = "work_day"
    REST_DAY = "rest_day"
    STATUTORY_HOLIDAY = "statutory_holiday"


def china_day_type(day: dt.date) -> DayType:
    """The day type of `day` in mainland China; a make-up workday (调休上班) is a work day.

    A statutory holiday (法定节假日) is a holiday of the `chinese_calendar` package that is not a
    swapped day in lieu and falls on a weekday, or one of the fixed-date statutory days (New
    Year's Day, 1-2 May, 1-3 October) on a weekend. Other non-working days are rest days.
    Known limit: a lunar festival's own statutory day falling on a weekend counts as a rest day.
    """
    import chinese_calendar  # imported here so the engine imports without it

    if chinese_calendar.is_workday(day):
        return DayType.WORK_DAY
    on_holiday, _name = chinese_calendar.get_holiday_detail(day)
    if not on_holiday or chinese_calendar.is_in_lieu(day):
        return DayType.REST_DAY
    if day.weekday() < 5 or _fixed_statutory(day):
        return DayType.STATUTORY_HOLIDAY
    return DayType.REST_DAY


def _fixed_statutory(day: dt.date) -> bool:
    """True for the fixed-date statutory days (by the 2025 rules for May Day's second day)."""
    md = (day.month, day.day)
    if md in {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)}:
        return True
    return md == (5, 2) and day.year >= 2025


def china_calendar(
    calendar_id: str = "CN",
    day: DayIntervals = STANDARD_DAY,
    first_year: int = 2004,
    last_year: int | None = None,
) -> Calendar:
    """A Monday-to-Friday calendar with China's statutory holidays and make-up workdays.

    Every date the `chinese_calendar` package knows is checked: a weekday holiday becomes an
    empty exception, a weekend make-up workday (调休上班) an exception with `day`'s hours.
    """
    import chinese_calendar

    first = dt.date(first_year, 1, 1)
    known_last = max(chinese_calendar.holidays) if chinese_calendar.holidays else first
    last = dt.date(last_year, 12, 31) if last_year else known_last
    exceptions: dict[dt.date, DayIntervals] = {}
    d = first
    one = dt.timedelta(days=1)
    while d <= last:
        try:
            working = bool(chinese_calendar.is_workday(d))
        except NotImplementedError:
            break
        weekday_working = d.weekday() < 5
        if working != weekday_working:
            exceptions[d] = day if working else ()
        d += one
    week: tuple[DayIntervals, ...] = (day,) * 5 + ((), ())
    return Calendar(id=calendar_id, name="China statutory", week=week, exceptions=exceptions)
