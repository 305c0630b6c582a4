"""The cost centre's part of the demo project: cost codes, a BOQ, contracts, changes, costs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sitebook.costs import services
from sitebook.costs.models import Contract

# (code, parent, name, name_en, WBS code, planned start, planned finish, profile)
CODES = [
    ("01", None, "土建工程", "Civil works", None, None, None, "linear"),
    ("01.01", "01", "桩基工程", "Piling", "2.1", date(2026, 3, 2), date(2026, 6, 30), "s_curve"),
    (
        "01.02",
        "01",
        "土方与支护",
        "Excavation and shoring",
        "2.2",
        date(2026, 4, 1),
        date(2026, 8, 31),
        "s_curve",
    ),
    (
        "01.03",
        "01",
        "主体结构",
        "Superstructure",
        "3",
        date(2026, 8, 1),
        date(2027, 6, 30),
        "s_curve",
    ),
    ("02", None, "机电安装", "MEP", "4", date(2027, 1, 4), date(2027, 10, 31), "s_curve"),
    ("03", None, "装饰装修", "Finishes", "5", date(2027, 4, 1), date(2027, 12, 15), "linear"),
    (
        "04",
        None,
        "措施费与管理费",
        "Preliminaries and overheads",
        "1",
        date(2026, 3, 2),
        date(2027, 12, 31),
        "linear",
    ),
]

# (item code, description, unit, quantity, unit rate, cost code) — GB 50500 style items
BOQ = [
    ("010302001", "钻孔灌注桩 C35 Φ800", "m3", "6850.40", "1150.00", "01.01"),
    ("010301002", "预制管桩 PHC500", "m", "12400", "215.50", "01.01"),
    ("010101002", "挖一般土方", "m3", "98500", "38.60", "01.02"),
    ("010202001", "地下连续墙", "m3", "8650.75", "1480.00", "01.02"),
    ("010502001", "矩形柱 C50", "m3", "5820", "735.20", "01.03"),
    ("010505001", "有梁板 C35", "m3", "24800.5", "668.90", "01.03"),
    ("010515001", "现浇构件钢筋 HRB400", "t", "9860.320", "5120.00", "01.03"),
    ("030411001", "配管、配线", "项", "1", "18650000.00", "02"),
    ("031001001", "给排水管道", "项", "1", "9860000.00", "02"),
    ("030702001", "通风空调系统", "项", "1", "21450000.00", "02"),
    ("011204001", "玻璃幕墙", "m2", "28600", "1380.00", "03"),
    ("011102001", "石材楼地面", "m2", "18900", "420.00", "03"),
    ("011701001", "综合脚手架", "m2", "86000", "42.00", "04"),
    ("011707001", "安全文明施工费", "项", "1", "6120000.00", "04"),
]


def load(*, admin: Any, project: Any, wbs: dict[str, int]) -> None:
    """Cost codes, the original BOQ, main contract and subcontracts, a change order, costs."""
    ids: dict[str, int] = {}
    for code, parent, name, name_en, wbs_code, start, finish, profile in CODES:
        ids[code] = services.cost_code_create(
            actor=admin,
            project=project,
            code=code,
            name=name,
            name_en=name_en,
            parent_id=ids[parent] if parent else None,
            wbs_node_id=wbs.get(wbs_code) if wbs_code else None,
            planned_start=start,
            planned_finish=finish,
            profile=profile,
        ).pk
    services.budget_revise(
        actor=admin,
        project=project,
        reason="目标成本（原始预算）/ Target cost (original budget)",
        lines=[
            {
                "item_code": item,
                "description": desc,
                "unit": unit,
                "quantity": Decimal(qty),
                "unit_rate": Decimal(rate),
                "cost_code": cc,
            }
            for item, desc, unit, qty, rate, cc in BOQ
        ],
    )
    income = services.contract_create(
        actor=admin,
        project=project,
        kind=Contract.Kind.INCOME,
        code="ZB-2026-001",
        title="张江科创办公楼施工总承包合同",
        counterparty="上海张江科技园区开发有限公司",
        signed_on=date(2026, 2, 10),
        advance_percent=Decimal("10"),
        progress_payment_percent=Decimal("80"),
        retention_percent=Decimal("3"),
        payment_days=28,
    )
    services.contract_line_add(
        actor=admin,
        contract=income,
        description="施工总承包合同价（含税）",
        unit="项",
        quantity=Decimal("1"),
        unit_rate=Decimal("286500000.00"),
    )
    services.contract_update(actor=admin, contract=income, version=income.version, status="active")
    piling = services.contract_create(
        actor=admin,
        project=project,
        kind=Contract.Kind.SUBCONTRACT,
        code="FB-2026-003",
        title="桩基工程专业分包",
        counterparty="上海基础工程集团有限公司",
        signed_on=date(2026, 2, 25),
        retention_percent=Decimal("5"),
    )
    services.contract_line_add(
        actor=admin,
        contract=piling,
        description="钻孔灌注桩（包工包料）",
        unit="m3",
        quantity=Decimal("6850.40"),
        unit_rate=Decimal("1080.00"),
        cost_code_id=ids["01.01"],
    )
    piling, _w = services.contract_update(
        actor=admin, contract=piling, version=piling.version, status="active"
    )
    order = services.change_order_create(
        actor=admin,
        contract=piling,
        code="QZ-001",
        kind="site_instruction",
        title="溶洞处理增加桩长（现场签证）",
        amount=Decimal("386420.50"),
        cost_code_id=ids["01.01"],
        adjust_budget=True,
    )
    order = services.change_order_submit(actor=admin, order=order, version=order.version)
    services.change_order_approve(actor=admin, order=order, version=order.version)
    for day, cc, amount, kind, ref, supplier, contract in [
        (
            date(2026, 3, 31),
            "01.01",
            "1856230.45",
            "invoice",
            "FP-0331",
            "上海基础工程集团",
            piling,
        ),
        (
            date(2026, 4, 30),
            "01.01",
            "2398766.10",
            "invoice",
            "FP-0430",
            "上海基础工程集团",
            piling,
        ),
        (date(2026, 4, 15), "01.02", "1120500.00", "invoice", "FP-0415", "浦东土方公司", None),
        (date(2026, 4, 20), "04", "386000.00", "expense", "BX-0420", "", None),
        (date(2026, 5, 20), "01.02", "2265340.80", "invoice", "FP-0520", "浦东土方公司", None),
    ]:
        services.cost_transaction_create(
            actor=admin,
            project=project,
            cost_code_id=ids[cc],
            date=day,
            amount=Decimal(amount),
            kind=kind,
            reference=ref,
            supplier=supplier,
            contract_id=contract.pk if contract else None,
        )
    for cc, day, pct in [
        ("01.01", date(2026, 3, 31), "22"),
        ("01.01", date(2026, 4, 30), "48"),
        ("01.02", date(2026, 4, 30), "12"),
        ("01.02", date(2026, 5, 31), "26"),
        ("04", date(2026, 5, 31), "6"),
    ]:
        services.progress_record(
            actor=admin,
            cost_code=services.CostCode.objects.get(pk=ids[cc]),
            date=day,
            percent_complete=Decimal(pct),
        )
    for data_date in (date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)):
        services.evm_snapshot_take(actor=admin, project=project, data_date=data_date)
