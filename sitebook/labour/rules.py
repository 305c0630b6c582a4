"""Pay rules of day labour: day types, hours to working days, multipliers, 大写 amounts.

Labour Law of the PRC art. 44: overtime on a work day is paid at no less than 150%, work on
a rest day (without time off in lieu) at 200%, on a statutory holiday at 300%. The
multipliers are the organisation's (`LabourSettings`), defaulting to those figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext

from sitebook.engine.calendars import china_day_type
from sitebook.labour.models import DayType, LabourSettings

CENT = Decimal("0.01")
FOUR = Decimal("0.0001")
# A line is shorter than this: one clock time to another covers less than a whole day.
LONGEST_LINE = dt.timedelta(hours=24)


def project_day_type(project: object, day: dt.date) -> str:
    """The day type of `day` on `project`.

    Today every project works to the China statutory calendar (make-up workdays 调休 are
    work days). This is the one place to read the project's own calendar once the schedule
    centre provides one.
    """
    return str(china_day_type(day).value)


def shift_bounds(
    work_date: dt.date, start: dt.time, end: dt.time, tz: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """The moments a line's clock times stand for on `work_date`.

    An end at or before the start is an overnight shift ending the next day: 20:00-04:00
    on the 30th ends at 04:00 on the 1st. Equal times therefore make 24 hours.
    """
    first = dt.datetime.combine(work_date, start, tzinfo=tz)
    last = dt.datetime.combine(work_date, end, tzinfo=tz)
    if last <= first:
        last = dt.datetime.combine(work_date + dt.timedelta(days=1), end, tzinfo=tz)
    return first, last


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Whole minutes between two moments, as hours to four places."""
    return minutes_to_hours(span_minutes(start, end))


def span_minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes between two moments."""
    return int((end - start).total_seconds() // 60)


def minutes_by_date(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.date, int]]:
    """Whole minutes from `start` to `end` (local times) falling on each calendar date.

    The last date takes what is left of the whole, so the parts add up to the line's
    minutes; a line ending at midnight has no part after it.
    """
    total = span_minutes(start, end)
    parts: list[tuple[dt.date, int]] = []
    counted = 0
    cursor = start
    while True:
        next_day = cursor.date() + dt.timedelta(days=1)
        midnight = dt.datetime.combine(next_day, dt.time(0), tzinfo=start.tzinfo)
        if midnight >= end:
            parts.append((cursor.date(), total - counted))
            return parts
        minutes = span_minutes(cursor, midnight)
        parts.append((cursor.date(), minutes))
        counted += minutes
        cursor = midnight


def take_break(parts: list[tuple[dt.date, int]], break_minutes: int) -> list[tuple[dt.date, int]]:
    """The worked minutes per date once a break is taken off a line's minutes.

    The break comes off the date with the most minutes (the earlier on a tie); should it be
    longer than that date's minutes, the rest comes off the other date. A date left with no
    worked minute is dropped. The caller makes sure the break is shorter than the line.
    """
    left = [minutes for _day, minutes in parts]
    order = sorted(range(len(left)), key=lambda i: (-left[i], i))
    owed = break_minutes
    for i in order:
        taken = min(owed, left[i])
        left[i] -= taken
        owed -= taken
    return [(day, minutes) for (day, _m), minutes in zip(parts, left, strict=True) if minutes]


def minutes_worked_by_date(
    start: dt.datetime, end: dt.datetime, break_minutes: int = 0
) -> list[tuple[dt.date, int]]:
    """The worked minutes from `start` to `end`, less `break_minutes`, on each calendar date."""
    return take_break(minutes_by_date(start, end), break_minutes)


def display_hours(worked: list[tuple[dt.date, int]]) -> list[tuple[dt.date, Decimal]]:
    """Each date's minutes as hours to four places, the last taking what is left of the whole."""
    total = minutes_to_hours(sum(minutes for _day, minutes in worked))
    parts: list[tuple[dt.date, Decimal]] = []
    counted = Decimal("0")
    for index, (day, minutes) in enumerate(worked):
        hours = total - counted if index == len(worked) - 1 else minutes_to_hours(minutes)
        parts.append((day, hours))
        counted += hours
    return parts


def minutes_to_hours(minutes: int | Decimal) -> Decimal:
    """Minutes as hours to four places (for display: pay is priced from the minutes)."""
    return (Decimal(minutes) / Decimal(60)).quantize(FOUR, ROUND_HALF_UP)


def worked_hours(start: dt.datetime, end: dt.datetime, break_minutes: int = 0) -> Decimal:
    """The hours of a line from `start` to `end` less its unpaid break."""
    return minutes_to_hours(span_minutes(start, end) - break_minutes)


def hours_to_days(hours: Decimal, hours_per_day: Decimal) -> Decimal:
    """Working days (工日) for `hours`: hours divided by the hours of a working day."""
    return (hours / hours_per_day).quantize(FOUR, ROUND_HALF_UP)


@dataclass(frozen=True)
class Pay:
    normal_hours: Decimal
    overtime_hours: Decimal
    multiplier: Decimal
    overtime_multiplier: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PayPart:
    """The pay of the hours of one line that fall on one calendar date."""

    day: dt.date
    day_type: str
    hours: Decimal
    pay: Pay

    def as_json(self) -> dict[str, str]:
        """The part as stored on the line (`LabourLine.parts`): Decimals as strings."""
        return {
            "date": self.day.isoformat(),
            "day_type": self.day_type,
            "hours": str(self.hours),
            "normal_hours": str(self.pay.normal_hours),
            "overtime_hours": str(self.pay.overtime_hours),
            "multiplier": str(self.pay.multiplier),
            "overtime_multiplier": str(self.pay.overtime_multiplier),
            "amount": str(self.pay.amount),
        }


def day_multiplier(day_type: str, settings: LabourSettings) -> Decimal:
    """The multiplier of every hour of a rest day or holiday; 1 for a work day's normal hours."""
    if day_type == DayType.STATUTORY_HOLIDAY:
        return settings.holiday_multiplier
    if day_type == DayType.REST_DAY:
        return settings.rest_day_multiplier
    return Decimal("1.00")


def fen_half_up(numerator: Decimal, denominator: Decimal) -> Decimal:
    """`numerator / denominator` rounded half-up (away from zero) to the fen, exactly.

    A Decimal division first rounds the quotient to the context's precision, so the half fen
    is decided here on the exact remainder of whole fen instead (`divmod`); any inexact
    product on the way raises rather than rounds.
    """
    with localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[Inexact] = True
        scaled = numerator * 100
        fen, rest = divmod(scaled, denominator)
        if 2 * abs(rest) >= abs(denominator):
            fen += 1 if (scaled < 0) == (denominator < 0) else -1
        return (fen * CENT).quantize(CENT)


def part_amount(
    *,
    rate: Decimal,
    normal_minutes: Decimal,
    multiplier: Decimal,
    overtime_minutes: Decimal,
    overtime_multiplier: Decimal,
    hours_per_day: Decimal,
) -> Decimal:
    """The pay of one part from its exact minutes, rounded once to the fen (half-up).

    rate x (normal minutes x multiplier + overtime minutes x overtime multiplier) /
    (60 x hours per day): 220 minutes at 400.00 a day over 8 h is 88000 / 480 = 183.333...,
    183.33.
    """
    with localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[Inexact] = True
        weighted = normal_minutes * multiplier + overtime_minutes * overtime_multiplier
        return fen_half_up(rate * weighted, 60 * hours_per_day)


def price_parts(
    *,
    parts: list[tuple[dt.date, str, int]],
    rate: Decimal,
    settings: LabourSettings,
    worked_before: int = 0,
) -> list[PayPart]:
    """Pay for one line's worked minutes split by calendar date, `parts` in time order.

    The standard working day (`hours_per_day`) counts from the start of the worker's day on
    the ticket: `worked_before` is the worked minutes of the same worker's earlier lines on
    it, and within the line it runs on whichever date its minutes fall on. Minutes beyond
    it are overtime when they fall on a work day; on a rest day or a statutory holiday every
    minute carries that day's multiplier instead. Each part's amount is priced from its
    exact minutes and rounded once to the fen (`part_amount`), so the parts add up to the
    line's amount. The hours stored with each part (to four places) are for display only.
    """
    day_minutes = settings.hours_per_day * 60
    shown = display_hours([(day, minutes) for day, _type, minutes in parts])
    worked = Decimal(worked_before)
    priced: list[PayPart] = []
    for (day, day_type, minutes), (_day, hours) in zip(parts, shown, strict=True):
        multiplier = day_multiplier(day_type, settings)
        normal, overtime = _split_minutes(Decimal(minutes), day_type, day_minutes - worked)
        worked += minutes
        normal_hours = hours if not overtime else min(hours, minutes_to_hours(normal))
        pay = Pay(
            normal_hours=normal_hours,
            overtime_hours=hours - normal_hours,
            multiplier=multiplier,
            overtime_multiplier=settings.overtime_multiplier,
            amount=part_amount(
                rate=rate,
                normal_minutes=normal,
                multiplier=multiplier,
                overtime_minutes=overtime,
                overtime_multiplier=settings.overtime_multiplier,
                hours_per_day=settings.hours_per_day,
            ),
        )
        priced.append(PayPart(day=day, day_type=day_type, hours=hours, pay=pay))
    return priced


def _split_minutes(minutes: Decimal, day_type: str, left: Decimal) -> tuple[Decimal, Decimal]:
    """(normal, overtime) minutes of a part with `left` minutes of the standard day to go.

    Only a work day has overtime; every minute of a rest day or holiday is normal (it
    carries the day's own multiplier).
    """
    if day_type != DayType.WORK_DAY:
        return minutes, Decimal("0")
    normal = max(Decimal("0"), min(minutes, left))
    return normal, minutes - normal


def price_hours(*, hours: Decimal, day_type: str, rate: Decimal, settings: LabourSettings) -> Pay:
    """Pay for `hours` (whole minutes) worked on one day of `day_type` at `rate` per working day.

    On a work day, hours up to the working day are paid at 100% and the rest as overtime;
    on a rest day or a statutory holiday every hour carries that day's multiplier.
    """
    minutes = hours * 60
    if minutes != minutes.to_integral_value():
        raise ValueError(f"{hours} h is not a whole number of minutes")
    (part,) = price_parts(
        parts=[(dt.date.min, day_type, int(minutes))], rate=rate, settings=settings
    )
    return part.pay


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "万亿"]


def _four(n: int) -> str:
    """Up to four digits in capitals, with 零 for inner zero runs (no leading/trailing 零)."""
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _SMALL[pos]
    return out


def rmb_upper(amount: Decimal) -> str:
    """An amount of yuan in Chinese capital numerals (大写), as written on tickets and cheques.

    12345.67 -> 壹万贰仟叁佰肆拾伍元陆角柒分; 100 -> 壹佰元整; 0 -> 零元整.
    """
    value = amount.quantize(CENT, ROUND_HALF_UP)
    sign = "负" if value < 0 else ""
    fen_total = int(abs(value) * 100)
    yuan, fen_part = divmod(fen_total, 100)
    jiao, fen = divmod(fen_part, 10)
    groups: list[int] = []
    while yuan:
        yuan, rest = divmod(yuan, 10000)
        groups.append(rest)
    text = ""
    need_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            need_zero = bool(text)
            continue
        if text and (need_zero or g < 1000):
            text += "零"
        text += _four(g) + _BIG[i]
        need_zero = False
    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        return sign + (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return sign + text


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(number: str) -> bool:
    """True for an 18-character resident ID with a correct GB 11643-1999 (MOD 11-2) check."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()
