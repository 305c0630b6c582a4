"""Cash-flow forecast: months computed by hand, rounding, and properties over random terms."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitebook.engine.cashflow import (
    EXPENSE,
    INCOME,
    Terms,
    TermsError,
    add_months,
    cash_months,
    forecast,
    forecast_flows,
    spread_like,
)

D = Decimal
JAN, FEB, MAR, APR, MAY = (dt.date(2026, m, 1) for m in range(1, 6))


def _row(f, day):
    return next(m for m in f.months if m.month == day)


def test_income_contract_months_by_hand() -> None:
    # Work 100,000 in Jan, 200,000 in Feb, 100,000 in Mar: V = 400,000.
    # Terms: advance 10%, pay 80% of certified, retention 3% (cap 3% of V = 12,000),
    # certify 14 days after the month-end claim, pay 28 days after certification,
    # defects liability 24 months.
    terms = Terms(
        kind=INCOME,
        advance_percent=D(10),
        payment_percent=D(80),
        retention_percent=D(3),
        certify_days=14,
        payment_days=28,
        defects_months=24,
    )
    f = forecast([(JAN, D(100000)), (FEB, D(200000)), (MAR, D(100000))], terms)
    jan, feb, mar, apr, may = (_row(f, d) for d in (JAN, FEB, MAR, APR, MAY))
    # Claims at month end: 31 Jan 100,000; 28 Feb 200,000; 31 Mar 100,000.
    assert (jan.claimed, feb.claimed, mar.claimed) == (D(100000), D(200000), D(100000))
    # Certified +14 days: 14 Feb, 14 Mar, 14 Apr.
    assert (jan.certified, feb.certified, mar.certified, apr.certified) == (
        D(0),
        D(100000),
        D(200000),
        D(100000),
    )
    # On each certificate: retention 3%, advance recovery 10%.
    assert (feb.retention_withheld, feb.advance_recovered) == (D(3000), D(10000))
    assert (mar.retention_withheld, mar.advance_recovered) == (D(6000), D(20000))
    # Cash: advance 10% x 400,000 = 40,000 in January (start of work).
    assert jan.cash == D(40000)
    # 14 Feb certificate paid 14 Mar: 100,000 x 80% - 3,000 - 10,000 = 67,000.
    assert (feb.cash, mar.cash) == (D(0), D(67000))
    # 14 Mar certificate paid 11 Apr: 200,000 x 80% - 6,000 - 20,000 = 134,000.
    assert apr.cash == D(134000)
    # 14 Apr certificate paid 12 May: 100,000 x 80% - 3,000 - 10,000 = 67,000; and the
    # final account (20% unpaid = 80,000) due 31 Mar + 0 + 14 + 28 days = 12 May.
    assert (may.progress, may.settlement, may.cash) == (D(67000), D(80000), D(147000))
    # Retention 12,000 released 31 Mar 2028 + 28 days = 28 Apr 2028.
    release = _row(f, dt.date(2028, 4, 1))
    assert release.retention_released == D(12000) and release.cash == D(12000)
    # Every other month is quiet, and the whole adds up to the contract value.
    assert sum(m.cash for m in f.months) == D(400000)
    assert [m.month for m in f.months][0] == JAN and len(f.months) == 28


def test_retention_stops_at_the_cap() -> None:
    # Retention 5% but capped at 3% of V = 3,000 of 100,000; certify and pay the same month.
    terms = Terms(
        payment_percent=D(100),
        retention_percent=D(5),
        certify_days=0,
        payment_days=0,
        defects_months=12,
    )
    f = forecast([(JAN, D(40000)), (FEB, D(60000))], terms)
    jan, feb = _row(f, JAN), _row(f, FEB)
    # Jan: 5% of 40,000 = 2,000; Feb: min(5% x 100,000, 3,000) - 2,000 = 1,000.
    assert (jan.retention_withheld, feb.retention_withheld) == (D(2000), D(1000))
    # Certified 31 Jan (0 days), paid the same day: 40,000 - 2,000 = 38,000.
    assert (jan.cash, feb.cash) == (D(38000), D(59000))
    assert _row(f, FEB.replace(year=2027)).retention_released == D(3000)


def test_rounding_to_the_fen_adds_up() -> None:
    # Three months of 0.10 with 33.33% unpaid and 7% retention: cumulative rounding.
    terms = Terms(
        payment_percent=D("66.67"),
        retention_percent=D(7),
        retention_cap_percent=D(7),
        certify_days=0,
        payment_days=0,
    )
    f = forecast([(JAN, D("0.10")), (FEB, D("0.10")), (MAR, D("0.10"))], terms)
    # Cap = round(7% x 0.30 = 0.021) = 0.02.
    # Retention T1 = round(min(0.07 C, 0.02)): C = 0.10 -> 0.01, 0.20 -> 0.01, 0.30 -> 0.02.
    # T2 = round(held + 0.3333 C): 0.04033 -> 0.04, 0.08066 -> 0.08, 0.11999 -> 0.12.
    # No advance, so T3 = T2; progress = C - T3: 0.06, 0.12, 0.18 -> months 0.06 each.
    assert [_row(f, d).progress for d in (JAN, FEB, MAR)] == [D("0.06")] * 3
    # Retention released T1 = 0.02; final account T2 - T1 = 0.12 - 0.02 = 0.10.
    assert f.total("retention_withheld") == D("0.02") == f.total("retention_released")
    assert f.total("settlement") == D("0.10")
    assert f.cash == D("0.30")


def test_advance_plus_retention_above_the_ratio_is_refused() -> None:
    terms = Terms(advance_percent=D(30), payment_percent=D(80), retention_percent=D(60))
    with pytest.raises(TermsError) as caught:
        forecast([(JAN, D(100))], terms)
    assert caught.value.field == "advance_percent"
    with pytest.raises(TermsError) as caught:
        forecast([(JAN, D(100))], Terms(payment_percent=D(120)))
    assert caught.value.field == "payment_percent"


def test_months_of_income_and_expense_net_and_accumulate() -> None:
    flows = [(INCOME, JAN, D(100)), (EXPENSE, FEB, D(30)), (INCOME, APR, D(50))]
    rows = cash_months(flows)
    assert [r.month for r in rows] == [JAN, FEB, MAR, APR]
    assert [r.net for r in rows] == [D(100), D(-30), D(0), D(50)]
    assert [r.cumulative_net for r in rows] == [D(100), D(70), D(70), D(120)]


def test_spread_like_a_curve_adds_up_to_the_value() -> None:
    # Curve 0 -> 1 -> 3 (cumulative): 100.00 spread as 1/3 and 2/3 -> 33.33 and 66.67.
    assert spread_like(D(100), [(JAN, D(1)), (FEB, D(3))]) == [(JAN, D("33.33")), (FEB, D("66.67"))]
    assert spread_like(D(100), [(JAN, D(0))]) == []


def test_add_months_cuts_to_the_last_day() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 15) == dt.date(2028, 2, 29)


percents = st.decimals(min_value=0, max_value=100, places=2)
amounts = st.decimals(min_value=0, max_value=10_000_000, places=2)


@st.composite
def contracts(draw: st.DrawFn) -> tuple[list[tuple[dt.date, Decimal]], Terms]:
    ratio = draw(percents)
    advance = draw(st.decimals(min_value=0, max_value=ratio, places=2))
    retention = draw(st.decimals(min_value=0, max_value=ratio - advance, places=2))
    terms = Terms(
        kind=draw(st.sampled_from([INCOME, EXPENSE])),
        advance_percent=advance,
        payment_percent=ratio,
        retention_percent=retention,
        retention_cap_percent=draw(percents),
        certify_days=draw(st.integers(0, 60)),
        payment_days=draw(st.integers(0, 90)),
        settlement_days=draw(st.integers(0, 120)),
        defects_months=draw(st.integers(0, 36)),
    )
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 1)))
    values = draw(st.lists(amounts, min_size=1, max_size=30))
    return [(add_months(start, i), v) for i, v in enumerate(values)], terms


@settings(max_examples=300, deadline=None)
@given(contracts())
def test_everything_paid_adds_up_to_the_contract_value(case) -> None:
    work, terms = case
    f = forecast(work, terms)
    value = sum((v for _, v in work), D(0))
    assert f.value == value
    assert f.cash == value  # advance + progress + final account + retention release
    assert f.total("claimed") == f.total("certified") == f.total("work") == value
    assert all(m.cash >= 0 for m in f.months)
    assert all(m.advance >= 0 and m.settlement >= 0 and m.retention_released >= 0 for m in f.months)
    assert all(m.retention_withheld >= 0 for m in f.months)
    # The advance is fully recovered by the certificates.
    assert f.total("advance_recovered") == f.total("advance")
    # Retention withheld is all released and never above its cap.
    cap = (terms.retention_cap_percent * value / 100).quantize(D("0.01"), ROUND_HALF_UP)
    assert f.total("retention_withheld") == f.total("retention_released") <= cap


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([INCOME, EXPENSE]), st.dates(), amounts), max_size=20))
def test_months_sum_to_the_flows(flows) -> None:
    rows = cash_months(flows)
    total_in = sum((a for k, _, a in flows if k == INCOME), D(0))
    total_out = sum((a for k, _, a in flows if k == EXPENSE), D(0))
    assert sum((r.cash_in for r in rows), D(0)) == total_in
    if rows:
        assert rows[-1].cumulative_net == total_in - total_out


def test_flows_of_forecasts_keep_their_kind() -> None:
    terms_in = Terms(kind=INCOME, certify_days=0, payment_days=0)
    terms_out = Terms(kind=EXPENSE, certify_days=0, payment_days=0)
    flows = forecast_flows([forecast([(JAN, D(10))], terms_in), forecast([(JAN, D(4))], terms_out)])
    (row,) = cash_months(flows)
    assert (row.cash_in, row.cash_out, row.net) == (D(10), D(4), D(6))
