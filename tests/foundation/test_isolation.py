"""Tenancy and permissions over every route: another organisation's objects are 404,
and each role gets exactly the statuses its permission codes allow."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sitebook.accounts.permissions import BUILTIN_ROLES
from sitebook.audit.models import ChangeRecord
from sitebook.core.permissions import granted
from tests.conftest import ApiClient, OrgWorld, build_world
from tests.foundation.routes import (
    EXEMPT,
    EXEMPT_PREFIXES,
    ROUTES,
    Route,
    _none,
    api_operation_methods,
    url_pattern_names,
)

OK = {200, 201, 204, 302}


def _request(route: Route, world: OrgWorld, user: Any, kwargs_world: OrgWorld | None = None) -> Any:
    """Make the route's request as `user`, rolled back afterwards so each starts clean."""
    source = kwargs_world or world
    with transaction.atomic():
        owner = user if (kwargs_world is None and user is not None) else source.admin
        kwargs = route.kwargs(source, owner)
        path = reverse(route.name, kwargs=kwargs or None)
        if route.query:
            path += "?" + route.query(source)
        body = route.body(world, user)
        if route.is_api:
            client: Any = ApiClient(user) if user is not None else ApiClient.anonymous()
            response = client.call(route.method, path, body if route.method != "GET" else None)
        else:
            web = Client()
            if user is not None:
                web.force_login(user)
            response = getattr(web, route.method.lower())(path, body)
        transaction.set_rollback(True)
    return response


def _expected(route: Route, world: OrgWorld, who: str, user: Any) -> set[int]:
    ok = set(route.ok) if route.ok is not None else OK
    if route.scope in {"public", "self"}:
        return ok
    if who == "admin":
        return ok
    if route.scope == "org":
        return ok if route.code is None else {403}
    # Project routes: the outsider (in the organisation, not in the project) sees nothing.
    if who == "outsider":
        return {404}
    patterns = list(BUILTIN_ROLES[who]["codes"])  # type: ignore[call-overload]
    return ok if granted(patterns, route.code or "") else {403}


def test_every_route_is_covered() -> None:
    listed = {r.name for r in ROUTES}
    names = {
        n
        for n in url_pattern_names()
        if n not in EXEMPT and not any(n.startswith(p) for p in EXEMPT_PREFIXES)
    }
    assert names - listed == set(), "routes without an isolation/role entry"
    assert listed - names == set(), "entries for routes that no longer exist"
    methods = {r.name: set() for r in ROUTES if r.is_api}
    for r in ROUTES:
        if r.is_api:
            methods[r.name].add(r.method)
    for name, expected in api_operation_methods().items():
        assert methods.get(name) == expected, f"{name}: methods {expected} not all covered"


@pytest.mark.parametrize("who", [*BUILTIN_ROLES, "outsider", "admin"])
def test_role_gets_exactly_what_its_codes_allow(db: Any, who: str) -> None:
    world = build_world("r")
    user = {"outsider": world.outsider, "admin": world.admin}.get(who) or world.users[who]
    wrong = []
    for route in ROUTES:
        response = _request(route, world, user)
        expected = _expected(route, world, who, user)
        if response.status_code not in expected:
            wrong.append(
                f"{route.method} {route.name}: {response.status_code}, expected {sorted(expected)}"
            )
    assert wrong == []


def test_other_organisations_objects_are_not_found(world_a: OrgWorld, world_b: OrgWorld) -> None:
    """Organisation A's admin (who may do anything in A) asks for each object of B."""
    before = ChangeRecord.objects.filter(organisation=world_b.org).count()
    wrong = []
    for route in ROUTES:
        if route.scope == "public":
            continue
        if route.kwargs is not _none:
            response = _request(route, world_a, world_a.admin, kwargs_world=world_b)
            if response.status_code != 404:
                wrong.append(f"{route.method} {route.name}: {response.status_code}")
        elif route.method == "GET":
            response = _request(route, world_a, world_a.admin)
            text = response.content.decode()
            for secret in (world_b.project.code, world_b.org.slug, world_b.admin.username):
                if secret in text:
                    wrong.append(f"{route.name} shows {secret}")
    assert wrong == []
    assert ChangeRecord.objects.filter(organisation=world_b.org).count() == before


def test_signed_out_visitors_are_asked_to_sign_in(world_a: OrgWorld) -> None:
    wrong = []
    for route in ROUTES:
        if route.scope == "public" or route.name == "accounts:logout":
            continue
        response = _request(route, world_a, None)
        if route.is_api:
            ok = response.status_code == 401 and response.json()["detail"]
        else:
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        if not ok:
            wrong.append(f"{route.method} {route.name}: {response.status_code}")
    assert wrong == []


def test_admin_site_is_for_staff_only(world_a: OrgWorld) -> None:
    client = Client()
    client.force_login(world_a.admin)  # an organisation admin is not Django staff
    response = client.get("/admin/projects/project/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
