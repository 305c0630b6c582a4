"""Reads of projects, WBS, members and RACI, starting from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from sitebook.accounts import access as org_access
from sitebook.accounts.models import Role, User
from sitebook.core.errors import NotFound
from sitebook.projects import access
from sitebook.projects.models import Project, ProjectMember, RaciAssignment, RaciRow, WbsNode


def project_list(
    user: Any,
    *,
    q: str | None = None,
    status: str | None = None,
    organisation_id: int | None = None,
) -> QuerySet[Project]:
    """Projects the user may see: all of the organisations they administer, else their own."""
    if not user or not user.is_authenticated:
        return Project.objects.none()
    admin_orgs = [o for o in org_access.organisation_ids(user) if org_access.is_admin(user, o)]
    member_orgs = org_access.organisation_ids(user)
    qs = Project.objects.filter(
        Q(organisation_id__in=admin_orgs) | Q(organisation_id__in=member_orgs, members__user=user)
    ).distinct()
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(client__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("code", "id")


def project_get(user: Any, project_id: int, code: str = "projects.view") -> Project:
    """The project if the user holds `code` on it; 404 if they cannot see it, 403 otherwise."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise NotFound()
    access.require(user, code, project)
    return project


def wbs_list(project: Project) -> QuerySet[WbsNode]:
    return WbsNode.objects.filter(project=project).order_by("code", "id")


@dataclass
class WbsLine:
    node: WbsNode
    depth: int


def wbs_tree(project: Project) -> list[WbsLine]:
    """The WBS in outline order (parents before children), with each element's depth."""
    nodes = list(wbs_list(project))
    children: dict[int | None, list[WbsNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.sort_order, n.code))
    lines: list[WbsLine] = []
    stack: list[tuple[WbsNode, int]] = [(n, 0) for n in reversed(children.get(None, []))]
    while stack:
        node, depth = stack.pop()
        lines.append(WbsLine(node, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(node.pk, [])))
    return lines


def wbs_get(user: Any, node_id: int, code: str = "projects.view") -> WbsNode:
    node = WbsNode.objects.select_related("project").filter(pk=node_id).first()
    if node is None:
        raise NotFound()
    access.require(user, code, node.project)
    return node


def member_list(project: Project) -> QuerySet[ProjectMember]:
    return (
        ProjectMember.objects.filter(project=project).select_related("user", "role").order_by("id")
    )


def member_get(user: Any, member_id: int, code: str = "projects.view") -> ProjectMember:
    member = (
        ProjectMember.objects.select_related("project", "user", "role").filter(pk=member_id).first()
    )
    if member is None:
        raise NotFound()
    access.require(user, code, member.project)
    return member


def member_candidates(project: Project) -> QuerySet[User]:
    """People of the project's organisation who are not yet members."""
    return (
        User.objects.filter(memberships__organisation_id=project.organisation_id, is_active=True)
        .exclude(project_memberships__project=project)
        .order_by("username")
    )


def role_choices(project: Project) -> QuerySet[Role]:
    return Role.objects.filter(organisation_id=project.organisation_id).order_by("id")


@dataclass
class RaciMatrix:
    members: list[ProjectMember]
    rows: list[RaciRow]
    cells: dict[tuple[int, int], str]  # (row id, member id) -> letter

    def letter(self, row_id: int, member_id: int) -> str:
        return self.cells.get((row_id, member_id), "")


def raci_matrix(project: Project) -> RaciMatrix:
    """The whole matrix in three queries."""
    members = list(member_list(project))
    rows = list(RaciRow.objects.filter(project=project).select_related("wbs_node"))
    cells = {
        (row_id, member_id): letter
        for row_id, member_id, letter in RaciAssignment.objects.filter(project=project).values_list(
            "row_id", "member_id", "letter"
        )
    }
    for row in rows:
        # Each row carries its cells in column order, ready for the matrix page.
        row.cells = [(m, cells.get((row.pk, m.pk), "")) for m in members]  # type: ignore[attr-defined]
    return RaciMatrix(members, rows, cells)


def raci_row_get(user: Any, row_id: int, code: str = "projects.view") -> RaciRow:
    row = RaciRow.objects.select_related("project", "wbs_node").filter(pk=row_id).first()
    if row is None:
        raise NotFound()
    access.require(user, code, row.project)
    return row
