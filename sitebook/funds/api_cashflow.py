"""REST endpoints of the cash-flow forecast against actual, per project and company-wide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sitebook.funds.cashflow import Cashflow, company_cashflow, project_cashflow
from sitebook.projects.selectors import project_get

router = Router(tags=["funds"])


class CashflowMonthOut(Schema):
    month: date
    forecast_in: Decimal
    forecast_out: Decimal
    forecast_net: Decimal
    forecast_cumulative: Decimal
    actual_in: Decimal
    actual_out: Decimal
    actual_net: Decimal
    actual_cumulative: Decimal


class CashflowContractOut(Schema):
    contract_id: int
    project_id: int
    code: str
    kind: str
    value: Decimal | None
    cash: Decimal | None
    problem: str


class CashflowOut(Schema):
    project_ids: list[int]
    months: list[CashflowMonthOut]
    contracts: list[CashflowContractOut]
    forecast_in: Decimal
    forecast_out: Decimal
    actual_in: Decimal
    actual_out: Decimal


def _out(project_ids: list[int], flow: Cashflow) -> dict[str, Any]:
    return {
        "project_ids": project_ids,
        "months": [
            {
                "month": r.month,
                "forecast_net": r.forecast_net,
                "actual_net": r.actual_net,
                **{
                    name: getattr(r, name)
                    for name in (
                        "forecast_in",
                        "forecast_out",
                        "forecast_cumulative",
                        "actual_in",
                        "actual_out",
                        "actual_cumulative",
                    )
                },
            }
            for r in flow.rows
        ],
        "contracts": [
            {
                "contract_id": c.contract.pk,
                "project_id": c.contract.project_id,
                "code": c.contract.code,
                "kind": c.contract.kind,
                "value": c.forecast.value if c.forecast else None,
                "cash": c.forecast.cash if c.forecast else None,
                "problem": c.problem,
            }
            for c in flow.contracts
        ],
        **{n: flow.total(n) for n in ("forecast_in", "forecast_out", "actual_in", "actual_out")},
    }


@router.get("/projects/{project_id}/funds/cashflow", response=CashflowOut)
def funds_cashflow(request: HttpRequest, project_id: int) -> Any:
    """Forecast (schedule and payment terms) and actual (ledger) money in and out by month."""
    project = project_get(request.user, project_id, "funds.view")
    return _out([project.pk], project_cashflow(project))


@router.get("/funds/cashflow", response=CashflowOut)
def funds_cashflow_company(request: HttpRequest) -> Any:
    """The same over every project of your organisations whose funds you may see."""
    projects, flow = company_cashflow(request.user)
    return _out([p.pk for p in projects], flow)
