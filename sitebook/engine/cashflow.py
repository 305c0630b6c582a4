"""Cash-flow forecast of a contract from its monthly work and its payment terms.

Pure Python, no Django. Money is `Decimal` to the fen; shares are computed exactly with
`fractions.Fraction` and rounded half-up to the fen only where a figure is shown.

The model (one contract, income or expense, value V = the sum of its monthly work):

    work done in month m (W_m)
      -> claimed at the end of month m (claim cycle = month end): claimed_m = W_m
      -> certified `certify_days` later: certified = claimed, in the month of that date;
         retention and advance recovery are withheld on the certificate
      -> paid `payment_days` after certification: the progress payment, in that month
    advance        = advance% x V, paid in the first month of work, recovered pro rata from
                     the certificates (advance% of each certified amount), so it is fully
                     recovered when the last work is certified
    retention      = retention% x certified, never above the cap (cap% x V), released
                     `defects_months` after completion (the end of the last work month) plus
                     `payment_days`
    payment ratio  = only ratio% of the certified value is paid with the certificates; the
                     rest (1 - ratio%) x V is paid with the final account, `settlement_days`
                     + `certify_days` + `payment_days` after completion
    progress payment of a certificate = certified - unpaid balance - retention - recovery

Terms must let the certificates carry their deductions: advance% + retention% <= ratio%
(else a certificate would pay less than nothing); `TermsError` names the term otherwise.

Rounding rule (so that months always add up to totals exactly): the deductions of the
certificates are rounded on CUMULATIVE certified value, nested in a fixed order, and each
month is the difference of consecutive cumulative figures:

    T1 = round(min(retention x C, cap))                 cumulative retention
    T2 = round(min(retention x C, cap) + (1 - ratio) x C)
                                                        T2 - T1 = cumulative unpaid balance
    T3 = round(min(retention x C, cap) + (1 - ratio + advance) x C)
                                                        T3 - T2 = cumulative recovery
    progress payments to date = C - T3

with C the cumulative certified value, cap = round(cap% x V) and round = half-up to the
fen. Each T grows with C (rounding keeps order), and C - T3 grows too (the deductions grow
slower than C), so every cash month is >= 0 and retention never passes its cap; the
retention release (T1 at the end), the final account (T2 - T1), the advance (T3 - T2) and
the progress payments (V - T3) add up to V exactly. The advance is therefore advance% x V
to within a fen, and it is recovered exactly. The monthly recovery and unpaid columns are
differences of nested roundings: in a month certifying a few fen they can be off by one
fen, never their totals.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Fraction(100)

INCOME = "income"
EXPENSE = "expense"
KINDS = (INCOME, EXPENSE)

#: Defaults when a contract does not say: the engineer certifies within 14 days, the final
#: account takes no extra time, the defects liability period is 24 months (China's usual
#: 缺陷责任期 upper limit) and retention is capped at 3% of the settlement value.
DEFAULT_CERTIFY_DAYS = 14
DEFAULT_DEFECTS_MONTHS = 24
DEFAULT_RETENTION_CAP_PERCENT = Decimal("3")


class TermsError(ValueError):
    """Payment terms that cannot be forecast; `field` names the term."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def fen(value: Fraction) -> Decimal:
    """A Fraction rounded half-up (ties away from zero) to the fen, with no float."""
    scaled = value * 100
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(-whole if scaled < 0 else whole).scaleb(-2)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, cut to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from `first`'s to `last`'s, both included."""
    out = []
    day = month_start(first)
    while day <= last:
        out.append(day)
        day = add_months(day, 1)
    return out


@dataclass(frozen=True)
class Terms:
    """A contract's payment terms; percentages are 0..100."""

    kind: str = INCOME
    advance_percent: Decimal = ZERO
    payment_percent: Decimal = Decimal("100")
    retention_percent: Decimal = ZERO
    retention_cap_percent: Decimal = DEFAULT_RETENTION_CAP_PERCENT
    certify_days: int = DEFAULT_CERTIFY_DAYS
    payment_days: int = 30
    settlement_days: int = 0
    defects_months: int = DEFAULT_DEFECTS_MONTHS

    def check(self) -> None:
        if self.kind not in KINDS:
            raise TermsError("kind", f"must be one of {', '.join(KINDS)}")
        for name in (
            "advance_percent",
            "payment_percent",
            "retention_percent",
            "retention_cap_percent",
        ):
            value = getattr(self, name)
            if not Decimal(0) <= value <= Decimal(100):
                raise TermsError(name, "must be between 0 and 100")
        for name in ("certify_days", "payment_days", "settlement_days", "defects_months"):
            if getattr(self, name) < 0:
                raise TermsError(name, "must not be negative")
        if self.advance_percent + self.retention_percent > self.payment_percent:
            raise TermsError(
                "advance_percent",
                "advance and retention together exceed the payment ratio; the certificates "
                "could not recover them",
            )


@dataclass
class Month:
    """One month of one contract (or of a sum of contracts). Cash columns are the last four."""

    month: dt.date
    work: Decimal = ZERO
    claimed: Decimal = ZERO
    certified: Decimal = ZERO
    retention_withheld: Decimal = ZERO
    advance_recovered: Decimal = ZERO
    advance: Decimal = ZERO
    progress: Decimal = ZERO
    settlement: Decimal = ZERO
    retention_released: Decimal = ZERO

    FIGURES = (
        "work",
        "claimed",
        "certified",
        "retention_withheld",
        "advance_recovered",
        "advance",
        "progress",
        "settlement",
        "retention_released",
    )

    @property
    def cash(self) -> Decimal:
        return self.advance + self.progress + self.settlement + self.retention_released

    def add(self, other: Month) -> None:
        for name in self.FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Forecast:
    """A contract's months (every month from the first event to the last, none skipped)."""

    kind: str
    value: Decimal
    months: list[Month] = field(default_factory=list)

    def total(self, name: str) -> Decimal:
        return sum((getattr(m, name) for m in self.months), ZERO)

    @property
    def cash(self) -> Decimal:
        return sum((m.cash for m in self.months), ZERO)


def _monthly_work(work: Iterable[tuple[dt.date, Decimal]]) -> dict[dt.date, Decimal]:
    out: dict[dt.date, Decimal] = {}
    for day, amount in work:
        amount = to_fen(Decimal(amount))
        if amount < 0:
            raise TermsError("work", f"negative work value in {day:%Y-%m}")
        key = month_start(day)
        out[key] = out.get(key, ZERO) + amount
    return {k: v for k, v in sorted(out.items()) if v}


def forecast(work: Iterable[tuple[dt.date, Decimal]], terms: Terms) -> Forecast:
    """The monthly forecast of one contract (see the module docstring for the model)."""
    terms.check()
    done = _monthly_work(work)
    value = sum(done.values(), ZERO)
    result = Forecast(kind=terms.kind, value=value)
    if not done:
        return result
    unpaid = (HUNDRED - Fraction(terms.payment_percent)) / HUNDRED
    advance = Fraction(terms.advance_percent) / HUNDRED
    retention = Fraction(terms.retention_percent) / HUNDRED
    cap = Fraction(fen(Fraction(terms.retention_cap_percent) / HUNDRED * Fraction(value)))

    months: dict[dt.date, Month] = {}

    def at(day: dt.date) -> Month:
        key = month_start(day)
        if key not in months:
            months[key] = Month(month=key)
        return months[key]

    cumulative = Fraction(0)
    t1 = t2 = t3 = ZERO
    for first_day, amount in done.items():
        claim_day = month_end(first_day)
        certify_day = claim_day + dt.timedelta(days=terms.certify_days)
        pay_day = certify_day + dt.timedelta(days=terms.payment_days)
        at(first_day).work += amount
        at(claim_day).claimed += amount
        at(certify_day).certified += amount
        cumulative += Fraction(amount)
        held = min(retention * cumulative, cap)
        n1 = fen(held)
        n2 = fen(held + unpaid * cumulative)
        n3 = fen(held + (unpaid + advance) * cumulative)
        at(certify_day).retention_withheld += n1 - t1
        at(certify_day).advance_recovered += (n3 - t3) - (n2 - t2)
        at(pay_day).progress += amount - (n3 - t3)
        t1, t2, t3 = n1, n2, n3

    first = next(iter(done))
    completion = month_end(list(done)[-1])
    at(first).advance += t3 - t2
    settle_day = completion + dt.timedelta(
        days=terms.settlement_days + terms.certify_days + terms.payment_days
    )
    if t2 - t1:
        at(settle_day).settlement += t2 - t1
    release_day = add_months(completion, terms.defects_months) + dt.timedelta(
        days=terms.payment_days
    )
    if t1:
        at(release_day).retention_released += t1
    result.months = [
        months.get(day) or Month(month=day) for day in months_between(first, max(months))
    ]
    return result


@dataclass
class CashMonth:
    """Money in and out of one month, and the running totals."""

    month: dt.date
    cash_in: Decimal = ZERO
    cash_out: Decimal = ZERO
    cumulative_in: Decimal = ZERO
    cumulative_out: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.cash_in - self.cash_out

    @property
    def cumulative_net(self) -> Decimal:
        return self.cumulative_in - self.cumulative_out


def cash_months(
    flows: Iterable[tuple[str, dt.date, Decimal]], *, span: Sequence[dt.date] = ()
) -> list[CashMonth]:
    """(kind, day, amount) flows summed by month, every month from the first to the last.

    `span` adds months to show even without flows (e.g. the forecast's range for actuals).
    """
    sums: dict[dt.date, CashMonth] = {}
    for kind, day, amount in flows:
        key = month_start(day)
        row = sums.setdefault(key, CashMonth(month=key))
        if kind == INCOME:
            row.cash_in += amount
        elif kind == EXPENSE:
            row.cash_out += amount
        else:
            raise TermsError("kind", f"must be one of {', '.join(KINDS)}")
    keys = list(sums) + [month_start(d) for d in span]
    if not keys:
        return []
    out = []
    running_in = running_out = ZERO
    for day in months_between(min(keys), max(keys)):
        row = sums.get(day) or CashMonth(month=day)
        running_in += row.cash_in
        running_out += row.cash_out
        row.cumulative_in, row.cumulative_out = running_in, running_out
        out.append(row)
    return out


def forecast_flows(forecasts: Iterable[Forecast]) -> list[tuple[str, dt.date, Decimal]]:
    """The cash of forecasts as (kind, month, amount) flows for `cash_months`."""
    return [(f.kind, m.month, m.cash) for f in forecasts for m in f.months if m.cash]


def _fen_int(value: Decimal) -> int:
    return int(to_fen(value) * 100)


def _ratio_fen(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded half-up (away from zero), integers."""
    whole, rest = divmod(abs(numerator), denominator)
    if 2 * rest >= denominator:
        whole += 1
    return -whole if numerator < 0 else whole


def spread_like(
    value: Decimal, curve: Sequence[tuple[dt.date, Decimal]]
) -> list[tuple[dt.date, Decimal]]:
    """`value` spread over months in proportion to a cumulative curve's growth.

    `curve` holds (month, cumulative amount at its end), non-decreasing. Month m gets
    round(value x curve_m / curve_last) - round(value x curve_(m-1) / curve_last), so the
    months add up to `value` exactly. A flat (all-zero) curve spreads nothing. Integer fen
    arithmetic throughout (it runs for every contract line).
    """
    if not curve or not curve[-1][1]:
        return []
    total = _fen_int(curve[-1][1])
    amount = _fen_int(value)
    out = []
    before = 0
    for day, cumulative in curve:
        now = _ratio_fen(amount * _fen_int(cumulative), total)
        if now != before:
            out.append((day, Decimal(now - before).scaleb(-2)))
        before = now
    return out
