"""Reads of the schedule centre, starting from what the user may see.

Lists run a fixed number of queries: one for the page of activities (with WBS, calendar and
responsible joined), one for the compared baseline's data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round

from sitebook.core.errors import NotFound
from sitebook.projects import access
from sitebook.projects.models import Project
from sitebook.schedule import adapters
from sitebook.schedule.models import (
    Activity,
    Baseline,
    Calendar,
    ImportRun,
    ProgressUpdate,
    Relationship,
    Resource,
    ResourceAssignment,
    ScheduleSettings,
)

DAY = 8 * 60


def _get(model: Any, user: Any, pk: int, code: str, related: tuple[str, ...] = ()) -> Any:
    row = model.objects.select_related("project", *related).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    access.require(user, code, row.project)
    return row


def activity_get(user: Any, pk: int, code: str = "schedule.view") -> Activity:
    return _get(Activity, user, pk, code, ("wbs", "calendar", "responsible__user"))


def relationship_get(user: Any, pk: int, code: str = "schedule.view") -> Relationship:
    return _get(Relationship, user, pk, code, ("predecessor", "successor"))


def calendar_get(user: Any, pk: int, code: str = "schedule.view") -> Calendar:
    return _get(Calendar, user, pk, code)


def baseline_get(user: Any, pk: int, code: str = "schedule.view") -> Baseline:
    return _get(Baseline, user, pk, code)


def settings_get(project: Project) -> ScheduleSettings | None:
    return (
        ScheduleSettings.objects.select_related("default_calendar", "baseline")
        .defer("baseline__data", "default_calendar__exceptions")
        .filter(project=project)
        .first()
    )


def calendar_list(project: Project) -> QuerySet[Calendar]:
    return Calendar.objects.filter(project=project).defer("exceptions").order_by("id")


def baseline_list(project: Project) -> QuerySet[Baseline]:
    return Baseline.objects.filter(project=project).defer("data").order_by("-id")


def progress_list(project: Project) -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.filter(project=project).defer("entries").order_by("data_date", "id")
    )


def import_list(project: Project) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(project=project).order_by("-id")


def _sum_in(field: str, step: Decimal) -> Any:
    """SUM of a decimal column in whole `step`s (an integer): exact on SQLite too, which
    keeps decimals with a fraction as binary floats."""
    scaled = ExpressionWrapper(
        F(field) / Value(step), output_field=DecimalField(max_digits=30, decimal_places=3)
    )
    return Coalesce(
        Sum(Cast(Round(scaled), BigIntegerField())), Value(0), output_field=BigIntegerField()
    )


_UNIT, _CENT = Decimal("0.001"), Decimal("0.01")


def resource_get(user: Any, pk: int, code: str = "schedule.view") -> Resource:
    """One resource with its assignments' totals (see `resource_totals`)."""
    row = resource_totals(Resource.objects.select_related("project").filter(pk=pk)).first()
    if row is None:
        raise NotFound()
    access.require(user, code, row.project)
    return row


def assignment_get(user: Any, pk: int, code: str = "schedule.view") -> ResourceAssignment:
    return _get(ResourceAssignment, user, pk, code, ("activity", "resource"))


def resource_totals(rows: QuerySet[Resource]) -> QuerySet[Resource]:
    """`rows` with their assignments' totals summed in SQL: `assignment_count` and, in whole
    thousandths of a unit or cents, `planned_units_n`, `actual_units_n`, `planned_cost_n`,
    `actual_cost_n` (`totals_of` turns them into Decimals)."""
    return rows.annotate(
        assignment_count=Count("assignments"),
        planned_units_n=_sum_in("assignments__planned_quantity", _UNIT),
        actual_units_n=_sum_in("assignments__actual_quantity", _UNIT),
        planned_cost_n=_sum_in("assignments__planned_cost", _CENT),
        actual_cost_n=_sum_in("assignments__actual_cost", _CENT),
    )


def totals_of(row: Resource) -> dict[str, Decimal]:
    """The Decimal totals of a row read through `resource_totals`."""
    return {
        "planned_units": Decimal(getattr(row, "planned_units_n", 0)) * _UNIT,
        "actual_units": Decimal(getattr(row, "actual_units_n", 0)) * _UNIT,
        "planned_cost": Decimal(getattr(row, "planned_cost_n", 0)) * _CENT,
        "actual_cost": Decimal(getattr(row, "actual_cost_n", 0)) * _CENT,
    }


def resource_rows(project: Project) -> QuerySet[Resource]:
    """The project's resources with their totals, by code (one query, or a page of it)."""
    return resource_totals(Resource.objects.filter(project=project)).order_by("code", "id")


def resource_list(project: Project) -> list[Resource]:
    """The project's resources with their assignments' totals as attributes (one query):
    `assignment_count`, `planned_units`, `actual_units`, `planned_cost`, `actual_cost`."""
    rows = list(resource_rows(project))
    for row in rows:
        for name, value in totals_of(row).items():
            setattr(row, name, value)
    return rows


def resource_choices(project: Project) -> QuerySet[Resource]:
    return Resource.objects.filter(project=project).order_by("code", "id")


def assignment_list(activity: Activity) -> QuerySet[ResourceAssignment]:
    return (
        ResourceAssignment.objects.filter(activity=activity)
        .select_related("resource")
        .order_by("resource__code", "id")
    )


@dataclass
class AssignmentFilter:
    activity_id: int | None = None
    resource_id: int | None = None


def assignment_rows(
    project: Project, filters: AssignmentFilter | None = None
) -> QuerySet[ResourceAssignment]:
    """The project's assignments with their activity and resource (one query)."""
    rows = ResourceAssignment.objects.filter(project=project).select_related("activity", "resource")
    if filters is not None and filters.activity_id is not None:
        rows = rows.filter(activity_id=filters.activity_id)
    if filters is not None and filters.resource_id is not None:
        rows = rows.filter(resource_id=filters.resource_id)
    return rows.order_by("activity__sort_order", "activity__code", "resource__code", "id")


def relationship_list(project: Project) -> QuerySet[Relationship]:
    return (
        Relationship.objects.filter(project=project)
        .select_related("predecessor", "successor")
        .only(
            "id",
            "project_id",
            "type",
            "lag",
            "lag_unit",
            "version",
            "predecessor_id",
            "successor_id",
            "predecessor__code",
            "predecessor__name",
            "successor__code",
            "successor__name",
            "organisation_id",
            "lag_calendar_id",
        )
        .order_by("id")
    )


@dataclass
class ActivityFilter:
    q: str = ""
    wbs_id: int | None = None
    critical: bool = False
    late: bool = False
    weeks: int | None = None  # starting or running in the next N weeks from the data date
    responsible_id: int | None = None


def activity_list(
    project: Project,
    filters: ActivityFilter | None = None,
    settings: ScheduleSettings | None = None,
) -> QuerySet[Activity]:
    f = filters or ActivityFilter()
    qs = (
        Activity.objects.filter(project=project)
        .select_related("wbs", "calendar", "responsible__user")
        .defer("calendar__exceptions", "calendar__week")
    )
    if f.q:
        qs = qs.filter(Q(code__icontains=f.q) | Q(name__icontains=f.q))
    if f.wbs_id:
        qs = qs.filter(wbs_id=f.wbs_id)
    if f.critical:
        qs = qs.filter(critical=True, actual_finish__isnull=True)
    if f.late:
        qs = qs.filter(total_float__lt=0)
    if f.responsible_id:
        qs = qs.filter(responsible_id=f.responsible_id)
    if f.weeks and settings is not None:
        start = settings.computed_data_date or settings.data_date
        end = start + dt.timedelta(weeks=f.weeks)
        qs = qs.filter(actual_finish__isnull=True, early_start__lt=end, early_finish__gte=start)
    return qs.order_by("sort_order", "code", "id")


# --- baselines and variance --------------------------------------------------------------------


@dataclass
class BaselineRow:
    start: dt.datetime | None
    finish: dt.datetime | None
    duration: int | None
    total_float: int | None


def baseline_rows(baseline: Baseline | None) -> dict[int, BaselineRow]:
    if baseline is None:
        return {}
    rows: dict[int, BaselineRow] = {}
    for pk, (_code, start, finish, dur, tf) in baseline.data.items():
        rows[int(pk)] = BaselineRow(
            dt.datetime.fromisoformat(start) if start else None,
            dt.datetime.fromisoformat(finish) if finish else None,
            dur,
            tf,
        )
    return rows


def compared_baseline(project: Project) -> Baseline | None:
    """The baseline chosen for comparison, with its data (one query)."""
    return Baseline.objects.filter(
        project=project,
        pk__in=ScheduleSettings.objects.filter(project=project).values("baseline_id"),
    ).first()


def working_days(minutes: int | None, hours_per_day: float = 8.0) -> float | None:
    if minutes is None:
        return None
    return round(minutes / (hours_per_day * 60), 2)


def attach_variance(activities: list[Activity], rows: dict[int, BaselineRow]) -> None:
    """Put baseline dates and variances (working days for duration/float, calendar days for
    dates; positive = later or longer than the baseline) on each activity."""
    for a in activities:
        b = rows.get(a.pk)
        a.bl = b  # type: ignore[attr-defined]
        start, finish = adapters.to_wall(a.start), adapters.to_wall(a.finish)
        hpd = float(a.calendar.hours_per_day) if a.calendar_id else 8.0
        a.tf_days = working_days(a.total_float, hpd)  # type: ignore[attr-defined]
        a.var_start = (start - b.start).days if b and b.start and start else None  # type: ignore[attr-defined]
        a.var_finish = _days(finish, b.finish) if b and b.finish and finish else None  # type: ignore[attr-defined]
        a.var_duration = (
            working_days(a.original_duration - b.duration, hpd)
            if b and b.duration is not None
            else None
        )  # type: ignore[attr-defined]
        a.var_float = (
            working_days(a.total_float - b.total_float, hpd)
            if b and b.total_float is not None and a.total_float is not None
            else None
        )  # type: ignore[attr-defined]


def _days(a: dt.datetime, b: dt.datetime) -> float:
    return round((a - b).total_seconds() / 86400, 1)


def slipped(project: Project, baseline: Baseline | None) -> list[Activity]:
    """Activities whose finish is now later than in the baseline, latest slip first."""
    if baseline is None:
        return []
    rows = baseline_rows(baseline)
    found = []
    for a in (
        Activity.objects.filter(project=project)
        .select_related("calendar")
        .defer("calendar__exceptions", "calendar__week")
    ):
        b = rows.get(a.pk)
        finish = adapters.to_wall(a.finish)
        if b and b.finish and finish and finish > b.finish:
            a.bl = b  # type: ignore[attr-defined]
            a.slip_days = _days(finish, b.finish)  # type: ignore[attr-defined]
            found.append(a)
    found.sort(key=lambda a: -a.slip_days)  # type: ignore[attr-defined]
    return found


# --- delay warnings ----------------------------------------------------------------------------


@dataclass
class Warning:
    activity: Activity
    kind: str  # "baseline", "constraint", "negative_float", "not_started"
    message: str
    days: float | None = None
    drivers: list[Relationship] = field(default_factory=list)


def warnings(project: Project, settings: ScheduleSettings | None) -> list[Warning]:
    """Delay warnings, each with the driving predecessors of its activity."""
    from django.utils.translation import gettext as _

    if settings is None:
        return []
    baseline = compared_baseline(project)
    rows = baseline_rows(baseline)
    data_date = adapters.to_wall(settings.computed_data_date or settings.data_date)
    activities = list(
        Activity.objects.filter(project=project)
        .select_related("calendar")
        .defer("calendar__exceptions", "calendar__week")
    )
    found: list[Warning] = []
    for a in activities:
        if a.actual_finish:
            continue
        finish = adapters.to_wall(a.early_finish)
        b = rows.get(a.pk)
        label = _("Milestone") if a.is_milestone else _("Activity")
        if b and b.finish and finish and finish > b.finish:
            days = _days(finish, b.finish)
            found.append(
                Warning(
                    a,
                    "baseline",
                    _(
                        "%(what)s forecast to finish %(days)s days after its baseline "
                        "finish %(date)s."
                    )
                    % {"what": label, "days": days, "date": f"{b.finish:%Y-%m-%d}"},
                    days,
                )
            )
        for kind, moment in (
            (a.constraint_type, a.constraint_date),
            (a.constraint2_type, a.constraint2_date),
        ):
            wall = adapters.to_wall(moment)
            if (
                kind in ("finish_on", "finish_on_or_before", "mandatory_finish")
                and wall
                and finish
                and finish > wall
            ):
                found.append(
                    Warning(
                        a,
                        "constraint",
                        _("%(what)s forecast to finish after its constraint date %(date)s.")
                        % {"what": label, "date": f"{wall:%Y-%m-%d}"},
                        _days(finish, wall),
                    )
                )
        if a.total_float is not None and a.total_float < 0:
            hpd = float(a.calendar.hours_per_day)
            found.append(
                Warning(
                    a,
                    "negative_float",
                    _("Negative total float of %(days)s days.")
                    % {"days": working_days(a.total_float, hpd)},
                    working_days(a.total_float, hpd),
                )
            )
        if not a.actual_start and b and b.start and data_date and b.start < data_date:
            found.append(
                Warning(
                    a,
                    "not_started",
                    _("Should have started by the data date (baseline start %(date)s) and has not.")
                    % {"date": f"{b.start:%Y-%m-%d}"},
                )
            )
    _attach_drivers(project, found)
    found.sort(key=lambda w: (w.kind, -(w.days or 0)))
    return found


def driving(activity: Activity, links: list[Relationship]) -> list[Relationship]:
    """The predecessors whose relationship sets the activity's early start (or finish).

    A relationship drives when the date it implies, the predecessor's finish (FS, FF) or
    start (SS, SF) plus the lag, is the latest of the activity's relationships: the same
    test P6 uses for its "driving" flag, read from the stored dates.
    """
    best: list[tuple[dt.datetime, Relationship]] = []
    for link in links:
        p = link.predecessor
        moment = p.finish if link.type in ("FS", "FF") else p.start
        if moment is None:
            continue
        best.append((moment + dt.timedelta(minutes=max(link.lag, 0)), link))
    if not best:
        return []
    latest = max(m for m, _link in best)
    return [link for m, link in best if m == latest]


def _attach_drivers(project: Project, found: list[Warning]) -> None:
    ids = {w.activity.pk for w in found}
    links: dict[int, list[Relationship]] = {}
    for link in Relationship.objects.filter(project=project, successor_id__in=ids).select_related(
        "predecessor"
    ):
        links.setdefault(link.successor_id, []).append(link)
    for w in found:
        w.drivers = driving(w.activity, links.get(w.activity.pk, []))


def predecessors(activity: Activity) -> list[Relationship]:
    return list(
        Relationship.objects.filter(successor=activity).select_related("predecessor").order_by("id")
    )


def successors(activity: Activity) -> list[Relationship]:
    return list(
        Relationship.objects.filter(predecessor=activity).select_related("successor").order_by("id")
    )


# --- Gantt data ----------------------------------------------------------------------------------


def _stamp(value: dt.datetime | None) -> int | None:
    """Wall-clock minutes since 1970 / 1 (compact for the browser; 0 = none)."""
    wall = adapters.to_wall(value)
    if wall is None:
        return None
    return int((wall - dt.datetime(1970, 1, 1)).total_seconds() // 60)


def gantt_data(project: Project, settings: ScheduleSettings | None) -> dict[str, Any]:
    """Compact arrays for the Gantt: rows in WBS order, WBS group rows, bars, links.

    Each row: [kind (0 activity, 1 WBS), label, start, finish, baseline start, baseline
    finish, flags (1 critical, 2 milestone, 4 complete, 8 started), percent, depth, id];
    times are wall-clock minutes since 1970-01-01. Links: [pred row, succ row, type].
    """
    from sitebook.projects.selectors import wbs_tree

    baseline = compared_baseline(project)
    rows_bl = baseline_rows(baseline)
    activities = list(
        Activity.objects.filter(project=project)
        .order_by("sort_order", "code", "id")
        .values_list(
            "pk",
            "code",
            "name",
            "wbs_id",
            "type",
            "actual_start",
            "early_start",
            "actual_finish",
            "early_finish",
            "critical",
            "percent_complete",
        )
    )
    by_wbs: dict[int | None, list[tuple[Any, ...]]] = {}
    for row in activities:
        by_wbs.setdefault(row[3], []).append(row)
    lines = wbs_tree(project)
    out: list[list[Any]] = []
    index: dict[int, int] = {}
    bl_minutes = {
        pk: (
            int((b.start - dt.datetime(1970, 1, 1)).total_seconds() // 60) if b.start else None,
            int((b.finish - dt.datetime(1970, 1, 1)).total_seconds() // 60) if b.finish else None,
        )
        for pk, b in rows_bl.items()
    }

    def emit(rows: list[tuple[Any, ...]], depth: int) -> tuple[int | None, int | None]:
        lo: int | None = None
        hi: int | None = None
        for pk, code, name, _wbs, kind, ast, es, afi, ef, crit, pct in rows:
            start, finish = _stamp(ast or es), _stamp(afi or ef)
            flags = (
                (1 if crit and not afi else 0)
                | (2 if kind.endswith("milestone") else 0)
                | (4 if afi else 0)
                | (8 if ast else 0)
            )
            bs, bf = bl_minutes.get(pk, (None, None))
            index[pk] = len(out)
            out.append([0, f"{code} {name}", start, finish, bs, bf, flags, float(pct), depth, pk])
            if start is not None:
                lo = start if lo is None else min(lo, start)
            if finish is not None:
                hi = finish if hi is None else max(hi, finish)
        return lo, hi

    groups: list[tuple[int, int]] = []  # (row index, depth)
    for line in lines:
        position = len(out)
        out.append(
            [
                1,
                f"{line.node.code} {line.node.display_name}",
                None,
                None,
                None,
                None,
                0,
                0,
                line.depth,
                line.node.pk,
            ]
        )
        groups.append((position, line.depth))
        emit(by_wbs.get(line.node.pk, []), line.depth + 1)
    emit(by_wbs.get(None, []), 0)
    # Roll group spans up: a group spans every row below it until the next group at its depth.
    for gi, (position, depth) in enumerate(groups):
        end = len(out)
        for later, later_depth in groups[gi + 1 :]:
            if later_depth <= depth:
                end = later
                break
        starts = [r[2] for r in out[position + 1 : end] if r[0] == 0 and r[2] is not None]
        finishes = [r[3] for r in out[position + 1 : end] if r[0] == 0 and r[3] is not None]
        out[position][2] = min(starts) if starts else None
        out[position][3] = max(finishes) if finishes else None
    # Drop WBS groups with no activities at all.
    keep = [i for i, r in enumerate(out) if r[0] == 0 or r[2] is not None]
    remap = {old: new for new, old in enumerate(keep)}
    compact = [out[i] for i in keep]
    links = [
        [remap[index[p]], remap[index[s]], t]
        for p, s, t in Relationship.objects.filter(project=project).values_list(
            "predecessor_id", "successor_id", "type"
        )
        if p in index and s in index
    ]
    data_date = settings.computed_data_date or settings.data_date if settings else None
    return {
        "rows": compact,
        "links": links,
        "data_date": _stamp(data_date),
        "baseline": baseline.name if baseline else None,
    }


def forecast_history(project: Project) -> list[list[Any]]:
    """[[data date, forecast finish], ...] of every progress update."""
    return [
        [
            f"{adapters.to_wall(u.data_date):%Y-%m-%d}",
            f"{adapters.to_wall(u.forecast_finish):%Y-%m-%d}",
        ]
        for u in progress_list(project)
        if u.forecast_finish
    ]
