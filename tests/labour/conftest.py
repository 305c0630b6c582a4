"""Fixtures of the day-labour tests: a roster, day rates and a helper to record tickets."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from sitebook.labour import services
from sitebook.labour.models import Ticket, Worker
from sitebook.projects import services as projects

_ids = itertools.count(100)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(seq: int | None = None) -> str:
    """A resident ID number with a correct MOD 11-2 check character."""
    body = f"31011519850601{(seq if seq is not None else next(_ids)) % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


class Roster:
    def __init__(self, world: Any) -> None:
        self.world = world
        admin, project = world.admin, world.project
        self.carpenter = services.trade_create(
            actor=admin, project=project, code="MG", name="木工", name_en="Carpenter"
        )
        self.labourer = services.trade_create(
            actor=admin, project=project, code="PG", name="普工", name_en="Labourer"
        )
        self.team = services.team_create(
            actor=admin, project=project, name="木工一班", leader="李师傅", subcontractor="鑫达劳务"
        )
        services.rate_set(
            actor=admin,
            project=project,
            trade_id=self.carpenter.pk,
            grade="skilled",
            rate=Decimal("400.00"),
        )
        services.rate_set(
            actor=admin,
            project=project,
            trade_id=self.labourer.pk,
            grade="labourer",
            rate=Decimal("240.00"),
        )
        self.workers: list[Worker] = [
            services.worker_create(
                actor=admin,
                project=project,
                name=name,
                id_number=id_number(),
                trade_id=trade.pk,
                grade=grade,
                team_id=self.team.pk,
                phone="13800000000",
            )
            for name, trade, grade in [
                ("张三", self.carpenter, "skilled"),
                ("李四", self.carpenter, "skilled"),
                ("王五", self.labourer, "labourer"),
            ]
        ]

    def second_project(self) -> Any:
        """Another project of the organisation, pricing the carpenter at 420.00 a day."""
        admin = self.world.admin
        other = projects.project_create(
            actor=admin, organisation_id=self.world.org.pk, code="A-P2", name="二期"
        )
        services.rate_set(
            actor=admin,
            project=other,
            trade_id=self.carpenter.pk,
            grade="skilled",
            rate=Decimal("420"),
        )
        return other

    def ticket(
        self,
        day: dt.date,
        hours: list[tuple[str, str]] | None = None,
        *,
        actor: Any = None,
        project: Any = None,
        workers: list[Worker] | None = None,
        **extra: Any,
    ) -> Ticket:
        hours = hours or [("08:00", "17:00")]
        workers = workers or self.workers[: len(hours)]
        data: dict[str, Any] = {
            "location": "3#楼 5层",
            "work_date": day,
            "instruction_source": "supervisor",
            "instruction_number": "JL-2026-018",
            "reason": "out_of_scope",
            "description": "清理业主指定区域垃圾",
        }
        data.update(extra)
        return services.ticket_create(
            actor=actor or self.world.users["foreman"],
            project=project or self.world.project,
            labour=[
                {"worker_id": w.pk, "start": s, "end": e}
                for w, (s, e) in zip(workers, hours, strict=False)
            ],
            **data,
        )


@pytest.fixture
def roster(world_a: Any) -> Roster:
    return Roster(world_a)
