"""Earned value: textbook cases checked by hand, Earned Schedule examples and properties."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitebook.engine.evm import (
    SpreadItem,
    earned_schedule,
    earned_value,
    evm,
    planned_value,
    spread_fraction,
)

D = Decimal


def test_textbook_case_behind_schedule_and_over_budget() -> None:
    # BAC 10,000; at the data date PV 5,000, EV 4,000, AC 4,500.
    r = evm(bac=D(10000), pv=D(5000), ev=D(4000), ac=D(4500))
    assert (r.sv, r.cv) == (D("-1000.00"), D("-500.00"))
    assert (r.spi, r.cpi) == (D("0.8000"), D("0.8889"))  # 4000/4500 = 0.88888...
    assert r.eac_budget_rate == D("10500.00")  # 4500 + (10000 - 4000)
    assert r.eac_cpi == D("11250.00")  # 10000 / (8/9)
    # 4500 + 6000 / ((8/9) x 0.8) = 4500 + 6000 x 45/32 = 4500 + 8437.50
    assert r.eac_cpi_spi == D("12937.50")
    assert (r.etc, r.vac) == (D("6750.00"), D("-1250.00"))
    assert r.tcpi_bac == D("1.0909")  # 6000 / 5500
    assert r.tcpi_eac == D("0.8889")  # 6000 / 6750
    assert (r.percent_complete, r.percent_spent) == (D("40.0000"), D("45.0000"))


def test_textbook_case_ahead_and_under() -> None:
    # BAC 200,000; PV 100,000, EV 120,000, AC 90,000.
    r = evm(bac=D(200000), pv=D(100000), ev=D(120000), ac=D(90000))
    assert (r.sv, r.cv, r.spi, r.cpi) == (D("20000.00"), D("30000.00"), D("1.2000"), D("1.3333"))
    assert r.eac_cpi == D("150000.00")  # 200000 x 90000 / 120000
    assert r.eac_budget_rate == D("170000.00")
    # 90000 + 80000 / (4/3 x 6/5) = 90000 + 80000 x 5/8 = 140000
    assert r.eac_cpi_spi == D("140000.00")
    assert r.vac == D("50000.00")


def test_nothing_spent_or_planned_gives_no_indices() -> None:
    r = evm(bac=D(1000), pv=D(0), ev=D(0), ac=D(0))
    assert r.spi is None and r.cpi is None and r.eac_cpi is None and r.eac_cpi_spi is None
    assert r.eac_budget_rate == D("1000.00")


def test_earned_schedule_hand_example() -> None:
    # Cumulative PV at month ends; at month 4 EV is 380.
    curve = [D(x) for x in (0, 100, 250, 450, 700, 1000)]
    es = earned_schedule(curve, ev=D(380), at=D(4))
    # C = 2 (PV 250 <= 380 < 450): ES = 2 + (380 - 250) / (450 - 250) = 2.65
    assert es.es == D("2.6500")
    assert es.sv_t == D("-1.3500")
    assert es.spi_t == D("0.6625")
    # IEAC(t) = AT + (PD - ES) / SPI(t) = 4 + 2.35 / 0.6625 = 7.5472 (= PD / SPI(t))
    assert es.pd == D(5)
    assert es.ieac_t == D("7.5472")


def test_earned_schedule_ahead_and_finished() -> None:
    curve = [D(x) for x in (0, 100, 200, 300, 400)]
    ahead = earned_schedule(curve, ev=D(250), at=D(2))
    assert (ahead.es, ahead.spi_t, ahead.ieac_t) == (D("2.5000"), D("1.2500"), D("3.2000"))
    done = earned_schedule(curve, ev=D(400), at=D(5))
    assert (done.es, done.sv_t, done.spi_t, done.ieac_t) == (
        D("4.0000"),
        D("-1.0000"),
        D("0.8000"),
        D("5.0000"),
    )


def test_earned_schedule_flat_plan_segment() -> None:
    # PV does not move in period 3 (a shutdown): EV 300 is earned at the end of period 2.
    curve = [D(x) for x in (0, 100, 300, 300, 500)]
    assert earned_schedule(curve, ev=D(300), at=D(3)).es == D("3.0000")
    assert earned_schedule(curve, ev=D(400), at=D(4)).es == D("3.5000")


def test_rejects_a_decreasing_curve() -> None:
    with pytest.raises(ValueError):
        earned_schedule([D(0), D(5), D(3)], ev=D(1), at=D(1))


def test_spread_profiles() -> None:
    start, finish = dt.date(2026, 1, 1), dt.date(2026, 1, 10)
    assert spread_fraction(start, finish, dt.date(2026, 1, 5), "linear") == Fraction(1, 2)
    assert spread_fraction(start, finish, dt.date(2026, 1, 5), "s_curve") == Fraction(1, 2)
    assert spread_fraction(start, finish, dt.date(2026, 1, 2), "s_curve") < Fraction(1, 5)
    assert spread_fraction(start, finish, dt.date(2025, 12, 1), "linear") == 0
    assert spread_fraction(start, finish, dt.date(2026, 2, 1), "s_curve") == 1
    items = [SpreadItem(D("1000.01"), start, finish), SpreadItem(D("0.10"), start, start)]
    assert planned_value(items, dt.date(2026, 1, 5)) == D("500.11")  # 500.005 + 0.10, half-up


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
percent = st.decimals(min_value=-50, max_value=150, places=2, allow_nan=False)


@given(st.lists(st.tuples(money, percent), max_size=30))
def test_ev_never_exceeds_bac(lines: list[tuple[Decimal, Decimal]]) -> None:
    bac = sum((b for b, _ in lines), D(0))
    ev = earned_value(lines)
    assert D(0) <= ev <= bac


positive = st.decimals(
    min_value=D("0.01"), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
)


@given(positive, positive, positive, positive)
def test_eac_cpi_spi_equals_its_formula(
    bac: Decimal, pv: Decimal, ev: Decimal, ac: Decimal
) -> None:
    r = evm(bac=bac, pv=pv, ev=ev, ac=ac)
    cpi = Fraction(ev) / Fraction(ac)
    spi = Fraction(ev) / Fraction(pv)
    exact = Fraction(ac) + (Fraction(bac) - Fraction(ev)) / (cpi * spi)
    # With EV near zero the EAC has more digits than the default 28-digit context holds.
    with localcontext() as ctx:
        ctx.prec = 80
        expected = (D(exact.numerator) / D(exact.denominator)).quantize(D("0.01"), ROUND_HALF_UP)
    assert r.eac_cpi_spi is not None
    assert abs(r.eac_cpi_spi - expected) <= D("0.01")
    # And it is the budget-rate EAC's remaining work divided by CPI x SPI, rounded once.
    assert r.eac_budget_rate == (ac + bac - ev)


def test_spread_by_working_time_of_a_calendar() -> None:
    """Wednesday 10:00 to Monday 15:00 on an 08:00-12:00, 13:00-17:00 Monday-Friday calendar
    with Friday a holiday: Wed 120 + 240 = 360, Thu 480, Fri-Sun 0, Mon 240 + 120 = 360
    minutes, 1,200 in all."""
    from sitebook.engine import evm as E  # noqa: N812
    from sitebook.engine.network import Calendar

    calendar = Calendar(id="site", exceptions={dt.date(2026, 5, 1): ()})
    start, finish = dt.datetime(2026, 4, 29, 10), dt.datetime(2026, 5, 4, 15)
    weights = E.working_minutes_by_day(calendar, start, finish)
    assert weights == (360, 480, 0, 0, 0, 360)
    thu, sun = dt.date(2026, 4, 30), dt.date(2026, 5, 3)
    a, b = start.date(), finish.date()
    assert E.spread_fraction(a, b, thu, E.LINEAR, weights) == Fraction(840, 1200)
    # Nothing is planned on the holiday and the weekend.
    assert E.spread_fraction(a, b, sun, E.LINEAR, weights) == Fraction(840, 1200)
    # S-curve of 7/10: 3 x 0.49 - 2 x 0.343 = 0.784.
    assert E.spread_fraction(a, b, thu, E.S_CURVE, weights) == Fraction(98, 125)
    item = E.SpreadItem(D("1000.00"), a, b, E.LINEAR, weights)
    assert E.planned_value([item], thu) == D("700.00")
    assert E.planned_value([item], dt.date(2026, 4, 28)) == D("0.00")
    assert E.planned_value([item], b) == D("1000.00")
    # A milestone (no working time) is planned on its day.
    flag = E.SpreadItem(D("5.00"), thu, thu, E.LINEAR, (0,))
    assert (E.planned_value([flag], a), E.planned_value([flag], thu)) == (D("0.00"), D("5.00"))
    with pytest.raises(ValueError):
        E.spread_fraction(a, b, thu, E.LINEAR, (1, 2))
