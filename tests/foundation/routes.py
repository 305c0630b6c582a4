"""Every route of the site and the API, with what each needs.

The isolation and role tests walk this table; `test_every_route_is_covered` fails when a
URL pattern exists that is not listed here, so a new route cannot go untested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from sitebook.accounts.models import ApiToken, Role
from sitebook.accounts.services import token_create
from sitebook.labour import services as labour
from sitebook.labour.documents import roster_template
from sitebook.labour.models import Ticket, Trade, Worker
from sitebook.projects.models import RaciRow, WbsNode
from tests.costs.routes import routes as costs_routes
from tests.funds.routes import routes as funds_routes
from tests.funds.routes_cashflow import routes as cashflow_routes
from tests.funds.routes_pages import routes as funds_pages_routes
from tests.schedule.routes import routes as schedule_routes

Builder = Callable[[Any, Any], dict[str, Any]]


def _none(w: Any, user: Any) -> dict[str, Any]:
    return {}


def _project(w: Any, user: Any) -> dict[str, Any]:
    return {"project_id": w.project.pk}


def _leaf(w: Any) -> WbsNode:
    return WbsNode.objects.get(project=w.project, code="1.1")


def _row(w: Any) -> RaciRow:
    return RaciRow.objects.filter(project=w.project).first()


def _viewer(w: Any) -> Any:
    return w.members["viewer"]


def _token(w: Any, user: Any) -> dict[str, Any]:
    token, _ = token_create(user=user, name="to revoke")
    return {"token_id": token.pk}


def _role(w: Any, key: str = "viewer") -> Role:
    return Role.objects.get(organisation=w.org, key=key)


def _custom_role(w: Any) -> Role:
    return Role.objects.get_or_create(
        organisation=w.org,
        key="site-clerk",
        defaults={"name": "Site clerk", "codes": ["projects.view"]},
    )[0]


def _raci_cells(w: Any) -> dict[int, str]:
    return {w.members["project_manager"].pk: "A", w.members["scheduler"].pk: "R"}


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    scope: str  # "public", "self" (own data), "org" (organisation-wide), "project"
    code: str | None = None  # permission needed (None: any member of the scope)
    kwargs: Builder = _none
    body: Builder = _none
    query: Callable[[Any], str] | None = None
    # The statuses that count as allowed (a route that always refuses, e.g. editing a posted
    # ledger entry, answers 409 to everyone who may see it).
    ok: frozenset[int] | None = None

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")


R = Route
ROUTES: list[Route] = [
    # --- pages -------------------------------------------------------------------------------
    R("home", "GET", "public"),
    R("set_language", "POST", "public", body=lambda w, u: {"language": "zh-hans", "next": "/"}),
    R("accounts:login", "GET", "public"),
    R("accounts:logout", "POST", "self"),
    R("accounts:profile", "GET", "self"),
    R("accounts:profile", "POST", "self", body=lambda w, u: {"name": "laptop"}),
    R("accounts:token_revoke", "POST", "self", kwargs=_token),
    R("accounts:roles", "GET", "org"),
    R(
        "accounts:roles",
        "POST",
        "org",
        "accounts.manage_roles",
        body=lambda w, u: {"key": "clerk", "name": "Clerk", "codes": ["projects.view"]},
    ),
    R("projects:project_list", "GET", "self"),
    R("projects:project_create", "GET", "org", "projects.create"),
    R(
        "projects:project_create",
        "POST",
        "org",
        "projects.create",
        body=lambda w, u: {
            "code": "NEW-1",
            "name": "新项目",
            "contract_value": "10.00",
            "currency": "CNY",
            "status": "planning",
        },
    ),
    R("projects:project_detail", "GET", "project", "projects.view", _project),
    R("projects:project_edit", "GET", "project", "projects.edit", _project),
    R(
        "projects:project_edit",
        "POST",
        "project",
        "projects.edit",
        _project,
        body=lambda w, u: {
            "version": w.project.version,
            "code": w.project.code,
            "name": "改名",
            "contract_value": "5.00",
            "currency": "CNY",
            "status": "active",
        },
    ),
    R("projects:wbs", "GET", "project", "projects.view", _project),
    R(
        "projects:wbs",
        "POST",
        "project",
        "projects.edit_wbs",
        _project,
        body=lambda w, u: {"code": "9", "name": "新增", "sort_order": "0"},
    ),
    R(
        "projects:wbs_edit",
        "GET",
        "project",
        "projects.edit_wbs",
        lambda w, u: {"project_id": w.project.pk, "node_id": _leaf(w).pk},
    ),
    R(
        "projects:wbs_edit",
        "POST",
        "project",
        "projects.edit_wbs",
        lambda w, u: {"project_id": w.project.pk, "node_id": _leaf(w).pk},
        body=lambda w, u: {
            "version": _leaf(w).version,
            "code": "1.1",
            "name": "桩基础",
            "sort_order": "0",
        },
    ),
    R(
        "projects:wbs_delete",
        "POST",
        "project",
        "projects.edit_wbs",
        lambda w, u: {"project_id": w.project.pk, "node_id": _leaf(w).pk},
        body=lambda w, u: {"version": _leaf(w).version},
    ),
    R("projects:members", "GET", "project", "projects.view", _project),
    R(
        "projects:members",
        "POST",
        "project",
        "projects.manage_members",
        _project,
        body=lambda w, u: {"user": w.outsider.pk, "role": _role(w).pk},
    ),
    R(
        "projects:member_update",
        "POST",
        "project",
        "projects.manage_members",
        lambda w, u: {"project_id": w.project.pk, "member_id": _viewer(w).pk},
        body=lambda w, u: {"version": _viewer(w).version, "role": _role(w, "foreman").pk},
    ),
    R(
        "projects:member_remove",
        "POST",
        "project",
        "projects.manage_members",
        lambda w, u: {"project_id": w.project.pk, "member_id": _viewer(w).pk},
        body=lambda w, u: {"version": _viewer(w).version},
    ),
    R("projects:raci", "GET", "project", "projects.view", _project),
    R(
        "projects:raci",
        "POST",
        "project",
        "projects.edit_raci",
        _project,
        body=lambda w, u: {
            "deliverable": "竣工资料",
            **{f"cell-{m}": v for m, v in _raci_cells(w).items()},
        },
    ),
    R(
        "projects:raci_row_update",
        "POST",
        "project",
        "projects.edit_raci",
        lambda w, u: {"project_id": w.project.pk, "row_id": _row(w).pk},
        body=lambda w, u: {
            "version": _row(w).version,
            **{f"cell-{m}": v for m, v in _raci_cells(w).items()},
        },
    ),
    R(
        "projects:raci_row_delete",
        "POST",
        "project",
        "projects.edit_raci",
        lambda w, u: {"project_id": w.project.pk, "row_id": _row(w).pk},
        body=lambda w, u: {"version": _row(w).version},
    ),
    R("projects:project_history", "GET", "project", "audit.view", _project),
    R(
        "projects:object_history",
        "GET",
        "project",
        "audit.view",
        lambda w, u: {"project_id": w.project.pk, "model": "project", "object_id": w.project.pk},
    ),
    # --- API ---------------------------------------------------------------------------------
    R("api:openapi-json", "GET", "public"),
    R("api:openapi-view", "GET", "public"),
    R("api:me", "GET", "self"),
    R("api:organisation_list", "GET", "self"),
    R("api:organisation_detail", "GET", "org", None, lambda w, u: {"organisation_id": w.org.pk}),
    R("api:person_list", "GET", "org", None, lambda w, u: {"organisation_id": w.org.pk}),
    R("api:role_list", "GET", "self"),
    R(
        "api:role_create",
        "POST",
        "org",
        "accounts.manage_roles",
        body=lambda w, u: {
            "organisation_id": w.org.pk,
            "key": "clerk",
            "name": "Clerk",
            "codes": ["projects.view"],
        },
    ),
    R("api:role_detail", "GET", "org", None, lambda w, u: {"role_id": _role(w).pk}),
    R(
        "api:role_update",
        "PATCH",
        "org",
        "accounts.manage_roles",
        lambda w, u: {"role_id": _custom_role(w).pk},
        body=lambda w, u: {
            "version": _custom_role(w).version,
            "name": "Clerk",
            "codes": ["*.view"],
        },
    ),
    R("api:token_list", "GET", "self"),
    R("api:token_create", "POST", "self", body=lambda w, u: {"name": "ci"}),
    R("api:token_revoke", "DELETE", "self", kwargs=_token),
    R("api:project_list", "GET", "self"),
    R(
        "api:project_create",
        "POST",
        "org",
        "projects.create",
        body=lambda w, u: {"organisation_id": w.org.pk, "code": "NEW-2", "name": "新项目"},
    ),
    R("api:project_detail", "GET", "project", "projects.view", _project),
    R(
        "api:project_update",
        "PATCH",
        "project",
        "projects.edit",
        _project,
        body=lambda w, u: {"version": w.project.version, "client": "业主"},
    ),
    R("api:wbs_list", "GET", "project", "projects.view", _project),
    R(
        "api:wbs_create",
        "POST",
        "project",
        "projects.edit_wbs",
        _project,
        body=lambda w, u: {"code": "9", "name": "新增"},
    ),
    R("api:wbs_detail", "GET", "project", "projects.view", lambda w, u: {"node_id": _leaf(w).pk}),
    R(
        "api:wbs_update",
        "PATCH",
        "project",
        "projects.edit_wbs",
        lambda w, u: {"node_id": _leaf(w).pk},
        body=lambda w, u: {"version": _leaf(w).version, "name": "桩"},
    ),
    R(
        "api:wbs_delete",
        "DELETE",
        "project",
        "projects.edit_wbs",
        lambda w, u: {"node_id": _leaf(w).pk},
        query=lambda w: f"version={_leaf(w).version}",
    ),
    R("api:member_list", "GET", "project", "projects.view", _project),
    R(
        "api:member_add",
        "POST",
        "project",
        "projects.manage_members",
        _project,
        body=lambda w, u: {"user_id": w.outsider.pk, "role_id": _role(w).pk},
    ),
    R(
        "api:member_update",
        "PATCH",
        "project",
        "projects.manage_members",
        lambda w, u: {"member_id": _viewer(w).pk},
        body=lambda w, u: {"version": _viewer(w).version, "role_id": _role(w, "foreman").pk},
    ),
    R(
        "api:member_remove",
        "DELETE",
        "project",
        "projects.manage_members",
        lambda w, u: {"member_id": _viewer(w).pk},
        query=lambda w: f"version={_viewer(w).version}",
    ),
    R("api:raci_row_list", "GET", "project", "projects.view", _project),
    R(
        "api:raci_row_create",
        "POST",
        "project",
        "projects.edit_raci",
        _project,
        body=lambda w, u: {
            "deliverable": "竣工资料",
            "assignments": [{"member_id": m, "letter": v} for m, v in _raci_cells(w).items()],
        },
    ),
    R(
        "api:raci_row_detail",
        "GET",
        "project",
        "projects.view",
        lambda w, u: {"row_id": _row(w).pk},
    ),
    R(
        "api:raci_row_update",
        "PUT",
        "project",
        "projects.edit_raci",
        lambda w, u: {"row_id": _row(w).pk},
        body=lambda w, u: {
            "version": _row(w).version,
            "assignments": [{"member_id": m, "letter": v} for m, v in _raci_cells(w).items()],
        },
    ),
    R(
        "api:raci_row_delete",
        "DELETE",
        "project",
        "projects.edit_raci",
        lambda w, u: {"row_id": _row(w).pk},
        query=lambda w: f"version={_row(w).version}",
    ),
    R("api:project_history", "GET", "project", "audit.view", _project),
]

# --- day labour (sitebook.labour) ------------------------------------------------------------


def _labour(w: Any) -> dict[str, Any]:
    """The world's day-labour data (created on first use): roster, rate, two tickets."""
    project = w.project
    trade = Trade.objects.filter(organisation=w.org, code="MG").first()
    if trade is None:
        trade = labour.trade_create(actor=w.admin, project=project, code="MG", name="木工")
        labour.rate_set(
            actor=w.admin, project=project, trade_id=trade.pk, grade="skilled", rate=Decimal("400")
        )
        for n, id_number in enumerate(["110101199003074573", "11010519491231002X"]):
            labour.worker_create(
                actor=w.admin,
                project=project,
                name=f"工人{n}",
                id_number=id_number,
                trade_id=trade.pk,
                grade="skilled",
            )
    workers = list(Worker.objects.filter(organisation=w.org).order_by("id"))
    tickets = {t.location: t for t in Ticket.objects.filter(project=project)}
    for location, start in (("draft", "08:00"), ("submitted", "13:00")):
        if location not in tickets:
            ticket = labour.ticket_create(
                actor=w.admin,
                project=project,
                location=location,
                work_date=dt.date(2026, 6, 2),
                instruction_source="supervisor",
                reason="rework",
                labour=[
                    {"worker_id": workers[0].pk, "start": start, "end": f"{int(start[:2]) + 4}:00"}
                ],
            )
            if location == "submitted":
                ticket = labour.ticket_submit(actor=w.admin, ticket=ticket, version=ticket.version)
            tickets[location] = ticket
    return {"trade": trade, "worker": workers[0], "workers": workers, **tickets}


def _draft(w: Any) -> Any:
    return _labour(w)["draft"]


def _submitted(w: Any) -> Any:
    return _labour(w)["submitted"]


def _ticket_body(w: Any, version: int | None = None) -> dict[str, Any]:
    worker = _labour(w)["workers"][1]
    body = {
        "location": "2#楼",
        "work_date": "2026-06-03",
        "instruction_source": "owner",
        "reason": "variation",
        "labour": [{"worker_id": worker.pk, "start": "08:00", "end": "12:00"}],
    }
    if version is not None:
        body["version"] = version
    return body


def _ticket_form(w: Any, version: int | None = None) -> dict[str, Any]:
    worker = _labour(w)["workers"][1]
    form = {
        "work_date": "2026-06-03",
        "location": "2#楼",
        "instruction_source": "owner",
        "reason": "variation",
        "labour-0-worker": str(worker.pk),
        "labour-0-start": "08:00",
        "labour-0-end": "12:00",
    }
    if version is not None:
        form["version"] = str(version)
    return form


def _roster_file(w: Any, u: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("roster.xlsx", roster_template())}


def _lp(w: Any, u: Any) -> dict[str, Any]:
    _labour(w)
    return {"project_id": w.project.pk}


def _lt(key: str) -> Builder:
    return lambda w, u: {"project_id": w.project.pk, "ticket_id": _labour(w)[key].pk}


def _at(key: str) -> Builder:
    return lambda w, u: {"ticket_id": _labour(w)[key].pk}


# The smallest valid PNG (1x1, one grey pixel); the real upload is covered in
# tests/labour/test_photos.py, this row checks who may post one.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a4944415478da63600000000200015d0b5b6b0000000049454e44ae426082"
)


def _photo_file(w: Any, u: Any) -> dict[str, Any]:
    return {"photo": SimpleUploadedFile("site.png", TINY_PNG, "image/png"), "caption": "3#"}


def _lph(w: Any, u: Any) -> dict[str, Any]:
    """A photo of the world's draft ticket, written by its admin for this request only."""
    draft = _draft(w)
    photo = labour.ticket_photo_add(
        actor=w.admin, ticket=draft, file=SimpleUploadedFile("site.png", TINY_PNG)
    )
    return {"project_id": w.project.pk, "ticket_id": draft.pk, "photo_id": photo.pk}


def _lw(w: Any, u: Any) -> dict[str, Any]:
    return {"project_id": w.project.pk, "worker_id": _labour(w)["worker"].pk}


ROUTES += [
    R("labour:ticket_list", "GET", "project", "labour.view", _lp),
    R("labour:ticket_create", "GET", "project", "labour.record", _lp),
    R(
        "labour:ticket_create",
        "POST",
        "project",
        "labour.record",
        _lp,
        body=lambda w, u: _ticket_form(w),
    ),
    R(
        "labour:day_type",
        "GET",
        "project",
        "labour.view",
        _lp,
        query=lambda w: "work_date=2026-10-01",
    ),
    R("labour:ticket_detail", "GET", "project", "labour.view", _lt("draft")),
    R("labour:ticket_edit", "GET", "project", "labour.record", _lt("draft")),
    R(
        "labour:ticket_edit",
        "POST",
        "project",
        "labour.record",
        _lt("draft"),
        body=lambda w, u: _ticket_form(w, _draft(w).version),
    ),
    R(
        "labour:ticket_submit",
        "POST",
        "project",
        "labour.record",
        _lt("draft"),
        body=lambda w, u: {"version": _draft(w).version},
    ),
    R(
        "labour:ticket_sign",
        "POST",
        "project",
        "labour.record",
        _lt("submitted"),
        body=lambda w, u: {"version": _submitted(w).version, "step": "team_leader"},
    ),
    R(
        "labour:ticket_reject",
        "POST",
        "project",
        "labour.approve",
        _lt("submitted"),
        body=lambda w, u: {"version": _submitted(w).version, "comment": "人数不符"},
    ),
    R("labour:ticket_print", "GET", "project", "labour.view", _lt("submitted")),
    R(
        "labour:ticket_photo_add",
        "POST",
        "project",
        "labour.record",
        _lt("draft"),
        body=_photo_file,
    ),
    R("labour:ticket_photo", "GET", "project", "labour.view", _lph),
    R("labour:ticket_photo_delete", "POST", "project", "labour.record", _lph),
    R("labour:export", "GET", "project", "labour.view", _lp),
    R("labour:roster", "GET", "project", "labour.view", _lp),
    R(
        "labour:roster",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {
            "name": "赵六",
            "id_number": "110101198001010053",
            "trade": str(_labour(w)["trade"].pk),
            "grade": "skilled",
        },
    ),
    R(
        "labour:trade_create",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {"code": "GJ", "name": "钢筋工"},
    ),
    R(
        "labour:team_create",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {"name": "钢筋二班"},
    ),
    R("labour:roster_import", "GET", "project", "labour.manage", _lp),
    R("labour:roster_import", "POST", "project", "labour.manage", _lp, body=_roster_file),
    R("labour:rates", "GET", "project", "labour.view", _lp),
    R(
        "labour:rates",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {"trade": str(_labour(w)["trade"].pk), "grade": "senior", "rate": "450"},
    ),
    R(
        "labour:period_close",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {"month": "2026-05"},
    ),
    R("labour:settings", "GET", "org", "labour.manage", _lp),
    R(
        "labour:settings",
        "POST",
        "org",
        "labour.manage",
        _lp,
        body=lambda w, u: {
            "version": "1",
            "hours_per_day": "8",
            "max_hours_per_day": "12",
            "overtime_multiplier": "1.5",
            "rest_day_multiplier": "2",
            "holiday_multiplier": "3",
            "deemed_acceptance_days": "2",
            "late_submission_hours": "24",
            "number_prefix": "DG",
        },
    ),
    R("labour:summary", "GET", "project", "labour.view", _lp),
    R("labour:cost_report", "GET", "project", "labour.view", _lp),
    R(
        "api:labour_settings_detail",
        "GET",
        "org",
        None,
        lambda w, u: {"organisation_id": w.org.pk},
    ),
    R(
        "api:labour_settings_update",
        "PATCH",
        "org",
        "labour.manage",
        lambda w, u: {"organisation_id": w.org.pk},
        body=lambda w, u: {"version": 1, "max_hours_per_day": "12"},
    ),
    R("api:labour_trade_list", "GET", "project", "labour.view", _lp),
    R(
        "api:labour_trade_create",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {"code": "GJ", "name": "钢筋工"},
    ),
    R("api:labour_team_list", "GET", "project", "labour.view", _lp),
    R(
        "api:labour_team_create",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {"name": "钢筋二班"},
    ),
    R("api:labour_worker_list", "GET", "project", "labour.view", _lp),
    R(
        "api:labour_worker_create",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {
            "name": "赵六",
            "id_number": "110101198001010053",
            "trade_id": _labour(w)["trade"].pk,
            "grade": "skilled",
        },
    ),
    R("api:labour_worker_detail", "GET", "project", "labour.view", _lw),
    R(
        "api:labour_worker_update",
        "PATCH",
        "project",
        "labour.manage",
        _lw,
        body=lambda w, u: {"version": _labour(w)["worker"].version, "phone": "13900000000"},
    ),
    R("api:labour_rate_list", "GET", "project", "labour.view", _lp),
    R(
        "api:labour_rate_set",
        "PUT",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {"trade_id": _labour(w)["trade"].pk, "grade": "senior", "rate": "450"},
    ),
    R(
        "api:labour_period_close",
        "POST",
        "project",
        "labour.manage",
        _lp,
        body=lambda w, u: {"month": "2026-05-01"},
    ),
    R("api:labour_ticket_list", "GET", "project", "labour.view", _lp),
    R(
        "api:labour_ticket_create",
        "POST",
        "project",
        "labour.record",
        _lp,
        body=lambda w, u: _ticket_body(w),
    ),
    R("api:labour_ticket_detail", "GET", "project", "labour.view", _at("draft")),
    R(
        "api:labour_ticket_update",
        "PUT",
        "project",
        "labour.record",
        _at("draft"),
        body=lambda w, u: _ticket_body(w, _draft(w).version),
    ),
    R(
        "api:labour_ticket_submit",
        "POST",
        "project",
        "labour.record",
        _at("draft"),
        body=lambda w, u: {"version": _draft(w).version},
    ),
    R(
        "api:labour_ticket_sign",
        "POST",
        "project",
        "labour.record",
        _at("submitted"),
        body=lambda w, u: {"version": _submitted(w).version, "step": "team_leader"},
    ),
    R(
        "api:labour_ticket_reject",
        "POST",
        "project",
        "labour.approve",
        _at("submitted"),
        body=lambda w, u: {"version": _submitted(w).version, "comment": "人数不符"},
    ),
    R("api:labour_summary", "GET", "project", "labour.view", _lp, query=lambda w: "by=worker"),
    R("api:labour_summary_all", "GET", "self", query=lambda w: "by=project"),
    R("api:labour_cost_report", "GET", "project", "labour.view", _lp),
]

ROUTES += schedule_routes(R)
ROUTES += costs_routes(R)
ROUTES += funds_routes(R)
ROUTES += cashflow_routes(R)
ROUTES += funds_pages_routes(R)

# Routes left out of the table, each with its reason.
EXEMPT = {
    "api:api-root": "ninja's index of the API; answers 404 with no data",
}
EXEMPT_PREFIXES = {
    "admin:": "Django admin: staff only (test_admin_is_for_staff_only covers members)",
}


def url_pattern_names() -> set[str]:
    """The names of every URL pattern in the URL configuration."""

    def walk(patterns: list[Any], namespace: str | None) -> list[str]:
        names: list[str] = []
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if namespace and p.namespace:
                    ns = f"{namespace}:{p.namespace}"
                names.extend(walk(p.url_patterns, ns))
            elif isinstance(p, URLPattern):
                name = p.name or f"<unnamed {p.pattern}>"
                names.append(f"{namespace}:{name}" if namespace else name)
        return names

    return set(walk(get_resolver().url_patterns, None))


def api_operation_methods() -> dict[str, set[str]]:
    """{'api:<operation>': {'GET'}} for every operation of the REST API."""
    from sitebook.config.api import api

    found: dict[str, set[str]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                found.setdefault(f"api:{op.view_func.__name__}", set()).update(op.methods)
    return found


def token_revoked(token_id: int) -> bool:
    return ApiToken.objects.filter(pk=token_id, revoked_at__isnull=False).exists()
