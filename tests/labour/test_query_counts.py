"""Day-labour lists, summaries and reports run a fixed number of queries at any size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sitebook.costs.models import CostCode, CostTransaction
from sitebook.labour.models import LabourLine, Ticket, Worker
from tests.conftest import ApiClient
from tests.labour.conftest import Roster, id_number


def _grow(roster: Roster, n: int) -> None:
    """About `n` workers, approved tickets with a labour line each, and their postings to
    the cost centre over 20 cost codes."""
    w = roster.world
    org, project = w.org, w.project
    workers = Worker.objects.bulk_create(
        Worker(
            organisation=org,
            name=f"工人{i}",
            id_number=id_number(i + 1000)[:-4] + f"{i:04d}",
            trade=roster.carpenter,
            grade="skilled",
            team=roster.team,
        )
        for i in range(n)
    )
    codes = CostCode.objects.bulk_create(
        CostCode(organisation=org, project=project, code=f"C{i:02d}", name=f"成本{i}")
        for i in range(20)
    )
    tz = timezone.get_current_timezone()
    tickets = Ticket.objects.bulk_create(
        Ticket(
            organisation=org,
            project=project,
            number=f"BULK-{i:06d}",
            location="x",
            work_date=dt.date(2026, 1 + i % 9, 1 + i % 27),
            day_type="work_day",
            instruction_source="owner",
            reason="rework",
            status="approved",
            cost_code=codes[i % 20],
            total=Decimal("400.00"),
            warnings=[{"code": "late", "hours": "30", "limit": "24"}],
        )
        for i in range(n)
    )
    LabourLine.objects.bulk_create(
        LabourLine(
            organisation=org,
            project=project,
            ticket=t,
            worker=workers[i],
            trade=roster.carpenter,
            grade="skilled",
            team=roster.team,
            work_date=t.work_date,
            start=dt.datetime.combine(t.work_date, dt.time(8), tzinfo=tz),
            end=dt.datetime.combine(t.work_date, dt.time(16), tzinfo=tz),
            hours=Decimal("8"),
            normal_hours=Decimal("8"),
            days=Decimal("1"),
            day_type="work_day",
            rate=Decimal("400"),
            multiplier=Decimal("1"),
            overtime_multiplier=Decimal("1.5"),
            amount=Decimal("400.00"),
            approved=True,
        )
        for i, t in enumerate(tickets)
    )
    CostTransaction.objects.bulk_create(
        CostTransaction(
            organisation=org,
            project=project,
            cost_code=codes[i % 20],
            kind="labour",
            amount=t.total,
            date=t.work_date,
            description="x",
            source_type="labour_ticket",
            source_id=str(t.pk),
        )
        for i, t in enumerate(tickets)
    )


API = [
    "/api/v1/projects/{p}/labour/tickets",
    "/api/v1/projects/{p}/labour/workers",
    "/api/v1/projects/{p}/labour/rates",
    "/api/v1/projects/{p}/labour/summary?by=worker",
    "/api/v1/projects/{p}/labour/summary?by=month",
    "/api/v1/labour/summary?by=project",
    "/api/v1/projects/{p}/labour/cost",
]
PAGES = [
    "/projects/{p}/labour/",
    "/projects/{p}/labour/roster/",
    "/projects/{p}/labour/rates/",
    "/projects/{p}/labour/summary/?by=team",
    "/projects/{p}/labour/summary/?by=worker",
    "/projects/{p}/labour/cost/",
]


def _count(call: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


@pytest.mark.parametrize("rows", [10, 1000])
def test_labour_lists_run_a_fixed_number_of_queries(roster: Roster, rows: int) -> None:
    _grow(roster, rows)
    w = roster.world
    api = ApiClient(w.admin)
    web = Client()
    web.force_login(w.admin)
    counts = {}
    for path in API:
        url = path.format(p=w.project.pk)
        api.get(url)
        counts[path] = _count(lambda url=url: api.get(url))
    for path in PAGES:
        url = path.format(p=w.project.pk)
        web.get(url)
        counts[path] = _count(lambda url=url: web.get(url))
    assert counts == PINNED


# Pinned: the same at 10 and 1,000 rows (token auth costs a lookup; pages read the session,
# the user, memberships and the deemed-acceptance clock).
PINNED = {
    "/api/v1/projects/{p}/labour/tickets": 5,
    "/api/v1/projects/{p}/labour/workers": 5,
    "/api/v1/projects/{p}/labour/rates": 5,
    "/api/v1/projects/{p}/labour/summary?by=worker": 4,
    "/api/v1/projects/{p}/labour/summary?by=month": 4,
    "/api/v1/labour/summary?by=project": 4,
    "/api/v1/projects/{p}/labour/cost": 4,
    "/projects/{p}/labour/": 8,
    "/projects/{p}/labour/roster/": 8,
    "/projects/{p}/labour/rates/": 8,
    "/projects/{p}/labour/summary/?by=team": 5,
    "/projects/{p}/labour/summary/?by=worker": 5,
    "/projects/{p}/labour/cost/": 6,
}
