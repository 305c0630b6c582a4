"""REST endpoints of the cost centre."""

import base64
import binascii
import io
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from sitebook.core.errors import InvalidInput
from sitebook.costs import adapters, excel, selectors, services
from sitebook.costs.models import Contract
from sitebook.costs.schemas import (
    BudgetFilter,
    BudgetImportIn,
    BudgetLineOut,
    BudgetRevisionIn,
    BudgetRevisionOut,
    ChangeOrderFilter,
    ChangeOrderIn,
    ChangeOrderOut,
    ContractIn,
    ContractLineIn,
    ContractLineOut,
    ContractOut,
    ContractPatch,
    CostCodeIn,
    CostCodeOut,
    CostCodePatch,
    CostTransactionFilter,
    CostTransactionIn,
    CostTransactionOut,
    DecisionIn,
    EvmOut,
    EvmQuery,
    ImportOut,
    LineForecastIn,
    LineForecastOut,
    PaymentScheduleIn,
    PaymentStageOut,
    PolicyIn,
    PolicyOut,
    ProgressIn,
    ProgressOut,
    SnapshotIn,
    SnapshotOut,
    SummaryOut,
)
from sitebook.costs.selectors import SummaryRow

router = Router(tags=["costs"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _with(obj: Any, warnings: list[str]) -> Any:
    obj.warnings = warnings
    return obj


# --- cost codes ----------------------------------------------------------------------------------


@router.get("/projects/{project_id}/cost-codes", response=list[CostCodeOut])
@paginate(LimitOffsetPagination)
def cost_code_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.cost_code_list(selectors.cost_project(request.user, project_id))


@router.post("/projects/{project_id}/cost-codes", response={201: CostCodeOut})
def cost_code_create(request: HttpRequest, project_id: int, payload: CostCodeIn) -> Any:
    project = selectors.cost_project(request.user, project_id)
    return 201, services.cost_code_create(actor=request.user, project=project, **payload.dict())


@router.patch("/cost-codes/{cost_code_id}", response=CostCodeOut)
def cost_code_update(request: HttpRequest, cost_code_id: int, payload: CostCodePatch) -> Any:
    code = selectors.cost_code_get(request.user, cost_code_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.cost_code_update(actor=request.user, cost_code=code, version=version, **changes)


@router.post("/cost-codes/{cost_code_id}/progress", response={201: ProgressOut})
def progress_record(request: HttpRequest, cost_code_id: int, payload: ProgressIn) -> Any:
    code = selectors.cost_code_get(request.user, cost_code_id)
    return 201, services.progress_record(actor=request.user, cost_code=code, **payload.dict())


@router.put("/organisations/{organisation_id}/cost-policy", response=PolicyOut)
def cost_policy_set(request: HttpRequest, organisation_id: int, payload: PolicyIn) -> Any:
    return services.cost_policy_set(
        actor=request.user, organisation_id=organisation_id, control=payload.control
    )


# --- budget --------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/budget", response=list[BudgetLineOut])
@paginate(LimitOffsetPagination)
def budget_line_list(request: HttpRequest, project_id: int, filters: Query[BudgetFilter]) -> Any:
    project = selectors.cost_project(request.user, project_id)
    qs = selectors.budget_line_list(project, filters.revision_id)
    if filters.cost_code_id is not None:
        qs = qs.filter(cost_code_id=filters.cost_code_id)
    return qs


def _line_out(line: selectors.LineRow) -> dict[str, Any]:
    f = line.forecast
    return {
        "item_code": line.item_code,
        "description": line.description,
        "cost_code_id": line.cost_code.pk,
        "cost_code": line.cost_code.code,
        "budget": line.budget,
        "method": line.method,
        "manual_etc": f.etc if f else None,
        "quantity_done": f.quantity_done if f else None,
        "actual": line.actual,
        "etc": line.etc,
        "eac": line.eac,
        "version": f.version if f else None,
    }


@router.get("/projects/{project_id}/budget/forecast", response=list[LineForecastOut])
@paginate(LimitOffsetPagination)
def line_forecast_list(request: HttpRequest, project_id: int, data_date: date | None = None) -> Any:
    """Forecast to complete per BOQ line of the current budget (rolled up in cost-summary)."""
    project = selectors.cost_project(request.user, project_id)
    return [_line_out(line) for line in selectors.cost_summary(project, data_date).lines]


@router.put("/projects/{project_id}/budget/forecast/{item_code}", response=LineForecastOut)
def line_forecast_set(
    request: HttpRequest, project_id: int, item_code: str, payload: LineForecastIn
) -> Any:
    project = selectors.cost_project(request.user, project_id)
    services.line_forecast_set(
        actor=request.user, project=project, item_code=item_code, **payload.dict()
    )
    lines = selectors.cost_summary(project).lines
    return _line_out(next(line for line in lines if line.item_code == item_code.strip()))


@router.get("/projects/{project_id}/budget/revisions", response=list[BudgetRevisionOut])
@paginate(LimitOffsetPagination)
def budget_revision_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.revision_list(selectors.cost_project(request.user, project_id))


@router.post("/projects/{project_id}/budget/revisions", response={201: BudgetRevisionOut})
def budget_revise(request: HttpRequest, project_id: int, payload: BudgetRevisionIn) -> Any:
    project = selectors.cost_project(request.user, project_id)
    data = payload.dict()
    return 201, services.budget_revise(actor=request.user, project=project, **data)


@router.post("/projects/{project_id}/budget/import", response={201: ImportOut})
def budget_import(request: HttpRequest, project_id: int, payload: BudgetImportIn) -> Any:
    """Import a BOQ workbook (.xlsx, base64-encoded) as a new budget revision."""
    project = selectors.cost_project(request.user, project_id)
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput.field("content_base64", _("This is not base64.")) from exc
    rows = excel.read_boq(io.BytesIO(content))
    revision = services.budget_import(
        actor=request.user, project=project, rows=rows, reason=payload.reason or _("BOQ imported")
    )
    lines = list(revision.lines.values_list("amount", flat=True))
    return 201, {"revision": revision.number, "lines": len(lines), "total": sum(lines)}


# --- contracts and change orders -----------------------------------------------------------------


def _contract_out(contract: Contract, values: dict[int, Any], warnings: list[str] = ()) -> Any:  # type: ignore[assignment]
    original, changes = values.get(contract.pk, (0, 0))
    contract.original_value = original  # type: ignore[attr-defined]
    contract.approved_changes = changes  # type: ignore[attr-defined]
    contract.current_value = original + changes  # type: ignore[attr-defined]
    return _with(contract, list(warnings))


@router.get("/projects/{project_id}/contracts", response=list[ContractOut])
@paginate(LimitOffsetPagination)
def contract_list(request: HttpRequest, project_id: int) -> Any:
    project = selectors.cost_project(request.user, project_id)
    values = selectors.contract_values(project)
    return [_contract_out(c, values) for c in selectors.contract_list(project)]


@router.post("/projects/{project_id}/contracts", response={201: ContractOut})
def contract_create(request: HttpRequest, project_id: int, payload: ContractIn) -> Any:
    project = selectors.cost_project(request.user, project_id)
    contract = services.contract_create(actor=request.user, project=project, **payload.dict())
    return 201, _contract_out(contract, {})


@router.get("/contracts/{contract_id}", response=ContractOut)
def contract_detail(request: HttpRequest, contract_id: int) -> Any:
    contract = selectors.contract_get(request.user, contract_id)
    return _contract_out(contract, selectors.contract_values(contract.project))


@router.patch("/contracts/{contract_id}", response=ContractOut)
def contract_update(request: HttpRequest, contract_id: int, payload: ContractPatch) -> Any:
    contract = selectors.contract_get(request.user, contract_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    updated, warnings = services.contract_update(
        actor=request.user, contract=contract, version=version, **changes
    )
    return _contract_out(updated, selectors.contract_values(contract.project), warnings)


@router.get("/contracts/{contract_id}/payment-schedule", response=list[PaymentStageOut])
@paginate(LimitOffsetPagination)
def payment_schedule(request: HttpRequest, contract_id: int) -> Any:
    return selectors.payment_stage_list(selectors.contract_get(request.user, contract_id))


@router.put("/contracts/{contract_id}/payment-schedule", response=list[PaymentStageOut])
def payment_schedule_set(request: HttpRequest, contract_id: int, payload: PaymentScheduleIn) -> Any:
    contract = selectors.contract_get(request.user, contract_id)
    return services.payment_schedule_set(
        actor=request.user,
        contract=contract,
        version=payload.version,
        stages=[stage.dict() for stage in payload.stages],
    )


@router.get("/contracts/{contract_id}/lines", response=list[ContractLineOut])
@paginate(LimitOffsetPagination)
def contract_line_list(request: HttpRequest, contract_id: int) -> Any:
    return selectors.contract_line_list(selectors.contract_get(request.user, contract_id))


@router.post("/contracts/{contract_id}/lines", response={201: ContractLineOut})
def contract_line_add(request: HttpRequest, contract_id: int, payload: ContractLineIn) -> Any:
    contract = selectors.contract_get(request.user, contract_id)
    line, warnings = services.contract_line_add(
        actor=request.user, contract=contract, **payload.dict()
    )
    return 201, _with(line, warnings)


@router.get("/projects/{project_id}/change-orders", response=list[ChangeOrderOut])
@paginate(LimitOffsetPagination)
def change_order_list(
    request: HttpRequest, project_id: int, filters: Query[ChangeOrderFilter]
) -> Any:
    qs = selectors.change_order_list(selectors.cost_project(request.user, project_id))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.contract_id is not None:
        qs = qs.filter(contract_id=filters.contract_id)
    return qs


@router.post("/contracts/{contract_id}/change-orders", response={201: ChangeOrderOut})
def change_order_create(request: HttpRequest, contract_id: int, payload: ChangeOrderIn) -> Any:
    contract = selectors.contract_get(request.user, contract_id)
    return 201, services.change_order_create(
        actor=request.user, contract=contract, **payload.dict()
    )


@router.post("/change-orders/{order_id}/submit", response=ChangeOrderOut)
def change_order_submit(request: HttpRequest, order_id: int, payload: DecisionIn) -> Any:
    order = selectors.change_order_get(request.user, order_id)
    return services.change_order_submit(actor=request.user, order=order, version=payload.version)


@router.post("/change-orders/{order_id}/approve", response=ChangeOrderOut)
def change_order_approve(request: HttpRequest, order_id: int, payload: DecisionIn) -> Any:
    order = selectors.change_order_get(request.user, order_id)
    updated, warnings = services.change_order_approve(
        actor=request.user, order=order, version=payload.version, note=payload.note
    )
    return _with(updated, warnings)


@router.post("/change-orders/{order_id}/reject", response=ChangeOrderOut)
def change_order_reject(request: HttpRequest, order_id: int, payload: DecisionIn) -> Any:
    order = selectors.change_order_get(request.user, order_id)
    return services.change_order_reject(
        actor=request.user, order=order, version=payload.version, note=payload.note
    )


# --- actual costs --------------------------------------------------------------------------------


@router.get("/projects/{project_id}/cost-transactions", response=list[CostTransactionOut])
@paginate(LimitOffsetPagination)
def cost_transaction_list(
    request: HttpRequest, project_id: int, filters: Query[CostTransactionFilter]
) -> Any:
    qs = selectors.cost_transaction_list(selectors.cost_project(request.user, project_id))
    if filters.cost_code_id is not None:
        qs = qs.filter(cost_code_id=filters.cost_code_id)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


@router.post("/projects/{project_id}/cost-transactions", response={201: CostTransactionOut})
def cost_transaction_create(
    request: HttpRequest, project_id: int, payload: CostTransactionIn
) -> Any:
    project = selectors.cost_project(request.user, project_id)
    txn, warnings = services.cost_transaction_create(
        actor=request.user, project=project, **payload.dict()
    )
    return 201, _with(txn, warnings)


# --- summary, earned value, report ---------------------------------------------------------------


def _row_out(row: SummaryRow) -> dict[str, Any]:
    return {
        "cost_code_id": row.code.pk if row.code else None,
        "code": row.code.code if row.code else "",
        "name": row.code.display_name if row.code else str(_("Total")),
        "depth": row.depth,
        "original_budget": row.original,
        "budget": row.budget,
        "committed": row.committed,
        "actual": row.actual,
        "earned": row.earned,
        "percent_complete": row.percent,
        "etc": row.etc,
        "eac": row.eac,
        "variance": row.variance,
        "control": row.control,
        "over_budget": row.over_budget,
    }


@router.get("/projects/{project_id}/cost-summary", response=SummaryOut)
def cost_summary(request: HttpRequest, project_id: int, data_date: date | None = None) -> Any:
    project = selectors.cost_project(request.user, project_id)
    s = selectors.cost_summary(project, data_date)
    return {
        "project_id": project.pk,
        "data_date": s.data_date,
        "budget_revision": s.revision.number if s.revision else None,
        "income_value": s.income_value,
        "margin": s.margin,
        "margin_percent": s.margin_percent,
        "total": _row_out(s.total),
        "rows": [_row_out(r) for r in s.rows],
    }


@router.get("/projects/{project_id}/cost-report.xlsx")
def cost_report_export(
    request: HttpRequest, project_id: int, data_date: date | None = None
) -> HttpResponse:
    project = selectors.cost_project(request.user, project_id)
    content = excel.write_cost_report(selectors.cost_summary(project, data_date))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cost-report-{project.code}.xlsx"'
    return response


@router.get("/projects/{project_id}/evm", response=EvmOut)
def evm_detail(request: HttpRequest, project_id: int, filters: Query[EvmQuery]) -> Any:
    project = selectors.cost_project(request.user, project_id)
    if (
        filters.wbs_node_id is not None
        and not project.wbs_nodes.filter(pk=filters.wbs_node_id).exists()
    ):
        raise InvalidInput.field("wbs_node_id", _("No such WBS element in this project."))
    report = adapters.evm_report(project, filters.data_date or date.today(), filters.wbs_node_id)
    es = report.schedule
    return {
        **report.result.__dict__,
        "data_date": report.data_date,
        "es_weeks": es.es if es else None,
        "spi_t": es.spi_t if es else None,
        "ieac_t_weeks": es.ieac_t if es else None,
        "earned_date": report.earned_date,
        "forecast_finish": report.forecast_finish,
    }


@router.get("/projects/{project_id}/evm/snapshots", response=list[SnapshotOut])
@paginate(LimitOffsetPagination)
def evm_snapshot_list(request: HttpRequest, project_id: int, wbs_node_id: int | None = None) -> Any:
    return selectors.snapshot_list(selectors.cost_project(request.user, project_id), wbs_node_id)


@router.post("/projects/{project_id}/evm/snapshots", response={201: list[SnapshotOut]})
def evm_snapshot_take(request: HttpRequest, project_id: int, payload: SnapshotIn) -> Any:
    project = selectors.cost_project(request.user, project_id)
    return 201, services.evm_snapshot_take(
        actor=request.user, project=project, data_date=payload.data_date
    )
