"""Tickets: numbering, sign-off chain, deemed acceptance, warnings, bad input, posting to
the cost centre."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from sitebook.audit.models import ChangeRecord
from sitebook.core.errors import Conflict, Forbidden, InvalidInput
from sitebook.costs import selectors as cost_selectors
from sitebook.costs import services as costs
from sitebook.costs.models import CostCode, CostTransaction
from sitebook.labour import selectors, services
from sitebook.labour.models import LabourLine, Signature, Ticket, Worker
from tests.conftest import ApiClient
from tests.costs.factories import cost_codes

DAY = dt.date(2026, 6, 2)  # a Tuesday


def _sign_through(world: Any, ticket: Ticket, steps: list[str]) -> Ticket:
    for step in steps:
        code_user = "foreman" if step in ("team_leader", "site_engineer") else "project_manager"
        ticket = services.ticket_sign(
            actor=world.users[code_user], ticket=ticket, version=ticket.version, step=step
        )
    return ticket


def _submitted(roster: Any, **extra: Any) -> Ticket:
    ticket = roster.ticket(DAY, **extra)
    return services.ticket_submit(
        actor=roster.world.users["foreman"], ticket=ticket, version=ticket.version
    )


def test_numbers_follow_the_rule_per_project_and_month(roster: Any) -> None:
    a = roster.ticket(DAY, [("08:00", "10:00")])
    b = roster.ticket(DAY, [("10:00", "12:00")])
    c = roster.ticket(dt.date(2026, 7, 1), [("08:00", "10:00")])
    code = roster.world.project.code
    assert [a.number, b.number, c.number] == [
        f"DG-{code}-202606-0001",
        f"DG-{code}-202606-0002",
        f"DG-{code}-202607-0001",
    ]


def _labour_postings() -> list[tuple[str, str, Decimal]]:
    return list(
        CostTransaction.objects.filter(source_type="labour_ticket")
        .order_by("id")
        .values_list("source_id", "cost_code__code", "amount")
    )


def test_internal_ticket_is_approved_by_the_project_manager_and_posted_to_cost(
    roster: Any,
) -> None:
    world = roster.world
    codes = cost_codes(world)
    # 9 hours and a material line with fen: 475.00 + 3.333 x 1.37 (4.57) = 479.57
    ticket = _submitted(
        roster,
        cost_code="01.02",
        materials=[{"name": "编织袋", "unit": "个", "quantity": "3.333", "unit_price": "1.37"}],
    )
    assert ticket.cost_code == codes["01.02"]
    assert ticket.total == Decimal("479.57")
    ticket = _sign_through(world, ticket, ["team_leader", "site_engineer"])
    assert ticket.status == Ticket.Status.SUBMITTED
    assert _labour_postings() == []
    ticket = _sign_through(world, ticket, ["project_manager"])
    assert ticket.status == Ticket.Status.APPROVED
    assert ticket.approved_at is not None
    txn = CostTransaction.objects.get(source_type="labour_ticket", source_id=str(ticket.pk))
    assert (txn.project, txn.cost_code, txn.kind) == (world.project, codes["01.02"], "labour")
    assert (txn.amount, txn.date) == (Decimal("479.57"), DAY)
    assert ticket.number in txn.description
    steps = list(Signature.objects.filter(ticket=ticket).values_list("step", flat=True))
    assert steps == ["team_leader", "site_engineer", "project_manager"]
    assert all(s.signed_at for s in Signature.objects.filter(ticket=ticket))
    # Exactly once: approving again is refused, posting again keeps the one transaction.
    with pytest.raises(Conflict):
        _sign_through(world, ticket, ["project_manager"])
    again, _warnings = services.post_ticket_cost(
        actor=world.users["project_manager"], ticket=ticket
    )
    assert again.pk == txn.pk
    assert _labour_postings() == [(str(ticket.pk), "01.02", Decimal("479.57"))]
    # Labour's cost report reads the cost centre's transactions.
    report = selectors.cost_report(world.project)
    assert [(r.cost_code, r.name, r.tickets, r.amount) for r in report] == [
        ("01.02", "主体结构", 1, Decimal("479.57"))
    ]
    # The cost centre's summary shows it under the cost code and its parent.
    summary = cost_selectors.cost_summary(world.project)
    actual = {row.code.code: row.actual for row in summary.rows}
    assert actual == {"01": Decimal("479.57"), "01.01": 0, "01.02": Decimal("479.57")}
    assert summary.total.actual == Decimal("479.57")
    web = Client()
    web.force_login(world.users["project_manager"])
    page = web.get(f"/projects/{world.project.pk}/costs/")
    assert page.status_code == 200 and "479.57" in page.content.decode()
    page = web.get(f"/projects/{world.project.pk}/labour/cost/")
    assert page.status_code == 200 and "479.57" in page.content.decode()
    # Without a budget the cost centre warns (and never blocks): the ticket keeps the warning.
    codes_ = [w["code"] for w in ticket.warnings]
    texts = dict(zip(codes_, selectors.ticket_sheet(ticket).warnings, strict=True))
    assert "Cost code 01.02 would exceed its budget" in texts["budget"]


def test_a_ticket_may_be_recorded_against_a_cost_code_by_id_from_the_page(roster: Any) -> None:
    world = roster.world
    codes = cost_codes(world)
    web = Client()
    web.force_login(world.users["foreman"])
    url = f"/projects/{world.project.pk}/labour/new/"
    form = web.get(url)
    assert f'value="{codes["01.01"].pk}"' in form.content.decode()
    response = web.post(
        url,
        {
            "work_date": DAY.isoformat(),
            "location": "3#楼",
            "instruction_source": "owner",
            "reason": "variation",
            "cost_code": str(codes["01.01"].pk),
            "labour-0-worker": str(roster.workers[0].pk),
            "labour-0-start": "08:00",
            "labour-0-end": "12:00",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(location="3#楼")
    assert ticket.cost_code == codes["01.01"]
    api = ApiClient(world.users["foreman"]).get(f"/api/v1/labour/tickets/{ticket.pk}").json()
    assert (api["cost_code_id"], api["cost_code"]) == (codes["01.01"].pk, "01.01")


def test_a_ticket_without_a_cost_code_posts_to_its_wbs_elements_or_to_day_labour(
    roster: Any,
) -> None:
    world = roster.world
    node = world.project.wbs_nodes.get(code="1.1")
    piling = costs.cost_code_create(
        actor=world.admin, project=world.project, code="02", name="桩基", wbs_node_id=node.pk
    )
    plain = _sign_through(
        world, _submitted(roster), ["team_leader", "site_engineer", "project_manager"]
    )
    second = _sign_through(
        world,
        _submitted(roster, hours=[("18:00", "20:00")]),
        ["team_leader", "site_engineer", "project_manager"],
    )
    mapped = _sign_through(
        world,
        _submitted(roster, hours=[("20:00", "21:00")], wbs_node_id=node.pk),
        ["team_leader", "site_engineer", "project_manager"],
    )
    day_labour = CostCode.objects.get(project=world.project, code="DAYWORK")
    assert (day_labour.name, day_labour.name_en, day_labour.parent) == (
        "计日工",
        "Day labour",
        None,
    )
    assert _labour_postings() == [
        (str(plain.pk), "DAYWORK", plain.total),
        (str(second.pk), "DAYWORK", second.total),
        (str(mapped.pk), "02", mapped.total),
    ]
    assert services.posting_cost_code(mapped) == piling
    assert CostCode.objects.filter(code="DAYWORK").count() == 1


def test_an_unknown_cost_code_is_refused_and_changes_nothing(roster: Any, world_b: Any) -> None:
    world = roster.world
    codes = cost_codes(world)
    elsewhere = costs.cost_code_create(
        actor=world_b.admin, project=world_b.project, code="01.02", name="别的项目"
    )
    before = (Ticket.objects.count(), ChangeRecord.objects.count())
    response = ApiClient(world.users["foreman"]).post(
        f"/api/v1/projects/{world.project.pk}/labour/tickets",
        {
            "location": "x",
            "work_date": DAY.isoformat(),
            "instruction_source": "owner",
            "reason": "variation",
            "cost_code": "9.9-XX",
            "labour": [{"worker_id": roster.workers[0].pk, "start": "08:00", "end": "12:00"}],
        },
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["cost_code"]
    assert "9.9-XX" in response.json()["errors"][0]["message"]
    for header in (
        {"cost_code_id": elsewhere.pk},
        {"cost_code": elsewhere},
        {"cost_code_id": codes["01.01"].pk, "cost_code": "01.02"},
    ):
        with pytest.raises(InvalidInput):
            roster.ticket(DAY, **header)
    assert (Ticket.objects.count(), ChangeRecord.objects.count()) == before
    # A submitted ticket keeps its code and its signatures when a change names an unknown one.
    ticket = _sign_through(world, _submitted(roster, cost_code="01.01"), ["team_leader"])
    with pytest.raises(InvalidInput) as refused:
        services.ticket_update(
            actor=world.users["foreman"],
            ticket=ticket,
            version=ticket.version,
            location="x",
            cost_code="9.9-XX",
            labour=[{"worker_id": roster.workers[0].pk, "start": "08:00", "end": "09:00"}],
        )
    assert refused.value.errors[0]["field"] == "cost_code"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.cost_code) == (Ticket.Status.SUBMITTED, codes["01.01"])
    assert Signature.objects.filter(ticket=ticket).count() == 1
    # Approval of a ticket whose code is not its project's (only by a write around the
    # services) is refused naming the field: no signature, no posting, nothing recorded.
    ticket = _sign_through(world, ticket, ["site_engineer"])
    Ticket.objects.filter(pk=ticket.pk).update(cost_code=elsewhere)
    ticket.refresh_from_db()
    before = ChangeRecord.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _sign_through(world, ticket, ["project_manager"])
    assert refused.value.errors[0]["field"] == "cost_code"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SUBMITTED
    assert Signature.objects.filter(ticket=ticket).count() == 2
    assert not CostTransaction.objects.exists()
    assert not CostCode.objects.filter(code="DAYWORK").exists()
    assert ChangeRecord.objects.count() == before


def test_signatures_follow_the_chain_in_order(roster: Any) -> None:
    world = roster.world
    ticket = _submitted(roster)
    with pytest.raises(Conflict):
        services.ticket_sign(
            actor=world.users["project_manager"],
            ticket=ticket,
            version=ticket.version,
            step="project_manager",
        )
    assert not Signature.objects.filter(ticket=ticket).exists()


def test_approval_without_permission_is_refused_and_changes_nothing(roster: Any) -> None:
    world = roster.world
    ticket = _sign_through(world, _submitted(roster), ["team_leader", "site_engineer"])
    before = ChangeRecord.objects.count()
    with pytest.raises(Forbidden):
        services.ticket_sign(
            actor=world.users["foreman"],
            ticket=ticket,
            version=ticket.version,
            step="project_manager",
        )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SUBMITTED
    assert ChangeRecord.objects.count() == before
    response = ApiClient(world.users["foreman"]).post(
        f"/api/v1/labour/tickets/{ticket.pk}/sign",
        {"version": ticket.version, "step": "project_manager"},
    )
    assert response.status_code == 403
    assert not CostTransaction.objects.exists()
    assert not CostCode.objects.filter(code="DAYWORK").exists()


def test_recoverable_ticket_is_deemed_accepted_when_the_owner_stays_silent(
    roster: Any,
) -> None:
    world = roster.world
    ticket = _submitted(roster, recoverable=True)
    ticket = _sign_through(world, ticket, ["team_leader", "site_engineer", "project_manager"])
    assert ticket.owner_status == Ticket.OwnerStatus.PENDING
    sent = ticket.owner_submitted_at
    org = world.org.pk
    # One minute short of the two days: nothing happens.
    early = sent + dt.timedelta(days=2) - dt.timedelta(minutes=1)
    assert services.deemed_acceptance_sweep(organisation_id=org, now=early) == 0
    ticket.refresh_from_db()
    assert ticket.owner_status == Ticket.OwnerStatus.PENDING
    assert (
        services.deemed_acceptance_sweep(organisation_id=org, now=sent + dt.timedelta(days=2)) == 1
    )
    ticket.refresh_from_db()
    assert ticket.owner_status == Ticket.OwnerStatus.DEEMED
    assert ticket.owner_answered_at == sent + dt.timedelta(days=2)
    owner = Signature.objects.get(ticket=ticket, step="owner")
    assert owner.deemed and owner.signed_at == sent + dt.timedelta(days=2)
    assert "2" in owner.signer
    assert list(selectors.claimable(world.project)) == [ticket]
    # The sweep is idempotent.
    assert services.deemed_acceptance_sweep(organisation_id=org, now=timezone.now()) == 0


def test_deemed_acceptance_period_is_the_organisations(roster: Any) -> None:
    world = roster.world
    settings = services.settings_for(world.org.pk)
    services.settings_update(
        actor=world.admin,
        organisation_id=world.org.pk,
        version=settings.version,
        deemed_acceptance_days=7,
    )
    ticket = _submitted(roster, recoverable=True)
    ticket = _sign_through(world, ticket, ["team_leader", "site_engineer", "project_manager"])
    sent = ticket.owner_submitted_at
    now = sent + dt.timedelta(days=3)
    assert services.deemed_acceptance_sweep(organisation_id=world.org.pk, now=now) == 0
    now = sent + dt.timedelta(days=7)
    assert services.deemed_acceptance_sweep(organisation_id=world.org.pk, now=now) == 1


def test_owner_signature_accepts_before_the_clock(roster: Any) -> None:
    world = roster.world
    ticket = _submitted(roster, recoverable=True)
    ticket = _sign_through(
        world, ticket, ["team_leader", "site_engineer", "project_manager", "supervisor", "owner"]
    )
    assert ticket.owner_status == Ticket.OwnerStatus.ACCEPTED
    later = timezone.now() + dt.timedelta(days=5)
    assert services.deemed_acceptance_sweep(organisation_id=world.org.pk, now=later) == 0


def test_editing_a_signed_ticket_clears_its_signatures(roster: Any) -> None:
    world = roster.world
    ticket = _sign_through(world, _submitted(roster), ["team_leader", "site_engineer"])
    assert Signature.objects.filter(ticket=ticket).count() == 2
    worker = roster.workers[0]
    ticket = services.ticket_update(
        actor=world.users["foreman"],
        ticket=ticket,
        version=ticket.version,
        location="3#楼 6层",
        labour=[{"worker_id": worker.pk, "start": "08:00", "end": "18:00"}],
    )
    assert ticket.status == Ticket.Status.DRAFT
    assert ticket.submitted_at is None
    assert not Signature.objects.filter(ticket=ticket).exists()
    assert ticket.labour_lines.get().hours == Decimal("10")


def test_an_approved_ticket_cannot_be_edited(roster: Any) -> None:
    world = roster.world
    ticket = _sign_through(
        world, _submitted(roster), ["team_leader", "site_engineer", "project_manager"]
    )
    with pytest.raises(Conflict):
        services.ticket_update(
            actor=world.users["foreman"],
            ticket=ticket,
            version=ticket.version,
            location="x",
            labour=[{"worker_id": roster.workers[0].pk, "start": "08:00", "end": "09:00"}],
        )


def test_stale_version_is_refused(roster: Any) -> None:
    ticket = _submitted(roster)
    response = ApiClient(roster.world.users["foreman"]).post(
        f"/api/v1/labour/tickets/{ticket.pk}/sign",
        {"version": ticket.version - 1, "step": "team_leader"},
    )
    assert response.status_code == 409


# --- warnings --------------------------------------------------------------------------------


def test_same_worker_on_overlapping_hours_is_warned_across_projects(
    roster: Any, world_a: Any
) -> None:
    other = roster.second_project()
    worker = roster.workers[0]
    first = roster.ticket(DAY, [("08:00", "12:00")], workers=[worker])
    assert first.warnings == []
    second = roster.ticket(
        DAY, [("11:00", "15:00")], workers=[worker], actor=world_a.admin, project=other
    )
    assert [w["code"] for w in second.warnings] == ["overlap"]
    assert second.warnings[0]["ticket"] == first.number
    assert second.warnings[0]["project"] == world_a.project.code
    text = selectors.warning_text(second.warnings[0])
    assert worker.name in text and first.number in text
    # Back-to-back hours are not an overlap.
    third = roster.ticket(DAY, [("15:00", "16:00")], workers=[worker], project=world_a.project)
    assert "overlap" not in [w["code"] for w in third.warnings]


def test_more_hours_in_a_day_than_allowed_is_warned(roster: Any) -> None:
    worker = roster.workers[0]
    roster.ticket(DAY, [("06:00", "12:00")], workers=[worker])
    second = roster.ticket(DAY, [("12:30", "18:30")], workers=[worker])
    assert [w["code"] for w in second.warnings] == ["too_many_hours"]
    assert second.warnings[0]["hours"] == "12"
    assert second.warnings[0]["limit"] == "11"


def test_submission_later_than_24_hours_after_the_work_is_warned(roster: Any) -> None:
    old = roster.ticket(dt.date(2026, 6, 1), [("08:00", "17:00")])
    old = services.ticket_submit(actor=roster.world.users["foreman"], ticket=old, version=1)
    assert [w["code"] for w in old.warnings] == ["late"]
    assert "24" in selectors.warning_text(old.warnings[0])


def test_prompt_submission_is_not_late(roster: Any) -> None:
    today = timezone.localdate()
    ticket = roster.ticket(today, [("00:00", "00:30")])
    ticket = services.ticket_submit(
        actor=roster.world.users["foreman"], ticket=ticket, version=ticket.version
    )
    assert "late" not in [w["code"] for w in ticket.warnings]


# --- bad input -------------------------------------------------------------------------------


def _nothing_written(before: dict[str, int]) -> None:
    assert {
        "tickets": Ticket.objects.count(),
        "lines": LabourLine.objects.count(),
        "changes": ChangeRecord.objects.count(),
    } == before


def _counts() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "lines": LabourLine.objects.count(),
        "changes": ChangeRecord.objects.count(),
    }


@pytest.mark.parametrize(
    ("labour", "materials", "field"),
    [
        # An end at or before the start ends the next day; an equal one would be 24 hours.
        ([{"start": "08:00", "end": "08:00"}], [], "labour.1.end"),
        ([{"worker_id": 999999, "start": "08:00", "end": "09:00"}], [], "labour.1.worker_id"),
        (
            [],
            [{"name": "水泥", "unit": "t", "quantity": "-1", "unit_price": "500"}],
            "materials.0.quantity",
        ),
    ],
)
def test_bad_lines_are_named_and_nothing_is_written(
    roster: Any, labour: list[dict[str, Any]], materials: list[dict[str, Any]], field: str
) -> None:
    world = roster.world
    good = {"worker_id": roster.workers[0].pk, "start": "08:00", "end": "12:00"}
    lines = [good] + [
        {"worker_id": roster.workers[1].pk, **row} if "worker_id" not in row else row
        for row in labour
    ]
    before = _counts()
    body = {
        "location": "1#楼",
        "work_date": str(DAY),
        "instruction_source": "owner",
        "reason": "variation",
        "labour": lines,
        "materials": materials,
    }
    response = ApiClient(world.users["foreman"]).post(
        f"/api/v1/projects/{world.project.pk}/labour/tickets", body
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == field
    _nothing_written(before)


def test_a_ticket_in_a_closed_period_is_refused(roster: Any) -> None:
    world = roster.world
    services.period_close(actor=world.admin, project=world.project, month=dt.date(2026, 6, 1))
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        roster.ticket(DAY)
    assert exc.value.errors[0]["field"] == "work_date"
    assert "2026-06" in str(exc.value.detail)
    _nothing_written(before)


def test_a_ticket_already_recorded_in_a_now_closed_period_cannot_change(roster: Any) -> None:
    world = roster.world
    ticket = roster.ticket(DAY)
    services.period_close(actor=world.admin, project=world.project, month=DAY)
    with pytest.raises(InvalidInput):
        services.ticket_submit(actor=world.users["foreman"], ticket=ticket, version=1)


def test_a_page_form_with_end_equal_to_start_shows_the_error(roster: Any) -> None:
    world = roster.world
    client = Client()
    client.force_login(world.users["foreman"])
    before = _counts()
    response = client.post(
        f"/projects/{world.project.pk}/labour/new/",
        {
            "work_date": str(DAY),
            "location": "1#楼",
            "instruction_source": "owner",
            "reason": "variation",
            "labour-0-worker": str(roster.workers[0].pk),
            "labour-0-start": "17:00",
            "labour-0-end": "17:00",
        },
    )
    assert response.status_code == 400
    assert "a line must be shorter than 24 hours" in response.content.decode()
    _nothing_written(before)


def _xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def test_roster_import_with_wrong_columns_is_refused(roster: Any) -> None:
    world = roster.world
    client = Client()
    client.force_login(world.admin)
    before = Worker.objects.count()
    response = client.post(
        f"/projects/{world.project.pk}/labour/roster/import/",
        {"file": _xlsx([["姓名", "身份证"], ["赵六", "110101198001010053"]])},
    )
    assert response.status_code == 400
    assert "name, id_number, phone, trade, grade, team" in response.content.decode()
    assert Worker.objects.count() == before


def test_roster_import_checks_every_row_before_writing(roster: Any) -> None:
    world = roster.world
    header = ["name", "id_number", "phone", "trade", "grade", "team"]
    good = ["赵六", "110101198001010053", "139", "MG", "skilled", "木工一班"]
    bad = ["钱七", "110101198001010054", "", "MG", "skilled", ""]
    before = Worker.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.roster_import(actor=world.admin, project=world.project, rows=[header, good, bad])
    assert exc.value.errors[0]["field"] == "row 3.id_number"
    assert Worker.objects.count() == before
    report = services.roster_import(
        actor=world.admin,
        project=world.project,
        rows=[
            header,
            good,
            [roster.workers[0].name, roster.workers[0].id_number, "", "木工", "skilled", ""],
        ],
    )
    assert report.created == 1 and len(report.skipped) == 1
    assert Worker.objects.count() == before + 1


def test_a_file_that_is_not_excel_is_refused(roster: Any) -> None:
    client = Client()
    client.force_login(roster.world.admin)
    response = client.post(
        f"/projects/{roster.world.project.pk}/labour/roster/import/",
        {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")},
    )
    assert response.status_code == 400
    assert "Excel" in response.content.decode()


def test_worker_ids_are_masked_in_lists(roster: Any) -> None:
    world = roster.world
    response = ApiClient(world.users["viewer"]).get(
        f"/api/v1/projects/{world.project.pk}/labour/workers"
    )
    items = response.json()["items"]
    full = roster.workers[0].id_number
    assert full not in response.content.decode()
    assert any(i["id_masked"] == full[:6] + "********" + full[-4:] for i in items)


# --- summaries, documents ----------------------------------------------------------------------


def test_summaries_aggregate_approved_tickets(roster: Any) -> None:
    world = roster.world
    ticket = _sign_through(
        world,
        _submitted(roster, hours=[("08:00", "17:00")] * 3),
        ["team_leader", "site_engineer", "project_manager"],
    )
    roster.ticket(DAY, [("18:00", "19:00")])  # a draft: not in the summaries
    by_trade = {r.label: r for r in selectors.summary(world.project, "trade")}
    assert set(by_trade) == {"Carpenter", "Labourer"}
    assert by_trade["Carpenter"].hours == Decimal("18")
    by_month = selectors.summary(world.project, "month")
    assert [(r.key, r.amount) for r in by_month] == [("2026-06", ticket.labour_total)]
    assert [r.entries for r in selectors.summary(world.project, "team")] == [3]
    assert len(selectors.summary(world.project, "worker")) == 3
    response = ApiClient(world.users["cost_engineer"]).get("/api/v1/labour/summary?by=project")
    assert [Decimal(r["amount"]) for r in response.json()] == [ticket.labour_total]


def test_printed_ticket_is_a_pdf_with_the_amount_in_words(roster: Any) -> None:
    ticket = roster.ticket(dt.date(2026, 10, 1), [("08:00", "17:00")] * 3)
    client = Client()
    client.force_login(roster.world.users["viewer"])
    response = client.get(f"/projects/{roster.world.project.pk}/labour/tickets/{ticket.pk}/print/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert selectors.ticket_sheet(ticket).total_upper == "叁仟伍佰壹拾元整"


def test_export_lists_every_labour_line(roster: Any) -> None:
    roster.ticket(DAY, [("08:00", "17:00")] * 3)
    client = Client()
    client.force_login(roster.world.users["viewer"])
    response = client.get(f"/projects/{roster.world.project.pk}/labour/export/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4
    assert {r[3] for r in rows[1:]} == {"张三", "李四", "王五"}


def test_the_deemed_acceptance_command_sweeps_every_organisation(roster: Any) -> None:
    world = roster.world
    ticket = _submitted(roster, recoverable=True)
    ticket = _sign_through(world, ticket, ["team_leader", "site_engineer", "project_manager"])
    Ticket.objects.filter(pk=ticket.pk).update(
        owner_submitted_at=ticket.owner_submitted_at - dt.timedelta(days=3)
    )
    out = io.StringIO()
    call_command("labour_deemed_acceptance", stdout=out)
    assert out.getvalue().startswith("1 ticket")
    ticket.refresh_from_db()
    assert ticket.owner_status == Ticket.OwnerStatus.DEEMED


def test_material_and_plant_amounts_round_half_up_to_the_fen(roster: Any) -> None:
    """Money rounds half up everywhere: 0.5 x 0.25 = 0.125 is 0.13 (Python's default, half
    even, would give 0.12) on a material line and on a plant line."""
    ticket = roster.ticket(
        DAY,
        materials=[{"name": "钉子", "unit": "kg", "quantity": "0.5", "unit_price": "0.25"}],
        plant=[{"model": "潜水泵", "units": 1, "quantity": "0.5", "rate": "0.25"}],
    )
    assert [m.amount for m in ticket.material_lines.all()] == [Decimal("0.13")]
    assert [p.amount for p in ticket.plant_lines.all()] == [Decimal("0.13")]
