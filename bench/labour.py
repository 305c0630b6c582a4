"""Benchmark the day-labour summaries: 200,000 approved tickets, one SQL aggregation each.

Usage: SITEBOOK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitebook \
       python bench/labour.py [--tickets 200000] [--lines-per-ticket 3]

A throw-away test database (SITEBOOK_TEST_DATABASE_NAME, default test_sitebook_labour_bench)
is created, migrated, filled with bulk inserts (one project of N tickets, 3 workers a ticket
by default, 400 workers in 12 teams and 6 trades over 18 months) and dropped afterwards. Each
summary (by project, team, trade, worker, month) is run once to warm the cache and then
timed as the best of three; its query count is recorded. The budget is 1 second each. The
last line is a one-line summary with the ratio of the budget to the slowest summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitebook.config.settings")
os.environ.setdefault("SITEBOOK_TEST_DATABASE_NAME", "test_sitebook_labour_bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from sitebook.accounts.models import Organisation  # noqa: E402
from sitebook.labour import selectors  # noqa: E402
from sitebook.labour.models import LabourLine, Team, Ticket, Trade, Worker  # noqa: E402
from sitebook.projects.models import Project  # noqa: E402

BUDGET_S = 1.0
BATCH = 5000


def fill(tickets: int, per_ticket: int) -> Project:
    org = Organisation.objects.create(name="Bench Construction", slug="bench")
    project = Project.objects.create(organisation=org, code="BENCH", name="基准项目")
    trades = Trade.objects.bulk_create(
        Trade(organisation=org, code=f"T{i}", name=f"工种{i}") for i in range(6)
    )
    teams = Team.objects.bulk_create(Team(organisation=org, name=f"班组{i}") for i in range(12))
    workers = Worker.objects.bulk_create(
        Worker(
            organisation=org,
            name=f"工人{i:03d}",
            id_number=f"{i:018d}",
            trade=trades[i % 6],
            grade="skilled",
            team=teams[i % 12],
        )
        for i in range(400)
    )
    tz = timezone.get_current_timezone()
    first = dt.date(2025, 1, 1)
    made = 0
    while made < tickets:
        size = min(BATCH, tickets - made)
        batch = Ticket.objects.bulk_create(
            Ticket(
                organisation=org,
                project=project,
                number=f"DG-{made + i:07d}",
                location="x",
                work_date=first + dt.timedelta(days=(made + i) % 540),
                day_type="work_day",
                instruction_source="owner",
                reason="rework",
                status="approved" if (made + i) % 10 else "submitted",
                total=Decimal("1200.00"),
            )
            for i in range(size)
        )
        lines = []
        for n, t in enumerate(batch):
            start = dt.datetime.combine(t.work_date, dt.time(8), tzinfo=tz)
            for k in range(per_ticket):
                w = workers[(made + n * per_ticket + k) % 400]
                lines.append(
                    LabourLine(
                        organisation=org,
                        project=project,
                        ticket=t,
                        worker=w,
                        trade_id=w.trade_id,
                        grade="skilled",
                        team_id=w.team_id,
                        work_date=t.work_date,
                        start=start,
                        end=start + dt.timedelta(hours=9),
                        hours=Decimal("9"),
                        normal_hours=Decimal("8"),
                        overtime_hours=Decimal("1"),
                        days=Decimal("1.125"),
                        day_type="work_day",
                        rate=Decimal("400"),
                        multiplier=Decimal("1"),
                        overtime_multiplier=Decimal("1.5"),
                        amount=Decimal("475.00"),
                        approved=t.status == "approved",
                    )
                )
        LabourLine.objects.bulk_create(lines, batch_size=BATCH)
        made += size
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return project


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--lines-per-ticket", type=int, default=3)
    args = parser.parse_args()
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        project = fill(args.tickets, args.lines_per_ticket)
        fill_s = time.perf_counter() - t0
        lines = LabourLine.objects.count()
        results = {}
        for by in selectors.SUMMARY_KEYS:
            selectors.summary(project, by)
            best = float("inf")
            for _ in range(3):
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    rows = selectors.summary(project, by)
                    best = min(best, time.perf_counter() - t)
                queries = len(ctx.captured_queries)
            results[by] = (best, queries, len(rows))
            print(f"by {by:8s} {best * 1000:8.1f} ms  {queries} query  {len(rows)} rows")
        worst = max(r[0] for r in results.values())
        print(
            f"labour summaries over {args.tickets:,} tickets ({lines:,} lines, "
            f"{connection.vendor}, filled in {fill_s:.0f} s): "
            + ", ".join(f"{k} {v[0] * 1000:.0f} ms" for k, v in results.items())
            + f"; {max(r[1] for r in results.values())} query each; slowest {worst:.3f} s "
            f"vs {BUDGET_S:.0f} s budget = {BUDGET_S / worst:.1f}x headroom"
        )
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
