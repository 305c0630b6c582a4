"""List pages and list endpoints run a fixed number of queries whatever the data size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sitebook.accounts.models import User
from sitebook.accounts.services import membership_add
from sitebook.audit.models import ChangeRecord
from sitebook.projects.models import Project, ProjectMember, RaciAssignment, RaciRow, WbsNode
from tests.conftest import ApiClient, OrgWorld
from tests.costs.factories import grow as grow_costs
from tests.schedule.routes import grow as grow_schedule


def _grow(world: OrgWorld, n: int) -> None:
    """Bring every list of the project and organisation to about `n` rows."""
    org, project = world.org, world.project
    Project.objects.bulk_create(
        Project(organisation=org, code=f"BULK-{i}", name=f"项目{i}") for i in range(n)
    )
    WbsNode.objects.bulk_create(
        WbsNode(organisation=org, project=project, code=f"B{i:05d}", name=f"工作包{i}")
        for i in range(n)
    )
    users = User.objects.bulk_create(User(username=f"bulk-{world.org.slug}-{i}") for i in range(n))
    for user in users[:5]:
        membership_add(actor=None, organisation=org, user=user)
    # A project team stays small; the matrix page renders rows x members cells.
    members = ProjectMember.objects.bulk_create(
        ProjectMember(organisation=org, project=project, user=u, role=world.members["viewer"].role)
        for u in users[: min(n, 30)]
    )
    rows = RaciRow.objects.bulk_create(
        RaciRow(organisation=org, project=project, deliverable=f"交付物{i}") for i in range(n)
    )
    RaciAssignment.objects.bulk_create(
        RaciAssignment(
            organisation=org, project=project, row=r, member=members[i % len(members)], letter="A"
        )
        for i, r in enumerate(rows)
    )
    first = ChangeRecord.objects.filter(project_id=project.pk).first()
    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            organisation=org,
            project_id=project.pk,
            content_type=first.content_type,
            object_id=str(project.pk),
            object_repr="x",
            action="update",
            source="system",
            before={"a": i},
            after={"a": i + 1},
        )
        for i in range(n)
    )
    grow_schedule(world, n)


def _count(call: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


API_LISTS = [
    "/api/v1/projects",
    "/api/v1/projects/{p}/wbs",
    "/api/v1/projects/{p}/members",
    "/api/v1/projects/{p}/raci",
    "/api/v1/projects/{p}/history",
    "/api/v1/roles",
    "/api/v1/tokens",
    "/api/v1/organisations",
    "/api/v1/organisations/{o}/people",
    "/api/v1/projects/{p}/activities",
    "/api/v1/projects/{p}/relationships",
    "/api/v1/projects/{p}/baselines",
    "/api/v1/projects/{p}/calendars",
]
PAGES = [
    "/projects/",
    "/projects/{p}/",
    "/projects/{p}/wbs/",
    "/projects/{p}/members/",
    "/projects/{p}/raci/",
    "/projects/{p}/history/",
    "/accounts/roles/",
    "/accounts/profile/",
    "/projects/{p}/schedule/",
    "/projects/{p}/schedule/lookahead/",
]


def _measure(world: OrgWorld) -> dict[str, int]:
    api = ApiClient(world.admin)
    web = Client()
    web.force_login(world.admin)
    counts = {}
    for path in API_LISTS:
        url = path.format(p=world.project.pk, o=world.org.pk)
        api.get(url)  # warm caches that are per process, not per request (content types)
        counts[path] = _count(lambda url=url: api.get(url))
    for path in PAGES:
        url = path.format(p=world.project.pk, o=world.org.pk)
        web.get(url)
        counts[path] = _count(lambda url=url: web.get(url))
    return counts


@pytest.mark.parametrize("rows", [10, 1000])
def test_lists_run_a_fixed_number_of_queries(world_a: OrgWorld, rows: int) -> None:
    _grow(world_a, rows)
    counts = _measure(world_a)
    # Pinned: the same at 10 and 1,000 rows. Token auth costs one lookup (plus an update
    # of last_used_at at most once a minute); session pages read the session and the user.
    assert counts == PINNED


PINNED = {
    "/api/v1/projects": 4,
    "/api/v1/projects/{p}/wbs": 5,
    "/api/v1/projects/{p}/members": 5,
    "/api/v1/projects/{p}/raci": 6,
    "/api/v1/projects/{p}/history": 5,
    "/api/v1/roles": 4,
    "/api/v1/tokens": 3,
    "/api/v1/organisations": 4,
    "/api/v1/organisations/{o}/people": 5,
    "/projects/": 5,
    "/projects/{p}/": 6,
    "/projects/{p}/wbs/": 6,
    "/projects/{p}/members/": 7,
    "/projects/{p}/raci/": 8,
    "/projects/{p}/history/": 6,
    "/accounts/roles/": 5,
    "/accounts/profile/": 3,
    "/api/v1/projects/{p}/activities": 6,
    "/api/v1/projects/{p}/relationships": 5,
    "/api/v1/projects/{p}/baselines": 5,
    "/api/v1/projects/{p}/calendars": 5,
    "/projects/{p}/schedule/": 10,
    "/projects/{p}/schedule/lookahead/": 6,
}


COST_LISTS = [
    "/api/v1/projects/{p}/cost-codes",
    "/api/v1/projects/{p}/budget",
    "/api/v1/projects/{p}/budget/revisions",
    "/api/v1/projects/{p}/contracts",
    "/api/v1/projects/{p}/change-orders",
    "/api/v1/projects/{p}/cost-transactions",
    "/api/v1/projects/{p}/cost-summary",
    "/api/v1/projects/{p}/budget/forecast",
    "/api/v1/projects/{p}/evm/snapshots",
    "/projects/{p}/costs/",
    "/projects/{p}/costs/budget/",
    "/projects/{p}/costs/contracts/",
    "/projects/{p}/costs/change-orders/",
    "/projects/{p}/costs/transactions/",
    "/projects/{p}/costs/card/",
]


@pytest.mark.parametrize("rows", [10, 1000])
def test_cost_lists_run_a_fixed_number_of_queries(world_a: OrgWorld, rows: int) -> None:
    grow_costs(world_a, rows)
    api = ApiClient(world_a.admin)
    web = Client()
    web.force_login(world_a.admin)
    counts = {}
    for path in COST_LISTS:
        url = path.format(p=world_a.project.pk)
        client: Any = web if path.startswith("/projects/") else api
        client.get(url)
        counts[path] = _count(lambda url=url, client=client: client.get(url))
    assert counts == COST_PINNED


# The cost summary (API, page, card) reads the schedule too since earned value follows the
# activities linked to the cost codes: activities, settings with the baseline, calendars and
# progress updates, four queries (the grown data links an activity to every cost code), and
# the current BOQ lines with their forecasts, two; the BOQ page shows the lines' forecasts
# from that summary.
COST_PINNED = {
    "/api/v1/projects/{p}/cost-codes": 5,
    "/api/v1/projects/{p}/budget": 5,
    "/api/v1/projects/{p}/budget/revisions": 5,
    "/api/v1/projects/{p}/contracts": 6,
    "/api/v1/projects/{p}/change-orders": 5,
    "/api/v1/projects/{p}/cost-transactions": 5,
    "/api/v1/projects/{p}/cost-summary": 19,
    "/api/v1/projects/{p}/budget/forecast": 19,
    "/api/v1/projects/{p}/evm/snapshots": 5,
    "/projects/{p}/costs/": 22,
    "/projects/{p}/costs/budget/": 23,
    "/projects/{p}/costs/contracts/": 7,
    "/projects/{p}/costs/change-orders/": 5,
    "/projects/{p}/costs/transactions/": 8,
    "/projects/{p}/costs/card/": 20,
}
