"""Isolation/role rows of the schedule centre's routes (added to tests/foundation/routes.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from sitebook.schedule import resources, services
from sitebook.schedule.models import (
    Activity,
    Baseline,
    Relationship,
    Resource,
    ResourceAssignment,
    ScheduleSettings,
)

AIRPORT = (
    Path(__file__).resolve().parents[1] / "fixtures/schedules/p6-xer/airport-terminal.xer"
).read_bytes()
DAY = 480


def sched(w: Any) -> dict[str, Any]:
    """A small schedule in the world's project: A100 -> A200, A300 alone, a baseline."""
    project = w.project
    found = {a.code: a for a in Activity.objects.filter(project=project)}
    if "A100" not in found:
        a1 = services.activity_create(
            actor=w.admin, project=project, code="A100", name="土方开挖", original_duration=5 * DAY
        )
        a2 = services.activity_create(
            actor=w.admin, project=project, code="A200", name="垫层", original_duration=3 * DAY
        )
        services.activity_create(
            actor=w.admin, project=project, code="A300", name="防水", original_duration=2 * DAY
        )
        services.relationship_create(
            actor=w.admin, project=project, predecessor_id=a1.pk, successor_id=a2.pk
        )
        services.baseline_capture(actor=w.admin, project=project, name="BL0")
        found = {a.code: a for a in Activity.objects.filter(project=project)}
    return {
        **found,
        "link": Relationship.objects.filter(project=project).first(),
        "baseline": Baseline.objects.filter(project=project).first(),
        "settings": ScheduleSettings.objects.get(project=project),
    }


def res(w: Any) -> dict[str, Any]:
    """Two resources of the small schedule: CRANE on A100, FREE on nothing."""
    a = sched(w)
    project = w.project
    found = {r.code: r for r in Resource.objects.filter(project=project)}
    if "CRANE" not in found:
        crane = resources.resource_create(
            actor=w.admin, project=project, code="CRANE", name="塔吊", kind="equipment", unit="h"
        )
        resources.resource_create(actor=w.admin, project=project, code="FREE", name="空闲")
        resources.assignment_create(
            actor=w.admin,
            project=project,
            activity_id=a["A100"].pk,
            resource_id=crane.pk,
            planned_quantity=40,
            planned_cost=12000,
        )
        found = {r.code: r for r in Resource.objects.filter(project=project)}
    return {**found, "assignment": ResourceAssignment.objects.filter(project=project).first()}


def _rr(code: str, page: bool) -> Any:
    def build(w: Any, u: Any) -> dict[str, Any]:
        r = res(w)[code]
        return {"project_id": w.project.pk, "resource_id": r.pk} if page else {"resource_id": r.pk}

    return build


def _ra(page: bool) -> Any:
    def build(w: Any, u: Any) -> dict[str, Any]:
        x = res(w)["assignment"]
        if page:
            return {"project_id": w.project.pk, "assignment_id": x.pk}
        return {"assignment_id": x.pk}

    return build


def _rp(w: Any, u: Any) -> dict[str, Any]:
    res(w)
    return {"project_id": w.project.pk}


def _ra_form(w: Any, u: Any) -> dict[str, Any]:
    return {
        "resource": res(w)["CRANE"].pk,
        "planned_quantity": "16",
        "actual_quantity": "0",
        "planned_cost": "4800.00",
        "actual_cost": "0",
    }


def _sp(w: Any, u: Any) -> dict[str, Any]:
    sched(w)
    return {"project_id": w.project.pk}


def _risk(w: Any, u: Any) -> dict[str, Any]:
    """The small schedule with three-point durations on A100 and A200."""
    a = sched(w)
    for code in ("A100", "A200"):
        d = a[code].original_duration
        Activity.objects.filter(pk=a[code].pk).update(
            optimistic_duration=d - DAY, most_likely_duration=d, pessimistic_duration=d + 2 * DAY
        )
    return {"project_id": w.project.pk}


def _sa(code: str, page: bool) -> Any:
    def build(w: Any, u: Any) -> dict[str, Any]:
        a = sched(w)[code]
        return {"project_id": w.project.pk, "activity_id": a.pk} if page else {"activity_id": a.pk}

    return build


def _sl(w: Any, u: Any) -> dict[str, Any]:
    return {"relationship_id": sched(w)["link"].pk}


def _today(days: int = 0) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def _progress_form(w: Any, u: Any) -> dict[str, Any]:
    a = sched(w)["A100"]
    return {
        "data_date": _today(7),
        f"v-{a.pk}": str(a.version),
        f"actual_start-{a.pk}": _today(),
        f"pct-{a.pk}": "40",
    }


def _progress_json(w: Any, u: Any) -> dict[str, Any]:
    a = sched(w)["A100"]
    return {
        "data_date": f"{_today(7)}T08:00:00",
        "entries": [
            {
                "activity_id": a.pk,
                "version": a.version,
                "actual_start": f"{_today()}T08:00:00",
                "percent_complete": "40",
            }
        ],
    }


def routes(R: Any) -> list[Any]:
    V, E, X = "schedule.view", "schedule.edit", "schedule.export"
    return [
        R("schedule:activity_list", "GET", "project", V, _sp),
        R(
            "schedule:activity_list",
            "POST",
            "project",
            E,
            _sp,
            body=lambda w, u: {
                "code": "A900",
                "name": "新作业",
                "type": "task",
                "duration_days": "2",
            },
        ),
        R("schedule:activity_detail", "GET", "project", V, _sa("A100", True)),
        R(
            "schedule:activity_detail",
            "POST",
            "project",
            E,
            _sa("A300", True),
            body=lambda w, u: {"predecessor": "A200", "type": "FS", "lag_days": "0"},
        ),
        R("schedule:gantt", "GET", "project", V, _sp),
        R("schedule:gantt_data", "GET", "project", V, _sp),
        R("schedule:import", "GET", "project", V, _sp),
        R(
            "schedule:import",
            "POST",
            "project",
            "schedule.import",
            _sp,
            body=lambda w, u: {"file": SimpleUploadedFile("airport.xer", AIRPORT)},
        ),
        R("schedule:export", "GET", "project", X, _sp, query=lambda w: "format=xer"),
        R("schedule:baselines", "GET", "project", V, _sp),
        R(
            "schedule:baselines",
            "POST",
            "project",
            "schedule.baseline",
            _sp,
            body=lambda w, u: {"name": "BL1"},
        ),
        R("schedule:progress", "GET", "project", V, _sp),
        R("schedule:progress", "POST", "project", "schedule.progress", _sp, body=_progress_form),
        R("schedule:warnings", "GET", "project", V, _sp),
        R("schedule:lookahead", "GET", "project", V, _sp),
        R("schedule:resources", "GET", "project", V, _sp),
        R(
            "schedule:resources",
            "POST",
            "project",
            E,
            _rp,
            body=lambda w, u: {"code": "LAB-1", "name": "钢筋班组", "kind": "labour", "unit": ""},
        ),
        R(
            "schedule:resource_update",
            "POST",
            "project",
            E,
            _rr("FREE", True),
            body=lambda w, u: {
                "version": res(w)["FREE"].version,
                "code": "FREE",
                "name": "混凝土",
                "kind": "material",
                "unit": "m3",
            },
        ),
        R(
            "schedule:resource_delete",
            "POST",
            "project",
            E,
            _rr("FREE", True),
            body=lambda w, u: {"version": res(w)["FREE"].version},
        ),
        R(
            "schedule:assignment_create",
            "POST",
            "project",
            E,
            _sa("A200", True),
            body=_ra_form,
        ),
        R(
            "schedule:assignment_update",
            "POST",
            "project",
            E,
            _ra(True),
            body=lambda w, u: {**_ra_form(w, u), "version": res(w)["assignment"].version},
        ),
        R(
            "schedule:assignment_delete",
            "POST",
            "project",
            E,
            _ra(True),
            body=lambda w, u: {"version": res(w)["assignment"].version},
        ),
        R("schedule:dcma", "GET", "project", V, _sp),
        R("schedule:risk", "GET", "project", V, _sp),
        R(
            "schedule:risk",
            "POST",
            "project",
            V,
            _risk,
            body=lambda w, u: {"iterations": "200", "distribution": "pert", "seed": "1"},
        ),
        R("schedule:reschedule", "POST", "project", E, _sp),
        # --- API ---
        R("api:activity_list", "GET", "project", V, _sp),
        R(
            "api:activity_create",
            "POST",
            "project",
            E,
            _sp,
            body=lambda w, u: {"code": "A901", "name": "新作业", "original_duration": 960},
        ),
        R("api:activity_detail", "GET", "project", V, _sa("A100", False)),
        R(
            "api:activity_update",
            "PATCH",
            "project",
            E,
            _sa("A100", False),
            body=lambda w, u: {"version": sched(w)["A100"].version, "original_duration": 2400},
        ),
        R(
            "api:activity_delete",
            "DELETE",
            "project",
            E,
            _sa("A300", False),
            query=lambda w: f"version={sched(w)['A300'].version}",
        ),
        R("api:relationship_list", "GET", "project", V, _sp),
        R(
            "api:relationship_create",
            "POST",
            "project",
            E,
            _sp,
            body=lambda w, u: {
                "predecessor_id": sched(w)["A200"].pk,
                "successor_id": sched(w)["A300"].pk,
            },
        ),
        R(
            "api:relationship_update",
            "PATCH",
            "project",
            E,
            _sl,
            body=lambda w, u: {"version": sched(w)["link"].version, "lag": 480},
        ),
        R(
            "api:relationship_delete",
            "DELETE",
            "project",
            E,
            _sl,
            query=lambda w: f"version={sched(w)['link'].version}",
        ),
        R("api:calendar_list", "GET", "project", V, _sp),
        R(
            "api:calendar_create",
            "POST",
            "project",
            E,
            _sp,
            body=lambda w, u: {"name": "中国法定节假日", "kind": "china"},
        ),
        R("api:schedule_settings", "GET", "project", V, _sp),
        R(
            "api:schedule_settings_update",
            "PATCH",
            "project",
            E,
            _sp,
            body=lambda w, u: {
                "version": sched(w)["settings"].version,
                "data_date": f"{_today(1)}T08:00:00",
            },
        ),
        R("api:baseline_list", "GET", "project", V, _sp),
        R(
            "api:baseline_capture",
            "POST",
            "project",
            "schedule.baseline",
            _sp,
            body=lambda w, u: {"name": "BL2"},
        ),
        R("api:progress_list", "GET", "project", V, _sp),
        R("api:progress_update", "POST", "project", "schedule.progress", _sp, body=_progress_json),
        R("api:schedule_export", "GET", "project", X, _sp, query=lambda w: "format=mspdi"),
        R(
            "api:schedule_import",
            "POST",
            "project",
            "schedule.import",
            _sp,
            body=lambda w, u: {"file": SimpleUploadedFile("airport.xer", AIRPORT)},
        ),
        R(
            "api:schedule_risk",
            "POST",
            "project",
            V,
            _risk,
            body=lambda w, u: {"iterations": 200, "seed": 7},
        ),
        R("api:resource_list", "GET", "project", V, _rp),
        R(
            "api:resource_create",
            "POST",
            "project",
            E,
            _rp,
            body=lambda w, u: {"code": "LAB-2", "name": "木工班组", "kind": "labour"},
        ),
        R("api:resource_detail", "GET", "project", V, _rr("CRANE", False)),
        R(
            "api:resource_update",
            "PATCH",
            "project",
            E,
            _rr("CRANE", False),
            body=lambda w, u: {"version": res(w)["CRANE"].version, "name": "塔吊 QTZ80"},
        ),
        R(
            "api:resource_delete",
            "DELETE",
            "project",
            E,
            _rr("FREE", False),
            query=lambda w: f"version={res(w)['FREE'].version}",
        ),
        R("api:assignment_list", "GET", "project", V, _rp),
        R(
            "api:assignment_create",
            "POST",
            "project",
            E,
            _rp,
            body=lambda w, u: {
                "activity_id": sched(w)["A200"].pk,
                "resource_id": res(w)["CRANE"].pk,
                "planned_quantity": "24",
            },
        ),
        R(
            "api:assignment_update",
            "PATCH",
            "project",
            E,
            _ra(False),
            body=lambda w, u: {"version": res(w)["assignment"].version, "actual_quantity": "8"},
        ),
        R(
            "api:assignment_delete",
            "DELETE",
            "project",
            E,
            _ra(False),
            query=lambda w: f"version={res(w)['assignment'].version}",
        ),
        R("api:warning_list", "GET", "project", V, _sp),
        R("api:dcma", "GET", "project", V, _sp),
    ]


def grow(world: Any, n: int) -> None:
    """About `n` activities and relationships in the world's project (query-count tests)."""
    from sitebook.schedule.models import Calendar

    sched(world)
    project = world.project
    cal = Calendar.objects.filter(project=project).first()
    rows = Activity.objects.bulk_create(
        Activity(
            organisation=world.org,
            project=project,
            code=f"G{i:05d}",
            name=f"作业{i}",
            calendar=cal,
            original_duration=DAY,
            remaining_duration=DAY,
            sort_order=10 + i,
        )
        for i in range(n)
    )
    Relationship.objects.bulk_create(
        Relationship(organisation=world.org, project=project, predecessor=a, successor=b)
        for a, b in zip(rows, rows[1:], strict=False)
    )
    services.reschedule(project)
