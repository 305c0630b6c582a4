"""Shared fixtures: organisations with a member in every built-in role, API clients."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from sitebook.accounts.models import Role
from sitebook.accounts.permissions import BUILTIN_ROLES
from sitebook.accounts.services import (
    membership_add,
    organisation_create,
    token_create,
    user_create,
)
from sitebook.projects import services

_seq = itertools.count(1)


@dataclass
class OrgWorld:
    """One organisation with an admin, a user per built-in role and one project."""

    org: Any
    admin: Any
    project: Any
    users: dict[str, Any] = field(default_factory=dict)  # role key -> user
    members: dict[str, Any] = field(default_factory=dict)  # role key -> ProjectMember
    outsider: Any = None  # belongs to the organisation, not to the project


def build_world(prefix: str) -> OrgWorld:
    n = next(_seq)
    admin = user_create(username=f"{prefix}-admin-{n}", password="pw-Admin-123")
    org = organisation_create(name=f"{prefix} Construction {n}", slug=f"{prefix}-{n}", admin=admin)
    project = services.project_create(
        actor=admin,
        organisation_id=org.pk,
        code=f"{prefix.upper()}-P1",
        name=f"{prefix} 项目",
        name_en=f"{prefix} project",
        contract_value=Decimal("1000000.00"),
    )
    world = OrgWorld(org=org, admin=admin, project=project)
    roles = {r.key: r for r in Role.objects.filter(organisation=org)}
    for key in BUILTIN_ROLES:
        user = user_create(username=f"{prefix}-{key}-{n}", password="pw-Role-123")
        membership_add(actor=admin, organisation=org, user=user)
        world.users[key] = user
        world.members[key] = services.member_add(
            actor=admin, project=project, user_id=user.pk, role_id=roles[key].pk
        )
    world.outsider = user_create(username=f"{prefix}-outsider-{n}", password="pw-Out-123")
    membership_add(actor=admin, organisation=org, user=world.outsider)
    wbs = services.wbs_create(
        actor=admin, project=project, code="1", name="地基", name_en="Foundations"
    )
    services.wbs_create(actor=admin, project=project, code="1.1", name="桩基", parent_id=wbs.pk)
    services.raci_row_create(
        actor=admin,
        project=project,
        wbs_node_id=wbs.pk,
        assignments={world.members["project_manager"].pk: "A", world.members["foreman"].pk: "R"},
    )
    return world


@pytest.fixture
def world_a(db: Any) -> OrgWorld:
    return build_world("a")


@pytest.fixture
def world_b(db: Any) -> OrgWorld:
    return build_world("b")


class ApiClient:
    """A JSON client that authenticates with a real API token."""

    def __init__(self, user: Any) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _, raw = token_create(user=user, name="tests")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    @classmethod
    def anonymous(cls) -> ApiClient:
        return cls(None)

    def call(self, method: str, path: str, data: Any = None) -> Any:
        kwargs: dict[str, Any] = dict(self.headers)
        if isinstance(data, dict) and any(hasattr(v, "read") for v in data.values()):
            # A body with a file goes as multipart/form-data (upload endpoints).
            return getattr(self.client, method.lower())(path, data, **kwargs)
        if data is not None:
            kwargs["data"] = json.dumps(data)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method.lower())(path, **kwargs)

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, data: Any) -> Any:
        return self.call("POST", path, data)

    def patch(self, path: str, data: Any) -> Any:
        return self.call("PATCH", path, data)

    def put(self, path: str, data: Any) -> Any:
        return self.call("PUT", path, data)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)


@pytest.fixture
def api_as() -> Any:
    return ApiClient


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploads a test writes (ticket photos, ...) go to a temporary folder, never DATA_DIR."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
