"""Earned value management: PV, EV, AC and what follows from them, and Earned Schedule.

Pure Python, no Django. Every figure is computed exactly with `fractions.Fraction` from
`Decimal` inputs and rounded once, at the end: money to the fen (0.01) and indices to four
decimal places, both half-up. Indices and forecasts that would divide by zero are `None`.

Formulas (PMI, *The Standard for Earned Value Management*; Lipke, *Earned Schedule*):

    SV = EV - PV          CV = EV - AC          SPI = EV / PV          CPI = EV / AC
    EAC (budget rate)  = AC + (BAC - EV)                     (remaining work at budget)
    EAC (CPI)          = BAC / CPI                            (performance continues)
    EAC (CPI x SPI)    = AC + (BAC - EV) / (CPI x SPI)        (cost and schedule both weigh)
    ETC = EAC - AC (with the CPI method)      VAC = BAC - EAC (with the CPI method)
    TCPI (to meet BAC) = (BAC - EV) / (BAC - AC)
    TCPI (to meet EAC) = (BAC - EV) / (EAC - AC)

Earned Schedule over a cumulative PV curve PV[0..n] (PV[0] = 0, one entry per period end):

    C   = the last period t with PV[t] <= EV
    ES  = C + (EV - PV[C]) / (PV[C+1] - PV[C])       (ES = the period PV reaches EV)
    SV(t) = ES - AT        SPI(t) = ES / AT        IEAC(t) = AT + (PD - ES) / SPI(t)

where AT is the actual time (periods elapsed at the data date) and PD the planned duration
(the first period at which PV reaches BAC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sitebook.engine.network import Calendar

FEN = Decimal("0.01")
INDEX = Decimal("0.0001")

LINEAR = "linear"
S_CURVE = "s_curve"
PROFILES = (LINEAR, S_CURVE)


def _frac(value: Decimal | int | Fraction) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def _round(value: Fraction, step: Decimal) -> Decimal:
    """A Fraction rounded half-up (ties away from zero) to `step`, with no float on the way."""
    scale = len(str(step).split(".")[1]) if "." in str(step) else 0
    scaled = value * 10**scale
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    if scaled < 0:
        whole = -whole
    # From text, so a figure longer than the context precision (28 digits) stays exact.
    return Decimal(f"{whole}E-{scale}")


def money(value: Fraction) -> Decimal:
    return _round(value, FEN)


def index(value: Fraction) -> Decimal:
    return _round(value, INDEX)


def _div(a: Fraction, b: Fraction) -> Fraction | None:
    return None if b == 0 else a / b


@dataclass(frozen=True)
class EvmResult:
    """The standard figures at one data date. Money in yuan (fen), indices to 4 places."""

    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac_budget_rate: Decimal
    eac_cpi: Decimal | None
    eac_cpi_spi: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: Decimal | None
    tcpi_eac: Decimal | None
    percent_complete: Decimal | None
    percent_spent: Decimal | None


def evm(*, bac: Decimal, pv: Decimal, ev: Decimal, ac: Decimal) -> EvmResult:
    """The standard EVM figures from BAC, PV, EV and AC at one data date."""
    b, p, e, a = _frac(bac), _frac(pv), _frac(ev), _frac(ac)
    spi = _div(e, p)
    cpi = _div(e, a)
    eac_cpi = _div(b, cpi) if cpi else None
    eac_cpi_spi = a + (b - e) / (cpi * spi) if cpi and spi else None
    tcpi_bac = _div(b - e, b - a)
    tcpi_eac = _div(b - e, eac_cpi - a) if eac_cpi is not None else None
    pct_complete = _div(e * 100, b)
    pct_spent = _div(a * 100, b)
    return EvmResult(
        bac=money(b),
        pv=money(p),
        ev=money(e),
        ac=money(a),
        sv=money(e - p),
        cv=money(e - a),
        spi=index(spi) if spi is not None else None,
        cpi=index(cpi) if cpi is not None else None,
        eac_budget_rate=money(a + b - e),
        eac_cpi=money(eac_cpi) if eac_cpi is not None else None,
        eac_cpi_spi=money(eac_cpi_spi) if eac_cpi_spi is not None else None,
        etc=money(eac_cpi - a) if eac_cpi is not None else None,
        vac=money(b - eac_cpi) if eac_cpi is not None else None,
        tcpi_bac=index(tcpi_bac) if tcpi_bac is not None else None,
        tcpi_eac=index(tcpi_eac) if tcpi_eac is not None else None,
        percent_complete=index(pct_complete) if pct_complete is not None else None,
        percent_spent=index(pct_spent) if pct_spent is not None else None,
    )


@dataclass(frozen=True)
class EarnedSchedule:
    """Earned Schedule figures in periods (the unit of the PV curve, e.g. days)."""

    es: Decimal
    at: Decimal
    pd: Decimal
    sv_t: Decimal
    spi_t: Decimal | None
    ieac_t: Decimal | None


def earned_schedule(pv_curve: Sequence[Decimal], *, ev: Decimal, at: Decimal) -> EarnedSchedule:
    """ES, SV(t), SPI(t) and IEAC(t) from a cumulative PV curve (PV[0] is the start, 0).

    The curve must not decrease. EV beyond the last point earns the whole planned duration.
    """
    if not pv_curve:
        raise ValueError("the PV curve needs at least one point")
    curve = [_frac(v) for v in pv_curve]
    for earlier, later in zip(curve, curve[1:], strict=False):
        if later < earlier:
            raise ValueError("the cumulative PV curve must not decrease")
    e, t = _frac(ev), _frac(at)
    bac = curve[-1]
    pd = next(i for i, v in enumerate(curve) if v >= bac)
    # C: the last period whose PV is not more than EV (the curve is sorted: bisect by hand).
    lo, hi = 0, len(curve) - 1
    if e < curve[0]:
        es = Fraction(0)
    else:
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if curve[mid] <= e:
                lo = mid
            else:
                hi = mid - 1
        c = lo
        es = Fraction(pd) if c >= pd else c + (e - curve[c]) / (curve[c + 1] - curve[c])
    spi_t = _div(es, t)
    ieac_t = t + (pd - es) / spi_t if spi_t else None
    return EarnedSchedule(
        es=index(es),
        at=index(t),
        pd=Decimal(pd),
        sv_t=index(es - t),
        spi_t=index(spi_t) if spi_t is not None else None,
        ieac_t=index(ieac_t) if ieac_t is not None else None,
    )


# --- spreading the budget over time (PV) --------------------------------------------------


@dataclass(frozen=True)
class SpreadItem:
    """An amount planned to be spent between two dates (both included) along a profile.

    `weights`, when given, holds one number per day from `start` to `finish` (the working
    minutes of an activity's calendar on that day, see `working_minutes_by_day`): the amount
    then follows working time instead of calendar days.
    """

    amount: Decimal
    start: dt.date
    finish: dt.date
    profile: str = LINEAR
    weights: tuple[int, ...] = ()


def spread_fraction(
    start: dt.date, finish: dt.date, at: dt.date, profile: str, weights: Sequence[int] = ()
) -> Fraction:
    """The share of an item planned to be done by the end of day `at` (0..1).

    Linear: elapsed days / total days, or, with `weights` (one per day), the weights of the
    elapsed days / all the weights (an item with no working time at all is done on its
    finish day). S-curve: the smoothstep 3x^2 - 2x^3 of that share, slow at both ends and
    fastest in the middle, a common stand-in for a resource-loaded S-curve; it is symmetric,
    so half the amount is planned by the middle day.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown spread profile {profile!r}")
    if finish < start:
        raise ValueError("an item cannot finish before it starts")
    total = (finish - start).days + 1
    done = min(max((at - start).days + 1, 0), total)
    if weights:
        if len(weights) != total:
            raise ValueError("an item needs one weight per day")
        if done in (0, total):  # before or after the item: no need to add up its days
            return Fraction(int(done == total))
        whole = sum(weights)
        # No working time at all (a milestone): done on its finish day.
        x = Fraction(sum(weights[:done]), whole) if whole else Fraction(0)
    else:
        x = Fraction(done, total)
    if profile == S_CURVE:
        return 3 * x * x - 2 * x * x * x
    return x


def planned_value(items: Iterable[SpreadItem], at: dt.date) -> Decimal:
    """Cumulative PV of `items` at the end of day `at`, rounded to the fen once."""
    total = sum(
        (
            _frac(i.amount) * spread_fraction(i.start, i.finish, at, i.profile, i.weights)
            for i in items
        ),
        Fraction(0),
    )
    return money(total)


def working_minutes_by_day(
    calendar: Calendar, start: dt.datetime, finish: dt.datetime
) -> tuple[int, ...]:
    """The working minutes of `calendar` between `start` and `finish`, one number per day.

    The first and last days count only the working time after `start` and before `finish`;
    a holiday counts 0 and a make-up workday its intervals (the calendar's exceptions).
    """
    if finish < start:
        raise ValueError("an item cannot finish before it starts")
    out = []
    day = start.date()
    while day <= finish.date():
        lo = start.hour * 60 + start.minute if day == start.date() else 0
        hi = finish.hour * 60 + finish.minute if day == finish.date() else 1440
        out.append(sum(max(min(e, hi) - max(s, lo), 0) for s, e in calendar.intervals_on(day)))
        day += dt.timedelta(days=1)
    return tuple(out)


def pv_curve(items: Sequence[SpreadItem], period_ends: Sequence[dt.date]) -> list[Decimal]:
    """Cumulative PV: [0 at the start, at the end of each period in `period_ends`]."""
    return [Decimal("0.00")] + [planned_value(items, end) for end in period_ends]


def earned_value(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """EV of (budget, percent complete) pairs, each percent held to 0..100.

    With budgets not below zero EV never exceeds their total (BAC): each term is at most
    its budget, and rounding a sum at most BAC (itself in fen) to the fen cannot pass BAC.
    """
    total = Fraction(0)
    for budget, percent in items:
        p = min(max(_frac(percent), Fraction(0)), Fraction(100))
        total += _frac(budget) * p / 100
    return money(total)
