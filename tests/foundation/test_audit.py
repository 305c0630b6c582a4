"""Every change of a business row leaves a change record, in the same transaction."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client

from sitebook.audit.models import ChangeRecord
from sitebook.core.context import acting
from sitebook.projects import services
from sitebook.projects.models import Project, WbsNode
from tests.conftest import ApiClient, OrgWorld


def _latest(obj: Any) -> ChangeRecord:
    return ChangeRecord.objects.filter(
        object_id=str(obj.pk), content_type__model=obj._meta.model_name
    ).first()


def test_api_update_records_actor_source_and_both_images(world_a: OrgWorld) -> None:
    api = ApiClient(world_a.users["project_manager"])
    response = api.patch(
        f"/api/v1/projects/{world_a.project.pk}",
        {"version": world_a.project.version, "client": "业主A"},
    )
    assert response.status_code == 200
    record = _latest(world_a.project)
    assert (record.action, record.source) == ("update", "api")
    assert record.actor == world_a.users["project_manager"]
    assert record.project_id == world_a.project.pk
    assert record.organisation_id == world_a.org.pk
    assert record.before["client"] == "" and record.after["client"] == "业主A"
    assert record.before["contract_value"] == "1000000.00"  # money kept exact, as text


def test_web_create_and_delete_are_recorded(world_a: OrgWorld) -> None:
    client = Client()
    client.force_login(world_a.admin)
    url = f"/projects/{world_a.project.pk}/wbs/"
    assert client.post(url, {"code": "7", "name": "室外工程", "sort_order": "0"}).status_code == 302
    node = WbsNode.objects.get(project=world_a.project, code="7")
    created = _latest(node)
    assert (created.action, created.source, created.actor) == ("create", "web", world_a.admin)
    delete_url = f"/projects/{world_a.project.pk}/wbs/{node.pk}/delete/"
    assert client.post(delete_url, {"version": node.version}).status_code == 302
    deleted = _latest(node)
    assert deleted.action == "delete" and deleted.after is None and deleted.before["code"] == "7"


def test_a_failing_record_rolls_the_change_back(world_a: OrgWorld) -> None:
    project = world_a.project
    failing = mock.patch.object(ChangeRecord.objects, "create", side_effect=RuntimeError("full"))
    with failing, pytest.raises(RuntimeError):
        services.project_update(
            actor=world_a.admin, project=project, version=project.version, client="不应保存"
        )
    assert Project.objects.get(pk=project.pk).client == ""


def test_shell_and_cli_writes_name_their_source(world_a: OrgWorld, monkeypatch: Any) -> None:
    monkeypatch.setenv("SITEBOOK_AUDIT_SOURCE", "shell")
    node = WbsNode.objects.get(project=world_a.project, code="1")
    node.name = "基础工程"
    node.save()  # a bare ORM save, as in `sitebook shell`
    assert _latest(node).source == "shell"
    assert _latest(node).actor is None
    with acting(world_a.admin, "cli"):
        services.wbs_update(actor=world_a.admin, node=node, version=node.version, name="地基与基础")
    record = _latest(node)
    assert (record.source, record.actor) == ("cli", world_a.admin)


def test_history_pages_show_the_change(world_a: OrgWorld) -> None:
    services.project_update(
        actor=world_a.admin,
        project=world_a.project,
        version=world_a.project.version,
        status="active",
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world_a.users["viewer"])
    project_page = client.get(f"/projects/{world_a.project.pk}/history/").content.decode()
    object_page = client.get(
        f"/projects/{world_a.project.pk}/history/project/{world_a.project.pk}/"
    ).content.decode()
    for page in (project_page, object_page):
        assert "In progress" in page  # the status shown by its label, not its code
        assert world_a.admin.username in page or str(world_a.admin) in page


def test_history_needs_audit_view(world_a: OrgWorld) -> None:
    client = Client()
    client.force_login(world_a.users["foreman"])  # foremen hold no audit.view
    assert client.get(f"/projects/{world_a.project.pk}/history/").status_code == 403
