"""API schemas of the schedule centre. Durations, lags and floats are working minutes."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from sitebook.schedule.selectors import totals_of

ActivityKind = Literal[
    "task", "start_milestone", "finish_milestone", "level_of_effort", "wbs_summary"
]
ConstraintKind = Literal[
    "",
    "start_on",
    "start_on_or_after",
    "start_on_or_before",
    "finish_on",
    "finish_on_or_after",
    "finish_on_or_before",
    "mandatory_start",
    "mandatory_finish",
    "as_late_as_possible",
]
LinkKind = Literal["FS", "SS", "FF", "SF"]
LagKind = Literal["working", "elapsed", "percent"]
ExportFormat = Literal["xer", "mspdi"]


class ActivityIn(Schema):
    code: str = Field(..., min_length=1, max_length=60)
    name: str = Field(..., min_length=1, max_length=300)
    type: ActivityKind = "task"
    wbs_id: int | None = None
    calendar_id: int | None = None
    original_duration: int = Field(0, ge=0, description="Working minutes.")
    remaining_duration: int | None = Field(None, ge=0)
    constraint_type: ConstraintKind = ""
    constraint_date: datetime | None = None
    optimistic_duration: int | None = Field(None, ge=0)
    most_likely_duration: int | None = Field(None, ge=0)
    pessimistic_duration: int | None = Field(None, ge=0)
    cost_code: str = Field("", max_length=60)
    responsible_id: int | None = None


class ActivityPatch(Schema):
    version: int = Field(..., ge=1, description="The version you read; a stale one gets 409.")
    code: str | None = Field(None, min_length=1, max_length=60)
    name: str | None = Field(None, min_length=1, max_length=300)
    type: ActivityKind | None = None
    wbs_id: int | None = None
    calendar_id: int | None = None
    original_duration: int | None = Field(None, ge=0)
    remaining_duration: int | None = Field(None, ge=0)
    constraint_type: ConstraintKind | None = None
    constraint_date: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: Decimal | None = Field(None, ge=0, le=100)
    optimistic_duration: int | None = Field(None, ge=0)
    most_likely_duration: int | None = Field(None, ge=0)
    pessimistic_duration: int | None = Field(None, ge=0)
    cost_code: str | None = Field(None, max_length=60)
    responsible_id: int | None = None


class ActivityOut(Schema):
    id: int
    project_id: int
    wbs_id: int | None
    code: str
    name: str
    type: str
    calendar_id: int
    original_duration: int
    remaining_duration: int
    constraint_type: str
    constraint_date: datetime | None
    actual_start: datetime | None
    actual_finish: datetime | None
    percent_complete: Decimal
    optimistic_duration: int | None
    most_likely_duration: int | None
    pessimistic_duration: int | None
    cost_code: str
    responsible_id: int | None
    early_start: datetime | None
    early_finish: datetime | None
    late_start: datetime | None
    late_finish: datetime | None
    total_float: int | None
    free_float: int | None
    critical: bool
    version: int


class ActivityFilterIn(Schema):
    q: str | None = Field(None, description="Search activity ID and name.")
    wbs_id: int | None = None
    critical: bool = False
    late: bool = Field(False, description="Negative total float.")
    weeks: int | None = Field(None, ge=1, le=52, description="Due in the next N weeks.")
    responsible_id: int | None = None


class RelationshipIn(Schema):
    predecessor_id: int
    successor_id: int
    type: LinkKind = "FS"
    lag: int = Field(0, description="Working minutes (or see lag_unit).")
    lag_unit: LagKind = "working"


class RelationshipPatch(Schema):
    version: int = Field(..., ge=1)
    type: LinkKind | None = None
    lag: int | None = None
    lag_unit: LagKind | None = None


class RelationshipOut(Schema):
    id: int
    project_id: int
    predecessor_id: int
    successor_id: int
    type: str
    lag: int
    lag_unit: str
    version: int


class CalendarIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: Literal["standard", "china", "custom"] = Field(
        "standard", description="china: Mon-Fri with China's statutory holidays and 调休."
    )
    hours_per_day: Decimal = Field(Decimal("8"), gt=0, le=24)
    week: list[list[list[int]]] | None = None
    exceptions: dict[str, list[list[int]]] | None = None


class CalendarOut(Schema):
    id: int
    project_id: int
    name: str
    hours_per_day: Decimal
    week: Any
    version: int


class SettingsPatch(Schema):
    version: int = Field(..., ge=1)
    data_date: datetime | None = None
    planned_start: datetime | None = None
    must_finish_by: datetime | None = None
    default_calendar_id: int | None = None
    options: dict[str, Any] | None = None


class SettingsOut(Schema):
    project_id: int
    data_date: datetime
    planned_start: datetime | None
    must_finish_by: datetime | None
    default_calendar_id: int | None
    baseline_id: int | None
    options: dict[str, Any]
    finish: datetime | None
    computed_at: datetime | None
    computed_data_date: datetime | None
    version: int


class BaselineIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    select: bool = True


class BaselineOut(Schema):
    id: int
    project_id: int
    name: str
    data_date: datetime | None
    finish: datetime | None
    activity_count: int
    version: int


class ProgressEntry(Schema):
    activity_id: int
    version: int = Field(..., ge=1)
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: Decimal | None = Field(None, ge=0, le=100)
    remaining_duration: int | None = Field(None, ge=0)


class ProgressIn(Schema):
    data_date: datetime
    note: str = Field("", max_length=300)
    entries: list[ProgressEntry]


class ProgressOut(Schema):
    id: int
    project_id: int
    data_date: datetime
    previous_data_date: datetime | None
    note: str
    activity_count: int
    forecast_finish: datetime | None


class WarningOut(Schema):
    activity_id: int
    code: str
    kind: str
    message: str
    days: float | None
    drivers: list[str]


class ImportOut(Schema):
    id: int
    project_id: int
    filename: str
    format: str
    report: dict[str, Any]


class DcmaCheckOut(Schema):
    number: int
    key: str
    name: str
    value: float | None
    threshold: str
    passed: bool | None
    count: int
    population: int
    activities: list[str]


class DcmaOut(Schema):
    project_id: int
    checks: list[DcmaCheckOut]


ResourceKind = Literal["labour", "equipment", "material", "cost"]


class ResourceIn(Schema):
    code: str = Field(..., max_length=60, description="Resource ID, unique in the project.")
    name: str = Field("", max_length=200)
    kind: ResourceKind = "labour"
    unit: str = Field("", max_length=20, description="Material's unit (labour: hours).")


class ResourcePatch(Schema):
    version: int = Field(..., ge=1, description="The version you read; a stale one gets 409.")
    code: str | None = Field(None, max_length=60)
    name: str | None = Field(None, max_length=200)
    kind: ResourceKind | None = None
    unit: str | None = Field(None, max_length=20)


class ResourceOut(Schema):
    id: int
    project_id: int
    code: str
    name: str
    kind: str
    unit: str
    external_id: str
    assignment_count: int = 0
    planned_units: Decimal = Field(description="Sum of the assignments' budgeted units.")
    actual_units: Decimal
    planned_cost: Decimal = Field(description="Sum of the assignments' budgeted cost.")
    actual_cost: Decimal
    version: int

    @staticmethod
    def resolve_planned_units(obj: Any) -> Decimal:
        return totals_of(obj)["planned_units"]

    @staticmethod
    def resolve_actual_units(obj: Any) -> Decimal:
        return totals_of(obj)["actual_units"]

    @staticmethod
    def resolve_planned_cost(obj: Any) -> Decimal:
        return totals_of(obj)["planned_cost"]

    @staticmethod
    def resolve_actual_cost(obj: Any) -> Decimal:
        return totals_of(obj)["actual_cost"]


class AssignmentIn(Schema):
    activity_id: int
    resource_id: int
    planned_quantity: Decimal = Field(Decimal("0"), description="Budgeted units, at least 0.")
    remaining_quantity: Decimal | None = Field(
        None, description="Default: budgeted less actual. May exceed budgeted (an overrun)."
    )
    actual_quantity: Decimal = Decimal("0")
    planned_cost: Decimal = Field(Decimal("0"), description="Budgeted cost (money).")
    actual_cost: Decimal = Decimal("0")


class AssignmentPatch(Schema):
    version: int = Field(..., ge=1, description="The version you read; a stale one gets 409.")
    activity_id: int | None = None
    resource_id: int | None = None
    planned_quantity: Decimal | None = None
    remaining_quantity: Decimal | None = None
    actual_quantity: Decimal | None = None
    planned_cost: Decimal | None = None
    actual_cost: Decimal | None = None


class AssignmentOut(Schema):
    id: int
    project_id: int
    activity_id: int
    activity_code: str = Field(alias="activity.code")
    resource_id: int
    resource_code: str = Field(alias="resource.code")
    planned_quantity: Decimal
    remaining_quantity: Decimal
    actual_quantity: Decimal
    planned_cost: Decimal
    actual_cost: Decimal
    version: int


class AssignmentFilterIn(Schema):
    activity_id: int | None = None
    resource_id: int | None = None


class RiskIn(Schema):
    iterations: int = Field(1000, ge=100, le=20_000, description="Monte Carlo iterations.")
    distribution: Literal["triangular", "pert"] = Field(
        "triangular", description="Triangular, or PERT-beta with lambda 4."
    )
    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="Repeat a run exactly.")


class RiskBinOut(Schema):
    start: datetime
    end: datetime
    count: int


class RiskActivityOut(Schema):
    id: int
    code: str
    name: str
    sampled: bool = Field(..., description="Its three-point durations were sampled.")
    criticality: float = Field(..., description="Share of iterations on the critical path.")
    p80_finish: datetime


class RiskNoteOut(Schema):
    kind: str
    count: int
    message: str


class RiskOut(Schema):
    project_id: int
    iterations: int
    distribution: str
    seed: int
    mean_finish: datetime
    p10: datetime
    p50: datetime
    p80: datetime
    p90: datetime
    deterministic_finish: datetime
    deterministic_percentile: float = Field(..., description="Percent of iterations by then.")
    model_finish: datetime
    histogram: list[RiskBinOut]
    sampled_count: int
    activities: list[RiskActivityOut] = Field(..., description="Most critical first.")
    notes: list[RiskNoteOut]
