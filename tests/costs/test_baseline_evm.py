"""Earned value from the baseline schedule: PV follows the baseline activities' working time,
EV their progress, per project and per WBS element, with hand-computed figures.

The schedule (calendar "Site": Monday-Friday 08:00-12:00 and 13:00-17:00, 480 minutes a
day, Friday 1 May 2026 a holiday):

    A100  5 days  cost code 01.01  WBS W1    Mon 20 Apr 08:00 - Fri 24 Apr 17:00
    A200  5 days  cost code 01.02  WBS W.2   Mon 27 Apr 08:00 - Mon 4 May 17:00  (FS A100)
    A300 10 days  cost code 01.02  WBS W.3   Mon 27 Apr 08:00 - Mon 11 May 17:00 (FS A100)

Budgets (tests/costs/factories.budget): 01.01 = 1,200.5 x 850.10 = 1,020,545.05;
01.02 = 3,000 x 520.30 = 1,560,900.00; BAC 2,581,445.05. 01.02 is shared by A200 and A300
in proportion to their baseline working time, 2,400 : 4,800 minutes, i.e. 520,300.00 and
1,040,600.00.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest

from sitebook.costs import adapters, selectors, services
from sitebook.engine import evm as engine
from sitebook.projects.services import wbs_create
from sitebook.schedule import services as schedule
from sitebook.schedule.adapters import from_wall
from tests.conftest import OrgWorld

from .factories import budget, cost_codes

D = Decimal
DAY = [[480, 720], [780, 1020]]


def _at(day: date, hour: int) -> dt.datetime:
    result = from_wall(dt.datetime.combine(day, dt.time(hour, 0)))
    assert result is not None
    return result


@pytest.fixture
def site(world_a: OrgWorld) -> dict[str, object]:
    admin, project = world_a.admin, world_a.project
    codes = cost_codes(world_a)
    budget(world_a)
    w1 = wbs_create(actor=admin, project=project, code="W1", name="桩基")
    w = wbs_create(actor=admin, project=project, code="W", name="主体")
    w2 = wbs_create(actor=admin, project=project, code="W.2", name="一区", parent_id=w.pk)
    w3 = wbs_create(actor=admin, project=project, code="W.3", name="二区", parent_id=w.pk)
    calendar = schedule.calendar_create(
        actor=admin,
        project=project,
        name="Site",
        week=[DAY] * 5 + [[], []],
        exceptions={"2026-05-01": []},
    )
    settings = schedule.settings_for(project)
    schedule.settings_update(
        actor=admin,
        project=project,
        version=settings.version,
        data_date=_at(date(2026, 4, 20), 8),
        planned_start=_at(date(2026, 4, 20), 8),
        default_calendar_id=calendar.pk,
    )
    acts = {}
    for code, days, cc, node in [
        ("A100", 5, "01.01", w1),
        ("A200", 5, "01.02", w2),
        ("A300", 10, "01.02", w3),
    ]:
        acts[code] = schedule.activity_create(
            actor=admin,
            project=project,
            code=code,
            name=code,
            original_duration=days * 480,
            calendar_id=calendar.pk,
            cost_code=cc,
            wbs_id=node.pk,
        )
    for successor in ("A200", "A300"):
        schedule.relationship_create(
            actor=admin,
            project=project,
            predecessor_id=acts["A100"].pk,
            successor_id=acts[successor].pk,
        )
    return {"codes": codes, "acts": acts, "w": w, "w2": w2, "w3": w3}


def _baseline(world: OrgWorld) -> None:
    schedule.baseline_capture(actor=world.admin, project=world.project, name="目标计划")


def _progress(world: OrgWorld, acts: dict[str, object]) -> None:
    """Wednesday 29 April 17:00: A100 done on time, A200 at 50 %, A300 at 20 %."""
    fresh = {a.code: a for a in (type(acts["A100"]).objects.filter(project=world.project))}
    schedule.progress_update(
        actor=world.admin,
        project=world.project,
        data_date=_at(date(2026, 4, 29), 17),
        entries={
            fresh["A100"].pk: {
                "version": fresh["A100"].version,
                "actual_start": _at(date(2026, 4, 20), 8),
                "actual_finish": _at(date(2026, 4, 24), 17),
            },
            fresh["A200"].pk: {
                "version": fresh["A200"].version,
                "actual_start": _at(date(2026, 4, 27), 8),
                "percent_complete": D("50"),
            },
            fresh["A300"].pk: {
                "version": fresh["A300"].version,
                "actual_start": _at(date(2026, 4, 27), 8),
                "percent_complete": D("20"),
            },
        },
    )


def test_without_a_baseline_pv_follows_the_cost_codes_planned_dates(
    world_a: OrgWorld, site: dict[str, object]
) -> None:
    # 01.01 (1 Jan - 31 Mar) is all planned by 29 April; 01.02 (1 Mar - 30 Sep, 214 days)
    # has 60 days (31 in March, 29 in April) of 214: 1,560,900 x 60 / 214 = 437,635.514...
    # PV = 1,020,545.05 + 437,635.514 = 1,458,180.56 (rounded once).
    inputs = adapters.evm_inputs(world_a.project)
    assert engine.planned_value(inputs.items, date(2026, 4, 29)) == D("1458180.56")


def test_pv_follows_the_baseline_activities_by_working_time(
    world_a: OrgWorld, site: dict[str, object]
) -> None:
    _baseline(world_a)
    inputs = adapters.evm_inputs(world_a.project)
    amounts = sorted((i.start, i.amount) for i in inputs.items)
    assert amounts == [
        (date(2026, 4, 20), D("1020545.05")),
        (date(2026, 4, 27), D("520300.00")),
        (date(2026, 4, 27), D("1040600.00")),
    ]
    pv = lambda day: engine.planned_value(inputs.items, day)  # noqa: E731
    # Friday 24 April: A100 planned in full, nothing else yet.
    assert pv(date(2026, 4, 24)) == D("1020545.05")
    # Wednesday 29 April: A200 3 of 5 days = 312,180.00; A300 3 of 10 days = 312,180.00.
    assert pv(date(2026, 4, 29)) == D("1644905.05")
    # Thursday 30 April, the end of the month: A200 4/5 = 416,240.00; A300 4/10 = 416,240.00.
    assert pv(date(2026, 4, 30)) == D("1853025.05")
    # Friday 1 May is a holiday and the weekend follows: nothing more is planned until Monday.
    assert pv(date(2026, 5, 1)) == pv(date(2026, 5, 3)) == D("1853025.05")
    # Monday 4 May: A200 finishes (520,300.00), A300 5/10 = 520,300.00.
    assert pv(date(2026, 5, 4)) == D("2061145.05")
    # End of May: everything, BAC. By month: April 1,853,025.05, May 728,420.00.
    assert pv(date(2026, 5, 31)) == inputs.bac == D("2581445.05")
    assert pv(date(2026, 5, 31)) - pv(date(2026, 4, 30)) == D("728420.00")
    # The report spans the baseline (it starts on 20 April, before the cost codes' dates end).
    assert inputs.start <= date(2026, 4, 20) and inputs.finish >= date(2026, 5, 11)


def test_ev_from_activity_progress_and_evm_per_project_and_wbs(
    world_a: OrgWorld, site: dict[str, object]
) -> None:
    _baseline(world_a)
    _progress(world_a, site["acts"])  # type: ignore[arg-type]
    codes = site["codes"]
    for cc, day, amount in [
        ("01.01", date(2026, 4, 24), "1000000.00"),
        ("01.02", date(2026, 4, 29), "500000.01"),
    ]:
        services.cost_transaction_create(
            actor=world_a.admin,
            project=world_a.project,
            cost_code_id=codes[cc].pk,  # type: ignore[index]
            date=day,
            amount=D(amount),
        )
    day = date(2026, 4, 29)
    report = adapters.evm_report(world_a.project, day)
    r = report.result
    # EV = 1,020,545.05 x 100 % + 520,300 x 50 % + 1,040,600 x 20 %
    #    = 1,020,545.05 + 260,150.00 + 208,120.00 = 1,488,815.05
    assert (r.bac, r.pv, r.ev, r.ac) == (
        D("2581445.05"),
        D("1644905.05"),
        D("1488815.05"),
        D("1500000.01"),
    )
    # SV = EV - PV = -156,090.00; CV = EV - AC = -11,184.96
    assert (r.sv, r.cv) == (D("-156090.00"), D("-11184.96"))
    # Before the period update (Tuesday 28 April) nothing was recorded but A100's finish.
    assert adapters.evm_report(world_a.project, date(2026, 4, 28)).result.ev == D("1020545.05")

    # The cost summary earns the same: 01.02 is (260,150 + 208,120) / 1,560,900 = 30 %.
    summary = selectors.cost_summary(world_a.project, day)
    row = next(x for x in summary.rows if x.code == codes["01.02"])  # type: ignore[index]
    assert (row.earned, row.percent) == (D("468270.00"), D("30.00"))

    # WBS W.2 holds A200 only: a third of 01.02 by working time (2,400 of 7,200 minutes).
    # BAC 520,300.00; PV 3/5 = 312,180.00; EV 50 % = 260,150.00;
    # AC = 500,000.01 / 3 = 166,666.67 (166,666.67 exactly, to the fen).
    w2 = adapters.evm_report(world_a.project, day, site["w2"].pk).result  # type: ignore[attr-defined]
    assert (w2.bac, w2.pv, w2.ev, w2.ac) == (
        D("520300.00"),
        D("312180.00"),
        D("260150.00"),
        D("166666.67"),
    )
    # WBS W (W.2 and W.3): all of 01.02. PV 312,180 + 312,180; EV 260,150 + 208,120.
    w = adapters.evm_report(world_a.project, day, site["w"].pk).result  # type: ignore[attr-defined]
    assert (w.bac, w.pv, w.ev, w.ac) == (
        D("1560900.00"),
        D("624360.00"),
        D("468270.00"),
        D("500000.01"),
    )
    # Snapshots include the WBS elements that carry the linked activities.
    snapshots = services.evm_snapshot_take(
        actor=world_a.admin, project=world_a.project, data_date=day
    )
    by_node = {s.wbs_node_id: s for s in snapshots}
    assert by_node[site["w2"].pk].ev == D("260150.00")  # type: ignore[attr-defined]
    assert by_node[None].pv == D("1644905.05")


def test_manual_progress_wins_only_when_it_is_newer(
    world_a: OrgWorld, site: dict[str, object]
) -> None:
    _baseline(world_a)
    _progress(world_a, site["acts"])  # type: ignore[arg-type]
    codes = site["codes"]
    # Older than the schedule's update of 29 April: the schedule's 30 % stands.
    services.progress_record(
        actor=world_a.admin,
        cost_code=codes["01.02"],  # type: ignore[index]
        date=date(2026, 4, 28),
        percent_complete=D("90"),
    )
    assert adapters.evm_report(world_a.project, date(2026, 4, 29)).result.ev == D("1488815.05")
    # Newer (30 April, 40 %): 01.02 earns 1,560,900 x 40 % = 624,360.00, A100 1,020,545.05.
    services.progress_record(
        actor=world_a.admin,
        cost_code=codes["01.02"],  # type: ignore[index]
        date=date(2026, 4, 30),
        percent_complete=D("40"),
    )
    assert adapters.evm_report(world_a.project, date(2026, 4, 30)).result.ev == D("1644905.05")
    summary = selectors.cost_summary(world_a.project, date(2026, 4, 30))
    row = next(x for x in summary.rows if x.code == codes["01.02"])  # type: ignore[index]
    assert (row.earned, row.percent) == (D("624360.00"), D("40.00"))


def test_allocate_splits_to_the_fen() -> None:
    from sitebook.costs.money import allocate

    assert allocate(D("100.00"), [1, 1, 1]) == [D("33.34"), D("33.33"), D("33.33")]
    assert allocate(D("10.00"), [0, 0]) == [D("5.00"), D("5.00")]
    parts = allocate(D("1560900.00"), [2400, 4800])
    assert parts == [D("520300.00"), D("1040600.00")]
