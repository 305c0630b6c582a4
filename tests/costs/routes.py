"""The cost centre's rows of the route table (tests/foundation/routes.py adds them)."""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from sitebook.costs.models import BudgetLine, BudgetRevision, ChangeOrder, Contract, CostCode

V, E, A = "costs.view", "costs.edit", "costs.approve"


def _code(w: Any) -> CostCode:
    return CostCode.objects.get_or_create(
        organisation=w.org, project=w.project, code="R-01", defaults={"name": "土建工程"}
    )[0]


def _contract(w: Any) -> Contract:
    return Contract.objects.get_or_create(
        organisation=w.org,
        project=w.project,
        code="R-SC",
        defaults={"kind": "subcontract", "title": "分包合同", "counterparty": "分包单位"},
    )[0]


def _scheduled(w: Any) -> Contract:
    """An open contract of its own, so no other route closes it before its schedule is set."""
    return Contract.objects.get_or_create(
        organisation=w.org,
        project=w.project,
        code="R-PS",
        defaults={"kind": "income", "title": "施工总承包合同", "counterparty": "建设单位"},
    )[0]


def _line(w: Any) -> dict[str, Any]:
    """A line of the current budget (item code R-LINE); the path of its forecast."""
    revision = BudgetRevision.objects.filter(project=w.project, is_current=True).first()
    if revision is None:
        number = BudgetRevision.objects.filter(project=w.project).count() + 1
        revision = BudgetRevision.objects.create(
            organisation=w.org, project=w.project, number=number, reason="路由"
        )
    BudgetLine.objects.get_or_create(
        organisation=w.org,
        project=w.project,
        revision=revision,
        item_code="R-LINE",
        defaults={
            "cost_code": _code(w),
            "description": "清单项",
            "unit": "m3",
            "quantity": Decimal("2"),
            "unit_rate": Decimal("5.00"),
            "amount": Decimal("10.00"),
        },
    )
    return {"project_id": w.project.pk, "item_code": "R-LINE"}


def _order(w: Any, status: str) -> ChangeOrder:
    return ChangeOrder.objects.get_or_create(
        organisation=w.org,
        project=w.project,
        code=f"R-CO-{status}",
        defaults={
            "contract": _contract(w),
            "cost_code": _code(w),
            "title": "现场签证",
            "amount": Decimal("10.00"),
            "status": status,
        },
    )[0]


def boq_bytes(rows: list[list[Any]] | None = None, header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or ["清单编码", "项目名称", "计量单位", "工程量", "综合单价", "成本科目"])
    for row in rows if rows is not None else [["010101001", "平整场地", "m2", 100, 3.3, "R-01"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _p(w: Any, u: Any) -> dict[str, Any]:
    return {"project_id": w.project.pk}


def _pc(w: Any, u: Any) -> dict[str, Any]:
    return {"project_id": w.project.pk, "cost_code_id": _code(w).pk}


def _pk(w: Any, u: Any) -> dict[str, Any]:
    return {"project_id": w.project.pk, "contract_id": _contract(w).pk}


def _co(status: str, action: str) -> Any:
    return lambda w, u: {
        "project_id": w.project.pk,
        "order_id": _order(w, status).pk,
        "action": action,
    }


def routes(R: Any) -> list[Any]:  # noqa: N803  (the table's own constructor)
    line = {
        "item_code": "010101001",
        "description": "平整场地",
        "unit": "m2",
        "quantity": "100",
        "unit_rate": "3.30",
        "cost_code": "R-01",
    }
    return [
        # --- pages ---------------------------------------------------------------------------
        R("costs:summary", "GET", "project", V, _p),
        R(
            "costs:summary",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {"code": "R-9", "name": "新科目"},
        ),
        R("costs:cost_code_detail", "GET", "project", V, _pc),
        R(
            "costs:cost_code_detail",
            "POST",
            "project",
            E,
            _pc,
            body=lambda w, u: {
                "action": "progress",
                "date": "2026-05-01",
                "percent_complete": "10",
            },
        ),
        R("costs:transactions", "GET", "project", V, _p),
        R(
            "costs:transactions",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {
                "cost_code_id": _code(w).pk,
                "date": "2026-05-01",
                "amount": "12.30",
            },
        ),
        R("costs:budget", "GET", "project", V, _p),
        R(
            "costs:budget",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {
                "action": "line",
                "reason": "调整",
                **line,
                "cost_code": _code(w).code,
            },
        ),
        R("costs:contracts", "GET", "project", V, _p),
        R(
            "costs:contracts",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {
                "kind": "purchase",
                "code": "CG-1",
                "title": "钢筋采购",
                "counterparty": "钢厂",
            },
        ),
        R("costs:contract_detail", "GET", "project", V, _pk),
        R(
            "costs:contract_detail",
            "POST",
            "project",
            E,
            _pk,
            body=lambda w, u: {
                "action": "line",
                "description": "桩基",
                "unit": "项",
                "quantity": "1",
                "unit_rate": "5.00",
                "cost_code_id": _code(w).pk,
            },
        ),
        R("costs:change_orders", "GET", "project", V, _p),
        R(
            "costs:change_order_action",
            "POST",
            "project",
            A,
            _co("submitted", "approve"),
            body=lambda w, u: {"version": _order(w, "submitted").version},
        ),
        R(
            "costs:change_order_action",
            "POST",
            "project",
            E,
            _co("draft", "submit"),
            body=lambda w, u: {"version": _order(w, "draft").version},
        ),
        R("costs:evm", "GET", "project", V, _p),
        R("costs:evm", "POST", "project", E, _p),
        R("costs:card", "GET", "project", V, _p),
        R("costs:export", "GET", "project", V, _p),
        # --- API -----------------------------------------------------------------------------
        R("api:cost_code_list", "GET", "project", V, _p),
        R(
            "api:cost_code_create",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {"code": "R-9", "name": "新科目"},
        ),
        R(
            "api:cost_code_update",
            "PATCH",
            "project",
            E,
            lambda w, u: {"cost_code_id": _code(w).pk},
            body=lambda w, u: {"version": _code(w).version, "control": "block"},
        ),
        R(
            "api:progress_record",
            "POST",
            "project",
            E,
            lambda w, u: {"cost_code_id": _code(w).pk},
            body=lambda w, u: {"date": "2026-05-01", "percent_complete": "25.5"},
        ),
        R(
            "api:cost_policy_set",
            "PUT",
            "org",
            E,
            lambda w, u: {"organisation_id": w.org.pk},
            body=lambda w, u: {"control": "block"},
        ),
        R("api:budget_line_list", "GET", "project", V, _p),
        R("api:budget_revision_list", "GET", "project", V, _p),
        R("api:line_forecast_list", "GET", "project", V, _p),
        R(
            "api:line_forecast_set",
            "PUT",
            "project",
            E,
            lambda w, u: _line(w),
            body=lambda w, u: {"method": "manual", "etc": "12.34"},
        ),
        R(
            "api:budget_revise",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {
                "reason": "原始预算",
                "lines": [{**line, "cost_code": _code(w).code}],
            },
        ),
        R(
            "api:budget_import",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {
                "content_base64": (_code(w), base64.b64encode(boq_bytes()).decode())[1],
                "reason": "清单导入",
            },
        ),
        R("api:contract_list", "GET", "project", V, _p),
        R(
            "api:contract_create",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {
                "kind": "income",
                "code": "ZB-1",
                "title": "总包合同",
                "counterparty": "业主",
            },
        ),
        R(
            "api:contract_detail",
            "GET",
            "project",
            V,
            lambda w, u: {"contract_id": _contract(w).pk},
        ),
        R(
            "api:contract_update",
            "PATCH",
            "project",
            E,
            lambda w, u: {"contract_id": _contract(w).pk},
            body=lambda w, u: {"version": _contract(w).version, "status": "active"},
        ),
        R(
            "api:payment_schedule",
            "GET",
            "project",
            V,
            lambda w, u: {"contract_id": _scheduled(w).pk},
        ),
        R(
            "api:payment_schedule_set",
            "PUT",
            "project",
            E,
            lambda w, u: {"contract_id": _scheduled(w).pk},
            body=lambda w, u: {
                "version": _scheduled(w).version,
                "stages": [
                    {"kind": "month", "due_on": "2026-07-01", "percent": "40"},
                    {
                        "kind": "milestone",
                        "due_on": "2026-09-30",
                        "percent": "60",
                        "description": "竣工验收",
                    },
                ],
            },
        ),
        R(
            "api:contract_line_list",
            "GET",
            "project",
            V,
            lambda w, u: {"contract_id": _contract(w).pk},
        ),
        R(
            "api:contract_line_add",
            "POST",
            "project",
            E,
            lambda w, u: {"contract_id": _contract(w).pk},
            body=lambda w, u: {
                "description": "桩基",
                "unit": "项",
                "quantity": "1",
                "unit_rate": "5.00",
                "cost_code_id": _code(w).pk,
            },
        ),
        R("api:change_order_list", "GET", "project", V, _p),
        R(
            "api:change_order_create",
            "POST",
            "project",
            E,
            lambda w, u: {"contract_id": _contract(w).pk},
            body=lambda w, u: {
                "code": "BG-1",
                "title": "变更",
                "amount": "-3.10",
                "cost_code_id": _code(w).pk,
            },
        ),
        R(
            "api:change_order_submit",
            "POST",
            "project",
            E,
            lambda w, u: {"order_id": _order(w, "draft").pk},
            body=lambda w, u: {"version": _order(w, "draft").version},
        ),
        R(
            "api:change_order_approve",
            "POST",
            "project",
            A,
            lambda w, u: {"order_id": _order(w, "submitted").pk},
            body=lambda w, u: {"version": _order(w, "submitted").version},
        ),
        R(
            "api:change_order_reject",
            "POST",
            "project",
            A,
            lambda w, u: {"order_id": _order(w, "submitted").pk},
            body=lambda w, u: {"version": _order(w, "submitted").version, "note": "不同意"},
        ),
        R("api:cost_transaction_list", "GET", "project", V, _p),
        R(
            "api:cost_transaction_create",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {"cost_code_id": _code(w).pk, "date": "2026-05-01", "amount": "0.10"},
        ),
        R("api:cost_summary", "GET", "project", V, _p),
        R("api:cost_report_export", "GET", "project", V, _p),
        R("api:evm_detail", "GET", "project", V, _p),
        R("api:evm_snapshot_list", "GET", "project", V, _p),
        R(
            "api:evm_snapshot_take",
            "POST",
            "project",
            E,
            _p,
            body=lambda w, u: {"data_date": "2026-05-01"},
        ),
    ]
