"""Pay from exact worked minutes: each part rounded once, half-up, to the fen.

The oracle works in `Fraction`s: the exact amount of a part is rate x (normal minutes x
multiplier + overtime minutes x overtime multiplier) / (60 x hours per day), and the fen
is floor(100 x amount + 1/2) (half-up, as `costs.money.to_fen` rounds).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import example, given
from hypothesis import strategies as st

from sitebook.labour import rules
from sitebook.labour.models import DayType, LabourSettings

D = Decimal
DAY = dt.date(2026, 11, 3)
HALF_FEN = Fraction(1, 200)

rates = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)
hours_per_day = st.decimals(min_value=D("1.00"), max_value=D("24.00"), places=2)
multipliers = st.decimals(min_value=D("1.00"), max_value=D("9.99"), places=2)
day_types = st.sampled_from([DayType.WORK_DAY, DayType.REST_DAY, DayType.STATUTORY_HOLIDAY])


def _exact(
    minutes: int, before: int, day_type: str, rate: Decimal, settings: LabourSettings
) -> Fraction:
    """The exact amount of `minutes` worked `before` minutes into the worker's day."""
    day_minutes = Fraction(settings.hours_per_day) * 60
    if day_type == DayType.WORK_DAY:
        normal = min(Fraction(minutes), max(Fraction(0), day_minutes - before))
        weighted = normal + (minutes - normal) * Fraction(settings.overtime_multiplier)
    else:
        weighted = minutes * Fraction(rules.day_multiplier(day_type, settings))
    return Fraction(rate) * weighted / day_minutes


def _half_up(amount: Fraction) -> Decimal:
    return D(math.floor(amount * 100 + Fraction(1, 2))) / 100


def _settings(hpd: Decimal, overtime: Decimal, rest: Decimal, holiday: Decimal) -> LabourSettings:
    return LabourSettings(
        hours_per_day=hpd,
        overtime_multiplier=overtime,
        rest_day_multiplier=rest,
        holiday_multiplier=holiday,
    )


def _amount(minutes: int, before: int, day_type: str, rate: Decimal, s: LabourSettings) -> Decimal:
    (part,) = rules.price_parts(
        parts=[(DAY, day_type, minutes)], rate=rate, settings=s, worked_before=before
    )
    return part.pay.amount


settings_of_organisations = st.builds(
    _settings, hours_per_day, multipliers, multipliers, multipliers
)


@given(
    minutes=st.integers(1, 1440),
    before=st.integers(0, 1440),
    day_type=day_types,
    rate=rates,
    settings=settings_of_organisations,
)
# An exact half fen (300.00 x 5 / 480 = 3.125) and a third of one (400.00 x 220 / 480).
@example(5, 0, DayType.WORK_DAY, D("300.00"), LabourSettings())
@example(220, 0, DayType.WORK_DAY, D("400.00"), LabourSettings())
def test_a_part_is_its_exact_amount_rounded_half_up(
    minutes: int, before: int, day_type: str, rate: Decimal, settings: LabourSettings
) -> None:
    amount = _amount(minutes, before, day_type, rate, settings)
    assert amount == _half_up(_exact(minutes, before, day_type, rate, settings))
    assert amount.as_tuple().exponent == -2


@given(
    minutes=st.integers(2, 1440),
    cut=st.integers(1, 1439),
    before=st.integers(0, 720),
    day_type=day_types,
    rate=rates,
    settings=settings_of_organisations,
)
def test_splitting_a_line_moves_the_total_by_a_fen_at_most(
    minutes: int, cut: int, before: int, day_type: str, rate: Decimal, settings: LabourSettings
) -> None:
    # One line of `minutes` against the same minutes as two lines of the same worker on the
    # same day, the second priced after the first (`worked_before`), as the ticket does.
    first = min(cut, minutes - 1)
    whole = _amount(minutes, before, day_type, rate, settings)
    split = _amount(first, before, day_type, rate, settings) + _amount(
        minutes - first, before + first, day_type, rate, settings
    )
    # The exact amounts add up, so each side is within half a fen per part of the same
    # exact total: three parts, 1.5 fen, i.e. at most one whole fen.
    exact = _exact(minutes, before, day_type, rate, settings)
    assert abs(Fraction(whole) - exact) <= HALF_FEN
    assert abs(Fraction(split) - exact) <= 2 * HALF_FEN
    assert abs(whole - split) <= D("0.01")


def test_the_examples_of_the_docs() -> None:
    settings = LabourSettings()
    # 220 min at 400.00 over 8 h: 400 x 220 / 480 = 183.333... -> 183.33.
    assert _amount(220, 0, DayType.WORK_DAY, D("400.00"), settings) == D("183.33")
    # 5 min at 300.00: 300 x 5 / 480 = 3.125 -> 3.13 (half-up, not half-even 3.12).
    assert _amount(5, 0, DayType.WORK_DAY, D("300.00"), settings) == D("3.13")
    # 50 min of overtime after a full day at 400.00: 400 x 50 x 1.5 / 480 = 62.50.
    assert _amount(50, 480, DayType.WORK_DAY, D("400.00"), settings) == D("62.50")


def test_rounding_is_decided_on_the_exact_remainder() -> None:
    # Repeating quotients, exact halves either sign, and a value just under a half fen.
    assert rules.fen_half_up(D("1"), D("3")) == D("0.33")
    assert rules.fen_half_up(D("2"), D("3")) == D("0.67")
    assert rules.fen_half_up(D("0.005"), D("1")) == D("0.01")
    assert rules.fen_half_up(D("-0.005"), D("1")) == D("-0.01")
    assert rules.fen_half_up(D("0.00499999999999999999999999999999"), D("1")) == D("0.00")
