"""Rows <-> engine networks: the only place that maps schedule rows to `sitebook.engine`.

Moments: the engine works in naive wall-clock datetimes; rows hold aware datetimes. A wall
clock is read in the site's time zone (settings.TIME_ZONE, Asia/Shanghai by default) both
ways, so 08:00 on site is 08:00 in the engine whatever zone the database stores in.

Identifiers: an engine activity's id is the row's primary key as text, its code the
activity ID users see; calendars likewise. `reschedule(project)` reads the network in four
queries, runs the engine and writes back only the computed values that changed (one
executemany), so that an edit of a 4,000-activity project stays well under two seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from sitebook.engine import cpm
from sitebook.engine.network import (
    Activity as EngineActivity,
)
from sitebook.engine.network import (
    ActivityType,
    Constraint,
    ConstraintType,
    CriticalDefinition,
    FloatType,
    LagCalendarRule,
    LagUnit,
    LinkType,
    Schedule,
    ScheduleOptions,
)
from sitebook.engine.network import (
    Calendar as EngineCalendar,
)
from sitebook.engine.network import (
    Link as EngineLink,
)
from sitebook.engine.network import (
    Project as EngineProject,
)
from sitebook.engine.risk import ThreePoint
from sitebook.interchange.activity_fields import ActivityFields
from sitebook.interchange.resources import Assignment as FileAssignment
from sitebook.interchange.resources import Resource as FileResource
from sitebook.interchange.resources import ResourceSet
from sitebook.projects.models import Project, WbsNode
from sitebook.schedule.models import (
    Activity,
    Calendar,
    Relationship,
    Resource,
    ResourceAssignment,
    ScheduleSettings,
)

# --- moments ---------------------------------------------------------------------------------


def zone() -> Any:
    return timezone.get_default_timezone()


def to_wall(value: dt.datetime | None) -> dt.datetime | None:
    """An aware datetime as the naive wall-clock time on site."""
    if value is None:
        return None
    if timezone.is_naive(value):
        return value
    return value.astimezone(zone()).replace(tzinfo=None)


def from_wall(value: dt.datetime | None) -> dt.datetime | None:
    """A naive wall-clock time on site as an aware datetime."""
    if value is None:
        return None
    if timezone.is_aware(value):
        return value
    return value.replace(tzinfo=zone())


# --- options and calendars -------------------------------------------------------------------

_OPTION_ENUMS: dict[str, type] = {
    "lag_calendar": LagCalendarRule,
    "float_type": FloatType,
    "critical": CriticalDefinition,
}


def options_to_json(options: ScheduleOptions) -> dict[str, Any]:
    return {
        k: (str(v) if k in _OPTION_ENUMS else v) for k, v in dataclasses.asdict(options).items()
    }


def options_from_json(data: dict[str, Any]) -> ScheduleOptions:
    known = {f.name for f in dataclasses.fields(ScheduleOptions)}
    values: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if key not in known:
            continue
        values[key] = _OPTION_ENUMS[key](value) if key in _OPTION_ENUMS else value
    return ScheduleOptions(**values)


def week_to_json(week: Iterable[Iterable[tuple[int, int]]]) -> list[list[list[int]]]:
    return [[[int(s), int(e)] for s, e in day] for day in week]


def exceptions_to_json(exceptions: dict[dt.date, Any]) -> dict[str, list[list[int]]]:
    return {d.isoformat(): [[int(s), int(e)] for s, e in v] for d, v in sorted(exceptions.items())}


def engine_calendar(row: Calendar) -> EngineCalendar:
    return EngineCalendar(
        id=str(row.pk),
        name=row.name,
        week=tuple(tuple((s, e) for s, e in day) for day in row.week),
        exceptions={
            dt.date.fromisoformat(d): tuple((s, e) for s, e in v)
            for d, v in (row.exceptions or {}).items()
        },
        hours_per_day=float(row.hours_per_day),
    )


# --- network ---------------------------------------------------------------------------------

ACTIVITY_COLUMNS = (
    "id",
    "code",
    "name",
    "type",
    "calendar_id",
    "original_duration",
    "remaining_duration",
    "constraint_type",
    "constraint_date",
    "constraint2_type",
    "constraint2_date",
    "actual_start",
    "actual_finish",
    "suspend",
    "resume",
    "expected_finish",
    "percent_complete",
    "wbs_id",
    "manually_scheduled",
    "float_calendar_id",
)


@dataclass
class Network:
    """An engine project built from a project's rows, and the stored computed values."""

    project: EngineProject
    settings: ScheduleSettings
    #: activity pk -> the computed values stored now, in `Activity.COMPUTED` order.
    stored: dict[int, tuple[Any, ...]] = field(default_factory=dict)


_UTC = dt.UTC


def _rows(queryset: Any) -> list[tuple[Any, ...]]:
    """A values_list queryset's rows straight from the cursor, without Django's per-value
    converters (4,000 activities x 13 datetime columns is most of the read otherwise).

    Datetimes come back as the driver gives them: aware (PostgreSQL) or naive UTC (SQLite);
    `_wall` and `_aware` read both.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A datetime from `_rows` as an aware datetime."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=_UTC)
    return value


def _wall(value: dt.datetime | None, site: Any) -> dt.datetime | None:
    """A datetime from `_rows` as the naive wall-clock time on site."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_UTC)
    return value.astimezone(site).replace(tzinfo=None)


def load_network(project: Project, settings: ScheduleSettings | None = None) -> Network:
    """The project's schedule as an engine `Project` (four or five queries)."""
    if settings is None:
        settings = ScheduleSettings.objects.get(project=project)
    calendars = {str(c.pk): engine_calendar(c) for c in Calendar.objects.filter(project=project)}
    engine = EngineProject(
        code=project.code,
        name=project.name,
        data_date=to_wall(settings.data_date),
        planned_start=to_wall(settings.planned_start),
        must_finish_by=to_wall(settings.must_finish_by),
        default_calendar_id=str(settings.default_calendar_id or ""),
        options=options_from_json(settings.options),
        calendars=calendars,
    )
    site = zone()
    stored: dict[int, tuple[Any, ...]] = {}
    width = len(ACTIVITY_COLUMNS)
    rows = Activity.objects.filter(project=project).order_by("sort_order", "code", "id")
    kinds = {t.value: t for t in ActivityType}
    constraint_kinds = {t.value: t for t in ConstraintType}

    def constraint(kind: str, moment: dt.datetime | None) -> Constraint | None:
        return Constraint(constraint_kinds[kind], _wall(moment, site)) if kind else None

    append = engine.activities.append
    for values in _rows(rows.values_list(*ACTIVITY_COLUMNS, *Activity.COMPUTED)):
        (
            pk,
            code,
            name,
            kind,
            cal,
            od,
            rd,
            c1,
            d1,
            c2,
            d2,
            ast,
            afi,
            sus,
            res,
            exf,
            pct,
            wbs,
            man,
            float_cal,
        ) = values[:width]
        es, ef, ls, lf, *rest = values[width:]
        stored[pk] = (_aware(es), _aware(ef), _aware(ls), _aware(lf), *rest)
        append(
            EngineActivity(
                id=str(pk),
                code=code,
                name=name,
                type=kinds[kind],
                calendar_id=str(cal),
                original_duration=od,
                remaining_duration=rd,
                primary_constraint=constraint(c1, d1),
                secondary_constraint=constraint(c2, d2),
                actual_start=_wall(ast, site),
                actual_finish=_wall(afi, site),
                suspend=_wall(sus, site),
                resume=_wall(res, site),
                expected_finish=_wall(exf, site),
                percent_complete=float(pct),
                wbs_id=str(wbs) if wbs else "",
                manually_scheduled=bool(man),
                float_calendar_id=str(float_cal) if float_cal else "",
            )
        )
    link_types = {t.value: t for t in LinkType}
    lag_units = {u.value: u for u in LagUnit}
    links = Relationship.objects.filter(project=project).values_list(
        "predecessor_id", "successor_id", "type", "lag", "lag_unit", "lag_calendar_id"
    )
    engine.links = [
        EngineLink(
            str(pred),
            str(succ),
            link_types[kind],
            lag,
            lag_units[unit],
            str(lag_cal) if lag_cal else None,
        )
        for pred, succ, kind, lag, unit, lag_cal in _rows(links)
    ]
    if any(a.type == ActivityType.WBS_SUMMARY for a in engine.activities):
        engine.wbs_parent = {
            str(pk): str(parent)
            for pk, parent in WbsNode.objects.filter(
                project=project, parent__isnull=False
            ).values_list("pk", "parent_id")
        }
    return Network(engine, settings, stored)


def computed_values(result: Any) -> tuple[Any, ...]:
    """An engine `ActivityResult` as the values of `Activity.COMPUTED`, in order."""
    blank = result.dates_blank
    return (
        None if blank else from_wall(result.early_start),
        None if blank else from_wall(result.early_finish),
        None if blank else from_wall(result.late_start),
        None if blank else from_wall(result.late_finish),
        result.total_float,
        result.free_float,
        bool(result.critical),
        bool(blank),
    )


def store_results(network: Network, result: Schedule) -> int:
    """Write the computed values that changed (one executemany); returns how many rows."""
    changed: list[tuple[Any, ...]] = []
    for pk, old in network.stored.items():
        new = computed_values(result.results[str(pk)])
        if old != new:  # aware datetimes compare as instants; SQLite's 0/1 equal the bools
            changed.append((*new, pk))
    if changed:
        fields = [Activity._meta.get_field(name) for name in Activity.COMPUTED]
        table = connection.ops.quote_name(Activity._meta.db_table)
        assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {assignments} WHERE {connection.ops.quote_name('id')} = %s"
        params = [
            [f.get_db_prep_value(v, connection) for f, v in zip(fields, row, strict=False)]
            + [row[-1]]
            for row in changed
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    settings = network.settings
    ScheduleSettings.objects.filter(pk=settings.pk).update(
        finish=from_wall(result.finish),
        computed_at=timezone.now(),
        computed_data_date=from_wall(result.data_date),
    )
    return len(changed)


def reschedule(project: Project, settings: ScheduleSettings | None = None) -> tuple[Schedule, int]:
    """Schedule the project from its rows and store the dates; raises engine errors."""
    network = load_network(project, settings)
    if not network.project.activities:
        return Schedule(
            project.code,
            network.project.data_date or dt.datetime.now(),
            network.project.data_date or dt.datetime.now(),
        ), 0
    result = cpm.schedule(network.project)
    return result, store_results(network, result)


def percent(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


# --- export ----------------------------------------------------------------------------------


@dataclass
class ExportNetwork:
    """A project's rows as an engine `Project` to write to a file.

    Activity ids are the activity IDs users see (the project keeps them unique), so a file
    format that identifies activities by number only (MSPDI's UID) keeps numeric IDs; calendar
    ids are the rows' keys; WBS ids are the WBS elements' keys under one extra root standing
    for the project (P6's project node), so the stored WBS codes come back whole on import.
    """

    project: EngineProject
    #: WBS id -> (short code, name), the short codes joining into the stored codes.
    wbs_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Resources (ids: the rows' keys) and assignments (activity ids as above).
    resources: ResourceSet = field(default_factory=ResourceSet)
    #: Cost code, responsible (the member's username) and three-point durations by
    #: activity id, for the activities that have any.
    fields: dict[str, ActivityFields] = field(default_factory=dict)


EXPORT_ROOT = "project"


def export_network(project: Project) -> ExportNetwork:
    """The project's schedule for a file writer (the queries of `load_network` plus four)."""
    network = load_network(project)
    engine = network.project
    ids = {a.id: a.code for a in engine.activities}
    for activity in engine.activities:
        activity.id = activity.code
    for link in engine.links:
        link.pred_id = ids[link.pred_id]
        link.succ_id = ids[link.succ_id]
    nodes = list(
        WbsNode.objects.filter(project=project).values_list("pk", "parent_id", "code", "name")
    )
    by_pk = {pk: (parent, code) for pk, parent, code, _name in nodes}
    parents: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    for pk, parent, code, name in nodes:
        up = by_pk.get(parent) if parent else None
        short = code
        if up is not None and code.startswith(up[1] + "."):
            short = code[len(up[1]) + 1 :]
        parents[str(pk)] = str(parent) if up is not None else EXPORT_ROOT
        names[str(pk)] = (short, name)
    if nodes:
        names[EXPORT_ROOT] = (project.code, project.name)
    engine.wbs_parent = parents
    resources = ResourceSet(
        resources=[
            FileResource(id=str(pk), code=code, name=name, kind=kind, unit=unit)
            for pk, code, name, kind, unit in Resource.objects.filter(project=project)
            .order_by("code", "id")
            .values_list("pk", "code", "name", "kind", "unit")
        ],
        assignments=[
            FileAssignment(str(activity), str(resource), *figures)
            for activity, resource, *figures in ResourceAssignment.objects.filter(project=project)
            .order_by("id")
            .values_list(
                "activity__code",
                "resource_id",
                "planned_quantity",
                "remaining_quantity",
                "actual_quantity",
                "planned_cost",
                "actual_cost",
            )
        ],
    )
    return ExportNetwork(engine, names, resources, activity_fields(project))


def activity_fields(project: Project) -> dict[str, ActivityFields]:
    """The activities' cost codes, responsibles (usernames) and three-point durations by
    activity ID, for those that have any (one query)."""
    rows = (
        Activity.objects.filter(project=project)
        .order_by("sort_order", "code", "id")
        .values_list(
            "code",
            "cost_code",
            "responsible__user__username",
            "optimistic_duration",
            "most_likely_duration",
            "pessimistic_duration",
        )
    )
    found: dict[str, ActivityFields] = {}
    for code, cost_code, username, optimistic, most_likely, pessimistic in rows:
        fields = ActivityFields(cost_code, username or "", optimistic, most_likely, pessimistic)
        if not fields.is_empty():
            found[code] = fields
    return found


def three_point_durations(project: Project) -> tuple[dict[str, ThreePoint], list[str]]:
    """The activities' three-point durations by engine id (`load_network`'s `str(pk)`), for
    those with all three set, and the codes of those whose three are out of order (one
    query; the risk analysis refuses the latter by name)."""
    rows = (
        Activity.objects.filter(
            project=project,
            optimistic_duration__isnull=False,
            most_likely_duration__isnull=False,
            pessimistic_duration__isnull=False,
        )
        .order_by("sort_order", "code", "id")
        .values_list("pk", "code", "optimistic_duration", "most_likely_duration",
                     "pessimistic_duration")
    )  # fmt: skip
    found: dict[str, ThreePoint] = {}
    bad: list[str] = []
    for pk, code, optimistic, most_likely, pessimistic in rows:
        if optimistic <= most_likely <= pessimistic:
            found[str(pk)] = ThreePoint(optimistic, most_likely, pessimistic)
        else:
            bad.append(code)
    return found, bad
