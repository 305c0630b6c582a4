"""API schemas of the funds centre. Money travels as decimal strings, never floats."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from sitebook.funds.models import MAX_CERTIFY_DAYS

MONEY = {"max_digits": 18, "decimal_places": 2}
PERCENT = {"ge": 0, "max_digits": 5, "decimal_places": 2}
Currency = Field(None, min_length=3, max_length=3, description="Default: the project's.")

ClaimStatus = Literal[
    "draft", "submitted", "certified", "invoiced", "part_paid", "paid", "rejected", "withdrawn"
]
PayableStatus = Literal["draft", "approved", "part_paid", "paid", "rejected"]
RequestStatus = Literal["submitted", "approved", "paid", "rejected"]
LedgerKind = Literal[
    "receipt", "payment", "advance_in", "advance_out", "retention_in", "retention_out", "reversal"
]


class VersionIn(Schema):
    version: int = Field(..., ge=1)


# --- terms -------------------------------------------------------------------------------------


CERTIFY_DAYS_HELP = "Days from a month-end claim to its certificate (cash-flow forecast)."


class PolicyIn(Schema):
    retention_cap_percent: Decimal | None = Field(None, **PERCENT)
    defects_liability_months: int | None = Field(None, ge=0, le=120)
    certify_days: int | None = Field(None, ge=0, le=MAX_CERTIFY_DAYS, description=CERTIFY_DAYS_HELP)


class PolicyOut(Schema):
    organisation_id: int
    retention_cap_percent: Decimal
    defects_liability_months: int
    certify_days: int
    version: int


class TermsIn(Schema):
    retention_cap_percent: Decimal | None = Field(None, **PERCENT, description="Empty: policy.")
    defects_liability_months: int | None = Field(None, ge=0, le=120)
    completion_date: date | None = None
    certify_days: int | None = Field(
        None, ge=0, le=MAX_CERTIFY_DAYS, description=f"{CERTIFY_DAYS_HELP} Empty: policy."
    )


class TermsOut(Schema):
    contract_id: int
    retention_cap_percent: Decimal
    defects_liability_months: int
    completion_date: date | None
    certify_days: int
    retention_due_on: date | None
    contract_value: Decimal
    retention_cap: Decimal
    retention_withheld: Decimal
    retention_held: Decimal
    advances: Decimal
    advance_outstanding: Decimal


# --- claims ------------------------------------------------------------------------------------


class OtherLineIn(Schema):
    description: str = Field(..., min_length=1, max_length=300)
    amount: Decimal = Field(..., gt=0, **MONEY)


class ClaimIn(Schema):
    contract_id: int
    period_start: date
    period_end: date
    payment_ratio: Decimal | None = Field(None, **PERCENT)
    from_progress: bool = True
    change_orders: bool = True
    day_labour: bool = True
    other_lines: list[OtherLineIn] = []
    note: str = Field("", max_length=300)


class ClaimOut(Schema):
    id: int
    project_id: int
    contract_id: int
    contract_code: str = Field(..., alias="contract.code")
    number: int
    period_start: date
    period_end: date
    status: str
    currency: str
    claimed_amount: Decimal
    certified_amount: Decimal | None
    payment_ratio: Decimal
    retention_percent: Decimal
    advance_recovery: Decimal
    retention: Decimal
    deductions: Decimal
    amount_due: Decimal
    submitted_on: date | None
    certified_on: date | None
    invoiced_on: date | None
    invoice_number: str
    due_on: date | None
    note: str
    version: int


class ClaimDetailOut(ClaimOut):
    received: Decimal


class ClaimFilter(Schema):
    status: ClaimStatus | None = None
    contract_id: int | None = None


class ClaimLineOut(Schema):
    id: int
    source: str
    contract_line_id: int | None
    change_order_id: int | None
    ticket_id: int | None
    description: str
    unit: str
    quantity_to_date: Decimal | None
    quantity: Decimal | None
    unit_rate: Decimal | None
    amount: Decimal
    certified_amount: Decimal | None
    superseded: bool


class ClaimLineIn(Schema):
    version: int = Field(..., ge=1)
    description: str = Field(..., min_length=1, max_length=300)
    amount: Decimal = Field(..., **MONEY)


class ClaimLineRemoveIn(Schema):
    version: int = Field(..., ge=1)
    line_id: int


class SubmitIn(Schema):
    version: int = Field(..., ge=1)
    submitted_on: date | None = None


class RejectIn(Schema):
    version: int = Field(..., ge=1)
    note: str = Field("", max_length=300)


class CertifyIn(Schema):
    version: int = Field(..., ge=1)
    certified_amount: Decimal | None = Field(None, **MONEY)
    line_amounts: dict[int, Decimal] | None = Field(
        None, description="{claim line id: certified amount}; other lines as claimed."
    )
    certified_on: date | None = None
    payment_ratio: Decimal | None = Field(None, **PERCENT)
    retention_percent: Decimal | None = Field(None, **PERCENT)
    advance_recovery: Decimal = Field(Decimal("0"), **MONEY)
    deductions: Decimal = Field(Decimal("0"), **MONEY)


class InvoiceIn(Schema):
    version: int = Field(..., ge=1)
    invoice_number: str = Field(..., min_length=1, max_length=60)
    invoiced_on: date | None = None


# --- receipts, payables, payments --------------------------------------------------------------


class ReceiptIn(Schema):
    date: date
    amount: Decimal = Field(..., **MONEY)
    currency: str | None = Currency
    reference: str = Field("", max_length=60)


class ReceiptOut(Schema):
    id: int
    claim_id: int
    date: date
    amount: Decimal
    currency: str
    reference: str


class ReceiptFilter(Schema):
    claim_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


class PayableIn(Schema):
    contract_id: int
    number: str = Field(..., min_length=1, max_length=60)
    invoice_date: date
    gross_amount: Decimal = Field(..., **MONEY)
    currency: str | None = Currency
    retention_percent: Decimal | None = Field(None, **PERCENT)
    advance_recovery: Decimal = Field(Decimal("0"), **MONEY)
    deductions: Decimal = Field(Decimal("0"), **MONEY)
    description: str = Field("", max_length=300)


class PayableOut(Schema):
    id: int
    project_id: int
    contract_id: int
    contract_code: str = Field(..., alias="contract.code")
    counterparty: str = Field(..., alias="contract.counterparty")
    number: str
    invoice_date: date
    description: str
    status: str
    currency: str
    gross_amount: Decimal
    retention_percent: Decimal
    retention: Decimal
    advance_recovery: Decimal
    deductions: Decimal
    approved_amount: Decimal
    due_on: date | None
    approved_on: date | None
    version: int


class PayableDetailOut(PayableOut):
    paid: Decimal
    requested: Decimal


class PayableFilter(Schema):
    status: PayableStatus | None = None
    contract_id: int | None = None


class ApproveIn(Schema):
    version: int = Field(..., ge=1)
    approved_on: date | None = None


class PaymentRequestIn(Schema):
    amount: Decimal = Field(..., **MONEY)
    requested_on: date | None = None
    note: str = Field("", max_length=300)


class PaymentRequestOut(Schema):
    id: int
    payable_id: int
    amount: Decimal
    requested_on: date
    status: str
    note: str
    approved_at: datetime | None
    version: int


class PaymentRequestFilter(Schema):
    status: RequestStatus | None = None
    payable_id: int | None = None


class PaymentIn(Schema):
    date: date
    amount: Decimal | None = Field(None, **MONEY, description="Default: the request's amount.")
    currency: str | None = Currency
    reference: str = Field("", max_length=60)


class PaymentOut(Schema):
    id: int
    request_id: int
    payable_id: int
    contract_id: int
    date: date
    amount: Decimal
    currency: str
    reference: str


class PaymentFilter(Schema):
    contract_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


class AdvanceIn(Schema):
    contract_id: int
    date: date
    amount: Decimal = Field(..., **MONEY)
    currency: str | None = Currency
    reference: str = Field("", max_length=60)


class AdvanceOut(Schema):
    id: int
    contract_id: int
    direction: str
    date: date
    amount: Decimal
    currency: str
    reference: str


class ReleaseIn(Schema):
    contract_id: int
    date: date
    amount: Decimal | None = Field(None, **MONEY, description="Default: all that is held.")
    currency: str | None = Currency
    reference: str = Field("", max_length=60)


class RetentionDueOut(Schema):
    project_id: int
    contract_id: int
    contract_code: str
    counterparty: str
    direction: str
    due_on: date
    held: Decimal
    overdue: bool


class DueQuery(Schema):
    within_days: int = Field(30, ge=0, le=3660)


# --- ledger ------------------------------------------------------------------------------------


class LedgerOut(Schema):
    id: int
    project_id: int
    entry_date: date
    direction: str
    amount: Decimal
    currency: str
    kind: str
    contract_id: int | None
    counterparty: str
    claim_id: int | None
    payable_id: int | None
    payment_id: int | None
    receipt_id: int | None
    advance_id: int | None
    release_id: int | None
    reverses_id: int | None
    memo: str
    created_at: datetime


class LedgerFilter(Schema):
    kind: LedgerKind | None = None
    direction: Literal["in", "out"] | None = None
    contract_id: int | None = None
    counterparty: str | None = None
    date_from: date | None = None
    date_to: date | None = None


class LedgerPatch(Schema):
    version: int | None = None
    entry_date: date | None = None
    amount: Decimal | None = None
    memo: str | None = None


class ReverseIn(Schema):
    memo: str = Field(..., min_length=1, max_length=300)
    entry_date: date | None = None


class BalanceOut(Schema):
    key: str
    label: str
    money_in: Decimal
    money_out: Decimal
    net: Decimal


class BalanceQuery(Schema):
    by: Literal["project", "contract", "counterparty", "month"] = "project"


class CardOut(Schema):
    claimed: Decimal
    certified: Decimal
    due_from_owner: Decimal
    received: Decimal
    receivable: Decimal
    approved_payables: Decimal
    paid: Decimal
    payable: Decimal
    retention_held_by_owner: Decimal
    retention_held_from_subs: Decimal
    net_cash: Decimal
    retention_due_soon: list[RetentionDueOut]


class PortfolioOut(Schema):
    project_id: int
    project_code: str
    money_in: Decimal
    money_out: Decimal
    net: Decimal
