"""Breaks on labour lines, and overtime per worker per work date across a ticket's lines.

Amounts are worked by hand from the roster's day rates (conftest): a skilled carpenter at
400.00 a day over the default 8-hour day is 50.00 an hour, 75.00 an hour of work-day
overtime (150 %), 100.00 on a rest day (200 %), 150.00 on a statutory holiday (300 %).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from openpyxl import load_workbook

from sitebook.audit.models import ChangeRecord
from sitebook.core.errors import InvalidInput
from sitebook.costs.models import CostTransaction
from sitebook.labour import documents, services
from sitebook.labour.models import DayType, LabourLine, Ticket
from tests.conftest import ApiClient
from tests.costs.factories import cost_codes
from tests.labour.test_overnight import _approve

D = Decimal
TUESDAY = dt.date(2026, 11, 3)  # a work day
SATURDAY = dt.date(2026, 11, 7)  # a rest day
EVE_OF_NATIONAL_DAY = dt.date(2026, 9, 30)  # a work day; 1 October is a statutory holiday


def _ticket(
    roster: Any,
    day: dt.date,
    rows: list[tuple[Any, str, str, Any]],
    *,
    rate: str | None = None,
    **extra: Any,
) -> Ticket:
    """A ticket of `rows`: (worker, start, end, break minutes or None), at `rate` if given."""
    return services.ticket_create(
        actor=roster.world.users["foreman"],
        project=roster.world.project,
        location="3#楼 5层",
        work_date=day,
        instruction_source="supervisor",
        reason="out_of_scope",
        labour=[
            {"worker_id": w.pk, "start": s, "end": e, "break_minutes": b, "rate": rate}
            for w, s, e, b in rows
        ],
        **extra,
    )


def _lines(ticket: Ticket) -> list[tuple[D, D, D, D]]:
    """(hours, normal hours, overtime hours, amount) of each line, in the order entered."""
    return [
        (x.hours, x.normal_hours, x.overtime_hours, x.amount) for x in ticket.labour_lines.all()
    ]


def _counts() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "lines": LabourLine.objects.count(),
        "changes": ChangeRecord.objects.count(),
    }


# --- breaks ----------------------------------------------------------------------------------


def test_a_lunch_break_is_taken_off_the_hours(roster: Any) -> None:
    carpenter = roster.workers[0]
    # 08:00-17:00 is 9 h; less 60 min, 8 h: the standard day at 100 %, 8 x 50 = 400.00.
    ticket = _ticket(roster, TUESDAY, [(carpenter, "08:00", "17:00", 60)])
    line = ticket.labour_lines.get()
    assert line.break_minutes == 60
    assert _lines(ticket) == [(D("8"), D("8"), D("0"), D("400.00"))]
    assert line.days == D("1")
    assert ticket.total == D("400.00")
    # Without a break the same span is 8 h at 100 % and 1 h at 150 %: 400 + 75 = 475.00.
    other = _ticket(roster, TUESDAY, [(roster.workers[1], "08:00", "17:00", None)])
    assert other.labour_lines.get().break_minutes == 0
    assert _lines(other) == [(D("9"), D("8"), D("1"), D("475.00"))]


def test_an_odd_break_is_priced_from_exact_minutes(roster: Any) -> None:
    # 08:00-12:00 less 20 min is 220 min, shown as 3.6667 h (four places, display only).
    # Pay comes from the minutes: 400.00 x 220 / (60 x 8) = 88000 / 480 = 183.3333...,
    # 183.33 to the fen (pricing the shown hours, 3.6667 x 50 = 183.335, gave 183.34).
    ticket = _ticket(roster, TUESDAY, [(roster.workers[0], "08:00", "12:00", 20)])
    assert _lines(ticket) == [(D("3.6667"), D("3.6667"), D("0"), D("183.33"))]
    assert ticket.total == D("183.33")


def test_odd_minutes_of_overtime_are_priced_exactly(roster: Any) -> None:
    # 07:00-16:02 less 60 min is 482 min at an entered 380.00 a day: 480 normal minutes
    # and 2 of overtime. 380.00 x (480 x 1.00 + 2 x 1.50) / (60 x 8) = 380.00 x 483 / 480
    # = 382.375 -> 382.38 (half-up). Pricing the shown hours gave 8 x 47.50 + 0.0333 x
    # 71.25 = 382.3726 -> 382.37.
    ticket = _ticket(roster, TUESDAY, [(roster.workers[0], "07:00", "16:02", 60)], rate="380.00")
    assert _lines(ticket) == [(D("8.0333"), D("8"), D("0.0333"), D("382.38"))]


def test_a_line_split_in_two_costs_the_same_to_the_fen(roster: Any) -> None:
    carpenter, other = roster.workers[0], roster.workers[1]
    # 08:00-12:00 less 20 min as one line is 220 min, 183.33 (above). The same minutes as
    # two lines of one worker, 08:00-09:05 less 20 (45 min) and 09:05-12:00 (175 min):
    # 400.00 x 45 / 480 = 37.50 and 400.00 x 175 / 480 = 145.8333... -> 145.83, together
    # 183.33. Each part is rounded once, so a split moves the total by a fen at most.
    whole = _ticket(roster, TUESDAY, [(carpenter, "08:00", "12:00", 20)])
    split = _ticket(roster, TUESDAY, [(other, "08:00", "09:05", 20), (other, "09:05", "12:00", 0)])
    assert [x.amount for x in split.labour_lines.all()] == [D("37.50"), D("145.83")]
    assert whole.total == split.total == D("183.33")


def test_the_exact_amount_is_what_the_cost_centre_receives(roster: Any) -> None:
    world = roster.world
    codes = cost_codes(world)
    # Two lines of 220 min (183.33 each, above) and one of 65 - 20 = 45 min (37.50):
    # 183.33 + 183.33 + 37.50 = 404.16, the sum of the lines' rounded amounts, posted as is
    # (pricing the shown hours gave 183.34 + 183.34 + 37.50 = 404.18).
    carpenter, other = roster.workers[0], roster.workers[1]
    rows = [
        (carpenter, "08:00", "12:00", 20),
        (other, "08:00", "12:00", 20),
        (carpenter, "13:00", "14:05", 20),
    ]
    ticket = _ticket(roster, TUESDAY, rows, cost_code="01.02")
    assert [x.amount for x in ticket.labour_lines.all()] == [D("183.33"), D("183.33"), D("37.50")]
    assert ticket.total == D("404.16")
    assert _approve(world, ticket).status == Ticket.Status.APPROVED
    txn = CostTransaction.objects.get(source_type="labour_ticket", source_id=str(ticket.pk))
    assert (txn.cost_code, txn.amount) == (codes["01.02"], D("404.16"))


def test_an_overnight_break_comes_off_the_date_with_more_hours(roster: Any) -> None:
    carpenter = roster.workers[0]
    # 20:00-05:00 is 4 h on the work day and 5 h on the holiday; the 60-minute break comes
    # off the holiday's 5 h: 4 x 50 + 4 x 150 = 200 + 600 = 800.00 (not 3 x 50 + 5 x 150).
    ticket = _ticket(roster, EVE_OF_NATIONAL_DAY, [(carpenter, "20:00", "05:00", 60)])
    line = ticket.labour_lines.get()
    assert [(p["date"], p["day_type"], D(p["hours"]), D(p["amount"])) for p in line.parts] == [
        ("2026-09-30", DayType.WORK_DAY, D("4"), D("200.00")),
        ("2026-10-01", DayType.STATUTORY_HOLIDAY, D("4"), D("600.00")),
    ]
    assert (line.hours, line.amount) == (D("8"), D("800.00"))


def test_an_overnight_break_on_equal_dates_comes_off_the_earlier(roster: Any) -> None:
    # 22:00-02:00: 2 h each side of midnight. 30 min off 30 September: 1.5 x 50 = 75.00,
    # and 2 h on the holiday, 2 x 150 = 300.00; 375.00 in all.
    ticket = _ticket(roster, EVE_OF_NATIONAL_DAY, [(roster.workers[0], "22:00", "02:00", 30)])
    line = ticket.labour_lines.get()
    assert [(p["date"], D(p["hours"]), D(p["amount"])) for p in line.parts] == [
        ("2026-09-30", D("1.5"), D("75.00")),
        ("2026-10-01", D("2"), D("300.00")),
    ]
    assert line.amount == D("375.00")


def test_a_break_longer_than_the_larger_date_spills_onto_the_other(roster: Any) -> None:
    # 22:00-02:00 less 180 min: the 2 h of 30 September go, and 60 min more come off the
    # holiday, which keeps 1 h: 1 x 150 = 150.00. The emptied date has no part.
    ticket = _ticket(roster, EVE_OF_NATIONAL_DAY, [(roster.workers[0], "22:00", "02:00", 180)])
    line = ticket.labour_lines.get()
    assert [(p["date"], D(p["hours"]), D(p["amount"])) for p in line.parts] == [
        ("2026-10-01", D("1"), D("150.00")),
    ]
    assert (line.hours, line.amount) == (D("1"), D("150.00"))


@pytest.mark.parametrize(
    ("start", "end", "minutes", "words"),
    [
        ("08:00", "09:00", 60, "leaves no time worked"),  # the whole span
        ("08:00", "09:00", 90, "leaves no time worked"),  # more than the span
        ("08:00", "17:00", 241, "from 0 to 240"),
        ("08:00", "17:00", -5, "from 0 to 240"),
        ("08:00", "17:00", "30.5", "whole number"),
        ("08:00", "17:00", "half", "whole number"),
    ],
)
def test_a_bad_break_is_refused_naming_its_field_and_nothing_is_written(
    roster: Any, start: str, end: str, minutes: Any, words: str
) -> None:
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        _ticket(
            roster,
            TUESDAY,
            [(roster.workers[0], "08:00", "12:00", 0), (roster.workers[1], start, end, minutes)],
        )
    assert exc.value.errors[0]["field"] == "labour.1.break_minutes"
    assert words in str(exc.value.detail)
    assert _counts() == before


# --- overtime per worker per work date -------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "rows", "expected", "total"),
    [
        # 5 h + 6 h = 11 h: the first 8 are normal, the last 3 overtime. 07:00-12:00:
        # 5 x 50 = 250.00; 13:00-19:00: 3 x 50 + 3 x 75 = 150 + 225 = 375.00; in all
        # 8 x 50 + 3 x 75 = 400.00 + 225.00 = 625.00.
        (
            TUESDAY,
            [("07:00", "12:00", 0), ("13:00", "19:00", 0)],
            [("5", "5", "0", "250.00"), ("6", "3", "3", "375.00")],
            "625.00",
        ),
        # The same lines entered the other way round: the day still runs in time order.
        (
            TUESDAY,
            [("13:00", "19:00", 0), ("07:00", "12:00", 0)],
            [("6", "3", "3", "375.00"), ("5", "5", "0", "250.00")],
            "625.00",
        ),
        # Breaks come off before the day is counted: 4.5 h + 5.5 h = 10 h, 8 normal and 2
        # overtime. 4.5 x 50 = 225.00; 3.5 x 50 + 2 x 75 = 175 + 150 = 325.00.
        (
            TUESDAY,
            [("07:00", "12:00", 30), ("13:00", "19:00", 30)],
            [("4.5", "4.5", "0", "225.00"), ("5.5", "3.5", "2", "325.00")],
            "550.00",
        ),
        # On a rest day every hour is at 200 %, none overtime: 5 x 100 and 6 x 100.
        (
            SATURDAY,
            [("07:00", "12:00", 0), ("13:00", "19:00", 0)],
            [("5", "5", "0", "500.00"), ("6", "6", "0", "600.00")],
            "1100.00",
        ),
    ],
)
def test_a_workers_lines_on_one_ticket_share_the_standard_day(
    roster: Any,
    day: dt.date,
    rows: list[tuple[str, str, int]],
    expected: list[tuple[str, ...]],
    total: str,
) -> None:
    carpenter = roster.workers[0]
    ticket = _ticket(roster, day, [(carpenter, s, e, b) for s, e, b in rows])
    assert _lines(ticket) == [tuple(D(x) for x in line) for line in expected]
    assert ticket.labour_total == ticket.total == D(total)
    assert ticket.warnings == []  # 11 h is not more than the 11 allowed


def test_other_workers_lines_do_not_count_towards_a_workers_day(roster: Any) -> None:
    a, b = roster.workers[0], roster.workers[1]
    # Each carpenter works 6 h: 300.00 each, no overtime.
    ticket = _ticket(roster, TUESDAY, [(a, "07:00", "13:00", 0), (b, "13:00", "19:00", 0)])
    assert [x[3] for x in _lines(ticket)] == [D("300.00"), D("300.00")]


def test_lines_on_different_tickets_are_priced_apart_but_warned_together(roster: Any) -> None:
    carpenter = roster.workers[0]
    first = _ticket(roster, TUESDAY, [(carpenter, "07:00", "12:00", 0)])
    # Another instruction the same day: 7 h on its own, all normal, 7 x 50 = 350.00; the
    # worker's 12 h that day are still more than the 11 allowed.
    second = _ticket(roster, TUESDAY, [(carpenter, "13:00", "20:00", 0)])
    assert _lines(first) == [(D("5"), D("5"), D("0"), D("250.00"))]
    assert _lines(second) == [(D("7"), D("7"), D("0"), D("350.00"))]
    assert [(w["code"], w["hours"]) for w in second.warnings] == [("too_many_hours", "12")]


def test_too_many_hours_on_one_ticket_is_warned_once_per_worker(roster: Any) -> None:
    carpenter = roster.workers[0]
    ticket = _ticket(
        roster, TUESDAY, [(carpenter, "06:00", "12:00", 0), (carpenter, "12:00", "18:00", 0)]
    )
    assert [(w["code"], w["hours"]) for w in ticket.warnings] == [("too_many_hours", "12")]
    # 12 h: 8 x 50 + 4 x 75 = 700.00
    assert ticket.total == D("700.00")


def test_a_workers_overlapping_lines_on_one_ticket_are_refused(roster: Any) -> None:
    carpenter = roster.workers[0]
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        _ticket(
            roster, TUESDAY, [(carpenter, "08:00", "12:00", 0), (carpenter, "11:00", "14:00", 0)]
        )
    assert exc.value.errors[0]["field"] == "labour.1.start"
    assert "line 1" in str(exc.value.detail)
    assert _counts() == before


def test_editing_a_ticket_reprices_it_with_its_break(roster: Any) -> None:
    carpenter = roster.workers[0]
    ticket = _ticket(roster, TUESDAY, [(carpenter, "08:00", "17:00", None)])
    assert ticket.total == D("475.00")
    edited = services.ticket_update(
        actor=roster.world.users["foreman"],
        ticket=ticket,
        version=ticket.version,
        location=ticket.location,
        labour=[{"worker_id": carpenter.pk, "start": "08:00", "end": "17:00", "break_minutes": 60}],
    )
    assert edited.total == D("400.00")
    assert edited.labour_lines.get().break_minutes == 60


# --- API, page, export, print ----------------------------------------------------------------


def _api_body(roster: Any, labour: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "location": "1#楼",
        "work_date": TUESDAY.isoformat(),
        "instruction_source": "owner",
        "reason": "variation",
        "labour": labour,
    }


def test_the_api_takes_breaks_and_several_lines_of_a_worker(roster: Any) -> None:
    world, carpenter = roster.world, roster.workers[0]
    response = ApiClient(world.users["foreman"]).post(
        f"/api/v1/projects/{world.project.pk}/labour/tickets",
        _api_body(
            roster,
            [
                {"worker_id": carpenter.pk, "start": "07:00", "end": "12:00"},
                {"worker_id": carpenter.pk, "start": "13:00", "end": "20:00", "break_minutes": 60},
            ],
        ),
    )
    assert response.status_code == 201, response.content
    lines = response.json()["labour"]
    assert [
        (x["break_minutes"], D(x["hours"]), D(x["overtime_hours"]), D(x["amount"])) for x in lines
    ] == [(0, D("5"), D("0"), D("250.00")), (60, D("6"), D("3"), D("375.00"))]
    assert D(response.json()["total"]) == D("625.00")


def test_the_api_refuses_a_break_as_long_as_the_line(roster: Any) -> None:
    world = roster.world
    before = _counts()
    response = ApiClient(world.users["foreman"]).post(
        f"/api/v1/projects/{world.project.pk}/labour/tickets",
        _api_body(
            roster,
            [
                {
                    "worker_id": roster.workers[0].pk,
                    "start": "08:00",
                    "end": "10:00",
                    "break_minutes": 120,
                }
            ],
        ),
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "labour.0.break_minutes"
    assert _counts() == before


def _page_post(roster: Any, client: Client, end: str, minutes: str) -> Any:
    """The new-ticket page posted with one carpenter from 08:00 to `end`."""
    return client.post(
        f"/projects/{roster.world.project.pk}/labour/new/",
        {
            "work_date": TUESDAY.isoformat(),
            "location": "1#楼",
            "instruction_source": "owner",
            "reason": "variation",
            "labour-0-worker": str(roster.workers[0].pk),
            "labour-0-start": "08:00",
            "labour-0-end": end,
            "labour-0-break_minutes": minutes,
        },
    )


@pytest.mark.parametrize(("language", "words"), [("en", "less 60 min break"), ("zh-hans", "休息")])
def test_the_page_takes_a_break_and_shows_it(roster: Any, language: str, words: str) -> None:
    world = roster.world
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.users["foreman"])
    form = client.get(f"/projects/{world.project.pk}/labour/new/").content.decode()
    assert 'name="labour-0-break_minutes"' in form and 'id="break-help"' in form
    response = _page_post(roster, client, "17:00", "60")
    assert response.status_code == 302
    ticket = Ticket.objects.get(location="1#楼")
    assert ticket.total == D("400.00")
    page = client.get(response["Location"]).content.decode()
    assert words in page and "(8.00 h)" in page
    edit = client.get(f"/projects/{world.project.pk}/labour/tickets/{ticket.pk}/edit/")
    assert 'name="labour-0-break_minutes" id="labour-0-break_minutes" value="60"' in (
        edit.content.decode()
    )


def test_the_page_names_a_break_longer_than_the_line(roster: Any) -> None:
    world = roster.world
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["foreman"])
    before = _counts()
    response = _page_post(roster, client, "09:00", "90")
    assert response.status_code == 400
    assert "the break of 90 minutes leaves no time worked" in response.content.decode()
    assert _counts() == before


def test_the_export_and_the_print_show_the_break(roster: Any) -> None:
    world = roster.world
    ticket = _ticket(roster, TUESDAY, [(roster.workers[0], "08:00", "17:00", 60)])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["viewer"])
    response = client.get(f"/projects/{world.project.pk}/labour/export/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Start"], row["End"], row["Break (minutes)"], row["Hours"]) == (
        "08:00",
        "17:00",
        60,
        8,
    )
    assert row["Amount"] == 400
    assert documents.line_time(ticket.labour_lines.get()) == "08:00-17:00 (break 60 min)"
    pdf = client.get(f"/projects/{world.project.pk}/labour/tickets/{ticket.pk}/print/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


# --- stored tickets --------------------------------------------------------------------------


def _migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("labour", target)])


@pytest.mark.django_db(transaction=True)
def test_lines_stored_before_breaks_keep_their_amounts_until_edited(roster: Any) -> None:
    carpenter = roster.workers[0]
    # 9 h with no break: 8 x 50 + 1 x 75 = 475.00, stored before the column exists.
    ticket = _ticket(roster, TUESDAY, [(carpenter, "08:00", "17:00", None)])
    stored = LabourLine.objects.values("hours", "amount", "parts").get()
    _migrate("0006_labourline_pay_parts")
    _migrate("0007_labourline_break_minutes")
    line = LabourLine.objects.get()
    assert (line.break_minutes, line.hours, line.amount, line.parts) == (
        0,
        stored["hours"],
        D("475.00"),
        stored["parts"],
    )
    ticket.refresh_from_db()
    assert ticket.total == D("475.00")
    edited = services.ticket_update(
        actor=roster.world.users["foreman"],
        ticket=ticket,
        version=ticket.version,
        labour=[{"worker_id": carpenter.pk, "start": "08:00", "end": "17:00", "break_minutes": 60}],
    )
    assert edited.total == D("400.00")
