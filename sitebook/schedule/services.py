"""Writes of the schedule centre: calendars, options, activities, relationships, baselines
and progress updates.

Every write that changes the network reschedules the project through the engine
(`adapters.reschedule`) inside the same transaction, so a change the engine refuses (a
relationship that closes a loop) leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sitebook.core.errors import InvalidInput
from sitebook.core.services import apply_changes, lock_for_update, service, validate
from sitebook.engine.calendars import china_calendar
from sitebook.engine.errors import CycleError, ScheduleError, UnknownCalendarError
from sitebook.engine.network import STANDARD_DAY, ScheduleOptions
from sitebook.projects import access
from sitebook.projects.models import Project, ProjectMember, WbsNode
from sitebook.schedule import adapters
from sitebook.schedule.models import (
    Activity,
    Baseline,
    Calendar,
    ProgressUpdate,
    Relationship,
    ResourceAssignment,
    ScheduleSettings,
)

ACTIVITY_FIELDS = (
    "code",
    "name",
    "type",
    "wbs_id",
    "calendar_id",
    "original_duration",
    "remaining_duration",
    "constraint_type",
    "constraint_date",
    "constraint2_type",
    "constraint2_date",
    "actual_start",
    "actual_finish",
    "expected_finish",
    "percent_complete",
    "optimistic_duration",
    "most_likely_duration",
    "pessimistic_duration",
    "cost_code",
    "responsible_id",
    "sort_order",
)


def known_changes(changes: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """`changes` when every name is one of `allowed`, else a 400 naming the first other one."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be changed."))
    return changes


def cycle_message(exc: CycleError) -> str:
    loop = " → ".join([*exc.activities, exc.activities[0]]) if exc.activities else ""
    return _("These relationships form a loop: %(loop)s") % {"loop": loop}


def reschedule(project: Project, settings: ScheduleSettings | None = None) -> int:
    """Run the engine over the project and store its dates; engine errors become 400s."""
    try:
        _result, changed = adapters.reschedule(project, settings)
    except CycleError as exc:
        raise InvalidInput(
            cycle_message(exc),
            [{"field": "predecessor", "message": cycle_message(exc)}],
        ) from exc
    except UnknownCalendarError as exc:
        raise InvalidInput.field("calendar", str(exc)) from exc
    except ScheduleError as exc:
        raise InvalidInput.field("__all__", str(exc)) from exc
    return changed


# --- calendars and settings --------------------------------------------------------------------


@service
def calendar_create(
    *,
    actor: Any,
    project: Project,
    name: str,
    kind: str = "standard",
    hours_per_day: Decimal = Decimal("8"),
    week: list[list[list[int]]] | None = None,
    exceptions: dict[str, list[list[int]]] | None = None,
) -> Calendar:
    """A calendar: `kind` "china" is Monday-Friday with China's holidays and 调休 make-up days."""
    access.require(actor, "schedule.edit", project)
    if kind == "china":
        source = china_calendar()
        week = adapters.week_to_json(source.week)
        exceptions = adapters.exceptions_to_json(source.exceptions)
    elif week is None:
        week = adapters.week_to_json((STANDARD_DAY,) * 5 + ((), ()))
    if len(week) != 7:
        raise InvalidInput.field("week", _("A work week has seven days."))
    for day in week:
        for interval in day:
            if len(interval) != 2 or not 0 <= interval[0] < interval[1] <= 1440:
                raise InvalidInput.field("week", _("Working hours must lie within the day."))
    calendar = Calendar(
        organisation_id=project.organisation_id,
        project=project,
        name=name.strip(),
        week=week,
        exceptions=exceptions or {},
        hours_per_day=hours_per_day,
    )
    validate(calendar)
    calendar.save()
    return calendar


def settings_for(project: Project) -> ScheduleSettings:
    """The project's schedule settings, created with a China calendar the first time."""
    found = ScheduleSettings.objects.filter(project=project).first()
    if found is not None:
        return found
    with transaction.atomic():
        source = china_calendar()
        calendar = Calendar.objects.filter(project=project).order_by("id").first()
        if calendar is None:
            calendar = Calendar(
                organisation_id=project.organisation_id,
                project=project,
                name=str(_("China statutory (Mon-Fri, holidays and make-up days)")),
                week=adapters.week_to_json(source.week),
                exceptions=adapters.exceptions_to_json(source.exceptions),
            )
            calendar.save()
        start = project.start_date or dt.date.today()
        settings = ScheduleSettings(
            organisation_id=project.organisation_id,
            project=project,
            data_date=adapters.from_wall(dt.datetime.combine(start, dt.time(8, 0))),
            planned_start=adapters.from_wall(dt.datetime.combine(start, dt.time(8, 0))),
            default_calendar=calendar,
            options=adapters.options_to_json(ScheduleOptions()),
        )
        settings.save()
    return settings


@service
def settings_update(
    *, actor: Any, project: Project, version: int, **changes: Any
) -> ScheduleSettings:
    access.require(actor, "schedule.edit", project)
    settings = settings_for(project)
    fields: dict[str, Any] = {}
    for name in ("data_date", "planned_start", "must_finish_by"):
        if name in changes:
            fields[name] = changes[name]
    if changes.get("default_calendar_id") is not None:
        fields["default_calendar"] = _calendar(project, changes["default_calendar_id"])
    if "options" in changes and changes["options"] is not None:
        merged = {**settings.options, **changes["options"]}
        try:
            adapters.options_from_json(merged)
        except (TypeError, ValueError) as exc:
            raise InvalidInput.field("options", str(exc)) from exc
        fields["options"] = merged
    if "data_date" in fields and fields["data_date"] is None:
        raise InvalidInput.field("data_date", _("The data date cannot be empty."))
    with transaction.atomic():
        updated = apply_changes(settings, fields, version=version)
        reschedule(project, updated)
    return updated


def _calendar(project: Project, calendar_id: Any) -> Calendar:
    found = Calendar.objects.filter(pk=calendar_id, project=project).first()
    if found is None:
        raise InvalidInput.field("calendar", _("No such calendar in this project."))
    return found


# --- activities ----------------------------------------------------------------------------------


def _check_activity(project: Project, data: dict[str, Any], pk: int | None = None) -> None:
    if "code" in data:
        clash = Activity.objects.filter(project=project, code=data["code"])
        if pk:
            clash = clash.exclude(pk=pk)
        if clash.exists():
            raise InvalidInput.field(
                "code",
                _("Another activity already uses the ID %(code)s.") % {"code": data["code"]},
            )
    if (
        data.get("wbs_id") is not None
        and not WbsNode.objects.filter(pk=data["wbs_id"], project=project).exists()
    ):
        raise InvalidInput.field("wbs", _("No such WBS element in this project."))
    if data.get("calendar_id") is not None:
        _calendar(project, data["calendar_id"])
    if (
        data.get("responsible_id") is not None
        and not ProjectMember.objects.filter(pk=data["responsible_id"], project=project).exists()
    ):
        raise InvalidInput.field("responsible", _("No such member in this project."))
    for name in ("constraint_type", "constraint2_type"):
        if data.get(name) and data[name] != "as_late_as_possible":
            date_name = name.replace("_type", "_date")
            if not data.get(date_name):
                raise InvalidInput.field(date_name, _("This constraint needs a date."))
    three = [
        data.get(k) for k in ("optimistic_duration", "most_likely_duration", "pessimistic_duration")
    ]
    if all(v is not None for v in three) and not three[0] <= three[1] <= three[2]:
        raise InvalidInput.field(
            "most_likely_duration",
            _("Three-point durations must be optimistic ≤ most likely ≤ pessimistic."),
        )
    start, finish = data.get("actual_start"), data.get("actual_finish")
    if finish and not start:
        raise InvalidInput.field("actual_start", _("A finished activity needs an actual start."))
    if start and finish and finish < start:
        raise InvalidInput.field(
            "actual_finish", _("The actual finish is before the actual start.")
        )


@service
def activity_create(*, actor: Any, project: Project, code: str, name: str, **data: Any) -> Activity:
    access.require(actor, "schedule.edit", project)
    unknown = set(data) - set(ACTIVITY_FIELDS)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be set."))
    settings = settings_for(project)
    data = {k: v for k, v in data.items() if v is not None or k.endswith("_id")}
    data["code"], data["name"] = code.strip(), name.strip()
    if data.get("calendar_id") is None:
        data["calendar_id"] = settings.default_calendar_id
    data.setdefault("remaining_duration", data.get("original_duration", 0))
    _check_activity(project, data)
    if data.get("sort_order") is None:
        last = Activity.objects.filter(project=project).order_by("-sort_order").first()
        data["sort_order"] = (last.sort_order + 1) if last else 0
    activity = Activity(organisation_id=project.organisation_id, project=project, **data)
    validate(activity)
    with transaction.atomic():
        activity.save()
        reschedule(project, settings)
    activity.refresh_from_db()
    return activity


@service
def activity_update(*, actor: Any, activity: Activity, version: int, **changes: Any) -> Activity:
    project = activity.project
    access.require(actor, "schedule.edit", project)
    known_changes(changes, ACTIVITY_FIELDS)
    if (
        "original_duration" in changes
        and "remaining_duration" not in changes
        and activity.actual_start is None
    ):
        # Work not started: what remains is the whole (new) duration.
        changes["remaining_duration"] = changes["original_duration"]
    merged = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    merged.update(changes)
    if "code" not in changes:
        merged.pop("code")
    _check_activity(project, merged, activity.pk)
    with transaction.atomic():
        updated = apply_changes(activity, changes, version=version)
        reschedule(project)
    updated.refresh_from_db()
    return updated


@service
def activity_delete(*, actor: Any, activity: Activity, version: int) -> None:
    project = activity.project
    access.require(actor, "schedule.edit", project)
    with transaction.atomic():
        locked = lock_for_update(activity, version=version)
        # One by one (not the cascade) so that each removal is recorded.
        for assignment in ResourceAssignment.objects.filter(activity=locked):
            assignment.delete()
        links = Relationship.objects.filter(project=project, predecessor=locked)
        for link in links | Relationship.objects.filter(project=project, successor=locked):
            link.delete()
        locked.delete()
        reschedule(project)


# --- relationships -----------------------------------------------------------------------------


def _activity_in(project: Project, pk: Any, field: str) -> Activity:
    found = Activity.objects.filter(pk=pk, project=project).first()
    if found is None:
        raise InvalidInput.field(field, _("No such activity in this project."))
    return found


@service
def relationship_create(
    *,
    actor: Any,
    project: Project,
    predecessor_id: int,
    successor_id: int,
    type: str = "FS",
    lag: int = 0,
    lag_unit: str = "working",
) -> Relationship:
    access.require(actor, "schedule.edit", project)
    pred = _activity_in(project, predecessor_id, "predecessor")
    succ = _activity_in(project, successor_id, "successor")
    if pred.pk == succ.pk:
        raise InvalidInput.field("successor", _("An activity cannot follow itself."))
    if Relationship.objects.filter(predecessor=pred, successor=succ, type=type).exists():
        raise InvalidInput.field(
            "successor",
            _("%(pred)s already has a relationship to %(succ)s.")
            % {"pred": pred.code, "succ": succ.code},
        )
    link = Relationship(
        organisation_id=project.organisation_id,
        project=project,
        predecessor=pred,
        successor=succ,
        type=type,
        lag=lag,
        lag_unit=lag_unit,
    )
    validate(link)
    with transaction.atomic():
        link.save()
        reschedule(project)
    return link


@service
def relationship_update(
    *, actor: Any, link: Relationship, version: int, **changes: Any
) -> Relationship:
    access.require(actor, "schedule.edit", link.project)
    fields = {
        k: v for k, v in changes.items() if k in ("type", "lag", "lag_unit") and v is not None
    }
    with transaction.atomic():
        updated = apply_changes(link, fields, version=version)
        reschedule(link.project)
    return updated


@service
def relationship_delete(*, actor: Any, link: Relationship, version: int) -> None:
    access.require(actor, "schedule.edit", link.project)
    with transaction.atomic():
        locked = lock_for_update(link, version=version)
        locked.delete()
        reschedule(link.project)


# --- baselines ---------------------------------------------------------------------------------


@service
def baseline_capture(*, actor: Any, project: Project, name: str, select: bool = True) -> Baseline:
    """Copy every activity's current dates, duration and float into one named baseline."""
    access.require(actor, "schedule.baseline", project)
    name = name.strip()
    if not name:
        raise InvalidInput.field("name", _("Name the baseline."))
    settings = settings_for(project)
    data: dict[str, list[Any]] = {}
    rows = Activity.objects.filter(project=project).values_list(
        "pk",
        "code",
        "actual_start",
        "early_start",
        "actual_finish",
        "early_finish",
        "original_duration",
        "total_float",
    )
    for pk, code, ast, es, afi, ef, od, tf in rows:
        start, finish = adapters.to_wall(ast or es), adapters.to_wall(afi or ef)
        data[str(pk)] = [
            code,
            start.isoformat() if start else None,
            finish.isoformat() if finish else None,
            od,
            tf,
        ]
    baseline = Baseline(
        organisation_id=project.organisation_id,
        project=project,
        name=name,
        data_date=settings.computed_data_date or settings.data_date,
        finish=settings.finish,
        activity_count=len(data),
        data=data,
    )
    with transaction.atomic():
        baseline.save()
        if select:
            settings.baseline = baseline
            settings.save()
    return baseline


@service
def baseline_select(*, actor: Any, project: Project, baseline_id: int | None) -> ScheduleSettings:
    access.require(actor, "schedule.baseline", project)
    settings = settings_for(project)
    baseline = None
    if baseline_id is not None:
        baseline = Baseline.objects.filter(pk=baseline_id, project=project).first()
        if baseline is None:
            raise InvalidInput.field("baseline", _("No such baseline in this project."))
    settings.baseline = baseline
    settings.save()
    return settings


@service
def baseline_delete(*, actor: Any, baseline: Baseline, version: int) -> None:
    access.require(actor, "schedule.baseline", baseline.project)
    with transaction.atomic():
        locked = lock_for_update(baseline, version=version)
        locked.delete()


# --- progress ------------------------------------------------------------------------------------

PROGRESS_FIELDS = ("actual_start", "actual_finish", "percent_complete", "remaining_duration")


@service
def progress_update(
    *,
    actor: Any,
    project: Project,
    data_date: dt.datetime,
    entries: dict[int, dict[str, Any]],
    note: str = "",
) -> ProgressUpdate:
    """Record a period's progress for many activities at once and reschedule at `data_date`.

    `entries` maps activity ids to {field: value} of PROGRESS_FIELDS plus the `version` the
    user saw. All entries land, or none (a stale or invalid one names its activity).
    """
    access.require(actor, "schedule.progress", project)
    settings = settings_for(project)
    if data_date is None:
        raise InvalidInput.field("data_date", _("The data date cannot be empty."))
    data_date = adapters.from_wall(data_date)
    activities = {a.pk: a for a in Activity.objects.filter(project=project, pk__in=list(entries))}
    recorded: dict[str, dict[str, Any]] = {}
    with transaction.atomic():
        for pk, entry in entries.items():
            activity = activities.get(int(pk))
            if activity is None:
                raise InvalidInput.field(f"entries.{pk}", _("No such activity in this project."))
            changes = {k: v for k, v in entry.items() if k in PROGRESS_FIELDS}
            for name in ("actual_start", "actual_finish"):
                if changes.get(name) is not None:
                    changes[name] = adapters.from_wall(changes[name])
            if changes.get("actual_finish") and changes.get("remaining_duration") is None:
                changes["remaining_duration"] = 0
            if changes.get("actual_finish") and changes.get("percent_complete") is None:
                changes["percent_complete"] = Decimal("100")
            where = f"entries.{activity.code}"
            start = changes.get("actual_start", activity.actual_start)
            finish = changes.get("actual_finish", activity.actual_finish)
            if finish and not start:
                raise InvalidInput.field(
                    where,
                    _("%(code)s: a finished activity needs an actual start.")
                    % {"code": activity.code},
                )
            for label, moment in (("actual_start", start), ("actual_finish", finish)):
                if moment and moment > data_date:
                    raise InvalidInput.field(
                        where,
                        _("%(code)s: the %(field)s is after the data date.")
                        % {"code": activity.code, "field": label.replace("_", " ")},
                    )
            if start and finish and finish < start:
                raise InvalidInput.field(
                    where,
                    _("%(code)s: the actual finish is before the actual start.")
                    % {"code": activity.code},
                )
            pct = changes.get("percent_complete")
            if pct is not None and not Decimal("0") <= Decimal(pct) <= Decimal("100"):
                raise InvalidInput.field(
                    where,
                    _("%(code)s: percent complete must be 0 to 100.") % {"code": activity.code},
                )
            try:
                apply_changes(activity, changes, version=entry.get("version"))
            except InvalidInput as exc:
                raise InvalidInput.field(where, f"{activity.code}: {exc.detail}") from exc
            recorded[str(activity.pk)] = {
                "code": activity.code,
                **{
                    k: (v.isoformat() if hasattr(v, "isoformat") else str(v))
                    for k, v in changes.items()
                    if v is not None
                },
            }
        previous = settings.data_date
        settings.data_date = data_date
        settings.version += 1
        settings.save()
        reschedule(project, settings)
        settings.refresh_from_db()
        update = ProgressUpdate(
            organisation_id=project.organisation_id,
            project=project,
            data_date=data_date,
            previous_data_date=previous,
            note=note.strip(),
            entries=recorded,
            activity_count=len(recorded),
            forecast_finish=settings.finish,
        )
        update.save()
    return update
