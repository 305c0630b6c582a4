"""Writes for projects, WBS, members and the RACI matrix.

Each function checks permission, validates, writes in one transaction and leaves the
change records to the audited models.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sitebook.accounts.models import Membership, Role, User
from sitebook.core.errors import InvalidInput
from sitebook.core.services import apply_changes, lock_for_update, service, validate
from sitebook.projects import access
from sitebook.projects.models import Project, ProjectMember, RaciAssignment, RaciRow, WbsNode

PROJECT_FIELDS = (
    "code",
    "name",
    "name_en",
    "client",
    "contract_value",
    "currency",
    "location",
    "start_date",
    "finish_date",
    "status",
    "description",
)


def _check_dates(start: date | None, finish: date | None) -> None:
    if start and finish and finish < start:
        raise InvalidInput.field("finish_date", _("The finish must not be before the start."))


def _check_code_free(project: Project) -> None:
    clash = Project.objects.filter(organisation_id=project.organisation_id, code=project.code)
    if project.pk:
        clash = clash.exclude(pk=project.pk)
    if clash.exists():
        raise InvalidInput.field(
            "code", _("Another project already uses the code %(code)s.") % {"code": project.code}
        )


@service
def project_create(
    *,
    actor: Any,
    organisation_id: int,
    code: str,
    name: str,
    name_en: str = "",
    client: str = "",
    contract_value: Decimal = Decimal("0"),
    currency: str = "CNY",
    location: str = "",
    start_date: date | None = None,
    finish_date: date | None = None,
    status: str = Project.Status.PLANNING,
    description: str = "",
) -> Project:
    """Create a project; its creator joins it as owner."""
    access.require(actor, "projects.create", organisation_id=organisation_id)
    project = Project(
        organisation_id=organisation_id,
        code=code.strip(),
        name=name.strip(),
        name_en=name_en.strip(),
        client=client,
        contract_value=contract_value,
        currency=currency,
        location=location,
        start_date=start_date,
        finish_date=finish_date,
        status=status,
        description=description,
    )
    _check_code_free(project)
    validate(project)
    _check_dates(start_date, finish_date)
    with transaction.atomic():
        project.save()
        owner = Role.objects.get(organisation_id=organisation_id, key="owner")
        ProjectMember.objects.create(
            organisation_id=organisation_id, project=project, user=actor, role=owner
        )
    access.forget(actor)
    return project


@service
def project_update(*, actor: Any, project: Project, version: int, **changes: Any) -> Project:
    access.require(actor, "projects.edit", project)
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be changed."))
    start = changes.get("start_date", project.start_date)
    finish = changes.get("finish_date", project.finish_date)
    _check_dates(start, finish)
    if "code" in changes:
        probe = Project(
            pk=project.pk, organisation_id=project.organisation_id, code=changes["code"]
        )
        _check_code_free(probe)
    return apply_changes(project, changes, version=version)


# --- WBS ---------------------------------------------------------------------------------


def _wbs_parent(project: Project, parent_id: int | None) -> WbsNode | None:
    if parent_id is None:
        return None
    parent = WbsNode.objects.filter(pk=parent_id, project=project).first()
    if parent is None:
        raise InvalidInput.field("parent", _("No such WBS element in this project."))
    return parent


def _check_wbs_code_free(node: WbsNode) -> None:
    clash = WbsNode.objects.filter(project_id=node.project_id, code=node.code)
    if node.pk:
        clash = clash.exclude(pk=node.pk)
    if clash.exists():
        raise InvalidInput.field(
            "code", _("Another WBS element already uses the code %(code)s.") % {"code": node.code}
        )


@service
def wbs_create(
    *,
    actor: Any,
    project: Project,
    code: str,
    name: str,
    name_en: str = "",
    parent_id: int | None = None,
    sort_order: int = 0,
) -> WbsNode:
    access.require(actor, "projects.edit_wbs", project)
    node = WbsNode(
        organisation_id=project.organisation_id,
        project=project,
        parent=_wbs_parent(project, parent_id),
        code=code.strip(),
        name=name.strip(),
        name_en=name_en.strip(),
        sort_order=sort_order,
    )
    _check_wbs_code_free(node)
    validate(node)
    node.save()
    return node


@service
def wbs_update(*, actor: Any, node: WbsNode, version: int, **changes: Any) -> WbsNode:
    access.require(actor, "projects.edit_wbs", node.project)
    fields: dict[str, Any] = {}
    for name in ("code", "name", "name_en", "sort_order"):
        if name in changes:
            fields[name] = changes[name]
    if "parent_id" in changes:
        parent = _wbs_parent(node.project, changes["parent_id"])
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == node.pk:
                raise InvalidInput.field(
                    "parent", _("A WBS element cannot be placed under itself or its own children.")
                )
            ancestor = ancestor.parent
        fields["parent"] = parent
    if "code" in fields:
        _check_wbs_code_free(WbsNode(pk=node.pk, project_id=node.project_id, code=fields["code"]))
    return apply_changes(node, fields, version=version)


@service
def wbs_delete(*, actor: Any, node: WbsNode, version: int) -> None:
    access.require(actor, "projects.edit_wbs", node.project)
    with transaction.atomic():
        locked = lock_for_update(node, version=version)
        if locked.children.exists():
            raise InvalidInput.field(
                "parent", _("Remove or move the WBS element's children first.")
            )
        if locked.raci_rows.exists():
            raise InvalidInput.field("raci", _("The WBS element is used in the RACI matrix."))
        locked.delete()


# --- Members -------------------------------------------------------------------------------


def _org_user(project: Project, user_id: int) -> User:
    membership = (
        Membership.objects.select_related("user")
        .filter(organisation_id=project.organisation_id, user_id=user_id, user__is_active=True)
        .first()
    )
    if membership is None:
        raise InvalidInput.field("user", _("No such person in this organisation."))
    return membership.user


def _org_role(project: Project, role_id: int) -> Role:
    role = Role.objects.filter(organisation_id=project.organisation_id, pk=role_id).first()
    if role is None:
        raise InvalidInput.field("role", _("No such role in this organisation."))
    return role


@service
def member_add(*, actor: Any, project: Project, user_id: int, role_id: int) -> ProjectMember:
    access.require(actor, "projects.manage_members", project)
    user = _org_user(project, user_id)
    role = _org_role(project, role_id)
    if ProjectMember.objects.filter(project=project, user=user).exists():
        raise InvalidInput.field("user", _("This person is already a member of the project."))
    member = ProjectMember.objects.create(
        organisation_id=project.organisation_id, project=project, user=user, role=role
    )
    access.forget(user)
    return member


@service
def member_update(
    *, actor: Any, member: ProjectMember, version: int, role_id: int
) -> ProjectMember:
    access.require(actor, "projects.manage_members", member.project)
    role = _org_role(member.project, role_id)
    updated = apply_changes(member, {"role": role}, version=version)
    access.forget(member.user)
    return updated


@service
def member_remove(*, actor: Any, member: ProjectMember, version: int) -> None:
    access.require(actor, "projects.manage_members", member.project)
    with transaction.atomic():
        locked = lock_for_update(member, version=version)
        if locked.raci.filter(letter=RaciAssignment.Letter.ACCOUNTABLE).exists():
            raise InvalidInput.field(
                "member",
                _(
                    "This member is accountable (A) for a RACI row; "
                    "give the A to someone else first."
                ),
            )
        for cell in locked.raci.all():
            cell.delete()
        locked.delete()
    access.forget(member.user)


# --- RACI ------------------------------------------------------------------------------------


def _clean_assignments(project: Project, assignments: dict[int, str]) -> dict[int, str]:
    """Check members and letters; exactly one A per row."""
    cleaned = {int(k): (v or "").strip().upper() for k, v in assignments.items()}
    cleaned = {k: v for k, v in cleaned.items() if v}
    valid = set(RaciAssignment.Letter.values)
    for member_id, letter in cleaned.items():
        if letter not in valid:
            raise InvalidInput.field(
                f"assignments.{member_id}",
                _("%(letter)s is not one of R, A, C, I.") % {"letter": letter},
            )
    known = set(
        ProjectMember.objects.filter(project=project, pk__in=cleaned).values_list("pk", flat=True)
    )
    for member_id in cleaned:
        if member_id not in known:
            raise InvalidInput.field(
                f"assignments.{member_id}", _("No such member in this project.")
            )
    accountable = [m for m, letter in cleaned.items() if letter == "A"]
    if len(accountable) != 1:
        message = (
            _("Each row needs exactly one accountable person (A); this row has none.")
            if not accountable
            else _("Each row needs exactly one accountable person (A); this row has %(n)d.")
            % {"n": len(accountable)}
        )
        raise InvalidInput.field("assignments", message)
    return cleaned


def _write_cells(row: RaciRow, cells: dict[int, str]) -> None:
    existing = {c.member_id: c for c in row.assignments.all()}
    # Cells that go away, and an A that moves, are deleted first: the database's one-A
    # constraint must hold after every statement, not only at the end.
    for member_id, cell in list(existing.items()):
        if member_id not in cells or (cell.letter == "A" and cells[member_id] != "A"):
            cell.delete()
            del existing[member_id]
    for member_id, letter in cells.items():
        cell = existing.get(member_id)
        if cell is None:
            RaciAssignment.objects.create(
                organisation_id=row.organisation_id,
                project_id=row.project_id,
                row=row,
                member_id=member_id,
                letter=letter,
            )
        elif cell.letter != letter:
            cell.letter = letter
            cell.version += 1
            cell.save()


@service
def raci_row_create(
    *,
    actor: Any,
    project: Project,
    assignments: dict[int, str],
    wbs_node_id: int | None = None,
    deliverable: str = "",
    sort_order: int = 0,
) -> RaciRow:
    access.require(actor, "projects.edit_raci", project)
    node = None
    if wbs_node_id is not None:
        node = WbsNode.objects.filter(pk=wbs_node_id, project=project).first()
        if node is None:
            raise InvalidInput.field("wbs_node", _("No such WBS element in this project."))
    deliverable = deliverable.strip()
    if node is None and not deliverable:
        raise InvalidInput.field("deliverable", _("Name a WBS element or a deliverable."))
    cells = _clean_assignments(project, assignments)
    row = RaciRow(
        organisation_id=project.organisation_id,
        project=project,
        wbs_node=node,
        deliverable=deliverable,
        sort_order=sort_order,
    )
    validate(row)
    with transaction.atomic():
        row.save()
        _write_cells(row, cells)
    return row


@service
def raci_row_update(
    *,
    actor: Any,
    row: RaciRow,
    version: int,
    assignments: dict[int, str],
    deliverable: str | None = None,
) -> RaciRow:
    access.require(actor, "projects.edit_raci", row.project)
    cells = _clean_assignments(row.project, assignments)
    with transaction.atomic():
        locked = lock_for_update(row, version=version)
        if deliverable is not None and not locked.wbs_node_id:
            if not deliverable.strip():
                raise InvalidInput.field("deliverable", _("Name a WBS element or a deliverable."))
            locked.deliverable = deliverable.strip()
        _write_cells(locked, cells)
        locked.version += 1
        locked.save()
    return locked


@service
def raci_row_delete(*, actor: Any, row: RaciRow, version: int) -> None:
    access.require(actor, "projects.edit_raci", row.project)
    with transaction.atomic():
        locked = lock_for_update(row, version=version)
        for cell in locked.assignments.all():
            cell.delete()
        locked.delete()
