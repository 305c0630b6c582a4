"""Export of a stored project to P6 XER and MS Project XML: page, API and CLI, and the round
trip import -> export -> import into a new project giving the same schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from sitebook.engine import cpm
from sitebook.interchange.mspdi import read_mspdi
from sitebook.projects.models import Project, ProjectMember, WbsNode
from sitebook.schedule import adapters
from sitebook.schedule.exporter import schedule_export
from sitebook.schedule.importer import schedule_import
from sitebook.schedule.models import (
    Activity,
    Calendar,
    Relationship,
    Resource,
    ResourceAssignment,
    ScheduleSettings,
)
from tests.conftest import ApiClient
from tests.schedule.conftest import AIRPORT, FIXTURES, import_file

#: (fixture, format): each source round-trips through the format that carries its semantics
#: (P6 files through XER, MS Project files through MSPDI; what each format loses across the
#: other is listed by `Export.losses`, see tests/interchange/test_roundtrip.py). Not here:
#: mspditimephased.xml, whose tasks on resource calendars measure slack on the project
#: calendar (`Activity.float_calendar`), which neither writer carries.
CASES = [
    ("p6-xer/airport-terminal.xer", "xer"),
    ("p6-xer/p6-23-progress-override.xer", "xer"),
    ("p6-xer/hs2-sp10-cost-loaded.xer", "xer"),
    ("msproject-xml/mspdirelations.xml", "mspdi"),
    ("msproject-xml/legacy-sample.xml", "mspdi"),
    ("msproject-xml/task-links-project2010-mspdi.xml", "mspdi"),
]


def snapshot(project: Project) -> dict[str, Any]:
    """Everything a scheduler sees of a project's schedule, keyed by what users see."""
    activities = {
        a.code: (
            a.name,
            a.type,
            a.wbs.code if a.wbs else "",
            a.calendar.name,
            a.original_duration,
            a.remaining_duration,
            (a.constraint_type, a.constraint_date),
            (a.constraint2_type, a.constraint2_date),
            (a.actual_start, a.actual_finish, a.suspend, a.resume, a.expected_finish),
            a.percent_complete,
            tuple(getattr(a, f) for f in Activity.COMPUTED),
            a.cost_code,
            a.responsible.user.username if a.responsible else "",
            (a.optimistic_duration, a.most_likely_duration, a.pessimistic_duration),
        )
        for a in Activity.objects.filter(project=project).select_related(
            "wbs", "calendar", "responsible__user"
        )
    }
    links = sorted(
        (r.predecessor.code, r.successor.code, r.type, r.lag, r.lag_unit)
        for r in Relationship.objects.filter(project=project).select_related(
            "predecessor", "successor"
        )
    )
    calendars = sorted(
        (c.name, c.week, c.exceptions, c.hours_per_day)
        for c in Calendar.objects.filter(project=project)
    )
    # The WBS elements the activities sit in, with their ancestors (the test world's own
    # WBS elements without activities stay out of it).
    nodes = {n.pk: n for n in WbsNode.objects.filter(project=project)}
    used = set(Activity.objects.filter(project=project).values_list("wbs_id", flat=True))
    wbs = set()
    for pk in used - {None}:
        node = nodes.get(pk)
        while node is not None:
            parent = nodes.get(node.parent_id) if node.parent_id else None
            wbs.add((node.code, node.name, parent.code if parent else ""))
            node = parent
    resources = sorted(
        (r.code, r.name, r.kind, r.unit) for r in Resource.objects.filter(project=project)
    )
    assignments = sorted(
        (
            a.activity.code,
            a.resource.code,
            a.planned_quantity,
            a.remaining_quantity,
            a.actual_quantity,
            a.planned_cost,
            a.actual_cost,
        )
        for a in ResourceAssignment.objects.filter(project=project).select_related(
            "activity", "resource"
        )
    )
    s = ScheduleSettings.objects.select_related("default_calendar").get(project=project)
    settings = (
        s.data_date,
        s.planned_start,
        s.must_finish_by,
        s.default_calendar.name if s.default_calendar else "",
        s.options,
        s.finish,
    )
    return {
        "activities": activities,
        "links": links,
        "calendars": calendars,
        "wbs": sorted(wbs),
        "resources": resources,
        "assignments": assignments,
        "settings": settings,
    }


def _round_trip(world: Any, data: bytes, filename: str, code: str) -> Project:
    run = schedule_import(
        actor=world.admin,
        data=data,
        filename=filename,
        organisation_id=world.org.pk,
        code=code,
    )
    return run.project


def _set_fields(project: Project, responsible: ProjectMember) -> None:
    """Cost codes, responsibles and three-point durations (odd minutes, partial sets) on
    the project's activities, as a scheduler enters them."""
    rows = list(Activity.objects.filter(project=project).order_by("code"))
    for i, a in enumerate(rows):
        a.cost_code = f"CC-{i % 3}.{i % 5}" if i % 2 == 0 else ""
        a.responsible = responsible if i % 3 == 0 else None
        a.optimistic_duration = 7 * i + 1 if i % 5 else None
        a.most_likely_duration = 11 * i + 25 if i % 4 != 3 else None
        a.pessimistic_duration = 13 * i + 59 if i % 5 else None
    Activity.objects.bulk_update(
        rows,
        [
            "cost_code",
            "responsible",
            "optimistic_duration",
            "most_likely_duration",
            "pessimistic_duration",
        ],
    )


@pytest.mark.parametrize(("relative", "fmt"), CASES)
def test_export_then_import_gives_the_same_schedule(world_a: Any, relative: str, fmt: str) -> None:
    path = FIXTURES / relative
    source = _round_trip(world_a, path.read_bytes(), path.name, "SOURCE")
    # The importing admin is a member of both projects (their creator), so the responsible
    # comes back by username.
    _set_fields(source, ProjectMember.objects.get(project=source, user=world_a.admin))
    before = snapshot(source)
    assert any(row[-3] for row in before["activities"].values())
    assert any(row[-2] for row in before["activities"].values())
    assert any(row[-1][0] for row in before["activities"].values())
    assert before["activities"]
    export = schedule_export(actor=world_a.admin, project=source, format=fmt)
    assert export.losses == []
    assert export.activities == len(before["activities"])
    assert export.relationships == len(before["links"])
    assert export.assignments == len(before["assignments"])
    copy = _round_trip(world_a, export.data, export.filename, "RT-" + fmt)
    report = copy.schedule_imports.get().report
    assert report["warnings"] == []
    assert report["counts"]["responsibles"] == sum(
        1 for r in before["activities"].values() if r[-2]
    )
    after = snapshot(copy)
    assert after["activities"].keys() == before["activities"].keys()
    for code, row in before["activities"].items():
        assert after["activities"][code] == row, code
    assert after["links"] == before["links"]
    assert after["calendars"] == before["calendars"]
    assert after["settings"] == before["settings"]
    assert after["wbs"] == before["wbs"]
    assert after["resources"] == before["resources"]
    assert after["assignments"] == before["assignments"]


@pytest.mark.parametrize(
    ("relative", "fmt"),
    [("p6-xer/airport-terminal.xer", "xer"), ("msproject-xml/mspdirelations.xml", "mspdi")],
)
def test_responsible_maps_to_a_member_by_username_or_email_else_a_warning(
    world_a: Any, relative: str, fmt: str
) -> None:
    import_file(world_a, FIXTURES / relative)
    project = world_a.project
    scheduler, foreman = world_a.members["scheduler"], world_a.members["foreman"]
    foreman.user.email = "Foreman@Example.com"
    foreman.user.save()
    codes = list(
        Activity.objects.filter(project=project).order_by("code").values_list("code", flat=True)
    )
    Activity.objects.filter(project=project, code__in=codes[:3]).update(responsible=scheduler)
    Activity.objects.filter(project=project, code=codes[3]).update(responsible=foreman)
    export = schedule_export(actor=world_a.admin, project=project, format=fmt)
    # The foreman's row in the file by email (any case), as another tool may write it.
    name = foreman.user.username.encode()
    assert export.data.count(name) >= 1
    data = export.data.replace(name, b"foreman@example.COM")

    # Into the same project: both are members, by username and by email.
    run = schedule_import(actor=world_a.admin, data=data, filename=export.filename, project=project)
    assert run.report["warnings"] == []
    by_code = dict(Activity.objects.filter(project=project).values_list("code", "responsible_id"))
    assert [by_code[c] for c in codes[:4]] == [scheduler.pk] * 3 + [foreman.pk]
    assert {by_code[c] for c in codes[4:]} == {None}

    # Into a new project of which only the importing admin is a member: left empty, a
    # warning per name, and the import succeeds.
    copy = _round_trip(world_a, data, export.filename, "COPY-" + fmt)
    report = copy.schedule_imports.get().report
    assert report["counts"]["activities"] == len(codes)
    assert report["counts"]["responsibles"] == 0
    assert sorted(report["warnings"]) == sorted(
        [
            f"Responsible “{scheduler.user.username}” is not a member of this project (by "
            "username or email); left empty on 3 activities.",
            "Responsible “foreman@example.COM” is not a member of this project (by username or "
            "email); left empty on 1 activity.",
        ]
    )
    assert not Activity.objects.filter(project=copy, responsible__isnull=False).exists()


def test_download_from_the_page_and_the_api(world_a: Any) -> None:
    import_file(world_a, AIRPORT)
    pk = world_a.project.pk
    web = Client()
    web.force_login(world_a.users["scheduler"])
    page = web.get(f"/projects/{pk}/schedule/")
    assert f"/projects/{pk}/schedule/export/?format=mspdi" in page.content.decode()
    response = web.get(f"/projects/{pk}/schedule/export/?format=xer")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert f"{world_a.project.code}.xer" in response["Content-Disposition"]
    assert response.content.startswith(b"ERMHDR\t")
    api = ApiClient(world_a.users["scheduler"])
    xml = api.get(f"/api/v1/projects/{pk}/export?format=mspdi")
    assert xml.status_code == 200
    assert b'<Project xmlns="http://schemas.microsoft.com/project"' in xml.content
    bad = api.get(f"/api/v1/projects/{pk}/export?format=pdf")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "format"
    # A cost engineer sees the schedule but may not export it.
    denied = ApiClient(world_a.users["cost_engineer"]).get(
        f"/api/v1/projects/{pk}/export?format=xer"
    )
    assert denied.status_code == 403


def test_empty_project_export_is_a_400_naming_it(world_a: Any) -> None:
    api = ApiClient(world_a.admin)
    response = api.get(f"/api/v1/projects/{world_a.project.pk}/export?format=xer")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "project"


def test_cli_export_reimports_to_the_same_dates(world_a: Any, tmp_path: Path, capsys: Any) -> None:
    import_file(world_a, AIRPORT)
    target = tmp_path / "out.xml"
    call_command(
        "export",
        str(target),
        project=world_a.project.code,
        format="mspdi",
        organisation=world_a.org.slug,
    )
    out = capsys.readouterr().out
    assert "activities 66" in out
    assert "not carried exactly" in out  # P6 options do not travel in MSPDI
    assert target.read_bytes().startswith(b"<?xml")
    xer = tmp_path / "out.xer"
    call_command("export", str(xer), project=world_a.project.code, organisation=world_a.org.slug)
    copy = _round_trip(world_a, xer.read_bytes(), xer.name, "AIRPORT-CLI")
    assert snapshot(copy)["activities"] == snapshot(world_a.project)["activities"]


def test_api_upload_imports_and_reports(world_a: Any) -> None:
    api = ApiClient(world_a.users["scheduler"])
    url = f"/api/v1/projects/{world_a.project.pk}/import"
    with AIRPORT.open("rb") as fh:
        response = api.post(url, {"file": fh})
    assert response.status_code == 201, response.content[:300]
    body = response.json()
    assert body["project_id"] == world_a.project.pk
    assert body["format"] == "xer"
    assert body["report"]["counts"]["activities"] == 66
    assert Activity.objects.filter(project=world_a.project).count() == 66


def test_api_upload_of_a_bad_file_is_a_400_naming_it_and_changes_nothing(world_a: Any) -> None:
    import_file(world_a, AIRPORT)
    before = (Activity.objects.count(), Relationship.objects.count())
    api = ApiClient(world_a.users["scheduler"])
    url = f"/api/v1/projects/{world_a.project.pk}/import"
    bad = SimpleUploadedFile("bad.xer", b"ERMHDR\t8.0\n%T\tTASK\n%F\ttask_id\n%R\tx\n")
    response = api.post(url, {"file": bad})
    assert response.status_code == 400
    error = response.json()
    assert error["errors"][0]["field"] == "file"
    assert error["detail"]
    junk = api.post(url, {"file": SimpleUploadedFile("x.xml", b"<not-a-schedule/>")})
    assert junk.status_code == 400
    assert junk.json()["errors"][0]["field"] == "file"
    missing = api.post(url, {"other": SimpleUploadedFile("x.xer", b"")})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "file"
    assert (Activity.objects.count(), Relationship.objects.count()) == before
    # A viewer may see the schedule but not replace it.
    with AIRPORT.open("rb") as fh:
        assert ApiClient(world_a.users["viewer"]).post(url, {"file": fh}).status_code == 403


def test_ms_project_slack_calendar_is_stored_so_a_reschedule_changes_nothing(
    world_a: Any,
) -> None:
    path = FIXTURES / "msproject-xml" / "mspditimephased.xml"
    import_file(world_a, path)
    source = read_mspdi(path.read_bytes(), path.name)[0]
    assert any(a.float_calendar_id for a in source.activities)
    result = cpm.schedule(source)
    stored = {a.external_id: a for a in Activity.objects.filter(project=world_a.project)}
    for a in source.activities:
        row = stored[a.id]
        assert (row.float_calendar_id is not None) is bool(a.float_calendar_id), a.code
        computed = tuple(getattr(row, f) for f in Activity.COMPUTED)
        assert adapters.computed_values(result.results[a.id]) == computed, a.code
    _result, changed = adapters.reschedule(world_a.project)
    assert changed == 0
