"""Compiling a calendar to working intervals gives what a day-by-day walk gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sitebook.engine.calendars import EPOCH, china_calendar, compile_calendar
from sitebook.engine.network import FULL_DAY, MINUTES_PER_DAY, Calendar
from sitebook.interchange.xer import read_xer

XER = Path(__file__).resolve().parents[1] / "fixtures" / "schedules" / "p6-xer"


def _walk(calendar: Calendar, first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """The working intervals found by visiting each day, touching ones merged."""
    out: list[list[int]] = []
    day = first
    while day <= last:
        base = (day - EPOCH.date()).days * MINUTES_PER_DAY
        for s, e in sorted(calendar.intervals_on(day)):
            if s >= e:
                continue
            if out and out[-1][1] == base + s:
                out[-1][1] = base + e
            else:
                out.append([base + s, base + e])
        day += dt.timedelta(days=1)
    return [(s, e) for s, e in out]


def _compiled(calendar: Calendar, first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    c = compile_calendar(calendar, first, last)
    assert c.cum_list[-1] == sum(e - s for s, e in zip(c.starts_list, c.ends_list, strict=True))
    return list(zip(c.starts_list, c.ends_list, strict=True))


def test_real_p6_calendars_compile_as_walked() -> None:
    first, last = dt.date(2011, 12, 25), dt.date(2019, 1, 6)
    for name in ("hs2-sp10-cost-loaded.xer", "p6-23-progress-override.xer"):
        for project in read_xer((XER / name).read_bytes()):
            for calendar in project.calendars.values():
                assert _compiled(calendar, first, last) == _walk(calendar, first, last)


def test_china_and_24_hour_calendars_compile_as_walked() -> None:
    first, last = dt.date(2025, 12, 20), dt.date(2027, 1, 10)
    china = china_calendar(first_year=2025, last_year=2026)
    assert _compiled(china, first, last) == _walk(china, first, last)
    # The 2026 National Day week: 1-7 October off, Saturday 10 October worked (调休).
    oct_days = {s // MINUTES_PER_DAY for s, _e in _compiled(china, first, last)}
    day = (dt.date(2026, 10, 10) - EPOCH.date()).days
    assert day in oct_days and day - 5 not in oct_days
    allday = Calendar(id="24", week=(FULL_DAY,) * 7)
    assert _compiled(allday, first, last) == [
        (
            (first - EPOCH.date()).days * MINUTES_PER_DAY,
            ((last - EPOCH.date()).days + 1) * MINUTES_PER_DAY,
        )
    ]


_interval = st.tuples(st.integers(0, 1440), st.integers(0, 1440)).map(sorted).map(tuple)
_day = (
    st.lists(_interval, max_size=3)
    .map(lambda xs: tuple(sorted({(s, e) for s, e in xs if s < e})))
    .filter(lambda xs: all(a[1] <= b[0] for a, b in zip(xs, xs[1:], strict=False)))
)


@settings(max_examples=60, deadline=None)
@given(
    week=st.lists(_day, min_size=7, max_size=7),
    exceptions=st.dictionaries(st.integers(0, 60), _day, max_size=12),
    start=st.integers(0, 6),
)
def test_any_calendar_compiles_as_walked(
    week: list[tuple[tuple[int, int], ...]],
    exceptions: dict[int, tuple[tuple[int, int], ...]],
    start: int,
) -> None:
    first = dt.date(2026, 3, 1) + dt.timedelta(days=start)
    last = first + dt.timedelta(days=50)
    calendar = Calendar(
        id="x",
        week=tuple(week) if any(week) else (((0, 60),),) * 7,
        exceptions={first + dt.timedelta(days=k - 5): v for k, v in exceptions.items()},
    )
    walked = _walk(calendar, first, last)
    if walked:
        assert _compiled(calendar, first, last) == walked
