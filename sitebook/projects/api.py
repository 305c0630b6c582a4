"""REST endpoints for projects, WBS, members, RACI and project history."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from sitebook.accounts import access as org_access
from sitebook.audit.selectors import history_for_project
from sitebook.core.errors import InvalidInput
from sitebook.projects import selectors, services
from sitebook.projects.models import Project, RaciRow
from sitebook.projects.schemas import (
    ChangeOut,
    HistoryFilter,
    MemberFilter,
    MemberIn,
    MemberOut,
    MemberPatch,
    ProjectFilter,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    RaciRowIn,
    RaciRowOut,
    RaciRowPut,
    WbsFilter,
    WbsIn,
    WbsOut,
    WbsPatch,
)

router = Router(tags=["projects"])


def _organisation_id(request: HttpRequest, requested: int | None) -> int:
    org_id = org_access.default_organisation_id(request.user, requested)
    if requested is not None and org_id != requested:
        raise InvalidInput.field("organisation_id", _("No such organisation."))
    if org_id is None:
        raise InvalidInput.field("organisation_id", _("You belong to no organisation."))
    return org_id


# --- projects ---------------------------------------------------------------------------------


@router.get("/projects", response=list[ProjectOut])
@paginate(LimitOffsetPagination)
def project_list(request: HttpRequest, filters: Query[ProjectFilter]) -> Any:
    return selectors.project_list(request.user, **filters.dict())


@router.post("/projects", response={201: ProjectOut})
def project_create(request: HttpRequest, payload: ProjectIn) -> Any:
    data = payload.dict()
    org_id = _organisation_id(request, data.pop("organisation_id"))
    return 201, services.project_create(actor=request.user, organisation_id=org_id, **data)


@router.get("/projects/{project_id}", response=ProjectOut)
def project_detail(request: HttpRequest, project_id: int) -> Any:
    return selectors.project_get(request.user, project_id)


@router.patch("/projects/{project_id}", response=ProjectOut)
def project_update(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    project = selectors.project_get(request.user, project_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    for required in ("code", "name", "contract_value", "currency", "status"):
        if required in changes and changes[required] is None:
            raise InvalidInput.field(required, _("This field cannot be empty."))
    return services.project_update(actor=request.user, project=project, version=version, **changes)


# --- WBS -------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/wbs", response=list[WbsOut])
@paginate(LimitOffsetPagination)
def wbs_list(request: HttpRequest, project_id: int, filters: Query[WbsFilter]) -> Any:
    project = selectors.project_get(request.user, project_id)
    qs = selectors.wbs_list(project)
    if filters.q:
        qs = qs.filter(code__icontains=filters.q) | qs.filter(name__icontains=filters.q)
    if filters.parent_id is not None:
        qs = qs.filter(parent_id=filters.parent_id)
    return qs


@router.post("/projects/{project_id}/wbs", response={201: WbsOut})
def wbs_create(request: HttpRequest, project_id: int, payload: WbsIn) -> Any:
    project = selectors.project_get(request.user, project_id)
    return 201, services.wbs_create(actor=request.user, project=project, **payload.dict())


@router.get("/wbs/{node_id}", response=WbsOut)
def wbs_detail(request: HttpRequest, node_id: int) -> Any:
    return selectors.wbs_get(request.user, node_id)


@router.patch("/wbs/{node_id}", response=WbsOut)
def wbs_update(request: HttpRequest, node_id: int, payload: WbsPatch) -> Any:
    node = selectors.wbs_get(request.user, node_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.wbs_update(actor=request.user, node=node, version=version, **changes)


@router.delete("/wbs/{node_id}", response={204: None})
def wbs_delete(request: HttpRequest, node_id: int, version: int) -> Any:
    node = selectors.wbs_get(request.user, node_id)
    services.wbs_delete(actor=request.user, node=node, version=version)
    return 204, None


# --- members ---------------------------------------------------------------------------------


@router.get("/projects/{project_id}/members", response=list[MemberOut])
@paginate(LimitOffsetPagination)
def member_list(request: HttpRequest, project_id: int, filters: Query[MemberFilter]) -> Any:
    project = selectors.project_get(request.user, project_id)
    qs = selectors.member_list(project)
    if filters.role_id is not None:
        qs = qs.filter(role_id=filters.role_id)
    return qs


@router.post("/projects/{project_id}/members", response={201: MemberOut})
def member_add(request: HttpRequest, project_id: int, payload: MemberIn) -> Any:
    project = selectors.project_get(request.user, project_id)
    member = services.member_add(actor=request.user, project=project, **payload.dict())
    return 201, selectors.member_get(request.user, member.pk)


@router.patch("/members/{member_id}", response=MemberOut)
def member_update(request: HttpRequest, member_id: int, payload: MemberPatch) -> Any:
    member = selectors.member_get(request.user, member_id)
    services.member_update(
        actor=request.user, member=member, version=payload.version, role_id=payload.role_id
    )
    return selectors.member_get(request.user, member_id)


@router.delete("/members/{member_id}", response={204: None})
def member_remove(request: HttpRequest, member_id: int, version: int) -> Any:
    member = selectors.member_get(request.user, member_id)
    services.member_remove(actor=request.user, member=member, version=version)
    return 204, None


# --- RACI ------------------------------------------------------------------------------------


def _row_out(row: RaciRow, cells: dict[tuple[int, int], str]) -> dict[str, Any]:
    return {
        "id": row.pk,
        "project_id": row.project_id,
        "wbs_node_id": row.wbs_node_id,
        "deliverable": row.deliverable,
        "label": str(row),
        "sort_order": row.sort_order,
        "version": row.version,
        "assignments": [
            {"member_id": m, "letter": letter}
            for (r, m), letter in sorted(cells.items())
            if r == row.pk
        ],
    }


def _cells(payload_cells: list[Any]) -> dict[int, str]:
    cells: dict[int, str] = {}
    for cell in payload_cells:
        if cell.member_id in cells:
            raise InvalidInput.field(
                f"assignments.{cell.member_id}", _("A member can hold only one letter per row.")
            )
        cells[cell.member_id] = cell.letter
    return cells


@router.get("/projects/{project_id}/raci", response=list[RaciRowOut])
@paginate(LimitOffsetPagination)
def raci_row_list(request: HttpRequest, project_id: int) -> Any:
    project = selectors.project_get(request.user, project_id)
    matrix = selectors.raci_matrix(project)
    return [_row_out(row, matrix.cells) for row in matrix.rows]


@router.post("/projects/{project_id}/raci", response={201: RaciRowOut})
def raci_row_create(request: HttpRequest, project_id: int, payload: RaciRowIn) -> Any:
    project = selectors.project_get(request.user, project_id)
    row = services.raci_row_create(
        actor=request.user,
        project=project,
        assignments=_cells(payload.assignments),
        wbs_node_id=payload.wbs_node_id,
        deliverable=payload.deliverable,
        sort_order=payload.sort_order,
    )
    return 201, _row_out(row, selectors.raci_matrix(project).cells)


@router.get("/raci/{row_id}", response=RaciRowOut)
def raci_row_detail(request: HttpRequest, row_id: int) -> Any:
    row = selectors.raci_row_get(request.user, row_id)
    return _row_out(row, selectors.raci_matrix(row.project).cells)


@router.put("/raci/{row_id}", response=RaciRowOut)
def raci_row_update(request: HttpRequest, row_id: int, payload: RaciRowPut) -> Any:
    row = selectors.raci_row_get(request.user, row_id)
    updated = services.raci_row_update(
        actor=request.user,
        row=row,
        version=payload.version,
        assignments=_cells(payload.assignments),
        deliverable=payload.deliverable,
    )
    return _row_out(updated, selectors.raci_matrix(row.project).cells)


@router.delete("/raci/{row_id}", response={204: None})
def raci_row_delete(request: HttpRequest, row_id: int, version: int) -> Any:
    row = selectors.raci_row_get(request.user, row_id)
    services.raci_row_delete(actor=request.user, row=row, version=version)
    return 204, None


# --- history ---------------------------------------------------------------------------------


@router.get("/projects/{project_id}/history", response=list[ChangeOut])
@paginate(LimitOffsetPagination)
def project_history(request: HttpRequest, project_id: int, filters: Query[HistoryFilter]) -> Any:
    project: Project = selectors.project_get(request.user, project_id, "audit.view")
    qs = history_for_project(project.pk)
    if filters.object_type:
        qs = qs.filter(content_type__in=ContentType.objects.filter(model=filters.object_type))
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.action:
        qs = qs.filter(action=filters.action)
    return qs
