"""Cost data for tests: cost codes, a budget, contracts and costs on a world's project."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sitebook.costs import services
from sitebook.costs.models import (
    BudgetLine,
    BudgetRevision,
    ChangeOrder,
    Contract,
    ContractLine,
    CostCode,
    CostTransaction,
    EvmSnapshot,
    LineForecast,
    ProgressEntry,
)
from sitebook.schedule.models import (
    Activity,
    Baseline,
    Calendar,
    ProgressUpdate,
    ScheduleSettings,
)


def cost_codes(world: Any) -> dict[str, CostCode]:
    admin, project = world.admin, world.project
    root = services.cost_code_create(actor=admin, project=project, code="01", name="土建工程")
    codes = {"01": root}
    for code, name, start, finish in [
        ("01.01", "桩基", date(2026, 1, 1), date(2026, 3, 31)),
        ("01.02", "主体结构", date(2026, 3, 1), date(2026, 9, 30)),
    ]:
        codes[code] = services.cost_code_create(
            actor=admin,
            project=project,
            code=code,
            name=name,
            parent_id=root.pk,
            planned_start=start,
            planned_finish=finish,
        )
    return codes


def budget(world: Any, reason: str = "原始预算") -> Any:
    return services.budget_revise(
        actor=world.admin,
        project=world.project,
        reason=reason,
        lines=[
            {
                "item_code": "010301001",
                "description": "钻孔灌注桩",
                "unit": "m3",
                "quantity": Decimal("1200.5"),
                "unit_rate": Decimal("850.10"),
                "cost_code": "01.01",
            },
            {
                "item_code": "010501001",
                "description": "C35 商品混凝土",
                "unit": "m3",
                "quantity": Decimal("3000"),
                "unit_rate": Decimal("520.30"),
                "cost_code": "01.02",
            },
        ],
    )


def subcontract(world: Any, code: CostCode, amount: Decimal, *, active: bool = True) -> Contract:
    contract = services.contract_create(
        actor=world.admin,
        project=world.project,
        kind=Contract.Kind.SUBCONTRACT,
        code=f"SC-{code.code}",
        title="桩基分包",
        counterparty="上海基础工程有限公司",
    )
    services.contract_line_add(
        actor=world.admin,
        contract=contract,
        description="桩基分包",
        unit="项",
        quantity=Decimal("1"),
        unit_rate=amount,
        cost_code_id=code.pk,
    )
    if active:
        contract, _ = services.contract_update(
            actor=world.admin, contract=contract, version=contract.version, status="active"
        )
    return contract


def grow(world: Any, n: int) -> None:
    """About `n` rows in every cost list of the world's project (bulk, for query counts)."""
    org, project = world.org, world.project
    codes = CostCode.objects.bulk_create(
        CostCode(organisation=org, project=project, code=f"G{i:05d}", name=f"科目{i}")
        for i in range(n)
    )
    revision = BudgetRevision.objects.create(
        organisation=org, project=project, number=1, reason="bulk"
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            organisation=org,
            project=project,
            revision=revision,
            cost_code=codes[i],
            item_code=f"I{i:06d}",
            description="清单项",
            unit="m3",
            quantity=Decimal("1.5"),
            unit_rate=Decimal("10.10"),
            amount=Decimal("15.15"),
        )
        for i in range(n)
    )
    LineForecast.objects.bulk_create(
        LineForecast(organisation=org, project=project, item_code=f"I{i:06d}", method="cpi")
        for i in range(0, n, 2)
    )
    contract = Contract.objects.create(
        organisation=org,
        project=project,
        kind="subcontract",
        code="G-SC",
        title="分包",
        counterparty="分包单位",
        status="active",
    )
    ContractLine.objects.bulk_create(
        ContractLine(
            organisation=org,
            project=project,
            contract=contract,
            cost_code=codes[i],
            description="x",
            unit="项",
            quantity=Decimal("1"),
            unit_rate=Decimal("3.30"),
            amount=Decimal("3.30"),
        )
        for i in range(n)
    )
    ChangeOrder.objects.bulk_create(
        ChangeOrder(
            organisation=org,
            project=project,
            contract=contract,
            cost_code=codes[i],
            code=f"G-CO-{i}",
            title="签证",
            amount=Decimal("0.10"),
            status="approved",
        )
        for i in range(n)
    )
    start = date(2026, 1, 1)
    CostTransaction.objects.bulk_create(
        CostTransaction(
            organisation=org,
            project=project,
            cost_code=codes[i],
            date=start + timedelta(days=i % 300),
            amount=Decimal("0.10"),
        )
        for i in range(n)
    )
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            organisation=org,
            project=project,
            cost_code=codes[i],
            date=start,
            percent_complete=Decimal("50"),
        )
        for i in range(n)
    )
    # Activities linked to the cost codes, in a baseline and a progress update: earned value
    # then follows the schedule, still in a fixed number of queries.
    calendar = Calendar.objects.create(
        organisation=org, project=project, name="Site", week=[[[480, 1020]]] * 5 + [[], []]
    )
    moment = timezone.make_aware(datetime(2026, 1, 5, 8))
    activities = Activity.objects.bulk_create(
        Activity(
            organisation=org,
            project=project,
            code=f"GA{i:05d}",
            name="工序",
            calendar=calendar,
            original_duration=540,
            cost_code=codes[i].code,
            percent_complete=Decimal("25"),
        )
        for i in range(n)
    )
    baseline = Baseline.objects.create(
        organisation=org,
        project=project,
        name="BL",
        data={
            str(a.pk): [a.code, "2026-01-05T08:00:00", "2026-01-06T17:00:00", 1080, 0]
            for a in activities
        },
    )
    ScheduleSettings.objects.create(
        organisation=org, project=project, data_date=moment, baseline=baseline
    )
    ProgressUpdate.objects.create(
        organisation=org,
        project=project,
        data_date=moment,
        entries={str(a.pk): {"code": a.code, "percent_complete": "10"} for a in activities},
    )
    EvmSnapshot.objects.bulk_create(
        EvmSnapshot(
            organisation=org,
            project=project,
            data_date=start + timedelta(days=i),
            bac=Decimal("1"),
            pv=Decimal("1"),
            ev=Decimal("1"),
            ac=Decimal("1"),
        )
        for i in range(n)
    )
