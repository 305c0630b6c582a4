"""Resources and assignments: stored by the import as the files carry them, counted in the
report, listed on the resources page with exact totals, and used by DCMA check 10."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sitebook.engine.network import ActivityType
from sitebook.schedule.models import Activity, Resource, ResourceAssignment
from sitebook.schedule.quality import dcma_for
from tests.schedule.conftest import AIRPORT, FIXTURES, import_file


def test_xer_import_stores_resources_and_assignments(world_a: Any) -> None:
    run = import_file(world_a, AIRPORT)
    counts = run.report["counts"]
    assert (counts["resources"], counts["assignments"]) == (7, 62)
    assert not any("resource" in line for line in run.report["skipped"])
    rcon = Resource.objects.get(project=world_a.project, code="RCON")
    assert (rcon.name, rcon.kind, rcon.unit) == ("Reinforced Concrete Quantities", "material", "M3")
    # TASKRSRC 81303: resource 3936 on task 120010, 20,547 units budgeted.
    line = ResourceAssignment.objects.select_related("activity", "resource").get(
        project=world_a.project, resource__external_id="3936", activity__external_id="120010"
    )
    assert line.planned_quantity == Decimal("20547.000")
    assert line.remaining_quantity == Decimal("20547.000")
    # A second import replaces them rather than adding to them.
    import_file(world_a, AIRPORT)
    assert Resource.objects.filter(project=world_a.project).count() == 7
    assert ResourceAssignment.objects.filter(project=world_a.project).count() == 62


def test_mspdi_import_stores_work_and_cost(world_a: Any) -> None:
    run = import_file(world_a, FIXTURES / "msproject-xml" / "mspditimephased.xml")
    counts = run.report["counts"]
    assert counts["resources"] == Resource.objects.filter(project=world_a.project).count() > 0
    stored = ResourceAssignment.objects.filter(project=world_a.project)
    assert counts["assignments"] == stored.count() > 0
    first = stored.select_related("activity", "resource").get(
        activity__external_id="1", resource__external_id="1"
    )
    assert first.planned_quantity == Decimal("75.000")  # PT75H0M0S of work
    assert first.resource.unit == "h"


def test_p6_xml_assignments_are_reported_as_skipped(world_a: Any) -> None:
    run = import_file(world_a, FIXTURES / "p6-pmxml" / "plasma-product-launch.xml")
    assert run.report["counts"]["assignments"] == 0
    assert any("82 resource assignments" in line for line in run.report["skipped"])


def _page(world: Any) -> tuple[int, str]:
    web = Client()
    web.force_login(world.users["viewer"])
    with CaptureQueriesContext(connection) as queries:
        response = web.get(f"/projects/{world.project.pk}/schedule/resources/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_resources_page_totals_in_a_fixed_number_of_queries(world_a: Any) -> None:
    import_file(world_a, AIRPORT)
    before, html = _page(world_a)
    rcon = ResourceAssignment.objects.filter(project=world_a.project, resource__code="RCON")
    total = sum(a.planned_quantity for a in rcon)
    assert total > 0
    assert "<td>RCON</td>" in html and f">{total:,.3f}<" in html
    project = world_a.project
    activity = Activity.objects.filter(project=project).first()
    for i in range(25):
        resource = Resource.objects.create(
            organisation=world_a.org, project=project, code=f"R{i:02d}", name="钢筋工"
        )
        for _ in range(2):
            ResourceAssignment.objects.create(
                organisation=world_a.org,
                project=project,
                activity=activity,
                resource=resource,
                planned_quantity=Decimal("0.1"),
                planned_cost=Decimal("0.10"),
            )
    after, html = _page(world_a)
    assert after == before
    # Ten cents summed exactly, whatever the database does with decimals.
    row = html[html.index("<td>R00</td>") :].split("</tr>")[0]
    assert '<td class="num">2</td><td class="num">0.200</td>' in row
    assert '<td class="num">0.20</td>' in row


def test_dcma_resources_check_uses_stored_assignments(world_a: Any) -> None:
    import_file(world_a, AIRPORT)
    project = world_a.project
    check = next(c for c in dcma_for(project) if c["number"] == 10)
    loaded = set(
        ResourceAssignment.objects.filter(project=project, planned_quantity__gt=0).values_list(
            "activity__code", flat=True
        )
    )
    tasks = [
        a
        for a in Activity.objects.filter(project=project, actual_finish__isnull=True)
        .filter(type=ActivityType.TASK.value)
        .select_related("calendar")
        if a.original_duration >= a.calendar.hours_per_day * 60
    ]
    missing = sorted(a.code for a in tasks if a.code not in loaded)
    assert check["population"] == len(tasks)
    assert check["activities"] == missing
    assert check["passed"] is (not missing)
    assert check["value"] == round(100.0 * len(missing) / len(tasks), 2)
    # Loading one more task with hours takes it off the list.
    if missing:
        target = Activity.objects.get(project=project, code=missing[0])
        ResourceAssignment.objects.create(
            organisation=world_a.org,
            project=project,
            activity=target,
            resource=Resource.objects.filter(project=project).first(),
            planned_quantity=Decimal("8"),
        )
        again = next(c for c in dcma_for(project) if c["number"] == 10)
        assert missing[0] not in again["activities"]
        assert again["count"] == check["count"] - 1


def test_project_without_resources_keeps_check_10_not_assessed(world_a: Any) -> None:
    from tests.schedule.routes import sched

    sched(world_a)
    check = next(c for c in dcma_for(world_a.project) if c["number"] == 10)
    assert check["value"] is None and check["passed"] is None


def _with_taskrsrc_row_changed(data: bytes, **values: str) -> bytes:
    """The airport file with the first TASKRSRC row's named fields replaced."""
    lines = data.split(b"\n")
    start = next(i for i, line in enumerate(lines) if line.rstrip(b"\r") == b"%T\tTASKRSRC")
    fields = lines[start + 1].rstrip(b"\r").split(b"\t")[1:]
    row = lines[start + 2].split(b"\t")
    for name, value in values.items():
        row[1 + fields.index(name.encode())] = value.encode()
    lines[start + 2] = b"\t".join(row)
    return b"\n".join(lines)


def test_assignments_the_database_cannot_hold_are_reported_not_stored(world_a: Any) -> None:
    from sitebook.schedule.importer import schedule_import

    data = _with_taskrsrc_row_changed(AIRPORT.read_bytes(), rsrc_id="999999")
    run = schedule_import(actor=world_a.admin, data=data, filename="a.xer", project=world_a.project)
    assert run.report["counts"]["assignments"] == 61
    assert any("999999" in line for line in run.report["skipped"])
    data = _with_taskrsrc_row_changed(AIRPORT.read_bytes(), target_qty="1E+20")
    run = schedule_import(actor=world_a.admin, data=data, filename="b.xer", project=world_a.project)
    assert run.report["counts"]["assignments"] == 61
    assert any("too large" in line for line in run.report["skipped"])
    assert ResourceAssignment.objects.filter(project=world_a.project).count() == 61
