"""Benchmark the cost roll-ups on PostgreSQL: 1,000,000 cost transactions over 100 projects.

Usage: python bench/costs.py [--database postgres://postgres@127.0.0.1:5432/sitebook_bench_costs]
       [--transactions 1000000] [--projects 100] [--keep]

Creates (or reuses, with --keep) the database, migrates it, loads an organisation with
`--projects` projects of 40 cost codes each, a budget, an active subcontract per project
and the transactions (COPY, not the ORM: the data load is not what is measured). Then it
times, best of five, the cost summary of one project (`costs.selectors.cost_summary`, a
fixed number of grouped queries over that project's ~10,000 rows) and the portfolio roll-up
over all projects (`portfolio_summary`, GROUP BY project over all 1,000,000 rows), checks
both against sums computed independently in Python with Decimal, and prints one line.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/sitebook_bench_costs"
    )
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="reuse loaded data if present")
    args = parser.parse_args()

    import psycopg

    base, _, name = args.database.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not args.keep:
            admin.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')

    os.environ["SITEBOOK_DATABASE_URL"] = args.database
    os.environ.setdefault("SITEBOOK_DATA_DIR", "/tmp/sb-bench-costs")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sitebook.config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sitebook.accounts.models import Organisation, User
    from sitebook.accounts.services import organisation_create, user_create
    from sitebook.costs import selectors
    from sitebook.costs.models import (
        BudgetLine,
        BudgetRevision,
        Contract,
        ContractLine,
        CostCode,
        CostTransaction,
    )
    from sitebook.projects.models import Project

    call_command("migrate", verbosity=0)
    rng = random.Random(20260301)
    expected: dict[int, Decimal] = {}
    if not Organisation.objects.filter(slug="bench").exists():
        load_started = time.perf_counter()
        admin = user_create(username="bench-admin", password="bench-Pass-1")
        org = organisation_create(name="Bench", slug="bench", admin=admin)
        projects = Project.objects.bulk_create(
            Project(organisation=org, code=f"B{i:03d}", name=f"基准项目{i}")
            for i in range(args.projects)
        )
        codes = CostCode.objects.bulk_create(
            CostCode(organisation=org, project=p, code=f"{c:02d}", name=f"科目{c}")
            for p in projects
            for c in range(40)
        )
        by_project: dict[int, list[int]] = {}
        for cc in codes:
            by_project.setdefault(cc.project_id, []).append(cc.pk)
        revisions = BudgetRevision.objects.bulk_create(
            BudgetRevision(organisation=org, project=p, number=1, reason="bench") for p in projects
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                organisation=org,
                project_id=r.project_id,
                revision=r,
                cost_code_id=cc,
                item_code=f"I{cc}",
                description="清单项",
                unit="m3",
                quantity=Decimal("100"),
                unit_rate=Decimal("12345.67"),
                amount=Decimal("1234567.00"),
            )
            for r in revisions
            for cc in by_project[r.project_id]
        )
        contracts = Contract.objects.bulk_create(
            Contract(
                organisation=org,
                project=p,
                kind="subcontract",
                code="SC",
                title="分包",
                counterparty="分包单位",
                status="active",
            )
            for p in projects
        )
        ContractLine.objects.bulk_create(
            ContractLine(
                organisation=org,
                project_id=c.project_id,
                contract=c,
                cost_code_id=cc,
                description="x",
                unit="项",
                quantity=Decimal("1"),
                unit_rate=Decimal("800000.10"),
                amount=Decimal("800000.10"),
            )
            for c in contracts
            for cc in by_project[c.project_id][:20]
        )
        table = CostTransaction._meta.db_table
        columns = (
            "organisation_id, version, created_at, updated_at, project_id, cost_code_id, "
            "contract_id, kind, date, amount, reference, supplier, description, source_type, "
            "source_id"
        )
        project_ids = [p.pk for p in projects]
        contract_of = {c.project_id: c.pk for c in contracts}
        buffer = io.StringIO()
        for i in range(args.transactions):
            pid = project_ids[i % len(project_ids)]
            cc = rng.choice(by_project[pid])
            # Amounts with fen that binary floats cannot hold exactly (0.10, 0.07, ...).
            amount = Decimal(rng.randrange(1, 5_000_000)) / 100
            expected[pid] = expected.get(pid, Decimal("0")) + amount
            contract = str(contract_of[pid]) if i % 3 == 0 else "\\N"
            buffer.write(
                f"{org.pk}\t1\t2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\t{pid}\t{cc}\t"
                f"{contract}\tinvoice\t2026-{1 + i % 12:02d}-{1 + i % 28:02d}\t{amount}\t\t\t\t\t\n"
            )
        buffer.seek(0)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                while chunk := buffer.read(1 << 20):
                    copy.write(chunk)
            cursor.execute(f"ANALYZE {table}")
        load_seconds = time.perf_counter() - load_started
    else:
        load_seconds = 0.0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT project_id, SUM(amount) FROM costs_costtransaction GROUP BY project_id"
            )
            expected = {pid: Decimal(s) for pid, s in cursor.fetchall()}

    user = User.objects.get(username="bench-admin")
    project = Project.objects.filter(organisation__slug="bench").order_by("code").first()
    total_rows = CostTransaction.objects.count()

    def best(fn, repeat: int = 5) -> tuple[float, object]:  # type: ignore[no-untyped-def]
        times, result = [], None
        for _ in range(repeat):
            t = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t)
        return min(times), result

    summary_s, summary = best(lambda: selectors.cost_summary(project))
    portfolio_s, portfolio = best(lambda: selectors.portfolio_summary(user))
    assert summary.total.actual == expected[project.pk], (
        summary.total.actual,
        expected[project.pk],
    )
    by_id = {row["project_id"]: row["actual"] for row in portfolio}
    assert all(by_id[pid] == amount for pid, amount in expected.items())
    grand = sum(by_id.values(), Decimal("0"))
    print(
        f"costs bench: {total_rows:,} transactions / {len(by_id)} projects on PostgreSQL "
        f"(load {load_seconds:.1f} s): project cost summary {summary_s * 1000:.0f} ms, "
        f"portfolio roll-up {portfolio_s * 1000:.0f} ms (limit 1000 ms: "
        f"{'PASS' if max(summary_s, portfolio_s) < 1 else 'FAIL'}); "
        f"totals exact to the fen ({grand})"
    )


if __name__ == "__main__":
    main()
