"""Resources and resource assignments of schedule files (pure: no Django).

The network readers (`xer`, `mspdi`, `pmxml`) return what the engine schedules; resources do
not change the dates, so they are read here, apart, as far as a format carries them:

* P6 XER: `RSRC` (the resource dictionary; `rsrc_type` RT_Labor, RT_Equip, RT_Mat) and
  `TASKRSRC` (one row per assignment: budgeted `target_qty`, `remain_qty`, `act_reg_qty` +
  `act_ot_qty` in hours or material units, `target_cost`, `act_reg_cost` + `act_ot_cost`).
  Only the assignments of the chosen project's activities (`task_id`) are kept.
* MS Project XML (MSPDI): `Resources/Resource` (`Type` 0 material, 1 work, 2 cost) and
  `Assignments/Assignment` (`Work`, `RemainingWork`, `ActualWork` as durations, hours here;
  `Cost` and `ActualCost` in hundredths of the currency unit, as MSPDI writes currency).
  MS Project's placeholder resource (UID 0) and unassigned rows (ResourceUID -65535) are left
  out.
* P6 XML: not read (`read_resources` answers None; the importer reports them as skipped).

Quantities and costs are `Decimal`: money is never a float.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sitebook.interchange._xml import parse_xml, strip_namespaces, text
from sitebook.interchange.mspdi import parse_duration
from sitebook.interchange.xer import XerTable, read_tables

__all__ = ["Resource", "Assignment", "ResourceSet", "read_resources", "LABOUR", "MATERIAL"]

LABOUR, EQUIPMENT, MATERIAL, COST = "labour", "equipment", "material", "cost"
_XER_TYPES = {"RT_Labor": LABOUR, "RT_Equip": EQUIPMENT, "RT_Mat": MATERIAL}
_MSPDI_TYPES = {"0": MATERIAL, "1": LABOUR, "2": COST}
ZERO = Decimal(0)


@dataclass
class Resource:
    id: str
    code: str
    name: str
    kind: str = LABOUR
    unit: str = ""


@dataclass
class Assignment:
    activity_id: str
    resource_id: str
    planned_quantity: Decimal = ZERO
    remaining_quantity: Decimal = ZERO
    actual_quantity: Decimal = ZERO
    planned_cost: Decimal = ZERO
    actual_cost: Decimal = ZERO


@dataclass
class ResourceSet:
    resources: list[Resource] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    #: Assignments left out because they name a resource the file does not define:
    #: (assignment id in the file, resource id).
    unknown_resource: list[tuple[str, str]] = field(default_factory=list)


def _decimal(value: str | None) -> Decimal:
    if not value:
        return ZERO
    try:
        found = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        return ZERO
    return found if found.is_finite() else ZERO


def _hours(value: str | None) -> Decimal:
    minutes = parse_duration(value, "Assignment") if value else None
    return (Decimal(minutes) / 60).quantize(Decimal("0.001")) if minutes else ZERO


def read_resources(kind: str, data: bytes, activity_ids: set[str]) -> ResourceSet | None:
    """The resources and the assignments to `activity_ids` of a file of `kind`, or None when
    the format's resources are not read (P6 XML)."""
    if kind == "xer":
        return _xer(data, activity_ids)
    if kind == "mspdi":
        return _mspdi(data, activity_ids)
    return None


def _xer(data: bytes, activity_ids: set[str]) -> ResourceSet:
    tables = read_tables(data)
    found = ResourceSet()
    units = {r.get("unit_id", ""): r.get("unit_abbrev", "") for r in _rows(tables, "UMEASURE")}
    known: set[str] = set()
    for row in _rows(tables, "RSRC"):
        rid = row.get("rsrc_id", "")
        if not rid or rid in known:
            continue
        known.add(rid)
        found.resources.append(
            Resource(
                id=rid,
                code=row.get("rsrc_short_name", "").strip() or rid,
                name=row.get("rsrc_name", "").strip(),
                kind=_XER_TYPES.get(row.get("rsrc_type", ""), LABOUR),
                unit=units.get(row.get("unit_id", ""), ""),
            )
        )
    for row in _rows(tables, "TASKRSRC"):
        task, rid = row.get("task_id", ""), row.get("rsrc_id", "")
        if task not in activity_ids:
            continue
        if rid not in known:
            found.unknown_resource.append((row.get("taskrsrc_id", ""), rid))
            continue
        found.assignments.append(
            Assignment(
                activity_id=task,
                resource_id=rid,
                planned_quantity=_decimal(row.get("target_qty")),
                remaining_quantity=_decimal(row.get("remain_qty")),
                actual_quantity=_decimal(row.get("act_reg_qty")) + _decimal(row.get("act_ot_qty")),
                planned_cost=_decimal(row.get("target_cost")),
                actual_cost=_decimal(row.get("act_reg_cost")) + _decimal(row.get("act_ot_cost")),
            )
        )
    return found


def _rows(tables: Mapping[str, XerTable], name: str) -> list[dict[str, str]]:
    table = tables.get(name)
    return list(table.rows) if table is not None else []


def _mspdi(data: bytes, activity_ids: set[str]) -> ResourceSet:
    root = parse_xml(data, "MS Project XML")
    strip_namespaces(root)
    found = ResourceSet()
    known: set[str] = set()
    for element in root.findall("Resources/Resource"):
        uid = text(element, "UID") or ""
        if not uid or uid == "0" or uid in known or text(element, "IsNull") == "1":
            continue
        known.add(uid)
        name = text(element, "Name") or ""
        kind = _MSPDI_TYPES.get(text(element, "Type") or "1", LABOUR)
        found.resources.append(
            Resource(
                id=uid,
                code=text(element, "Initials") or uid,
                name=name,
                kind=kind,
                unit=(text(element, "MaterialLabel") or "") if kind == MATERIAL else "h",
            )
        )
    cent = Decimal("0.01")
    for element in root.findall("Assignments/Assignment"):
        task, uid = text(element, "TaskUID") or "", text(element, "ResourceUID") or ""
        if task not in activity_ids or uid in ("0", "-65535"):
            continue
        if uid not in known:
            found.unknown_resource.append((text(element, "UID") or "", uid))
            continue
        found.assignments.append(
            Assignment(
                activity_id=task,
                resource_id=uid,
                planned_quantity=_hours(text(element, "Work")),
                remaining_quantity=_hours(text(element, "RemainingWork")),
                actual_quantity=_hours(text(element, "ActualWork")),
                planned_cost=(_decimal(text(element, "Cost")) * cent).quantize(cent),
                actual_cost=(_decimal(text(element, "ActualCost")) * cent).quantize(cent),
            )
        )
    return found
