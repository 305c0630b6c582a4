"""Typed errors of the scheduling engine and of the schedule readers; each carries its data."""

from __future__ import annotations

from collections.abc import Sequence


class ScheduleError(Exception):
    """Base class of every error the engine or a schedule reader raises on bad input."""


class ScheduleInputError(ScheduleError):
    """The input file or network cannot be read; the message names the table/row/element."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class EmptyInputError(ScheduleInputError):
    """The input holds nothing to schedule (empty file, no projects)."""


class FormatError(ScheduleInputError):
    """The input is not of a recognised format, is binary junk or is truncated."""


class DateParseError(ScheduleInputError):
    """A date field cannot be read."""


class NetworkError(ScheduleError):
    """The network is inconsistent (bad link, bad duration, ...)."""


class CycleError(NetworkError):
    """The links form a loop; `activities` holds the codes along one loop, in order."""

    def __init__(self, activities: Sequence[str]) -> None:
        self.activities = tuple(activities)
        loop = " -> ".join([*self.activities, self.activities[0]]) if self.activities else ""
        super().__init__(f"relationship loop: {loop}")


class UnknownActivityError(NetworkError):
    """A link names an activity that does not exist in the project."""

    def __init__(self, activity: str, *, where: str = "") -> None:
        self.activity = activity
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}link refers to unknown activity {activity!r}")


class NegativeDurationError(NetworkError):
    """An activity has a negative duration."""

    def __init__(self, activity: str, duration: float) -> None:
        self.activity = activity
        self.duration = duration
        super().__init__(f"activity {activity!r} has negative duration {duration}")


class UnknownCalendarError(NetworkError):
    """An activity or link names a calendar the project does not have."""

    def __init__(self, calendar: str, *, where: str = "") -> None:
        self.calendar = calendar
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}unknown calendar {calendar!r}")
