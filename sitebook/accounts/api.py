"""REST endpoints for the signed-in user, organisations, roles and API tokens."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from sitebook.accounts import access, selectors, services
from sitebook.accounts.models import Organisation

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    organisation_ids: list[int]


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    currency: str


class RoleIn(Schema):
    organisation_id: int | None = None
    key: str = Field(..., min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(..., min_length=1, max_length=100)
    codes: list[str] = Field(..., min_length=1)


class RolePatch(Schema):
    version: int = Field(..., ge=1)
    name: str = Field(..., min_length=1, max_length=100)
    codes: list[str] = Field(..., min_length=1)


class RoleOut(Schema):
    id: int
    organisation_id: int
    key: str
    name: str
    codes: list[str]
    is_builtin: bool
    version: int


class RoleFilter(Schema):
    organisation_id: int | None = None


class PersonOut(Schema):
    id: int
    user_id: int
    username: str = Field(..., alias="user.username")
    display_name: str = Field(..., alias="user.display_name")
    is_admin: bool


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="Shown once; store it now.")


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": str(user),
        "email": user.email,  # type: ignore[union-attr]
        "organisation_ids": access.organisation_ids(user),
    }


@router.get("/organisations", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def organisation_list(request: HttpRequest) -> Any:
    return selectors.organisation_list(request.user)


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Any:
    return access.organisation_for(request.user, organisation_id)


@router.get("/organisations/{organisation_id}/people", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def person_list(request: HttpRequest, organisation_id: int) -> Any:
    return selectors.membership_list(request.user, organisation_id)


@router.get("/roles", response=list[RoleOut])
@paginate(LimitOffsetPagination)
def role_list(request: HttpRequest, filters: Query[RoleFilter]) -> Any:
    return selectors.role_list(request.user, filters.organisation_id)


@router.post("/roles", response={201: RoleOut})
def role_create(request: HttpRequest, payload: RoleIn) -> Any:
    org_id = access.default_organisation_id(request.user, payload.organisation_id)
    organisation: Organisation = access.organisation_for(request.user, org_id or 0)
    role = services.role_create(
        actor=request.user,
        organisation=organisation,
        key=payload.key,
        name=payload.name,
        codes=payload.codes,
    )
    return 201, role


@router.get("/roles/{role_id}", response=RoleOut)
def role_detail(request: HttpRequest, role_id: int) -> Any:
    return selectors.role_get(request.user, role_id)


@router.patch("/roles/{role_id}", response=RoleOut)
def role_update(request: HttpRequest, role_id: int, payload: RolePatch) -> Any:
    role = selectors.role_get(request.user, role_id)
    return services.role_update(
        actor=request.user,
        role=role,
        version=payload.version,
        name=payload.name,
        codes=payload.codes,
    )


@router.get("/tokens", response=list[TokenOut])
@paginate(LimitOffsetPagination)
def token_list(request: HttpRequest) -> Any:
    return selectors.token_list(request.user)


@router.post("/tokens", response={201: TokenCreated})
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    token, raw = services.token_create(user=request.user, name=payload.name)  # type: ignore[arg-type]
    return 201, {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": None,
        "token": raw,
    }


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    services.token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return 204, None
