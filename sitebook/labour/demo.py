"""The day-labour part of the demo project: a roster, the contract's day rates and a
month of tickets in every state (called from `sitebook.demo.data.load_demo`).

Each ticket names the cost code of the cost centre's demo (`sitebook.costs.demo.CODES`) its
work belongs to, so approving it posts there. When the cost centre's demo has not been
loaded yet (`load_demo` calls this part first), the project has no such code: the ticket
then names none and its approval posts to the project's day-labour code DAYWORK (see
`services`), which is where labour's cost report and the cost summary show it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sitebook.costs.models import CostCode
from sitebook.labour import services
from sitebook.labour.models import Ticket
from sitebook.projects.models import Project

TRADES = [
    ("MG", "木工", "Carpenter"),
    ("GJ", "钢筋工", "Steel fixer"),
    ("HNT", "混凝土工", "Concretor"),
    ("PG", "普工", "General labourer"),
    ("DG", "电工", "Electrician"),
]
TEAMS = [
    ("木工一班", "李德明", "上海鑫达建筑劳务有限公司"),
    ("钢筋二班", "王海涛", "上海鑫达建筑劳务有限公司"),
    ("杂工班", "赵建军", "江苏宏建劳务分包有限公司"),
]
RATES = [
    ("MG", "skilled", "420.00"),
    ("MG", "senior", "480.00"),
    ("GJ", "skilled", "400.00"),
    ("HNT", "skilled", "380.00"),
    ("PG", "labourer", "260.00"),
    ("DG", "skilled", "450.00"),
]
# (name, ID number body without its check character, trade, grade, team)
WORKERS = [
    ("刘志强", "34122119850312123", "MG", "senior", "木工一班"),
    ("陈国华", "34122119880721456", "MG", "skilled", "木工一班"),
    ("杨文斌", "41152619900105789", "MG", "skilled", "木工一班"),
    ("黄永刚", "41152619870918234", "GJ", "skilled", "钢筋二班"),
    ("周建平", "51132419920611567", "GJ", "skilled", "钢筋二班"),
    ("吴小军", "51132419951203890", "HNT", "skilled", "杂工班"),
    ("徐春生", "32092319830415345", "PG", "labourer", "杂工班"),
    ("孙立新", "32092319890827678", "PG", "labourer", "杂工班"),
    ("马德胜", "62010219860102901", "DG", "skilled", None),
]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(body: str) -> str:
    total = sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def load(*, admin: Any, foreman: Any, pm: Any, project: Project) -> None:
    trades = {
        code: services.trade_create(
            actor=admin, project=project, code=code, name=name, name_en=name_en
        )
        for code, name, name_en in TRADES
    }
    teams = {
        name: services.team_create(
            actor=admin, project=project, name=name, leader=leader, subcontractor=sub
        )
        for name, leader, sub in TEAMS
    }
    for code, grade, rate in RATES:
        services.rate_set(
            actor=admin, project=project, trade_id=trades[code].pk, grade=grade, rate=Decimal(rate)
        )
    workers = [
        services.worker_create(
            actor=admin,
            project=project,
            name=name,
            id_number=_id(body),
            phone=f"139{i:08d}",
            trade_id=trades[trade].pk,
            grade=grade,
            team_id=teams[team].pk if team else None,
        )
        for i, (name, body, trade, grade, team) in enumerate(WORKERS, start=1)
    ]
    # (date, location, source, reason, recoverable, cost code, workers, start, end, state)
    tickets = [
        (
            dt.date(2026, 9, 28),
            "地下二层 B2-3 轴",
            "supervisor",
            "rework",
            False,
            "01.02",
            [0, 1],
            "08:00",
            "17:00",
            "approved",
        ),
        (
            dt.date(2026, 10, 1),
            "5层 核心筒",
            "owner",
            "emergency",
            True,
            "01.03",
            [0, 1, 2],
            "08:00",
            "17:00",
            "deemed",
        ),
        (
            dt.date(2026, 10, 10),
            "8层 楼板",
            "main_contractor",
            "out_of_scope",
            False,
            "01.03",
            [3, 4],
            "07:30",
            "18:30",
            "approved",
        ),
        (
            dt.date(2026, 10, 17),
            "场区道路",
            "owner",
            "variation",
            True,
            "04",
            [6, 7],
            "08:00",
            "16:00",
            "accepted",
        ),
        (
            dt.date(2026, 11, 3),
            "12层 临电",
            "supervisor",
            "idle",
            False,
            "04",
            [8],
            "13:00",
            "17:00",
            "submitted",
        ),
        (
            dt.date(2026, 11, 5),
            "裙楼 屋面",
            "owner",
            "out_of_scope",
            True,
            "03",
            [5, 6],
            "08:00",
            "12:00",
            "draft",
        ),
    ]
    codes = set(CostCode.objects.filter(project=project).values_list("code", flat=True))
    for day, location, source, reason, recoverable, cost_code, idx, start, end, state in tickets:
        ticket = services.ticket_create(
            actor=foreman,
            project=project,
            location=location,
            work_date=day,
            instruction_source=source,
            instruction_number=f"ZL-{day:%m%d}",
            reason=reason,
            recoverable=recoverable,
            cost_code=cost_code if cost_code in codes else "",
            description=f"{location}：按{dict(Ticket.Source.choices)[source]}指令组织点工作业。",
            materials=[{"name": "编织袋", "unit": "个", "quantity": "50", "unit_price": "1.20"}]
            if reason == "emergency"
            else [],
            labour=[{"worker_id": workers[i].pk, "start": start, "end": end} for i in idx],
        )
        if state == "draft":
            continue
        ticket = services.ticket_submit(actor=foreman, ticket=ticket, version=ticket.version)
        if state == "submitted":
            continue
        steps = [("team_leader", foreman), ("site_engineer", foreman), ("project_manager", pm)]
        if state == "accepted":
            steps += [("supervisor", pm), ("owner", pm)]
        for step, who in steps:
            ticket = services.ticket_sign(
                actor=who, ticket=ticket, version=ticket.version, step=step
            )
