"""Pay rules: day types from the China calendar, hours to working days, multipliers, 大写."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from sitebook.labour import rules
from sitebook.labour.models import DayType, LabourSettings

D = Decimal


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (dt.date(2026, 6, 2), DayType.WORK_DAY),  # a Tuesday
        (dt.date(2026, 6, 6), DayType.REST_DAY),  # a Saturday
        (dt.date(2026, 10, 1), DayType.STATUTORY_HOLIDAY),  # National Day
        (dt.date(2026, 1, 1), DayType.STATUTORY_HOLIDAY),  # New Year's Day
        (dt.date(2026, 10, 10), DayType.WORK_DAY),  # Saturday make-up workday (调休上班)
        (dt.date(2026, 10, 6), DayType.REST_DAY),  # swapped day off in the Golden Week
    ],
)
def test_day_type_follows_the_china_calendar(day: dt.date, kind: str) -> None:
    assert rules.project_day_type(None, day) == kind


def test_hours_to_days_divides_by_the_configured_working_day() -> None:
    assert rules.hours_to_days(D("9"), D("8")) == D("1.1250")
    assert rules.hours_to_days(D("4"), D("8")) == D("0.5000")
    assert rules.hours_to_days(D("10"), D("10")) == D("1.0000")
    assert rules.hours_to_days(D("7.5"), D("7.5")) == D("1.0000")


def _settings() -> LabourSettings:
    return LabourSettings()  # the defaults: 8 h, 150 / 200 / 300 %


def test_work_day_pays_normal_hours_then_overtime_at_150_percent() -> None:
    pay = rules.price_hours(
        hours=D("10"), day_type=DayType.WORK_DAY, rate=D("400"), settings=_settings()
    )
    # 8 h at 50/h + 2 h at 75/h
    assert (pay.normal_hours, pay.overtime_hours) == (D("8"), D("2"))
    assert pay.multiplier == D("1.00")
    assert pay.amount == D("550.00")


def test_rest_day_pays_every_hour_at_200_percent() -> None:
    pay = rules.price_hours(
        hours=D("8"), day_type=DayType.REST_DAY, rate=D("400"), settings=_settings()
    )
    assert pay.multiplier == D("2.00")
    assert pay.overtime_hours == 0
    assert pay.amount == D("800.00")


def test_statutory_holiday_pays_every_hour_at_300_percent() -> None:
    pay = rules.price_hours(
        hours=D("9"), day_type=DayType.STATUTORY_HOLIDAY, rate=D("400"), settings=_settings()
    )
    assert pay.multiplier == D("3.00")
    assert pay.amount == D("1350.00")


def test_multipliers_are_the_organisations() -> None:
    settings = LabourSettings(holiday_multiplier=D("4.00"), hours_per_day=D("10"))
    pay = rules.price_hours(
        hours=D("10"), day_type=DayType.STATUTORY_HOLIDAY, rate=D("300"), settings=settings
    )
    assert pay.amount == D("1200.00")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("100", "壹佰元整"),
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("3510", "叁仟伍佰壹拾元整"),
        ("1005.04", "壹仟零伍元零肆分"),
        ("100000", "壹拾万元整"),
        ("10050000.10", "壹仟零伍万元壹角"),
        ("200000001", "贰亿零壹元整"),
        ("0.5", "伍角"),
        ("60000.09", "陆万元零玖分"),
    ],
)
def test_amount_in_chinese_capitals(amount: str, words: str) -> None:
    assert rules.rmb_upper(D(amount)) == words


def test_resident_id_check_digit() -> None:
    assert rules.id_number_valid("11010519491231002X")
    assert rules.id_number_valid("110101199003074573")
    assert not rules.id_number_valid("110101199003074578")
    assert not rules.id_number_valid("1101011990030745")


def test_ticket_on_a_make_up_workday_is_paid_as_a_work_day(roster: Any) -> None:
    ticket = roster.ticket(dt.date(2026, 10, 10), [("08:00", "17:00")])
    line = ticket.labour_lines.get()
    assert ticket.day_type == DayType.WORK_DAY
    # 9 h at 400/8: 8 h normal + 1 h overtime at 150 %
    assert (line.multiplier, line.overtime_hours, line.amount) == (D("1.00"), D("1"), D("475.00"))


def test_ticket_on_a_statutory_holiday_applies_300_percent(roster: Any) -> None:
    ticket = roster.ticket(dt.date(2026, 10, 1), [("08:00", "17:00")] * 3)
    assert ticket.day_type == DayType.STATUTORY_HOLIDAY
    amounts = sorted(line.amount for line in ticket.labour_lines.all())
    assert amounts == [D("810.00"), D("1350.00"), D("1350.00")]
    assert ticket.total == D("3510.00")
    assert {line.days for line in ticket.labour_lines.all()} == {D("1.1250")}
