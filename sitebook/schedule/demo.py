"""The schedule centre's part of the demo project: a China-calendar network with a baseline,
three-point durations for the risk page, and the structure's crews, tower crane and concrete
assigned to its activities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sitebook.projects.models import Project, WbsNode
from sitebook.schedule import resources, services

DAY = 480
# (code, WBS code, name, days, predecessors, cost code): the cost codes are the demo BOQ's
# (costs/demo.py), so the cost centre spreads each code's budget over these activities'
# baseline dates (PV) and weights their progress (EV). Preliminaries and overheads (04) run
# the whole project, so they keep their planned dates rather than follow the site set-up.
ACTIVITIES = [
    ("A1000", "1.1", "开工 / Notice to proceed", 0, [], ""),
    ("A1010", "1.2", "临时设施搭设 / Site set-up", 15, ["A1000"], ""),
    ("A1100", "2.1", "工程桩施工 / Piling", 40, ["A1010"], "01.01"),
    ("A1200", "2.2", "基坑支护与土方开挖 / Shoring and excavation", 45, ["A1100"], "01.02"),
    ("A1300", "2.3", "地下室结构 / Basement structure", 60, ["A1200"], "01.03"),
    ("A1400", "3.1", "1-10层主体结构 / Structure floors 1-10", 70, ["A1300"], "01.03"),
    ("A1500", "3.2", "11-24层主体结构 / Structure floors 11-24", 90, ["A1400"], "01.03"),
    ("A1600", "3.3", "屋面工程 / Roof", 20, ["A1500"], "01.03"),
    ("A1700", "4.1", "给排水安装 / Plumbing", 80, ["A1400"], "02"),
    ("A1710", "4.2", "电气安装 / Electrical", 85, ["A1400"], "02"),
    ("A1720", "4.3", "通风空调安装 / HVAC", 90, ["A1400"], "02"),
    ("A1800", "5.1", "幕墙工程 / Curtain wall", 100, ["A1500"], "03"),
    ("A1810", "5.2", "室内装修 / Interior fit-out", 110, ["A1600", "A1700", "A1710"], "03"),
    ("A1900", "6", "竣工验收 / Handover", 0, ["A1800", "A1810", "A1720"], ""),
]

# Three-point durations in working days (optimistic, pessimistic; most likely = the planned
# duration) for the schedule risk page: ground works and the structure carry the most
# uncertainty (piling and excavation on unknown ground, the structure on weather and the
# crane), fit-out and services less; milestones have none.
THREE_POINTS = {
    "A1010": (12, 20),
    "A1100": (34, 60),
    "A1200": (40, 70),
    "A1300": (54, 80),
    "A1400": (63, 90),
    "A1500": (82, 120),
    "A1600": (18, 28),
    "A1700": (72, 95),
    "A1710": (78, 100),
    "A1720": (80, 110),
    "A1800": (90, 130),
    "A1810": (100, 140),
}

# (code, name, type, unit): labour and equipment in hours, material in its own unit.
RESOURCES = [
    ("LAB-RB", "钢筋班组 / Rebar crew", "labour", "h"),
    ("LAB-FW", "木工模板班组 / Formwork crew", "labour", "h"),
    ("LAB-CC", "混凝土班组 / Concrete crew", "labour", "h"),
    ("EQ-TC1", "塔吊 QTZ125 / Tower crane", "equipment", "h"),
    ("MAT-C35", "商品混凝土 C35 / Ready-mix concrete C35", "material", "m3"),
]
# (activity, resource, budgeted units, budgeted cost in yuan): crews of 20, 24 and 12 at
# 8 hours a day, the crane 10 hours a day, concrete by the floors' volumes.
ASSIGNMENTS = [
    ("A1300", "LAB-RB", 9600, "432000"),
    ("A1300", "LAB-FW", 11520, "460800"),
    ("A1300", "LAB-CC", 5760, "230400"),
    ("A1300", "EQ-TC1", 600, "180000"),
    ("A1300", "MAT-C35", 8200, "4346000"),
    ("A1400", "LAB-RB", 11200, "504000"),
    ("A1400", "LAB-FW", 13440, "537600"),
    ("A1400", "LAB-CC", 6720, "268800"),
    ("A1400", "EQ-TC1", 700, "210000"),
    ("A1400", "MAT-C35", 6100, "3233000"),
    ("A1500", "LAB-RB", 14400, "648000"),
    ("A1500", "LAB-FW", 17280, "691200"),
    ("A1500", "LAB-CC", 8640, "345600"),
    ("A1500", "EQ-TC1", 900, "270000"),
    ("A1500", "MAT-C35", 8500, "4505000"),
    ("A1600", "LAB-FW", 1920, "76800"),
    ("A1600", "EQ-TC1", 200, "60000"),
]


def load_resources(*, actor: Any, project: Project, activities: dict[str, int]) -> None:
    """The structure's resources and their assignments (nothing started: remaining = budget)."""
    made = {
        code: resources.resource_create(
            actor=actor, project=project, code=code, name=name, kind=kind, unit=unit
        ).pk
        for code, name, kind, unit in RESOURCES
    }
    for activity, resource, units, cost in ASSIGNMENTS:
        resources.assignment_create(
            actor=actor,
            project=project,
            activity_id=activities[activity],
            resource_id=made[resource],
            planned_quantity=Decimal(units),
            planned_cost=Decimal(cost),
        )


def load(*, actor: Any, project: Project) -> None:
    """Activities, relationships and a baseline for the demo tower (one reschedule each)."""
    nodes = {n.code: n.pk for n in WbsNode.objects.filter(project=project)}
    ids: dict[str, int] = {}
    for code, wbs, name, days, _preds, cost_code in ACTIVITIES:
        kind = "task" if days else ("start_milestone" if code == "A1000" else "finish_milestone")
        low, high = THREE_POINTS.get(code, (None, None))
        ids[code] = services.activity_create(
            actor=actor,
            project=project,
            code=code,
            name=name,
            type=kind,
            wbs_id=nodes.get(wbs),
            original_duration=days * DAY,
            cost_code=cost_code,
            optimistic_duration=low * DAY if low else None,
            most_likely_duration=days * DAY if low else None,
            pessimistic_duration=high * DAY if high else None,
        ).pk
    for code, _wbs, _name, _days, preds, _cost_code in ACTIVITIES:
        for pred in preds:
            services.relationship_create(
                actor=actor, project=project, predecessor_id=ids[pred], successor_id=ids[code]
            )
    load_resources(actor=actor, project=project, activities=ids)
    services.baseline_capture(actor=actor, project=project, name="目标计划 / Target plan")
