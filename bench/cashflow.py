"""Benchmark the cash-flow forecast against actual of one large project.

Usage: python bench/cashflow.py [--database sqlite|postgres://...] [--codes 300]
       [--contracts 60] [--lines 20] [--entries 20000]
(for PostgreSQL, create an empty database first: createdb sitebook_bench_cashflow)

Loads (bulk inserts: the load is not measured) a project of `--codes` cost codes with
planned dates spread over three years and a budget line each, `--contracts` contracts in
force (one income, the rest subcontracts) of `--lines` lines each, and `--entries` ledger
entries over the same three years. Then it times, best of three, `funds.cashflow.
project_cashflow` (spreading every line like its cost code's planned value, forecasting
each contract, and the ledger by month in SQL), counts its queries, checks the totals
against sums computed independently with Decimal, and prints one line with the time
against a one-second budget.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--codes", type=int, default=300)
    parser.add_argument("--contracts", type=int, default=60)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    os.environ["SITEBOOK_DATA_DIR"] = tempfile.mkdtemp(prefix="sb-bench-cashflow-")
    if args.database != "sqlite":
        os.environ["SITEBOOK_DATABASE_URL"] = args.database
    os.environ["DJANGO_SETTINGS_MODULE"] = "sitebook.config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sitebook.accounts.models import Organisation
    from sitebook.costs.models import BudgetLine, BudgetRevision, Contract, ContractLine, CostCode
    from sitebook.funds.cashflow import project_cashflow
    from sitebook.funds.models import LedgerEntry
    from sitebook.projects.models import Project

    call_command("migrate", verbosity=0)
    rng = random.Random(6)
    org = Organisation.objects.create(name="Bench", slug=f"bench-{rng.randrange(10**9)}")
    o = {"organisation": org}
    start = date(2026, 1, 1)
    project = Project.objects.create(
        **o,
        code="CF-1",
        name="现金流基准",
        contract_value=Decimal(0),
        start_date=start,
        finish_date=start + timedelta(days=3 * 365),
    )
    p = {**o, "project": project}
    codes = []
    for i in range(args.codes):
        s = start + timedelta(days=rng.randrange(0, 900))
        f = s + timedelta(days=rng.randrange(30, 300))
        codes.append(
            CostCode(**p, code=f"{i:04d}", name=f"科目{i}", planned_start=s, planned_finish=f)
        )
    codes = CostCode.objects.bulk_create(codes)
    revision = BudgetRevision.objects.create(**p, number=1, reason="原始预算", is_current=True)
    BudgetLine.objects.bulk_create(
        BudgetLine(
            **p,
            revision=revision,
            cost_code=cc,
            item_code=cc.code,
            description="清单",
            unit="m3",
            quantity=Decimal(100),
            unit_rate=Decimal(rng.randrange(100, 99999)) / 10,
            amount=Decimal(rng.randrange(1_000_000, 99_999_999)) / 100,
        )
        for cc in codes
    )
    contracts = Contract.objects.bulk_create(
        Contract(
            **p,
            kind="income" if n == 0 else "subcontract",
            code=f"HT-{n:03d}",
            title="合同",
            counterparty="单位",
            status="active",
            advance_percent=Decimal(10),
            progress_payment_percent=Decimal(80),
            retention_percent=Decimal(3),
            payment_days=28,
        )
        for n in range(args.contracts)
    )
    values: dict[str, Decimal] = {"income": Decimal(0), "subcontract": Decimal(0)}
    lines = []
    for contract in contracts:
        for _ in range(args.lines):
            amount = Decimal(rng.randrange(1_000, 9_999_999)) / 100
            values[contract.kind] += amount
            lines.append(
                ContractLine(
                    **p,
                    contract=contract,
                    cost_code=rng.choice(codes),
                    description="项",
                    unit="项",
                    quantity=Decimal(1),
                    unit_rate=amount,
                    amount=amount,
                )
            )
    ContractLine.objects.bulk_create(lines)
    money = {"in": Decimal(0), "out": Decimal(0)}
    entries = []
    for _ in range(args.entries):
        direction = rng.choice(["in", "out"])
        amount = Decimal(rng.choice(["0.10", "0.20", "0.70", "1234.56", "99999.99"]))
        money[direction] += amount
        entries.append(
            LedgerEntry(
                **p,
                entry_date=start + timedelta(days=rng.randrange(0, 1095)),
                direction=direction,
                amount=amount,
                currency="CNY",
                kind="receipt" if direction == "in" else "payment",
                counterparty="单位",
            )
        )
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)

    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            flow = project_cashflow(project)
        best = min(best, time.perf_counter() - t)
    assert flow.total("forecast_in") == values["income"], "forecast in != income contract value"
    assert flow.total("forecast_out") == values["subcontract"], "forecast out != subcontracts"
    assert flow.total("actual_in") == money["in"] and flow.total("actual_out") == money["out"]
    print(
        f"cashflow {connection.vendor}: {args.codes} cost codes, {args.contracts} contracts x "
        f"{args.lines} lines, {args.entries} ledger entries, {len(flow.rows)} months: "
        f"{best * 1000:.0f} ms, {len(queries)} queries, totals exact to the fen; "
        f"{best:.3f} s / 1 s budget = {best / 1.0:.2f}"
    )


if __name__ == "__main__":
    main()
