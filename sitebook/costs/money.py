"""Exact money arithmetic in Python and in SQL.

SQLite keeps a decimal with a fraction as a binary float, and before 3.43 its SUM adds
floats naively, so summing 0.10 ten million times drifts. Every roll-up here therefore sums
whole fen (each amount times 100, rounded to an integer before it is added), which is exact
on SQLite and PostgreSQL alike, and turns the total back into yuan in Python.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(value: Decimal) -> Decimal:
    """`value` rounded half-up to the fen."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_rate: Decimal) -> Decimal:
    """Quantity times unit rate, to the fen (the amount a BOQ or contract line stores)."""
    return to_fen(quantity * unit_rate)


_DEC = DecimalField(max_digits=20, decimal_places=2)


def _fen(expression: Any) -> Any:
    scaled = ExpressionWrapper(expression * Value(Decimal(100), output_field=_DEC), _DEC)
    return Cast(Round(scaled), BigIntegerField())


def fen_sum(field: str, *, when: Any = None) -> Any:
    """SUM of a money column in whole fen (an integer), optionally only rows matching `when`."""
    value: Any = F(field)
    if when is not None:
        value = Case(When(when, then=F(field)), default=Value(ZERO), output_field=_DEC)
    return Coalesce(Sum(_fen(value)), Value(0), output_field=BigIntegerField())


def from_fen(fen: int | None) -> Decimal:
    """Whole fen back to yuan."""
    return (Decimal(fen or 0) / 100).quantize(FEN)


def allocate(amount: Decimal, weights: list[Fraction] | list[int]) -> list[Decimal]:
    """`amount` split in whole fen in proportion to `weights`; the parts add up to `amount`.

    Each part is its exact share rounded down to the fen; the fen left over go one each to the
    parts with the largest remainders (the earlier part on a tie). Equal parts when every
    weight is zero.
    """
    if not weights:
        return []
    shares = [Fraction(w) for w in weights]
    whole = sum(shares, Fraction(0))
    if whole == 0:
        shares, whole = [Fraction(1)] * len(shares), Fraction(len(shares))
    fen = int(to_fen(amount) * 100)
    exact = [fen * s / whole for s in shares]
    parts = [e.numerator // e.denominator for e in exact]
    left = fen - sum(parts)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: abs(left)]:
        parts[i] += 1 if left > 0 else -1
    return [from_fen(p) for p in parts]
