"""API schemas of the day-labour centre."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

GradeKey = Literal["labourer", "skilled", "senior"]
SourceKey = Literal["owner", "supervisor", "main_contractor"]
ReasonKey = Literal["out_of_scope", "variation", "rework", "idle", "emergency"]
StepKey = Literal["team_leader", "site_engineer", "project_manager", "supervisor", "owner"]
StatusKey = Literal["draft", "submitted", "approved", "rejected"]
SummaryKey = Literal["project", "team", "trade", "worker", "month"]


class SettingsOut(Schema):
    organisation_id: int
    hours_per_day: Decimal
    max_hours_per_day: Decimal
    overtime_multiplier: Decimal
    rest_day_multiplier: Decimal
    holiday_multiplier: Decimal
    deemed_acceptance_days: int
    late_submission_hours: int
    number_prefix: str
    version: int


class SettingsPatch(Schema):
    version: int = Field(..., ge=1)
    hours_per_day: Decimal | None = Field(None, gt=0, le=24, max_digits=4, decimal_places=2)
    max_hours_per_day: Decimal | None = Field(None, gt=0, le=24, max_digits=4, decimal_places=2)
    overtime_multiplier: Decimal | None = Field(None, ge=1, max_digits=4, decimal_places=2)
    rest_day_multiplier: Decimal | None = Field(None, ge=1, max_digits=4, decimal_places=2)
    holiday_multiplier: Decimal | None = Field(None, ge=1, max_digits=4, decimal_places=2)
    deemed_acceptance_days: int | None = Field(None, ge=0, le=365)
    late_submission_hours: int | None = Field(None, ge=0, le=10000)
    number_prefix: str | None = Field(None, min_length=1, max_length=10)


class TradeIn(Schema):
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)


class TradeOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    version: int


class TeamIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    leader: str = Field("", max_length=100)
    subcontractor: str = Field("", max_length=200)


class TeamOut(Schema):
    id: int
    name: str
    leader: str
    subcontractor: str
    version: int


class WorkerIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., min_length=18, max_length=18)
    phone: str = Field("", max_length=20)
    trade_id: int
    grade: GradeKey
    team_id: int | None = None


class WorkerPatch(Schema):
    version: int = Field(..., ge=1)
    name: str | None = Field(None, min_length=1, max_length=50)
    id_number: str | None = Field(None, min_length=18, max_length=18)
    phone: str | None = Field(None, max_length=20)
    trade_id: int | None = None
    grade: GradeKey | None = None
    team_id: int | None = None
    active: bool | None = None


class WorkerOut(Schema):
    id: int
    name: str
    id_masked: str = Field(..., description="The ID number with its middle hidden.")
    phone: str
    trade_id: int
    grade: str
    team_id: int | None
    active: bool
    version: int


class WorkerFilter(Schema):
    q: str | None = None
    team_id: int | None = None
    trade_id: int | None = None
    active: bool | None = None


class RateIn(Schema):
    trade_id: int
    grade: GradeKey
    rate: Decimal = Field(..., ge=0, max_digits=18, decimal_places=2)


class RateOut(Schema):
    id: int
    trade_id: int
    grade: str
    rate: Decimal
    version: int


class PeriodIn(Schema):
    month: date


class PeriodOut(Schema):
    id: int
    month: date


class LabourLineIn(Schema):
    worker_id: int
    start: time
    end: time = Field(
        ...,
        description=(
            "An end at or before the start is an overnight shift ending the next day "
            "(20:00-04:00); a line is shorter than 24 hours."
        ),
    )
    break_minutes: int = Field(
        0,
        description=(
            "Unpaid minutes between start and end, 0 to 240; the line's hours are the span "
            "less the break, and must stay above zero."
        ),
    )
    rate: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)


class MaterialLineIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    specification: str = Field("", max_length=100)
    unit: str = Field(..., min_length=1, max_length=20)
    quantity: Decimal = Field(..., max_digits=18, decimal_places=4)
    unit_price: Decimal = Field(..., max_digits=18, decimal_places=2)


class PlantLineIn(Schema):
    model: str = Field(..., min_length=1, max_length=100)
    units: int = 1
    quantity: Decimal = Field(..., max_digits=18, decimal_places=4)
    unit: Literal["shift", "hour"] = "shift"
    rate: Decimal = Field(..., max_digits=18, decimal_places=2)


class TicketIn(Schema):
    location: str = Field(..., min_length=1, max_length=200)
    work_date: date
    instruction_source: SourceKey
    instruction_number: str = Field("", max_length=60)
    reason: ReasonKey
    recoverable: bool = False
    description: str = Field("", max_length=5000)
    wbs_node_id: int | None = None
    # A cost code of the project's cost centre, by id or by its code; both may be empty.
    cost_code_id: int | None = None
    cost_code: str = Field("", max_length=40)
    labour: list[LabourLineIn] = []
    materials: list[MaterialLineIn] = []
    plant: list[PlantLineIn] = []


class TicketPut(TicketIn):
    version: int = Field(..., ge=1)


class VersionIn(Schema):
    version: int = Field(..., ge=1)


class SignIn(Schema):
    version: int = Field(..., ge=1)
    step: StepKey
    signer: str = Field("", max_length=100)
    comment: str = Field("", max_length=500)


class RejectIn(Schema):
    version: int = Field(..., ge=1)
    comment: str = Field(..., min_length=1, max_length=500)


class PayPartOut(Schema):
    date: date
    day_type: str
    hours: Decimal
    normal_hours: Decimal
    overtime_hours: Decimal
    multiplier: Decimal
    overtime_multiplier: Decimal
    amount: Decimal


class LabourLineOut(Schema):
    id: int
    worker_id: int
    worker_name: str
    trade_id: int
    grade: str
    team_id: int | None
    start: datetime
    end: datetime
    break_minutes: int
    hours: Decimal = Field(..., description="Hours worked: the span less the break.")
    normal_hours: Decimal
    overtime_hours: Decimal
    days: Decimal
    day_type: str
    rate: Decimal
    multiplier: Decimal
    overtime_multiplier: Decimal
    amount: Decimal
    overnight: bool = Field(..., description="The line ends on the day after its work date.")
    parts: list[PayPartOut] = Field(
        ..., description="The pay of the hours on each calendar date, in time order."
    )


class MaterialLineOut(Schema):
    id: int
    name: str
    specification: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class PlantLineOut(Schema):
    id: int
    model: str
    units: int
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal


class SignatureOut(Schema):
    step: str
    signer: str
    signed_at: datetime
    deemed: bool
    comment: str


class WarningOut(Schema):
    code: str
    message: str


class TicketOut(Schema):
    id: int
    project_id: int
    number: str
    location: str
    work_date: date
    day_type: str
    instruction_source: str
    instruction_number: str
    reason: str
    recoverable: bool
    description: str
    wbs_node_id: int | None
    cost_code_id: int | None
    cost_code: str
    status: str
    owner_status: str
    submitted_at: datetime | None
    approved_at: datetime | None
    owner_submitted_at: datetime | None
    labour_total: Decimal
    material_total: Decimal
    plant_total: Decimal
    total: Decimal
    version: int

    @staticmethod
    def resolve_cost_code(obj: Any) -> str:
        # A ticket (its CostCode row) or, for the detail answer, a dict holding the code.
        code = obj.get("cost_code") if isinstance(obj, dict) else obj.cost_code
        if code is None:
            return ""
        return code if isinstance(code, str) else code.code


class TicketDetailOut(TicketOut):
    total_in_words: str
    deemed_acceptance_due: datetime | None
    next_step: str | None
    warnings: list[WarningOut]
    labour: list[LabourLineOut]
    materials: list[MaterialLineOut]
    plant: list[PlantLineOut]
    signatures: list[SignatureOut]


class TicketFilter(Schema):
    status: StatusKey | None = None
    recoverable: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None


class SummaryFilter(Schema):
    by: SummaryKey = "trade"
    date_from: date | None = None
    date_to: date | None = None


class SummaryRowOut(Schema):
    key: str
    label: str
    entries: int
    hours: Decimal
    days: Decimal
    amount: Decimal


class CostRowOut(Schema):
    cost_code_id: int
    cost_code: str
    name: str
    tickets: int
    amount: Decimal
