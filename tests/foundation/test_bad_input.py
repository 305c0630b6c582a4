"""Bad input gets a clear error naming the field, and nothing is half-written."""

from __future__ import annotations

from typing import Any

import pytest

from sitebook.audit.models import ChangeRecord
from sitebook.projects.models import Project, ProjectMember, RaciAssignment, RaciRow, WbsNode
from tests.conftest import ApiClient, OrgWorld


def _snapshot() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Project, WbsNode, ProjectMember, RaciRow, RaciAssignment, ChangeRecord)
    )


def _fields(response: Any) -> set[str]:
    body = response.json()
    assert body["detail"], body
    return {e["field"] for e in body["errors"]}


@pytest.fixture
def pm_api(world_a: OrgWorld) -> ApiClient:
    return ApiClient(world_a.admin)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "无编号"}, "code"),
        ({"code": "X1"}, "name"),
        ({"code": "X" * 31, "name": "n"}, "code"),
        ({"code": "X1", "name": "n" * 201}, "name"),
        ({"code": "X1", "name": "n", "contract_value": "abc"}, "contract_value"),
        ({"code": "X1", "name": "n", "contract_value": "-1"}, "contract_value"),
        ({"code": "X1", "name": "n", "contract_value": "1.001"}, "contract_value"),
        ({"code": "X1", "name": "n", "start_date": "2026-02-30"}, "start_date"),
        ({"code": "X1", "name": "n", "status": "bogus"}, "status"),
        ({"code": "X1", "name": "n", "currency": "XXX"}, "currency"),
        (
            {"code": "X1", "name": "n", "start_date": "2026-05-01", "finish_date": "2026-04-01"},
            "finish_date",
        ),
    ],
)
def test_project_create_rejects_bad_fields(pm_api: ApiClient, body: dict, field: str) -> None:
    before = _snapshot()
    response = pm_api.post("/api/v1/projects", body)
    assert response.status_code == 400
    assert field in _fields(response)
    assert _snapshot() == before


def test_duplicate_project_code_names_the_code(pm_api: ApiClient, world_a: OrgWorld) -> None:
    before = _snapshot()
    response = pm_api.post("/api/v1/projects", {"code": world_a.project.code, "name": "重复"})
    assert response.status_code == 400
    assert _fields(response) == {"code"}
    assert _snapshot() == before


def test_malformed_json_is_a_400_not_a_500(pm_api: ApiClient, world_a: OrgWorld) -> None:
    response = pm_api.client.post(
        "/api/v1/projects", data="{bad", content_type="application/json", **pm_api.headers
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_unknown_ids_are_404(pm_api: ApiClient) -> None:
    for path in ("/api/v1/projects/999999", "/api/v1/wbs/999999", "/api/v1/raci/999999"):
        response = pm_api.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": response.json()["detail"], "errors": []}


def test_stale_version_gets_409_and_keeps_the_newer_change(
    pm_api: ApiClient, world_a: OrgWorld
) -> None:
    path = f"/api/v1/projects/{world_a.project.pk}"
    seen = pm_api.get(path).json()["version"]
    first = pm_api.patch(path, {"version": seen, "client": "甲方一"})
    assert first.status_code == 200
    assert first.json()["version"] == seen + 1
    stale = pm_api.patch(path, {"version": seen, "client": "甲方二"})
    assert stale.status_code == 409
    assert _fields(stale) == {"version"}
    assert Project.objects.get(pk=world_a.project.pk).client == "甲方一"


def test_second_accountable_in_a_raci_row_is_refused(pm_api: ApiClient, world_a: OrgWorld) -> None:
    row = RaciRow.objects.get(project=world_a.project)
    cells_before = sorted(RaciAssignment.objects.filter(row=row).values_list("member_id", "letter"))
    before = _snapshot()
    response = pm_api.put(
        f"/api/v1/raci/{row.pk}",
        {
            "version": row.version,
            "assignments": [
                {"member_id": world_a.members["project_manager"].pk, "letter": "A"},
                {"member_id": world_a.members["scheduler"].pk, "letter": "A"},
            ],
        },
    )
    assert response.status_code == 400
    assert _fields(response) == {"assignments"}
    assert "exactly one" in response.json()["detail"]
    assert _snapshot() == before
    after = sorted(RaciAssignment.objects.filter(row=row).values_list("member_id", "letter"))
    assert after == cells_before


def test_a_raci_row_without_accountable_is_refused(pm_api: ApiClient, world_a: OrgWorld) -> None:
    response = pm_api.post(
        f"/api/v1/projects/{world_a.project.pk}/raci",
        {
            "deliverable": "图纸会审",
            "assignments": [{"member_id": world_a.members["scheduler"].pk, "letter": "R"}],
        },
    )
    assert response.status_code == 400
    assert _fields(response) == {"assignments"}


def test_raci_letter_must_be_one_of_raci(pm_api: ApiClient, world_a: OrgWorld) -> None:
    response = pm_api.post(
        f"/api/v1/projects/{world_a.project.pk}/raci",
        {
            "deliverable": "图纸会审",
            "assignments": [{"member_id": world_a.members["scheduler"].pk, "letter": "X"}],
        },
    )
    assert response.status_code == 400
    assert _fields(response) == {"assignments.0.letter"}


def test_cross_organisation_ids_in_a_body_name_the_field(
    pm_api: ApiClient, world_a: OrgWorld, world_b: OrgWorld
) -> None:
    before = _snapshot()
    project = world_a.project.pk
    cases = [
        (
            f"/api/v1/projects/{project}/members",
            {"user_id": world_b.outsider.pk, "role_id": world_a.members["viewer"].role_id},
            "user",
        ),
        (
            f"/api/v1/projects/{project}/members",
            {"user_id": world_a.outsider.pk, "role_id": world_b.members["viewer"].role_id},
            "role",
        ),
        (
            f"/api/v1/projects/{project}/wbs",
            {
                "code": "9",
                "name": "x",
                "parent_id": WbsNode.objects.filter(project=world_b.project).first().pk,
            },
            "parent",
        ),
        (
            f"/api/v1/projects/{project}/raci",
            {
                "deliverable": "x",
                "assignments": [
                    {"member_id": world_b.members["project_manager"].pk, "letter": "A"}
                ],
            },
            f"assignments.{world_b.members['project_manager'].pk}",
        ),
        (
            "/api/v1/projects",
            {"organisation_id": world_b.org.pk, "code": "Z", "name": "z"},
            "organisation_id",
        ),
    ]
    for path, body, field in cases:
        response = pm_api.post(path, body)
        assert response.status_code == 400, (path, response.content)
        assert field in _fields(response), (path, response.json())
    assert _snapshot() == before


def test_wbs_cannot_be_moved_under_its_own_child(pm_api: ApiClient, world_a: OrgWorld) -> None:
    parent = WbsNode.objects.get(project=world_a.project, code="1")
    child = WbsNode.objects.get(project=world_a.project, code="1.1")
    response = pm_api.patch(
        f"/api/v1/wbs/{parent.pk}", {"version": parent.version, "parent_id": child.pk}
    )
    assert response.status_code == 400
    assert _fields(response) == {"parent"}
    assert WbsNode.objects.get(pk=parent.pk).parent_id is None


def test_web_form_shows_field_errors_and_writes_nothing(world_a: OrgWorld, client: Any) -> None:
    client.force_login(world_a.admin)
    before = _snapshot()
    response = client.post(
        f"/projects/{world_a.project.pk}/edit/",
        {
            "version": world_a.project.version,
            "code": "",
            "name": "x",
            "contract_value": "-5",
            "currency": "CNY",
            "status": "active",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"code", "contract_value"}
    assert _snapshot() == before


def test_web_edit_with_stale_version_is_refused(world_a: OrgWorld, client: Any) -> None:
    client.force_login(world_a.admin)
    data = {
        "code": world_a.project.code,
        "name": "新名称",
        "contract_value": "1.00",
        "currency": "CNY",
        "status": "active",
    }
    ok = client.post(f"/projects/{world_a.project.pk}/edit/", {**data, "version": 1})
    assert ok.status_code == 302
    stale = client.post(
        f"/projects/{world_a.project.pk}/edit/", {**data, "name": "旧", "version": 1}
    )
    assert stale.status_code == 409
    assert "changed this record" in stale.content.decode()
    assert Project.objects.get(pk=world_a.project.pk).name == "新名称"
