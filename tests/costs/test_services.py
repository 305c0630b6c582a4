"""Cost centre rules: budget revisions, contracts, change orders, budget control, posting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sitebook.core.errors import Conflict, Forbidden, InvalidInput
from sitebook.costs import selectors, services
from sitebook.costs.models import (
    BudgetLine,
    BudgetRevision,
    ChangeOrder,
    Contract,
    CostTransaction,
)
from tests.conftest import OrgWorld

from .factories import budget, cost_codes, subcontract


def test_revision_keeps_original_and_current(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    first = budget(world_a)
    second = services.budget_revise(
        actor=world_a.admin,
        project=world_a.project,
        reason="桩长调整",
        lines=[
            {
                "item_code": "010301001",
                "description": "钻孔灌注桩",
                "unit": "m3",
                "quantity": Decimal("1300"),
                "unit_rate": Decimal("850.10"),
                "cost_code": "01.01",
            }
        ],
    )
    first.refresh_from_db()
    assert (first.number, first.is_current) == (1, False)
    assert (second.number, second.is_current) == (2, True)
    assert first.lines.get(item_code="010301001").amount == Decimal("1020545.05")
    assert second.lines.get(item_code="010301001").amount == Decimal("1105130.00")
    summary = selectors.cost_summary(world_a.project)
    row = next(r for r in summary.rows if r.code == codes["01.01"])
    assert (row.original, row.budget) == (Decimal("1020545.05"), Decimal("1105130.00"))
    parent = next(r for r in summary.rows if r.code == codes["01"])
    assert parent.budget == Decimal("1105130.00") + Decimal("1560900.00")


def test_revision_needs_a_reason_and_known_cost_code(world_a: OrgWorld) -> None:
    cost_codes(world_a)
    with pytest.raises(InvalidInput) as exc:
        services.budget_revise(actor=world_a.admin, project=world_a.project, reason=" ", lines=[])
    assert exc.value.errors[0]["field"] == "reason"
    line = {
        "item_code": "X1",
        "description": "x",
        "unit": "m",
        "quantity": "1",
        "unit_rate": "1",
        "cost_code": "99",
    }
    with pytest.raises(InvalidInput) as exc:
        services.budget_revise(
            actor=world_a.admin, project=world_a.project, reason="r", lines=[line]
        )
    assert exc.value.errors[0]["field"] == "lines[0].cost_code"
    with pytest.raises(InvalidInput) as exc:
        services.budget_revise(
            actor=world_a.admin,
            project=world_a.project,
            reason="r",
            lines=[{**line, "cost_code": "01.01", "quantity": "-3"}],
        )
    assert exc.value.errors[0]["field"] == "lines[0].quantity"
    assert not BudgetRevision.objects.filter(project=world_a.project).exists()


def test_block_refuses_cost_over_budget_with_figures(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    budget(world_a)
    code = codes["01.01"]
    services.cost_code_update(actor=world_a.admin, cost_code=code, version=1, control="block")
    code.refresh_from_db()
    subcontract(world_a, code, Decimal("1000000.00"))
    with pytest.raises(Conflict) as exc:
        services.cost_transaction_create(
            actor=world_a.admin,
            project=world_a.project,
            cost_code_id=code.pk,
            date=date(2026, 2, 1),
            amount=Decimal("20545.06"),
        )
    text = str(exc.value.detail)
    assert "1,000,000.00" in text and "1,020,545.05" in text and "0.01" in text
    assert not CostTransaction.objects.filter(project=world_a.project).exists()
    # Exactly at the budget passes.
    txn, warnings = services.cost_transaction_create(
        actor=world_a.admin,
        project=world_a.project,
        cost_code_id=code.pk,
        date=date(2026, 2, 1),
        amount=Decimal("20545.05"),
    )
    assert warnings == []


def test_warn_lets_cost_through_and_says_by_how_much(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    budget(world_a)
    _, warnings = services.cost_transaction_create(
        actor=world_a.admin,
        project=world_a.project,
        cost_code_id=codes["01.01"].pk,
        date=date(2026, 2, 1),
        amount=Decimal("1020545.15"),
    )
    assert len(warnings) == 1 and "0.10" in warnings[0]


def test_invoice_against_committed_contract_counts_once(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    budget(world_a)
    code = codes["01.01"]
    contract = subcontract(world_a, code, Decimal("1000000.00"))
    _, warnings = services.cost_transaction_create(
        actor=world_a.admin,
        project=world_a.project,
        cost_code_id=code.pk,
        contract_id=contract.pk,
        date=date(2026, 2, 1),
        amount=Decimal("900000.00"),
    )
    assert warnings == []
    figures = selectors.exposure(code)
    assert figures.total == Decimal("1000000.00")


def test_change_order_workflow_changes_contract_and_budget(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    budget(world_a)
    contract = subcontract(world_a, codes["01.01"], Decimal("500000.00"))
    order = services.change_order_create(
        actor=world_a.admin,
        contract=contract,
        code="BG-001",
        title="桩长增加",
        amount=Decimal("80000.10"),
        cost_code_id=codes["01.01"].pk,
        adjust_budget=True,
    )
    cost = world_a.users["cost_engineer"]
    order = services.change_order_submit(actor=cost, order=order, version=order.version)
    with pytest.raises(Forbidden):
        services.change_order_approve(actor=cost, order=order, version=order.version)
    assert ChangeOrder.objects.get(pk=order.pk).status == "submitted"
    pm = world_a.users["project_manager"]
    order, _ = services.change_order_approve(actor=pm, order=order, version=order.version)
    assert order.status == "approved"
    values = selectors.contract_values(world_a.project)[contract.pk]
    assert values == (Decimal("500000.00"), Decimal("80000.10"))
    current = selectors.current_revision(world_a.project)
    assert current.number == 2 and current.change_order_id == order.pk
    assert BudgetLine.objects.get(revision=current, item_code="CO-BG-001").amount == Decimal(
        "80000.10"
    )
    with pytest.raises(Conflict):
        services.change_order_approve(actor=pm, order=order, version=order.version)


def test_no_change_order_on_a_closed_contract(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    contract = subcontract(world_a, codes["01.01"], Decimal("1.00"))
    contract, _ = services.contract_update(
        actor=world_a.admin, contract=contract, version=contract.version, status="closed"
    )
    with pytest.raises(Conflict):
        services.change_order_create(
            actor=world_a.admin,
            contract=contract,
            code="BG-9",
            title="x",
            amount=Decimal("1"),
            cost_code_id=codes["01.01"].pk,
        )
    assert not ChangeOrder.objects.exists()


def test_actual_cost_post_is_idempotent(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    kwargs = dict(
        actor=world_a.users["foreman"],
        project=world_a.project,
        cost_code=codes["01.02"],
        amount=Decimal("3600.00"),
        source_type="labour_ticket",
        source_id=42,
        date=date(2026, 4, 1),
        description="点工 12 人",
    )
    first, _ = services.actual_cost_post(**kwargs)
    again, _ = services.actual_cost_post(**kwargs)
    assert first.pk == again.pk and first.kind == "labour"
    changed, _ = services.actual_cost_post(**{**kwargs, "amount": Decimal("3900.00")})
    assert changed.pk == first.pk and changed.amount == Decimal("3900.00")
    assert CostTransaction.objects.filter(source_type="labour_ticket").count() == 1
    assert services.actual_cost_unpost(
        actor=world_a.admin, project=world_a.project, source_type="labour_ticket", source_id=42
    )
    assert not CostTransaction.objects.exists()


def test_margin_uses_income_contract_value(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    budget(world_a)
    income = services.contract_create(
        actor=world_a.admin,
        project=world_a.project,
        kind=Contract.Kind.INCOME,
        code="ZB-01",
        title="施工总承包合同",
        counterparty="业主",
    )
    services.contract_line_add(
        actor=world_a.admin,
        contract=income,
        description="合同价",
        unit="项",
        quantity=Decimal("1"),
        unit_rate=Decimal("3000000.00"),
    )
    services.contract_update(
        actor=world_a.admin, contract=income, version=income.version, status="active"
    )
    summary = selectors.cost_summary(world_a.project)
    assert summary.income_value == Decimal("3000000.00")
    assert summary.total.eac == Decimal("2581445.05")
    assert summary.margin == Decimal("418554.95")
    services.progress_record(
        actor=world_a.admin, cost_code=codes["01.01"], date=date(2026, 2, 1), percent_complete=50
    )
    services.cost_transaction_create(
        actor=world_a.admin,
        project=world_a.project,
        cost_code_id=codes["01.01"].pk,
        date=date(2026, 2, 1),
        amount=Decimal("612327.03"),
    )
    summary = selectors.cost_summary(world_a.project, date(2026, 2, 1))
    row = next(r for r in summary.rows if r.code == codes["01.01"])
    # EV = 510,272.53 (half of 1,020,545.05, half-up); CPI = EV / AC; ETC = (BAC - EV) / CPI.
    assert row.earned == Decimal("510272.53")
    assert row.etc == Decimal("612327.02")
    assert row.eac == Decimal("1224654.05")


def test_snapshot_stores_no_ratio_too_large_for_its_column(world_a: OrgWorld) -> None:
    """Half the work earned against one fen of cost: a CPI in the tens of millions is not a
    figure anyone can use, and it does not fit the column; it is stored as unknown."""
    codes = cost_codes(world_a)
    budget(world_a)
    services.progress_record(
        actor=world_a.admin,
        cost_code=codes["01.01"],
        date=date(2026, 2, 1),
        percent_complete=Decimal("50"),
    )
    services.cost_transaction_create(
        actor=world_a.admin,
        project=world_a.project,
        cost_code_id=codes["01.01"].pk,
        date=date(2026, 2, 1),
        amount=Decimal("0.01"),
    )
    snapshots = services.evm_snapshot_take(
        actor=world_a.admin, project=world_a.project, data_date=date(2026, 2, 1)
    )
    project_snapshot = next(s for s in snapshots if s.wbs_node_id is None)
    project_snapshot.refresh_from_db()
    assert project_snapshot.ac == Decimal("0.01")
    assert project_snapshot.ev > Decimal("100000")
    assert project_snapshot.cpi is None
    assert project_snapshot.eac is not None
