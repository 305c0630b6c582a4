"""Resources and assignments: stored by the import as the files carry them, counted in the
report, listed on the resources page with exact totals, used by DCMA check 10, and edited by
hand through the services, the API and the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sitebook.audit.models import ChangeRecord
from sitebook.core.errors import Conflict, Forbidden, InvalidInput, StaleVersion
from sitebook.engine.network import ActivityType
from sitebook.schedule import resources, services
from sitebook.schedule.models import Activity, Resource, ResourceAssignment
from sitebook.schedule.quality import dcma_for
from tests.conftest import ApiClient, build_world
from tests.schedule.conftest import AIRPORT, FIXTURES, import_file
from tests.schedule.routes import res, sched


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


# --- hand edits: services, API and pages ---------------------------------------------------------


def _state() -> tuple[int, int, int]:
    """What a refused write must leave as it was: rows and the change log."""
    return (
        Resource.objects.count(),
        ResourceAssignment.objects.count(),
        ChangeRecord.objects.count(),
    )


def _refused(call: Any, field: str, exc_type: type = InvalidInput) -> None:
    before = _state()
    with pytest.raises(exc_type) as caught:
        call()
    assert field in {e["field"] for e in caught.value.errors}, caught.value.errors
    assert _state() == before


def test_services_create_update_and_delete_with_change_records(world_a: Any) -> None:
    a = sched(world_a)
    project, admin = world_a.project, world_a.admin
    crane = resources.resource_create(
        actor=admin, project=project, code=" TC1 ", name="塔吊", kind="equipment", unit="h"
    )
    assert (crane.code, crane.kind, crane.version) == ("TC1", "equipment", 1)
    line = resources.assignment_create(
        actor=admin,
        project=project,
        activity_id=a["A100"].pk,
        resource_id=crane.pk,
        planned_quantity=Decimal("40"),
        actual_quantity=Decimal("10"),
        planned_cost=Decimal("12000.50"),
    )
    # Remaining defaults to budgeted less actual.
    assert line.remaining_quantity == Decimal("30")
    # An overrun: more remaining than budgeted is allowed (P6 allows it).
    line = resources.assignment_update(
        actor=admin, assignment=line, version=1, remaining_quantity=Decimal("55")
    )
    assert (line.remaining_quantity, line.version) == (Decimal("55"), 2)
    # The same resource twice on one activity is allowed, as P6 and the importer allow it.
    twice = resources.assignment_create(
        actor=admin, project=project, activity_id=a["A100"].pk, resource_id=crane.pk
    )
    crane = resources.resource_update(
        actor=admin, resource=crane, version=1, name="塔吊 QTZ80", unit="台班"
    )
    assert (crane.name, crane.unit, crane.version) == ("塔吊 QTZ80", "台班", 2)
    records = ChangeRecord.objects.filter(object_id__in=[str(crane.pk), str(line.pk)])
    assert {(r.action, r.actor_id) for r in records} >= {("create", admin.pk), ("update", admin.pk)}
    resources.assignment_delete(actor=admin, assignment=twice, version=twice.version)
    resources.assignment_delete(actor=admin, assignment=line, version=line.version)
    resources.resource_delete(actor=admin, resource=crane, version=crane.version)
    assert not Resource.objects.filter(project=project).exists()
    deleted = ChangeRecord.objects.filter(action="delete", object_id=str(crane.pk))
    assert deleted.filter(content_type__model="resource").count() == 1


def test_bad_input_names_the_field_and_changes_nothing(world_a: Any) -> None:
    a = sched(world_a)
    project, admin = world_a.project, world_a.admin
    crane = resources.resource_create(actor=admin, project=project, code="TC1", kind="equipment")
    other = resources.resource_create(actor=admin, project=project, code="RB")
    line = resources.assignment_create(
        actor=admin, project=project, activity_id=a["A100"].pk, resource_id=crane.pk
    )

    def create(**kw: Any) -> Any:
        return lambda: resources.resource_create(actor=admin, project=project, **kw)

    _refused(create(code="  "), "code")
    _refused(create(code="TC1"), "code")
    _refused(create(code="X1", kind="robot"), "kind")
    _refused(create(code="X" * 61), "code")
    _refused(
        lambda: resources.resource_update(actor=admin, resource=other, version=1, code="TC1"),
        "code",
    )

    def assign(**kw: Any) -> Any:
        base = {"activity_id": a["A200"].pk, "resource_id": crane.pk}
        return lambda: resources.assignment_create(actor=admin, project=project, **{**base, **kw})

    for name in resources.FIGURES:
        _refused(assign(**{name: Decimal("-1")}), name)
    _refused(assign(planned_cost=Decimal("1.234")), "planned_cost")
    _refused(assign(planned_quantity=Decimal("1E+20")), "planned_quantity")
    _refused(
        lambda: resources.assignment_update(
            actor=admin, assignment=line, version=1, actual_cost=Decimal("-0.01")
        ),
        "actual_cost",
    )
    # The activity and the resource must be the project's: another organisation's rows are
    # not named, just absent.
    world_b = build_world("rb")
    b = sched(world_b)
    stranger = resources.resource_create(actor=world_b.admin, project=world_b.project, code="Z")
    _refused(assign(activity_id=b["A100"].pk), "activity")
    _refused(assign(resource_id=stranger.pk), "resource")
    _refused(
        lambda: resources.assignment_update(
            actor=admin, assignment=line, version=1, resource_id=stranger.pk
        ),
        "resource",
    )


def _crane_on(world: Any, code: str) -> tuple[Any, Any]:
    """Resource TC1, made by the admin, assigned to activity `code` of the small schedule."""
    activity = sched(world)[code]
    crane = resources.resource_create(actor=world.admin, project=world.project, code="TC1")
    line = resources.assignment_create(
        actor=world.admin, project=world.project, activity_id=activity.pk, resource_id=crane.pk
    )
    return crane, line


def test_stale_versions_and_used_resources_are_conflicts(world_a: Any) -> None:
    admin = world_a.admin
    crane, line = _crane_on(world_a, "A100")
    resources.resource_update(actor=admin, resource=crane, version=1, name="first")
    _refused(
        lambda: resources.resource_update(actor=admin, resource=crane, version=1, name="second"),
        "version",
        StaleVersion,
    )
    _refused(
        lambda: resources.resource_delete(actor=admin, resource=crane, version=2),
        "resource",
        Conflict,
    )
    resources.assignment_update(actor=admin, assignment=line, version=1, planned_cost=5)
    _refused(
        lambda: resources.assignment_delete(actor=admin, assignment=line, version=1),
        "version",
        StaleVersion,
    )
    assert Resource.objects.get(pk=crane.pk).name == "first"


def test_viewer_may_read_but_not_write(world_a: Any) -> None:
    sched(world_a)
    viewer = world_a.users["viewer"]
    before = _state()
    with pytest.raises(Forbidden):
        resources.resource_create(actor=viewer, project=world_a.project, code="V1")
    assert _state() == before


def test_deleting_an_activity_records_its_assignments_removal(world_a: Any) -> None:
    _crane, line = _crane_on(world_a, "A300")
    a300 = sched(world_a)["A300"]
    services.activity_delete(actor=world_a.admin, activity=a300, version=a300.version)
    assert not ResourceAssignment.objects.filter(pk=line.pk).exists()
    assert ChangeRecord.objects.filter(
        action="delete", object_id=str(line.pk), content_type__model="resourceassignment"
    ).exists()


# --- API -----------------------------------------------------------------------------------------


def test_api_creates_lists_updates_and_deletes(world_a: Any) -> None:
    a = sched(world_a)
    api = ApiClient(world_a.users["scheduler"])
    p = world_a.project.pk
    made = api.post(
        f"/api/v1/projects/{p}/resources",
        {"code": "MAT-C35", "name": "商品混凝土", "kind": "material", "unit": "m3"},
    )
    assert made.status_code == 201, made.content
    rid = made.json()["id"]
    assert made.json()["planned_cost"] == "0.00" and made.json()["assignment_count"] == 0
    for activity, cost in (("A100", "1000.10"), ("A200", "2000.20")):
        x = api.post(
            f"/api/v1/projects/{p}/assignments",
            {
                "activity_id": a[activity].pk,
                "resource_id": rid,
                "planned_quantity": "12.5",
                "planned_cost": cost,
            },
        )
        assert x.status_code == 201, x.content
    body = x.json()
    assert (body["activity_code"], body["resource_code"]) == ("A200", "MAT-C35")
    assert (body["planned_cost"], body["remaining_quantity"]) == ("2000.20", "12.500")
    listed = api.get(f"/api/v1/projects/{p}/resources").json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert (row["assignment_count"], row["planned_units"], row["planned_cost"]) == (
        2,
        "25.000",
        "3000.30",
    )
    only = api.get(f"/api/v1/projects/{p}/assignments?activity_id={a['A100'].pk}").json()
    assert [i["activity_code"] for i in only["items"]] == ["A100"]
    by_resource = api.get(f"/api/v1/projects/{p}/assignments?resource_id={rid}").json()
    assert by_resource["count"] == 2
    xid = body["id"]
    changed = api.patch(f"/api/v1/assignments/{xid}", {"version": 1, "actual_cost": "99.90"})
    assert changed.status_code == 200 and changed.json()["actual_cost"] == "99.90"
    renamed = api.patch(f"/api/v1/resources/{rid}", {"version": 1, "name": "C35 混凝土"})
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["actual_cost"]) == ("C35 混凝土", "99.90")
    # In use: refused with a message saying why.
    used = api.delete(f"/api/v1/resources/{rid}?version=2")
    assert used.status_code == 409 and "MAT-C35" in used.json()["detail"]
    assert api.delete(f"/api/v1/assignments/{xid}?version=2").status_code == 204
    first = ResourceAssignment.objects.get(project=world_a.project)
    assert api.delete(f"/api/v1/assignments/{first.pk}?version=1").status_code == 204
    assert api.delete(f"/api/v1/resources/{rid}?version=2").status_code == 204
    assert api.get(f"/api/v1/resources/{rid}").status_code == 404


def test_api_errors_name_the_field_and_change_nothing(world_a: Any, world_b: Any) -> None:
    a = sched(world_a)
    route = res(world_a)
    theirs = sched(world_b)["A100"]
    api = ApiClient(world_a.admin)
    p = world_a.project.pk
    before = _state()
    cases = [
        ("post", f"/api/v1/projects/{p}/resources", {"code": "CRANE"}, 400, "code"),
        ("post", f"/api/v1/projects/{p}/resources", {"code": ""}, 400, "code"),
        ("post", f"/api/v1/projects/{p}/resources", {"code": "K", "kind": "robot"}, 400, "kind"),
        (
            "post",
            f"/api/v1/projects/{p}/assignments",
            {"activity_id": a["A100"].pk, "resource_id": route["CRANE"].pk, "actual_cost": "-1"},
            400,
            "actual_cost",
        ),
        (
            "post",
            f"/api/v1/projects/{p}/assignments",
            {"activity_id": theirs.pk, "resource_id": route["CRANE"].pk},
            400,
            "activity",
        ),
        (
            "patch",
            f"/api/v1/resources/{route['CRANE'].pk}",
            {"version": route["CRANE"].version + 1, "name": "x"},
            409,
            "version",
        ),
        (
            "patch",
            f"/api/v1/assignments/{route['assignment'].pk}",
            {"version": 1, "planned_quantity": "-5"},
            400,
            "planned_quantity",
        ),
    ]
    for method, path, payload, status, field in cases:
        response = getattr(api, method)(path, payload)
        assert response.status_code == status, (path, response.content)
        body = response.json()
        assert body["detail"] and field in [e["field"] for e in body["errors"]], body
    assert _state() == before


def test_api_other_organisation_is_404_and_viewer_403(world_a: Any, world_b: Any) -> None:
    theirs = res(world_b)
    outsider = ApiClient(world_a.admin)
    viewer = ApiClient(world_a.users["viewer"])
    mine = res(world_a)
    before = _state()
    for path in (
        f"/api/v1/resources/{theirs['CRANE'].pk}",
        f"/api/v1/projects/{world_b.project.pk}/resources",
        f"/api/v1/projects/{world_b.project.pk}/assignments",
    ):
        assert outsider.get(path).status_code == 404
    assert (
        outsider.patch(f"/api/v1/assignments/{theirs['assignment'].pk}", {"version": 1}).status_code
        == 404
    )
    assert viewer.get(f"/api/v1/projects/{world_a.project.pk}/resources").status_code == 200
    denied = [
        viewer.post(f"/api/v1/projects/{world_a.project.pk}/resources", {"code": "V"}),
        viewer.patch(f"/api/v1/resources/{mine['FREE'].pk}", {"version": 1, "name": "v"}),
        viewer.delete(f"/api/v1/resources/{mine['FREE'].pk}?version=1"),
        viewer.delete(f"/api/v1/assignments/{mine['assignment'].pk}?version=1"),
    ]
    assert [r.status_code for r in denied] == [403] * 4
    assert _state() == before


# --- pages ---------------------------------------------------------------------------------------


def _web(user: Any) -> Client:
    web = Client()
    web.force_login(user)
    return web


def test_resources_page_adds_edits_and_deletes(world_a: Any) -> None:
    route = res(world_a)
    web = _web(world_a.users["scheduler"])
    url = f"/projects/{world_a.project.pk}/schedule/resources/"
    added = web.post(url, {"code": "LAB-1", "name": "钢筋班组", "kind": "labour", "unit": ""})
    assert added.status_code == 302
    lab = Resource.objects.get(project=world_a.project, code="LAB-1")
    page = web.get(f"{url}?edit={lab.pk}").content.decode()
    assert 'id="resource-edit"' in page and 'value="钢筋班组"' in page
    edit = f"{url}{lab.pk}/"
    saved = web.post(edit, {"version": "1", "code": "LAB-1", "name": "钢筋工", "kind": "labour"})
    assert saved.status_code == 302
    assert Resource.objects.get(pk=lab.pk).name == "钢筋工"
    before = _state()
    # A stale form: 409, the page again with the message on it, nothing changed.
    stale = web.post(edit, {"version": "1", "code": "LAB-1", "name": "x", "kind": "labour"})
    assert stale.status_code == 409 and "Someone else changed" in stale.content.decode()
    clash = web.post(edit, {"version": "2", "code": "CRANE", "name": "x", "kind": "labour"})
    assert clash.status_code == 400 and "already uses the ID CRANE" in clash.content.decode()
    crane = route["CRANE"]
    used = web.post(f"{url}{crane.pk}/delete/", {"version": str(crane.version)})
    assert used.status_code == 409 and "remove those assignments" in used.content.decode()
    assert _state() == before
    gone = web.post(f"{url}{lab.pk}/delete/", {"version": "2"})
    assert gone.status_code == 302 and not Resource.objects.filter(pk=lab.pk).exists()


def test_activity_page_assigns_edits_and_removes(world_a: Any) -> None:
    route = res(world_a)
    a = sched(world_a)
    web = _web(world_a.admin)
    p = world_a.project.pk
    page = f"/projects/{p}/schedule/activities/{a['A200'].pk}/"
    form = {
        "resource": str(route["CRANE"].pk),
        "planned_quantity": "16",
        "actual_quantity": "4",
        "planned_cost": "4800.00",
        "actual_cost": "1200.00",
    }
    assert web.post(f"{page}assignments/", form).status_code == 302
    line = ResourceAssignment.objects.get(activity=a["A200"])
    assert (line.remaining_quantity, line.planned_cost) == (Decimal("12"), Decimal("4800.00"))
    html = web.get(f"{page}?assignment={line.pk}").content.decode()
    assert 'id="assignment-edit"' in html and 'id="assignment-form"' in html
    edit = f"/projects/{p}/schedule/assignments/{line.pk}/"
    saved = web.post(edit, {**form, "version": "1", "remaining_quantity": "20"})
    assert saved.status_code == 302
    assert ResourceAssignment.objects.get(pk=line.pk).remaining_quantity == Decimal("20")
    before = _state()
    bad = web.post(f"{page}assignments/", {**form, "planned_cost": "-1"})
    assert bad.status_code == 400 and "Enter zero or more." in bad.content.decode()
    stale = web.post(edit, {**form, "version": "1"})
    assert stale.status_code == 409
    removed_stale = web.post(f"{edit}delete/", {"version": "1"})
    assert removed_stale.status_code == 409
    assert _state() == before
    assert web.post(f"{edit}delete/", {"version": "2"}).status_code == 302
    assert not ResourceAssignment.objects.filter(pk=line.pk).exists()


def test_pages_refuse_viewers_and_other_organisations(world_a: Any, world_b: Any) -> None:
    mine, theirs = res(world_a), res(world_b)
    viewer, stranger = _web(world_a.users["viewer"]), _web(world_a.admin)
    before = _state()
    p, q = world_a.project.pk, world_b.project.pk
    crane, line = theirs["CRANE"], theirs["assignment"]
    posts = [
        (viewer, f"/projects/{p}/schedule/resources/", {"code": "V"}, 403),
        (
            viewer,
            f"/projects/{p}/schedule/resources/{mine['FREE'].pk}/delete/",
            {"version": 1},
            403,
        ),
        (
            viewer,
            f"/projects/{p}/schedule/assignments/{mine['assignment'].pk}/delete/",
            {"version": 1},
            403,
        ),
        (stranger, f"/projects/{q}/schedule/resources/{crane.pk}/", {"code": "X"}, 404),
        (stranger, f"/projects/{p}/schedule/resources/{crane.pk}/delete/", {"version": 1}, 404),
        (stranger, f"/projects/{q}/schedule/assignments/{line.pk}/", {"version": 1}, 404),
    ]
    for web, path, data, status in posts:
        assert web.post(path, data).status_code == status, path
    assert _state() == before
    html = viewer.get(f"/projects/{p}/schedule/resources/").content.decode()
    assert "CRANE" in html and 'id="resource-add"' not in html


# --- query counts --------------------------------------------------------------------------------


def _grow_resources(world: Any, n: int) -> None:
    """`n` resources, each on two activities."""
    a = sched(world)
    project = world.project
    rows = Resource.objects.bulk_create(
        Resource(organisation=world.org, project=project, code=f"Q{i:03d}") for i in range(n)
    )
    ResourceAssignment.objects.bulk_create(
        ResourceAssignment(
            organisation=world.org,
            project=project,
            activity=a[code],
            resource=r,
            planned_quantity=Decimal("1.5"),
            planned_cost=Decimal("0.10"),
        )
        for r in rows
        for code in ("A100", "A200")
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_resource_lists_run_a_fixed_number_of_queries(world_a: Any, rows: int) -> None:
    _grow_resources(world_a, rows)
    api = ApiClient(world_a.admin)
    counts = {}
    for path in ("resources", "assignments"):
        url = f"/api/v1/projects/{world_a.project.pk}/{path}?limit=100"
        api.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(url)
        assert response.status_code == 200
        assert response.json()["count"] == rows * (1 if path == "resources" else 2)
        counts[path] = len(ctx.captured_queries)
    # Token, user, project (with access), COUNT, the page (totals or joined rows).
    assert counts == {"resources": 5, "assignments": 5}


def test_demo_tower_has_crews_a_crane_and_concrete_on_its_pages(db: Any) -> None:
    from sitebook.accounts.models import User
    from sitebook.demo.data import load_demo
    from sitebook.schedule.demo import ASSIGNMENTS, RESOURCES

    project = load_demo()
    kinds = dict(Resource.objects.filter(project=project).values_list("code", "kind"))
    assert kinds == {code: kind for code, _name, kind, _unit in RESOURCES}
    assert ResourceAssignment.objects.filter(project=project).count() == len(ASSIGNMENTS)
    web = _web(User.objects.get(username="scheduler"))
    web.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = web.get(f"/projects/{project.pk}/schedule/resources/").content.decode()
    assert "塔吊 QTZ125" in html and "添加资源" in html
    wall = Activity.objects.get(project=project, code="A1400")
    html = web.get(f"/projects/{project.pk}/schedule/activities/{wall.pk}/").content.decode()
    assert "商品混凝土 C35" in html and "分配资源" in html
