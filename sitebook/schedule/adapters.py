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
from sitebook.projects.models import Project, WbsNode
from sitebook.schedule.models import Activity, Calendar, Relationship, ScheduleSettings

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
)


@dataclass
class Network:
    """An engine project built from a project's rows, and the stored computed values."""

    project: EngineProject
    settings: ScheduleSettings
    #: activity pk -> the computed values stored now, in `Activity.COMPUTED` order.
    stored: dict[int, tuple[Any, ...]] = field(default_factory=dict)


def _constraint(kind: str, moment: dt.datetime | None) -> Constraint | None:
    if not kind:
        return None
    return Constraint(ConstraintType(kind), to_wall(moment))


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
    stored: dict[int, tuple[Any, ...]] = {}
    rows = Activity.objects.filter(project=project).order_by("sort_order", "code", "id")
    for values in rows.values_list(*ACTIVITY_COLUMNS, *Activity.COMPUTED):
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
        ) = values[: len(ACTIVITY_COLUMNS)]
        stored[pk] = values[len(ACTIVITY_COLUMNS) :]
        engine.activities.append(
            EngineActivity(
                id=str(pk),
                code=code,
                name=name,
                type=ActivityType(kind),
                calendar_id=str(cal),
                original_duration=od,
                remaining_duration=rd,
                primary_constraint=_constraint(c1, d1),
                secondary_constraint=_constraint(c2, d2),
                actual_start=to_wall(ast),
                actual_finish=to_wall(afi),
                suspend=to_wall(sus),
                resume=to_wall(res),
                expected_finish=to_wall(exf),
                percent_complete=float(pct),
                wbs_id=str(wbs) if wbs else "",
                manually_scheduled=man,
            )
        )
    for pred, succ, kind, lag, unit, lag_cal in Relationship.objects.filter(
        project=project
    ).values_list("predecessor_id", "successor_id", "type", "lag", "lag_unit", "lag_calendar_id"):
        engine.links.append(
            EngineLink(
                str(pred),
                str(succ),
                LinkType(kind),
                lag,
                LagUnit(unit),
                str(lag_cal) if lag_cal else None,
            )
        )
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


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return all(x == y for x, y in zip(a, b, strict=True))


def store_results(network: Network, result: Schedule) -> int:
    """Write the computed values that changed (one executemany); returns how many rows."""
    changed: list[tuple[Any, ...]] = []
    for pk, old in network.stored.items():
        new = computed_values(result.results[str(pk)])
        if not _same(old, new):
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
