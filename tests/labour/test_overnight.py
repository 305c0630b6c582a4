"""Overnight shifts (夜班): an end at or before the start ends the next day.

Amounts are worked by hand from the roster's day rates (conftest): a skilled carpenter at
400.00 a day and a labourer at 240.00, over the default 8-hour day, so 50.00 and 30.00 an
hour; overtime on a work day 150 %, a rest day 200 %, a statutory holiday 300 %.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from sitebook.core.errors import InvalidInput
from sitebook.labour import documents, selectors, services
from sitebook.labour.models import DayType, LabourLine, Ticket
from tests.conftest import ApiClient

D = Decimal
EVE_OF_NATIONAL_DAY = dt.date(2026, 9, 30)  # a Wednesday, a work day; 1 October is a holiday
TUESDAY = dt.date(2026, 11, 3)  # a work day followed by another (Wednesday)
FRIDAY = dt.date(2026, 11, 6)  # a work day followed by a rest day (Saturday)


def _local(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=timezone.get_current_timezone())


def _parts(line: LabourLine) -> list[tuple[str, str, D, D, D]]:
    return [
        (p["date"], p["day_type"], D(p["hours"]), D(p["overtime_hours"]), D(p["amount"]))
        for p in line.parts
    ]


def _approve(world: Any, ticket: Ticket) -> Ticket:
    ticket = services.ticket_submit(
        actor=world.users["foreman"], ticket=ticket, version=ticket.version
    )
    for step in ("team_leader", "site_engineer", "project_manager"):
        who = "foreman" if step != "project_manager" else "project_manager"
        ticket = services.ticket_sign(
            actor=world.users[who], ticket=ticket, version=ticket.version, step=step
        )
    return ticket


# --- pay -------------------------------------------------------------------------------------


def test_a_night_into_national_day_is_paid_by_each_dates_day_type(roster: Any) -> None:
    carpenter, labourer = roster.workers[0], roster.workers[2]
    ticket = roster.ticket(
        EVE_OF_NATIONAL_DAY, [("20:00", "04:00")] * 2, workers=[carpenter, labourer]
    )
    by_worker = {line.worker_id: line for line in ticket.labour_lines.all()}
    line = by_worker[carpenter.pk]
    assert (line.start, line.end) == (
        _local(EVE_OF_NATIONAL_DAY, 20),
        _local(dt.date(2026, 10, 1), 4),
    )
    assert line.overnight
    # 4 h on the work day at 100 % (4 x 50 = 200) + 4 h on the holiday at 300 % (4 x 150 = 600)
    assert _parts(line) == [
        ("2026-09-30", DayType.WORK_DAY, D("4"), D("0"), D("200.00")),
        ("2026-10-01", DayType.STATUTORY_HOLIDAY, D("4"), D("0"), D("600.00")),
    ]
    assert (line.hours, line.days, line.overtime_hours) == (D("8"), D("1"), D("0"))
    assert line.amount == D("800.00")
    # The labourer: 4 x 30 + 4 x 90 = 480.00
    assert by_worker[labourer.pk].amount == D("480.00")
    assert ticket.labour_total == ticket.total == D("1280.00")
    # The ticket keeps its work date's day type; the line its work date.
    assert (ticket.day_type, line.day_type, line.work_date) == (
        DayType.WORK_DAY,
        DayType.WORK_DAY,
        EVE_OF_NATIONAL_DAY,
    )


def test_a_night_between_two_work_days_pays_overtime_after_the_standard_day(
    roster: Any,
) -> None:
    carpenter = roster.workers[0]
    # 18:00-06:00 is 12 h: 6 h on Tuesday, then 2 h to finish the 8-hour day and 4 h of
    # overtime on Wednesday: 6 x 50 = 300 and 2 x 50 + 4 x 75 = 400, 700.00 in all.
    night = roster.ticket(TUESDAY, [("18:00", "06:00")], workers=[carpenter])
    line = night.labour_lines.get()
    assert _parts(line) == [
        ("2026-11-03", DayType.WORK_DAY, D("6"), D("0"), D("300.00")),
        ("2026-11-04", DayType.WORK_DAY, D("6"), D("4"), D("400.00")),
    ]
    assert (line.hours, line.normal_hours, line.overtime_hours) == (D("12"), D("8"), D("4"))
    assert (line.days, line.amount) == (D("1.5"), D("700.00"))
    # The same 12 hours worked by day cost the same: overtime counts from the line's start.
    day = roster.ticket(TUESDAY, [("06:00", "18:00")], workers=[roster.workers[1]])
    assert day.labour_lines.get().amount == D("700.00")
    # 20:00-04:00 is 8 h, all within the working day: 8 x 50 = 400.00.
    short = roster.ticket(TUESDAY, [("20:00", "04:00")], workers=[roster.workers[2]])
    assert short.labour_lines.get().hours == D("8")
    assert short.labour_lines.get().amount == D("240.00")  # the labourer: 8 x 30


def test_hours_past_the_standard_day_on_a_rest_day_take_the_rest_day_rate(roster: Any) -> None:
    # Friday 20:00 to Saturday 08:00, 12 h: 4 h on Friday at 100 % (200.00), then 8 h on the
    # Saturday at 200 % (800.00) -- the 4 h beyond the 8-hour day are rest-day hours, not
    # work-day overtime, as a day shift on a rest day is paid today.
    ticket = roster.ticket(FRIDAY, [("20:00", "08:00")], workers=[roster.workers[0]])
    line = ticket.labour_lines.get()
    assert _parts(line) == [
        ("2026-11-06", DayType.WORK_DAY, D("4"), D("0"), D("200.00")),
        ("2026-11-07", DayType.REST_DAY, D("8"), D("0"), D("800.00")),
    ]
    assert line.amount == D("1000.00")


def test_a_shift_ending_at_midnight_has_no_part_on_the_next_day(roster: Any) -> None:
    ticket = roster.ticket(EVE_OF_NATIONAL_DAY, [("16:00", "00:00")], workers=[roster.workers[0]])
    line = ticket.labour_lines.get()
    assert line.end == _local(dt.date(2026, 10, 1), 0)
    assert _parts(line) == [("2026-09-30", DayType.WORK_DAY, D("8"), D("0"), D("400.00"))]


# --- refused lengths -------------------------------------------------------------------------


def _count() -> tuple[int, int]:
    return Ticket.objects.count(), LabourLine.objects.count()


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("20:00", "20:00", "shorter than 24 hours"),  # at or before: the next day, 24 h
        ("08:00:00", "08:00:30", "zero hours"),  # no whole minute
    ],
)
def test_a_line_of_24_hours_or_of_no_time_is_refused_naming_its_end(
    roster: Any, start: str, end: str, words: str
) -> None:
    before = _count()
    with pytest.raises(InvalidInput) as exc:
        roster.ticket(TUESDAY, [("08:00", "12:00"), (start, end)])
    assert exc.value.errors[0]["field"] == "labour.1.end"
    assert words in str(exc.value.detail)
    assert _count() == before


# --- warnings --------------------------------------------------------------------------------


def test_overlap_after_midnight_is_warned_across_projects(roster: Any, world_a: Any) -> None:
    other = roster.second_project()
    worker = roster.workers[0]
    night = roster.ticket(TUESDAY, [("20:00", "04:00")], workers=[worker])
    assert night.warnings == []
    morning = roster.ticket(
        TUESDAY + dt.timedelta(days=1),
        [("02:00", "06:00")],
        workers=[worker],
        actor=world_a.admin,
        project=other,
    )
    assert [(w["code"], w["ticket"]) for w in morning.warnings] == [("overlap", night.number)]
    # Recorded the other way round, the night shift is the one warned.
    early = roster.ticket(
        FRIDAY + dt.timedelta(days=1),
        [("01:00", "03:00")],
        workers=[worker],
        actor=world_a.admin,
        project=other,
    )
    friday_night = roster.ticket(FRIDAY, [("22:00", "02:00")], workers=[worker])
    assert [(w["code"], w["ticket"]) for w in friday_night.warnings] == [("overlap", early.number)]


def test_back_to_back_across_midnight_is_no_overlap_and_hours_count_on_the_work_date(
    roster: Any,
) -> None:
    worker = roster.workers[1]
    roster.ticket(TUESDAY, [("18:00", "04:00")], workers=[worker])  # 10 h on Tuesday
    # 04:00-08:00 on Wednesday meets the night shift's end, and the night's 10 h are
    # Tuesday's: 4 h on Wednesday is not more than the 11 allowed.
    after = roster.ticket(TUESDAY + dt.timedelta(days=1), [("04:00", "08:00")], workers=[worker])
    assert after.warnings == []
    # Another 2 h on Tuesday makes 12 h that day.
    more = roster.ticket(TUESDAY, [("08:00", "10:00")], workers=[worker])
    assert [w["code"] for w in more.warnings] == ["too_many_hours"]


# --- summaries, pages, API, documents --------------------------------------------------------


def test_a_night_shift_counts_in_the_month_of_its_work_date(roster: Any) -> None:
    world = roster.world
    _approve(world, roster.ticket(EVE_OF_NATIONAL_DAY, [("20:00", "04:00")]))
    by_month = selectors.summary(world.project, "month")
    assert [(r.key, r.hours, r.amount) for r in by_month] == [("2026-09", D("8"), D("800.00"))]


def test_the_api_takes_a_night_shift_and_shows_its_end_and_parts(roster: Any) -> None:
    world = roster.world
    response = ApiClient(world.users["foreman"]).post(
        f"/api/v1/projects/{world.project.pk}/labour/tickets",
        {
            "location": "长安街 K3+200",
            "work_date": EVE_OF_NATIONAL_DAY.isoformat(),
            "instruction_source": "owner",
            "reason": "emergency",
            "labour": [{"worker_id": roster.workers[0].pk, "start": "20:00", "end": "04:00"}],
        },
    )
    assert response.status_code == 201, response.content
    line = response.json()["labour"][0]
    assert dt.datetime.fromisoformat(line["end"]) == _local(dt.date(2026, 10, 1), 4)
    assert line["overnight"] is True
    assert [(p["date"], p["day_type"], D(p["amount"])) for p in line["parts"]] == [
        ("2026-09-30", "work_day", D("200.00")),
        ("2026-10-01", "statutory_holiday", D("600.00")),
    ]
    assert D(response.json()["total"]) == D("800.00")


def _page_post(roster: Any, client: Client) -> Any:
    return client.post(
        f"/projects/{roster.world.project.pk}/labour/new/",
        {
            "work_date": EVE_OF_NATIONAL_DAY.isoformat(),
            "location": "长安街 K3+200",
            "instruction_source": "owner",
            "reason": "emergency",
            "labour-0-worker": str(roster.workers[0].pk),
            "labour-0-start": "20:00",
            "labour-0-end": "04:00",
        },
    )


@pytest.mark.parametrize(("language", "next_day"), [("en", "+1 day"), ("zh-hans", "次日")])
def test_the_page_takes_a_night_shift_and_marks_the_next_day(
    roster: Any, language: str, next_day: str
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(roster.world.users["foreman"])
    form = client.get(f"/projects/{roster.world.project.pk}/labour/new/")
    assert 'id="overnight-help"' in form.content.decode()
    response = _page_post(roster, client)
    assert response.status_code == 302
    ticket = Ticket.objects.get(location="长安街 K3+200")
    assert ticket.total == D("800.00")
    page = client.get(response["Location"]).content.decode()
    assert f'20:00–04:00 <span class="next-day">{next_day}</span>' in page
    edit = client.get(f"/projects/{roster.world.project.pk}/labour/tickets/{ticket.pk}/edit/")
    assert 'value="04:00"' in edit.content.decode()
    assert next_day in edit.content.decode()


def test_the_export_and_the_print_show_the_next_day_end(roster: Any) -> None:
    ticket = roster.ticket(EVE_OF_NATIONAL_DAY, [("20:00", "04:00")])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(roster.world.users["viewer"])
    response = client.get(f"/projects/{roster.world.project.pk}/labour/export/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    head, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert head[-1] == "Pay by date"
    assert (row["Start"], row["End"], row["Hours"]) == ("20:00", "04:00 +1 day", 8)
    assert row["Pay by date"] == (
        "09-30 Work day 4.00 h × 100%; 10-01 Statutory holiday 4.00 h × 300%"
    )
    line = ticket.labour_lines.get()
    assert documents.line_end(line) == "04:00 +1 day"
    assert documents.pay_by_date(line, day_type=False) == [
        "09-30 4.00 h × 100%",
        "10-01 4.00 h × 300%",
    ]
    pdf = client.get(f"/projects/{roster.world.project.pk}/labour/tickets/{ticket.pk}/print/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
