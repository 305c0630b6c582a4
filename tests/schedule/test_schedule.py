"""Schedule centre: editing reschedules, loops are refused by name, stale edits get 409,
imports land whole or not at all and store the engine's dates."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sitebook.audit.models import ChangeRecord
from sitebook.core.errors import InvalidInput
from sitebook.engine import cpm
from sitebook.interchange.xer import read_xer
from sitebook.schedule import adapters, services
from sitebook.schedule.importer import schedule_import
from sitebook.schedule.models import Activity, ImportRun, Relationship
from tests.conftest import ApiClient
from tests.schedule.conftest import AIRPORT, HS2, import_file
from tests.schedule.routes import sched

DAY = 480


def test_new_activity_is_scheduled_after_its_predecessor(world_a: Any) -> None:
    s = sched(world_a)
    a1, a2 = s["A100"], s["A200"]
    assert a1.early_finish is not None
    assert adapters.to_wall(a2.early_start) >= adapters.to_wall(a1.early_finish)
    assert a1.critical and a2.critical


def test_rejects_link_that_closes_a_loop_naming_its_activities(world_a: Any) -> None:
    s = sched(world_a)
    services.relationship_create(
        actor=world_a.admin,
        project=world_a.project,
        predecessor_id=s["A200"].pk,
        successor_id=s["A300"].pk,
    )
    before = Relationship.objects.count()
    response = ApiClient(world_a.users["scheduler"]).post(
        f"/api/v1/projects/{world_a.project.pk}/relationships",
        {"predecessor_id": s["A300"].pk, "successor_id": s["A100"].pk},
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    for code in ("A100", "A200", "A300"):
        assert code in detail
    assert Relationship.objects.count() == before


def test_stale_activity_edit_gets_409(world_a: Any) -> None:
    a = sched(world_a)["A100"]
    api = ApiClient(world_a.users["scheduler"])
    url = f"/api/v1/activities/{a.pk}"
    ok = api.patch(url, {"version": a.version, "original_duration": 10 * DAY})
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == a.version + 1
    stale = api.patch(url, {"version": a.version, "original_duration": 2 * DAY})
    assert stale.status_code == 409
    assert Activity.objects.get(pk=a.pk).original_duration == 10 * DAY


def test_duration_change_moves_successor(world_a: Any) -> None:
    s = sched(world_a)
    before = Activity.objects.get(pk=s["A200"].pk).early_finish
    services.activity_update(
        actor=world_a.admin,
        activity=s["A100"],
        version=s["A100"].version,
        original_duration=10 * DAY,
    )
    after = Activity.objects.get(pk=s["A200"].pk).early_finish
    assert after > before


def test_corrupt_import_changes_nothing(world_a: Any) -> None:
    import_file(world_a, AIRPORT)
    counts = (Activity.objects.count(), Relationship.objects.count(), ChangeRecord.objects.count())
    data = AIRPORT.read_bytes()
    broken = (
        data[: len(data) // 2]
        + b"\n%T\tTASKPRED\n%F\ttask_pred_id\ttask_id\tpred_task_id\n%R\t1\t999999\t888888\n"
    )
    with pytest.raises(InvalidInput):
        schedule_import(
            actor=world_a.admin, data=broken, filename="broken.xer", project=world_a.project
        )
    with pytest.raises(InvalidInput):
        schedule_import(
            actor=world_a.admin, data=b"\x00\x01junk", filename="x.xer", project=world_a.project
        )
    assert (
        Activity.objects.count(),
        Relationship.objects.count(),
        ChangeRecord.objects.count(),
    ) == counts


def test_import_page_reports_and_bad_file_is_a_400(world_a: Any) -> None:
    web = Client()
    web.force_login(world_a.users["scheduler"])
    url = f"/projects/{world_a.project.pk}/schedule/import/"
    with AIRPORT.open("rb") as fh:
        response = web.post(url, {"file": fh})
    assert response.status_code == 200
    assert "imported-activities" in response.content.decode()
    from io import BytesIO

    bad = BytesIO(b"ERMHDR\t8.0\n%T\tTASK\n%F\ttask_id\n%R\tx\n")
    bad.name = "bad.xer"
    assert web.post(url, {"file": bad}).status_code == 400


def _assert_stored_equal_engine(project: Any, path: Any) -> None:
    source = read_xer(path.read_bytes())[0]
    result = cpm.schedule(source)
    stored = {a.external_id: a for a in Activity.objects.filter(project=project)}
    assert len(stored) == len(source.activities)
    for a in source.activities:
        row = stored[a.id]
        r = result.results[a.id]
        assert adapters.computed_values(r) == tuple(getattr(row, f) for f in Activity.COMPUTED), (
            a.code
        )
    # Rescheduling from the rows changes nothing: the rows carry the whole network.
    _result, changed = adapters.reschedule(project)
    assert changed == 0


def test_hs2_imports_with_engine_dates(world_a: Any) -> None:
    run = import_file(world_a, HS2)
    assert run.report["counts"]["activities"] == 3994
    assert ImportRun.objects.filter(project=world_a.project).count() == 1
    assert ChangeRecord.objects.filter(object_repr=HS2.name).count() == 1
    _assert_stored_equal_engine(world_a.project, HS2)


def test_cli_import_into_new_project(world_a: Any, capsys: Any) -> None:
    call_command("import", str(AIRPORT), project="AIRPORT-CLI", organisation=world_a.org.slug)
    out = capsys.readouterr().out
    assert "activities 66" in out
    project = world_a.project.__class__.objects.get(code="AIRPORT-CLI")
    _assert_stored_equal_engine(project, AIRPORT)


def test_cli_imports_hs2_with_engine_dates(world_a: Any, capsys: Any) -> None:
    """`sitebook import` of the 3,994-activity HS2 file, the way a scheduler runs it."""
    call_command("import", str(HS2), project="HS2-CLI", organisation=world_a.org.slug)
    captured = capsys.readouterr()
    assert "activities 3994" in captured.out
    assert "relationships" in captured.err  # the progress bar went through every stage
    project = world_a.project.__class__.objects.get(organisation=world_a.org, code="HS2-CLI")
    assert ImportRun.objects.get(project=project).report["counts"]["activities"] == 3994
    _assert_stored_equal_engine(project, HS2)


def test_progress_update_reschedules_and_keeps_history(airport: Any) -> None:
    project = airport.project
    services.baseline_capture(actor=airport.admin, project=project, name="BL")
    settings = services.settings_for(project)
    from datetime import timedelta

    new_date = settings.data_date + timedelta(days=14)
    todo = list(
        Activity.objects.filter(project=project, actual_start__isnull=True).order_by("early_start")[
            :10
        ]
    )
    entries = {
        a.pk: {"version": a.version, "actual_start": a.early_start, "percent_complete": 10}
        for a in todo
        if a.early_start and a.early_start <= new_date
    }
    update = services.progress_update(
        actor=airport.admin, project=project, data_date=new_date, entries=entries
    )
    assert update.forecast_finish is not None
    api = ApiClient(airport.admin)
    assert api.get(f"/api/v1/projects/{project.pk}/progress").json()["count"] == 1
    warnings = api.get(f"/api/v1/projects/{project.pk}/warnings").json()
    assert isinstance(warnings, list)
    dcma = api.get(f"/api/v1/projects/{project.pk}/dcma").json()
    assert [c["number"] for c in dcma["checks"]] == list(range(1, 15))
