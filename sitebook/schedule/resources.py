"""Writes of the schedule's resources and their assignments to activities.

Imports fill these rows in bulk (`importer.py`); these services are the hand edits. They do
not reschedule: resources carry units and costs, not dates (the engine schedules on
durations alone). Rules:

* A resource ID (`code`) is required and unique in the project. Imports keep a file's codes
  as they are (MS Project initials may repeat), so the check runs when a code is set.
* An activity may carry the same resource more than once: P6 does (one row per role or cost
  account), the importer stores every TASKRSRC row, and the model has no unique constraint.
* Units and costs are never negative; remaining units may exceed budgeted units (an overrun,
  as P6 allows).
* A resource that still has assignments cannot be deleted (409): remove them first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sitebook.core.errors import Conflict, InvalidInput
from sitebook.core.services import apply_changes, lock_for_update, service, validate
from sitebook.projects import access
from sitebook.projects.models import Project
from sitebook.schedule.models import RESOURCE_KINDS, Activity, Resource, ResourceAssignment
from sitebook.schedule.services import known_changes

RESOURCE_FIELDS = ("code", "name", "kind", "unit")
FIGURES = (
    "planned_quantity",
    "remaining_quantity",
    "actual_quantity",
    "planned_cost",
    "actual_cost",
)
ZERO = Decimal("0")
#: Steps of the stored figures (models.QUANTITY and MONEY).
STEPS = {name: Decimal("0.01" if name.endswith("cost") else "0.001") for name in FIGURES}


def _set(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes that set a value (`None` leaves a field as it is)."""
    return {k: v for k, v in changes.items() if v is not None}


# --- resources ---------------------------------------------------------------------------------


def _clean_resource(project: Project, data: dict[str, Any], pk: int | None = None) -> None:
    """Trim text fields and check the code and kind of `data` (the fields being set)."""
    for name in ("code", "name", "unit"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if "code" in data:
        if not data["code"]:
            raise InvalidInput.field("code", _("Enter a resource ID."))
        clash = Resource.objects.filter(project=project, code=data["code"])
        if pk is not None:
            clash = clash.exclude(pk=pk)
        if clash.exists():
            raise InvalidInput.field(
                "code",
                _("Another resource already uses the ID %(code)s.") % {"code": data["code"]},
            )
    if "kind" in data and data["kind"] not in {key for key, _label in RESOURCE_KINDS}:
        raise InvalidInput.field(
            "kind", _("Choose labour, equipment, material or cost as the resource type.")
        )


@service
def resource_create(
    *,
    actor: Any,
    project: Project,
    code: str,
    name: str = "",
    kind: str = "labour",
    unit: str = "",
) -> Resource:
    access.require(actor, "schedule.edit", project)
    data = {"code": code, "name": name, "kind": kind, "unit": unit}
    _clean_resource(project, data)
    resource = Resource(organisation_id=project.organisation_id, project=project, **data)
    validate(resource)
    resource.save()
    return resource


@service
def resource_update(*, actor: Any, resource: Resource, version: int, **changes: Any) -> Resource:
    """Change a resource's code, name, type or unit (`None` leaves a field as it is)."""
    project = resource.project
    access.require(actor, "schedule.edit", project)
    changes = _set(known_changes(changes, RESOURCE_FIELDS))
    if changes.get("code") == resource.code:
        changes.pop("code")  # unchanged: an imported duplicate stays editable
    _clean_resource(project, changes, resource.pk)
    return apply_changes(resource, changes, version=version)


@service
def resource_delete(*, actor: Any, resource: Resource, version: int) -> None:
    access.require(actor, "schedule.edit", resource.project)
    with transaction.atomic():
        locked = lock_for_update(resource, version=version)
        count = ResourceAssignment.objects.filter(resource=locked).count()
        if count:
            message = _(
                "Resource %(code)s is assigned to %(n)d activities: remove those assignments first."
            ) % {"code": locked.code, "n": count}
            raise Conflict(message, [{"field": "resource", "message": message}])
        locked.delete()


# --- assignments -------------------------------------------------------------------------------


def _activity(project: Project, pk: Any) -> Activity:
    found = Activity.objects.filter(pk=pk, project=project).first() if pk is not None else None
    if found is None:
        raise InvalidInput.field("activity", _("No such activity in this project."))
    return found


def _resource(project: Project, pk: Any) -> Resource:
    found = Resource.objects.filter(pk=pk, project=project).first() if pk is not None else None
    if found is None:
        raise InvalidInput.field("resource", _("No such resource in this project."))
    return found


def _check_figures(data: dict[str, Any]) -> None:
    """Units and costs must be numbers of at least zero (remaining may exceed budgeted)."""
    for name in FIGURES:
        if name not in data:
            continue
        value = data[name]
        if value is None or value == "":
            raise InvalidInput.field(name, _("Enter a number."))
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            raise InvalidInput.field(name, _("Enter a number.")) from None
        if not value.is_finite():
            raise InvalidInput.field(name, _("Enter a number."))
        if value < ZERO:
            raise InvalidInput.field(name, _("Enter zero or more."))
        data[name] = value


def _as_stored(assignment: ResourceAssignment) -> ResourceAssignment:
    """The figures as the database holds them (12.5 reads back as 12.500), so what a write
    answers matches what a later read answers. Run after validation, which refuses digits
    beyond these steps rather than rounding them."""
    for name, step in STEPS.items():
        setattr(assignment, name, Decimal(getattr(assignment, name)).quantize(step))
    return assignment


@service
def assignment_create(
    *,
    actor: Any,
    project: Project,
    activity_id: int,
    resource_id: int,
    planned_quantity: Decimal = ZERO,
    remaining_quantity: Decimal | None = None,
    actual_quantity: Decimal = ZERO,
    planned_cost: Decimal = ZERO,
    actual_cost: Decimal = ZERO,
) -> ResourceAssignment:
    """Assign a resource to an activity of the same project. Remaining units default to
    budgeted less actual (never below zero)."""
    access.require(actor, "schedule.edit", project)
    activity = _activity(project, activity_id)
    resource = _resource(project, resource_id)
    figures: dict[str, Any] = {
        "planned_quantity": planned_quantity,
        "actual_quantity": actual_quantity,
        "planned_cost": planned_cost,
        "actual_cost": actual_cost,
    }
    if remaining_quantity is not None:
        figures["remaining_quantity"] = remaining_quantity
    _check_figures(figures)
    figures.setdefault(
        "remaining_quantity", max(figures["planned_quantity"] - figures["actual_quantity"], ZERO)
    )
    assignment = ResourceAssignment(
        organisation_id=project.organisation_id,
        project=project,
        activity=activity,
        resource=resource,
        **figures,
    )
    validate(assignment)
    assignment.save()
    return _as_stored(assignment)


@service
def assignment_update(
    *, actor: Any, assignment: ResourceAssignment, version: int, **changes: Any
) -> ResourceAssignment:
    """Change an assignment's figures, or move it to another activity or resource of the
    project (`None` leaves a field as it is)."""
    project = assignment.project
    access.require(actor, "schedule.edit", project)
    changes = _set(known_changes(changes, (*FIGURES, "activity_id", "resource_id")))
    if "activity_id" in changes:
        changes["activity"] = _activity(project, changes.pop("activity_id"))
    if "resource_id" in changes:
        changes["resource"] = _resource(project, changes.pop("resource_id"))
    _check_figures(changes)
    return _as_stored(apply_changes(assignment, changes, version=version))


@service
def assignment_delete(*, actor: Any, assignment: ResourceAssignment, version: int) -> None:
    access.require(actor, "schedule.edit", assignment.project)
    with transaction.atomic():
        locked = lock_for_update(assignment, version=version)
        locked.delete()
