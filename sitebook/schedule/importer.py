"""Import of P6 XER, P6 XML and MS Project XML files into a project, whole or not at all.

The file is read and scheduled by the engine first (a loop, a bad date or a link to nowhere
is refused before anything is written), then everything lands in one transaction: WBS
elements, calendars, activities (with the dates the engine computed), relationships and
the schedule options. Rows go in with bulk_create; the audit of an import is its `ImportRun`
row, whose change record carries the report (counts, what was mapped, what was skipped).
If the project already has activities, they are replaced, and the report says how many.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sitebook.core.errors import InvalidInput
from sitebook.engine import cpm
from sitebook.engine.errors import CycleError, ScheduleError
from sitebook.engine.network import ActivityType
from sitebook.engine.network import Project as EngineProject
from sitebook.interchange.activity_fields import ActivityFields, read_activity_fields
from sitebook.interchange.compute import detect_format, read_projects
from sitebook.interchange.resources import ResourceSet, read_resources
from sitebook.interchange.xer import read_tables
from sitebook.projects import access
from sitebook.projects import services as project_services
from sitebook.projects.models import Project, ProjectMember, WbsNode
from sitebook.schedule import adapters
from sitebook.schedule.models import (
    Activity,
    Calendar,
    ImportRun,
    Relationship,
    Resource,
    ResourceAssignment,
    ScheduleSettings,
)
from sitebook.schedule.services import cycle_message

Progress = Callable[[str, int, int], None]

FORMAT_LABELS = {"xer": "Primavera P6 XER", "pmxml": "Primavera P6 XML", "mspdi": "MS Project XML"}


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def parse(
    data: bytes, filename: str, source_project: str | None = None
) -> tuple[str, EngineProject]:
    """The format and the one project of the file to import; InvalidInput naming the problem."""
    try:
        kind = detect_format(data)
        projects = read_projects(data, filename)
    except ScheduleError as exc:
        raise InvalidInput.field(
            "file", _("The file cannot be read: %(error)s") % {"error": exc}
        ) from exc
    if source_project:
        chosen = [p for p in projects if p.code == source_project]
        if not chosen:
            raise InvalidInput.field(
                "source_project",
                _("The file has no project %(code)s; it has: %(codes)s")
                % {"code": source_project, "codes": ", ".join(p.code for p in projects)},
            )
    else:
        chosen = [p for p in projects if p.activities] or projects
    if not chosen or not chosen[0].activities:
        raise InvalidInput.field("file", _("The file holds no activities."))
    return kind, chosen[0]


def _wbs_names(kind: str, data: bytes, source: EngineProject) -> dict[str, tuple[str, str, int]]:
    """{file WBS id: (short code, name, order)} as far as the format carries them."""
    names: dict[str, tuple[str, str, int]] = {}
    if kind == "xer":
        table = read_tables(data).get("PROJWBS")
        for row in table.rows if table else []:
            seq = row.get("seq_num", "0").strip()
            names[row.get("wbs_id", "")] = (
                row.get("wbs_short_name", "").strip() or row.get("wbs_id", ""),
                row.get("wbs_name", "").strip(),
                int(seq) if seq.isdigit() else 0,
            )
    elif kind == "mspdi":
        for order, a in enumerate(source.activities):
            if a.type == ActivityType.WBS_SUMMARY:
                names[a.wbs_id] = (a.code, a.name, order)
    return names


def _wbs_codes(
    source: EngineProject, used: set[str], names: dict[str, tuple[str, str, int]]
) -> dict[str, tuple[str, str, str | None, int]]:
    """{file WBS id: (full code, name, parent file id, depth)} for the WBS the activities use.

    Root elements that no activity sits in directly (P6's project node) are dropped; codes
    join the short codes of the ancestors below them with dots.
    """
    parent = source.wbs_parent
    needed: set[str] = set()
    for wid in used:
        node: str | None = wid
        while node and node not in needed:
            needed.add(node)
            node = parent.get(node)
    # A P6 file's top node is the project itself: skip it if it holds no activity.
    roots = {n for n in needed if parent.get(n) not in needed}
    skip = {r for r in roots if r not in used and sum(1 for n in needed if parent.get(n) == r) >= 1}
    out: dict[str, tuple[str, str, str | None, int]] = {}

    def resolve(node: str) -> tuple[str, str, str | None, int]:
        if node in out:
            return out[node]
        short, name, _order = names.get(node, (node, "", 0))
        up = parent.get(node)
        if up is None or up in skip or up not in needed:
            found = (short, name or short, None, 0)
        else:
            code, _n, _p, depth = resolve(up)
            found = (f"{code}.{short}", name or short, up, depth + 1)
        out[node] = found
        return found

    for node in sorted(needed - skip):
        resolve(node)
    return out


#: Quantities and costs are stored with 18 digits (3 or 2 of them decimals).
_LARGEST = Decimal(10) ** 15


def _resources(
    kind: str, data: bytes, source: EngineProject, skipped: list[str]
) -> ResourceSet | None:
    """The file's resources and assignments (P6 XML's are counted and reported skipped)."""
    if kind == "pmxml":
        count = data.count(b"<ResourceAssignment>")
        if count:
            skipped.append(
                _("%(n)d resource assignments: resources of P6 XML files are not read yet.")
                % {"n": count}
            )
        return None
    try:
        found = read_resources(kind, data, {a.id for a in source.activities})
    except ScheduleError as exc:
        raise InvalidInput.field("file", str(exc)) from exc
    if found is None:
        return None
    for assignment, resource in found.unknown_resource:
        skipped.append(
            _("Assignment %(id)s names resource %(resource)s, which the file does not define.")
            % {"id": assignment, "resource": resource}
        )
    kept = []
    for a in found.assignments:
        figures = (
            a.planned_quantity,
            a.remaining_quantity,
            a.actual_quantity,
            a.planned_cost,
            a.actual_cost,
        )
        if any(abs(x) >= _LARGEST for x in figures):
            skipped.append(
                _("Resource %(resource)s on activity %(activity)s: a figure too large to store.")
                % {"resource": a.resource_id, "activity": a.activity_id}
            )
            continue
        kept.append(a)
    found.assignments = kept
    return found


def _activity_fields(kind: str, data: bytes, source: EngineProject) -> dict[str, ActivityFields]:
    """Cost codes, responsibles and three-point durations by file activity id."""
    try:
        found = read_activity_fields(kind, data, {a.id for a in source.activities})
    except ScheduleError as exc:
        raise InvalidInput.field("file", str(exc)) from exc
    return found or {}


def _responsibles(
    project: Project, fields: dict[str, ActivityFields], warnings: list[str]
) -> dict[str, ProjectMember]:
    """{name in the file: project member}: a member of the project, still in its
    organisation, whose username is the name, else whose email is (any case). A name that is
    neither is left out, with a warning saying on how many activities."""
    names = {f.responsible for f in fields.values() if f.responsible}
    if not names:
        return {}
    members = list(
        ProjectMember.objects.filter(
            project=project, user__memberships__organisation_id=project.organisation_id
        )
        .annotate(email_lower=Lower("user__email"))
        .filter(Q(user__username__in=names) | Q(email_lower__in={n.lower() for n in names}))
        .select_related("user")
        .order_by("id")
    )
    found = {m.user.username: m for m in members if m.user.username in names}
    by_email = {}
    for member in members:
        by_email.setdefault(member.user.email.lower(), member)
    for name in names - found.keys():
        if name.lower() in by_email:
            found[name] = by_email[name.lower()]
    for name in sorted(names - found.keys()):
        count = sum(1 for f in fields.values() if f.responsible == name)
        warnings.append(
            ngettext(
                "Responsible “%(name)s” is not a member of this project (by username or "
                "email); left empty on %(n)d activity.",
                "Responsible “%(name)s” is not a member of this project (by username or "
                "email); left empty on %(n)d activities.",
                count,
            )
            % {"name": name, "n": count}
        )
    return found


def _field_values(
    fields: ActivityFields | None,
    members: dict[str, ProjectMember],
    code: str,
    warnings: list[str],
) -> dict[str, Any]:
    """The Activity row's values of one activity's fields."""
    if fields is None:
        return {}
    if len(fields.cost_code) > 60:
        warnings.append(
            _("The cost code of activity %(code)s is longer than 60 characters; cut to 60.")
            % {"code": code}
        )
    return {
        "cost_code": fields.cost_code[:60],
        "responsible": members.get(fields.responsible),
        "optimistic_duration": fields.optimistic,
        "most_likely_duration": fields.most_likely,
        "pessimistic_duration": fields.pessimistic,
    }


def _store_resources(
    found: ResourceSet | None, project: Project, by_id: dict[str, Activity]
) -> tuple[int, int]:
    """bulk_create the resources and assignments; returns their counts."""
    if found is None:
        return 0, 0
    org = project.organisation_id
    unit, cent = Decimal("0.001"), Decimal("0.01")
    resources = {
        r.id: Resource(
            organisation_id=org,
            project=project,
            code=r.code[:60],
            name=r.name[:200],
            kind=r.kind,
            unit=r.unit[:20],
            external_id=r.id[:60],
        )
        for r in found.resources
    }
    Resource.objects.bulk_create(resources.values())
    rows = [
        ResourceAssignment(
            organisation_id=org,
            project=project,
            activity=by_id[a.activity_id],
            resource=resources[a.resource_id],
            planned_quantity=a.planned_quantity.quantize(unit),
            remaining_quantity=a.remaining_quantity.quantize(unit),
            actual_quantity=a.actual_quantity.quantize(unit),
            planned_cost=a.planned_cost.quantize(cent),
            actual_cost=a.actual_cost.quantize(cent),
        )
        for a in found.assignments
    ]
    ResourceAssignment.objects.bulk_create(rows, batch_size=1000)
    return len(resources), len(rows)


def schedule_import(
    *,
    actor: Any,
    data: bytes,
    filename: str,
    project: Project | None = None,
    organisation_id: int | None = None,
    code: str = "",
    name: str = "",
    source_project: str | None = None,
    progress: Progress = _quiet,
) -> ImportRun:
    """Import a schedule file into `project`, or into a new project `code` of the organisation."""
    if project is not None:
        access.require(actor, "schedule.import", project)
    elif organisation_id is not None:
        access.require(actor, "projects.create", organisation_id=organisation_id)
    else:
        raise InvalidInput.field("project", _("Choose a project or give a code for a new one."))
    started = time.monotonic()
    progress("read", 0, 1)
    kind, source = parse(data, filename, source_project)
    progress("read", 1, 1)
    progress("schedule", 0, 1)
    try:
        result = cpm.schedule(source)
    except CycleError as exc:
        raise InvalidInput.field("file", cycle_message(exc)) from exc
    except ScheduleError as exc:
        raise InvalidInput.field("file", str(exc)) from exc
    progress("schedule", 1, 1)
    mapped: list[str] = []
    skipped: list[str] = []
    warnings: list[str] = []
    names = _wbs_names(kind, data, source)
    resources = _resources(kind, data, source, skipped)
    fields = _activity_fields(kind, data, source)
    with transaction.atomic():
        if project is None:
            project = project_services.project_create(
                actor=actor,
                organisation_id=organisation_id or 0,
                code=(code or source.code)[:30],
                name=(name or source.name or source.code)[:200],
            )
        replaced = _clear(project)
        if replaced:
            mapped.append(
                _("%(n)d activities already in the project were replaced.") % {"n": replaced}
            )
        org = project.organisation_id
        # Calendars
        calendars: dict[str, Calendar] = {}
        for cid, cal in source.calendars.items():
            calendars[cid] = Calendar(
                organisation_id=org,
                project=project,
                name=(cal.name or cid)[:200],
                week=adapters.week_to_json(cal.week),
                exceptions=adapters.exceptions_to_json(cal.exceptions),
                hours_per_day=Decimal(str(round(cal.hours_per_day, 2))),
                external_id=cid[:60],
            )
        Calendar.objects.bulk_create(calendars.values())
        # WBS
        used = {a.wbs_id for a in source.activities if a.wbs_id}
        codes = _wbs_codes(source, used, names)
        existing = {n.code: n for n in WbsNode.objects.filter(project=project)}
        nodes: dict[str, WbsNode] = {}
        for depth in sorted({v[3] for v in codes.values()}):
            batch = []
            for wid, (wcode, wname, up, d) in codes.items():
                if d != depth:
                    continue
                wcode = wcode[:40]
                if wcode in existing:
                    nodes[wid] = existing[wcode]
                    continue
                node = WbsNode(
                    organisation_id=org,
                    project=project,
                    parent=nodes.get(up) if up else None,
                    code=wcode,
                    name=wname[:200],
                    sort_order=names.get(wid, ("", "", 0))[2],
                )
                nodes[wid] = node
                existing[wcode] = node
                batch.append(node)
            WbsNode.objects.bulk_create(batch)
        progress("wbs", len(nodes), len(nodes))
        # Activities
        members = _responsibles(project, fields, warnings)
        default_cal = source.default_calendar_id
        seen: set[str] = set()
        rows: list[Activity] = []
        total = len(source.activities)
        for order, a in enumerate(source.activities):
            activity_code = a.code[:60]
            if activity_code in seen:
                activity_code = f"{activity_code[:50]}~{a.id}"[:60]
                mapped.append(
                    _("Activity ID %(code)s appears twice; the second is %(new)s.")
                    % {"code": a.code, "new": activity_code}
                )
            seen.add(activity_code)
            cal = calendars.get(a.calendar_id) or calendars.get(default_cal)
            if cal is None:
                raise InvalidInput.field(
                    "file",
                    _("Activity %(code)s uses a calendar the file does not define.")
                    % {"code": a.code},
                )
            computed = adapters.computed_values(result.results[a.id])
            p1, p2 = a.primary_constraint, a.secondary_constraint
            rows.append(
                Activity(
                    organisation_id=org,
                    project=project,
                    wbs=nodes.get(a.wbs_id),
                    code=activity_code,
                    name=a.name[:300],
                    type=a.type.value,
                    calendar=cal,
                    original_duration=a.original_duration,
                    remaining_duration=a.remaining_duration,
                    constraint_type=p1.type.value if p1 else "",
                    constraint_date=adapters.from_wall(p1.date) if p1 else None,
                    constraint2_type=p2.type.value if p2 else "",
                    constraint2_date=adapters.from_wall(p2.date) if p2 else None,
                    actual_start=adapters.from_wall(a.actual_start),
                    actual_finish=adapters.from_wall(a.actual_finish),
                    suspend=adapters.from_wall(a.suspend),
                    resume=adapters.from_wall(a.resume),
                    expected_finish=adapters.from_wall(a.expected_finish),
                    percent_complete=adapters.percent(min(max(a.percent_complete, 0.0), 100.0)),
                    manually_scheduled=a.manually_scheduled,
                    float_calendar=calendars.get(a.float_calendar_id)
                    if a.float_calendar_id
                    else None,
                    external_id=a.id[:60],
                    sort_order=order,
                    **_field_values(fields.get(a.id), members, activity_code, warnings),
                    **dict(zip(Activity.COMPUTED, computed, strict=True)),
                )
            )
        batch_size = 1000
        for start in range(0, total, batch_size):
            Activity.objects.bulk_create(rows[start : start + batch_size])
            progress("activities", min(start + batch_size, total), total)
        by_id = {a.id: row for a, row in zip(source.activities, rows, strict=True)}
        # Relationships
        links: list[Relationship] = []
        pairs: set[tuple[str, str, str]] = set()
        for link in source.links:
            if (link.pred_id, link.succ_id, link.type.value) in pairs:
                skipped.append(
                    _("A repeated %(type)s relationship %(pred)s → %(succ)s (kept once).")
                    % {
                        "type": link.type.value,
                        "pred": by_id[link.pred_id].code,
                        "succ": by_id[link.succ_id].code,
                    }
                )
                continue
            pairs.add((link.pred_id, link.succ_id, link.type.value))
            links.append(
                Relationship(
                    organisation_id=org,
                    project=project,
                    predecessor=by_id[link.pred_id],
                    successor=by_id[link.succ_id],
                    type=link.type.value,
                    lag=link.lag,
                    lag_unit=link.lag_unit.value,
                    lag_calendar=calendars.get(link.lag_calendar_id or ""),
                )
            )
        for start in range(0, len(links), batch_size):
            Relationship.objects.bulk_create(links[start : start + batch_size])
            progress("relationships", min(start + batch_size, len(links)), len(links))
        resource_count, assignment_count = _store_resources(resources, project, by_id)
        # Settings
        settings = ScheduleSettings.objects.filter(project=project).first() or ScheduleSettings(
            organisation_id=org, project=project
        )
        settings.data_date = adapters.from_wall(source.data_date or result.data_date)
        settings.planned_start = adapters.from_wall(source.planned_start)
        settings.must_finish_by = adapters.from_wall(source.must_finish_by)
        settings.default_calendar = calendars.get(default_cal) or next(iter(calendars.values()))
        settings.options = adapters.options_to_json(source.options)
        settings.finish = adapters.from_wall(result.finish)
        settings.computed_data_date = adapters.from_wall(result.data_date)
        settings.baseline = None
        if settings.pk:
            settings.version += 1
        settings.save()
        ScheduleSettings.objects.filter(pk=settings.pk).update(computed_at=settings.updated_at)
        mapped.append(
            _("Schedule options: %(options)s")
            % {"options": ", ".join(f"{k}={v}" for k, v in settings.options.items())}
        )
        report = {
            "format": kind,
            "format_label": FORMAT_LABELS[kind],
            "source_project": source.code,
            "counts": {
                "wbs": len([n for n in nodes.values()]),
                "calendars": len(calendars),
                "activities": len(rows),
                "relationships": len(links),
                "started": sum(1 for a in source.activities if a.actual_start),
                "completed": sum(1 for a in source.activities if a.actual_finish),
                "constraints": sum(1 for a in source.activities if a.primary_constraint),
                "resources": resource_count,
                "assignments": assignment_count,
                "cost_codes": sum(1 for r in rows if r.cost_code),
                "responsibles": sum(1 for r in rows if r.responsible_id),
                "three_point": sum(1 for r in rows if r.most_likely_duration is not None),
            },
            "mapped": mapped,
            "skipped": skipped,
            "warnings": warnings,
            "data_date": result.data_date.isoformat(),
            "finish": result.finish.isoformat(),
            "seconds": round(time.monotonic() - started, 2),
        }
        run = ImportRun(
            organisation_id=org,
            project=project,
            filename=filename[:255],
            format=kind,
            report=report,
        )
        run.save()
    progress("done", 1, 1)
    return run


def _clear(project: Project) -> int:
    """Remove the project's schedule network before an import replaces it."""
    count = Activity.objects.filter(project=project).count()
    if not count and not Calendar.objects.filter(project=project).exists():
        return 0
    ScheduleSettings.objects.filter(project=project).update(default_calendar=None, baseline=None)
    Relationship.objects.filter(project=project).delete()
    ResourceAssignment.objects.filter(project=project).delete()
    Resource.objects.filter(project=project).delete()
    Activity.objects.filter(project=project).delete()
    Calendar.objects.filter(project=project).delete()
    return count
