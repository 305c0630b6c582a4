"""API schemas for projects, WBS, members and RACI."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

ProjectStatus = Literal["planning", "active", "suspended", "completed", "closed"]
Currency = Literal["CNY", "USD", "EUR", "HKD", "GBP"]
RaciLetter = Literal["R", "A", "C", "I"]


class ProjectIn(Schema):
    organisation_id: int | None = Field(None, description="Defaults to your organisation.")
    code: str = Field(..., min_length=1, max_length=30)
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    client: str = Field("", max_length=200)
    contract_value: Decimal = Field(Decimal("0"), ge=0, max_digits=18, decimal_places=2)
    currency: Currency = "CNY"
    location: str = Field("", max_length=200)
    start_date: date | None = None
    finish_date: date | None = None
    status: ProjectStatus = "planning"
    description: str = Field("", max_length=5000)


class ProjectPatch(Schema):
    version: int = Field(..., ge=1, description="The version you read; a stale one gets 409.")
    code: str | None = Field(None, min_length=1, max_length=30)
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    client: str | None = Field(None, max_length=200)
    contract_value: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    currency: Currency | None = None
    location: str | None = Field(None, max_length=200)
    start_date: date | None = None
    finish_date: date | None = None
    status: ProjectStatus | None = None
    description: str | None = Field(None, max_length=5000)


class ProjectOut(Schema):
    id: int
    organisation_id: int
    code: str
    name: str
    name_en: str
    client: str
    contract_value: Decimal
    currency: str
    location: str
    start_date: date | None
    finish_date: date | None
    status: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime


class ProjectFilter(Schema):
    q: str | None = Field(None, description="Search code, names and client.")
    status: ProjectStatus | None = None
    organisation_id: int | None = None


class WbsIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    parent_id: int | None = None
    sort_order: int = Field(0, ge=0)


class WbsPatch(Schema):
    version: int = Field(..., ge=1)
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    parent_id: int | None = None
    sort_order: int | None = Field(None, ge=0)


class WbsOut(Schema):
    id: int
    project_id: int
    parent_id: int | None
    code: str
    name: str
    name_en: str
    sort_order: int
    version: int


class WbsFilter(Schema):
    q: str | None = Field(None, description="Search code and names.")
    parent_id: int | None = None


class MemberIn(Schema):
    user_id: int
    role_id: int


class MemberPatch(Schema):
    version: int = Field(..., ge=1)
    role_id: int


class MemberOut(Schema):
    id: int
    project_id: int
    user_id: int
    username: str = Field(..., alias="user.username")
    display_name: str
    role_id: int
    role_key: str = Field(..., alias="role.key")
    version: int

    @staticmethod
    def resolve_display_name(obj: object) -> str:
        return str(obj.user)  # type: ignore[attr-defined]


class MemberFilter(Schema):
    role_id: int | None = None


class RaciCell(Schema):
    member_id: int
    letter: RaciLetter


class RaciRowIn(Schema):
    wbs_node_id: int | None = None
    deliverable: str = Field("", max_length=200)
    sort_order: int = Field(0, ge=0)
    assignments: list[RaciCell]


class RaciRowPut(Schema):
    version: int = Field(..., ge=1)
    deliverable: str | None = Field(None, max_length=200)
    assignments: list[RaciCell]


class RaciRowOut(Schema):
    id: int
    project_id: int
    wbs_node_id: int | None
    deliverable: str
    label: str
    sort_order: int
    version: int
    assignments: list[RaciCell]


class ChangeOut(Schema):
    id: int
    at: datetime
    action: str
    source: str
    object_type: str
    object_id: str
    object_repr: str
    actor_id: int | None
    actor_name: str
    before: dict | None
    after: dict | None

    @staticmethod
    def resolve_object_type(obj: object) -> str:
        return str(obj.content_type.model)  # type: ignore[attr-defined]


class HistoryFilter(Schema):
    object_type: str | None = Field(None, description="e.g. project, wbsnode, projectmember")
    object_id: str | None = None
    action: Literal["create", "update", "delete"] | None = None
