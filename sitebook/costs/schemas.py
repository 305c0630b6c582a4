"""API schemas of the cost centre. Money travels as decimal strings, never floats."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

ControlChoice = Literal["", "off", "warn", "block"]
Profile = Literal["linear", "s_curve"]
ForecastMethod = Literal["auto", "manual", "cpi", "budget_rate"]
ContractKind = Literal["income", "subcontract", "purchase"]
ContractStatus = Literal["draft", "active", "closed"]
ChangeKind = Literal["variation", "site_instruction"]
TxnKind = Literal["invoice", "expense", "labour", "material", "other"]

MONEY = {"max_digits": 18, "decimal_places": 2}


class CostCodeIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    parent_id: int | None = None
    wbs_node_id: int | None = None
    control: ControlChoice = ""
    planned_start: date | None = None
    planned_finish: date | None = None
    profile: Profile = "linear"
    sort_order: int = Field(0, ge=0)


class CostCodePatch(Schema):
    version: int = Field(..., ge=1)
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    parent_id: int | None = None
    wbs_node_id: int | None = None
    control: ControlChoice | None = None
    planned_start: date | None = None
    planned_finish: date | None = None
    profile: Profile | None = None
    forecast_method: ForecastMethod | None = None
    forecast_etc: Decimal | None = Field(None, ge=0, **MONEY)
    sort_order: int | None = Field(None, ge=0)


class CostCodeOut(Schema):
    id: int
    project_id: int
    parent_id: int | None
    wbs_node_id: int | None
    code: str
    name: str
    name_en: str
    control: str
    planned_start: date | None
    planned_finish: date | None
    profile: str
    forecast_method: str
    forecast_etc: Decimal | None
    sort_order: int
    version: int


class BudgetLineIn(Schema):
    item_code: str = Field(..., min_length=1, max_length=40)
    description: str = Field(..., min_length=1, max_length=300)
    unit: str = Field(..., min_length=1, max_length=20)
    quantity: Decimal = Field(..., ge=0, max_digits=18, decimal_places=4)
    unit_rate: Decimal = Field(..., ge=0, **MONEY)
    cost_code: str = Field(..., min_length=1, description="The cost code's code.")


class BudgetRevisionIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)
    lines: list[BudgetLineIn] = []
    remove: list[str] = Field([], description="Item codes to take out.")
    replace: bool = Field(False, description="The revision holds exactly `lines`.")


class BudgetRevisionOut(Schema):
    id: int
    number: int
    reason: str
    is_current: bool
    change_order_id: int | None
    created_at: datetime


class BudgetLineOut(Schema):
    id: int
    revision_id: int
    cost_code_id: int
    item_code: str
    description: str
    unit: str
    quantity: Decimal
    unit_rate: Decimal
    amount: Decimal


class LineForecastOut(Schema):
    """A BOQ line of the current budget with its forecast to complete."""

    item_code: str
    description: str
    cost_code_id: int
    cost_code: str
    budget: Decimal
    method: str = Field(..., description="auto (from the cost code), manual, cpi or unit_rate.")
    manual_etc: Decimal | None
    quantity_done: Decimal | None
    actual: Decimal = Field(..., description="The line's budget share of its cost code's actual.")
    etc: Decimal
    eac: Decimal
    version: int | None = Field(..., description="Of the line's forecast; null when unset.")


class LineForecastIn(Schema):
    method: str = Field(..., description="auto, manual, cpi or unit_rate.")
    etc: Decimal | None = Field(None, description="Estimate to complete, for manual.")
    quantity_done: Decimal | None = Field(None, description="Quantity done, for unit_rate.")
    version: int | None = Field(None, description="The forecast's version you read, if any.")


class BudgetFilter(Schema):
    revision_id: int | None = Field(None, description="Default: the current revision.")
    cost_code_id: int | None = None


class ContractIn(Schema):
    kind: ContractKind
    code: str = Field(..., min_length=1, max_length=40)
    title: str = Field(..., min_length=1, max_length=200)
    counterparty: str = Field(..., min_length=1, max_length=200)
    signed_on: date | None = None
    advance_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    progress_payment_percent: Decimal | None = Field(
        None, ge=0, le=100, max_digits=5, decimal_places=2
    )
    retention_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    payment_days: int | None = Field(None, ge=0)
    payment_terms: str = Field("", max_length=5000)


class ContractPatch(Schema):
    version: int = Field(..., ge=1)
    status: ContractStatus | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    counterparty: str | None = Field(None, min_length=1, max_length=200)
    signed_on: date | None = None
    retention_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    payment_days: int | None = Field(None, ge=0)
    payment_terms: str | None = Field(None, max_length=5000)


class PaymentStageIn(Schema):
    kind: str = Field(..., description="milestone or month.")
    due_on: date = Field(..., description="The milestone's date, or any day of the month.")
    percent: Decimal = Field(..., description="Percent of the contract value due then.")
    description: str = ""


class PaymentScheduleIn(Schema):
    version: int = Field(..., description="The contract's version you read.")
    stages: list[PaymentStageIn] = Field(..., description="Adding up to 100, or empty.")


class PaymentStageOut(Schema):
    number: int
    kind: str
    due_on: date
    percent: Decimal
    description: str


class ContractOut(Schema):
    id: int
    project_id: int
    kind: str
    code: str
    title: str
    counterparty: str
    status: str
    signed_on: date | None
    advance_percent: Decimal
    progress_payment_percent: Decimal
    retention_percent: Decimal
    payment_days: int
    payment_terms: str
    original_value: Decimal = Decimal("0.00")
    approved_changes: Decimal = Decimal("0.00")
    current_value: Decimal = Decimal("0.00")
    version: int
    warnings: list[str] = []


class ContractLineIn(Schema):
    description: str = Field(..., min_length=1, max_length=300)
    unit: str = Field(..., min_length=1, max_length=20)
    quantity: Decimal = Field(..., ge=0, max_digits=18, decimal_places=4)
    unit_rate: Decimal = Field(..., ge=0, **MONEY)
    cost_code_id: int | None = None


class ContractLineOut(Schema):
    id: int
    contract_id: int
    cost_code_id: int | None
    description: str
    unit: str
    quantity: Decimal
    unit_rate: Decimal
    amount: Decimal
    warnings: list[str] = []


class ChangeOrderIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    title: str = Field(..., min_length=1, max_length=200)
    kind: ChangeKind = "variation"
    amount: Decimal = Field(..., **MONEY)
    cost_code_id: int | None = None
    adjust_budget: bool = False


class DecisionIn(Schema):
    version: int = Field(..., ge=1)
    note: str = Field("", max_length=300)


class ChangeOrderOut(Schema):
    id: int
    project_id: int
    contract_id: int
    cost_code_id: int | None
    code: str
    kind: str
    title: str
    amount: Decimal
    adjust_budget: bool
    status: str
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_note: str
    version: int
    warnings: list[str] = []


class ChangeOrderFilter(Schema):
    status: Literal["draft", "submitted", "approved", "rejected"] | None = None
    contract_id: int | None = None


class CostTransactionIn(Schema):
    cost_code_id: int
    date: date
    amount: Decimal = Field(..., **MONEY)
    kind: TxnKind = "invoice"
    reference: str = Field("", max_length=60)
    supplier: str = Field("", max_length=200)
    description: str = Field("", max_length=300)
    contract_id: int | None = None


class CostTransactionOut(Schema):
    id: int
    project_id: int
    cost_code_id: int
    contract_id: int | None
    kind: str
    date: date
    amount: Decimal
    reference: str
    supplier: str
    description: str
    source_type: str
    source_id: str
    warnings: list[str] = []


class CostTransactionFilter(Schema):
    cost_code_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    kind: TxnKind | None = None


class ProgressIn(Schema):
    date: date
    percent_complete: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)


class ProgressOut(Schema):
    id: int
    cost_code_id: int
    date: date
    percent_complete: Decimal


class SummaryRowOut(Schema):
    cost_code_id: int | None
    code: str
    name: str
    depth: int
    original_budget: Decimal
    budget: Decimal
    committed: Decimal
    actual: Decimal
    earned: Decimal
    percent_complete: Decimal
    etc: Decimal
    eac: Decimal
    variance: Decimal
    control: str
    over_budget: bool


class SummaryOut(Schema):
    project_id: int
    data_date: date
    budget_revision: int | None
    income_value: Decimal
    margin: Decimal
    margin_percent: Decimal | None
    total: SummaryRowOut
    rows: list[SummaryRowOut]


class EvmOut(Schema):
    data_date: date
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac_budget_rate: Decimal
    eac_cpi: Decimal | None
    eac_cpi_spi: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: Decimal | None
    tcpi_eac: Decimal | None
    es_weeks: Decimal | None
    spi_t: Decimal | None
    ieac_t_weeks: Decimal | None
    earned_date: date | None
    forecast_finish: date | None


class EvmQuery(Schema):
    data_date: date | None = None
    wbs_node_id: int | None = None


class SnapshotIn(Schema):
    data_date: date


class SnapshotOut(Schema):
    id: int
    wbs_node_id: int | None
    data_date: date
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    eac: Decimal | None
    spi: Decimal | None
    cpi: Decimal | None
    spi_t: Decimal | None


class BudgetImportIn(Schema):
    content_base64: str = Field(..., min_length=1, description="The .xlsx file, base64-encoded.")
    reason: str = Field("", max_length=300)


class ImportOut(Schema):
    revision: int
    lines: int
    total: Decimal


class PolicyIn(Schema):
    control: Literal["off", "warn", "block"]


class PolicyOut(Schema):
    organisation_id: int
    control: str
