"""Reads for organisations, roles and people, always starting from what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sitebook.accounts import access
from sitebook.accounts.models import ApiToken, Membership, Organisation, Role
from sitebook.core.errors import NotFound


def organisation_list(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=access.organisation_ids(user))


def role_list(user: Any, organisation_id: int | None = None) -> QuerySet[Role]:
    ids = access.organisation_ids(user)
    qs = Role.objects.filter(organisation_id__in=ids)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("organisation_id", "id")


def role_get(user: Any, role_id: int) -> Role:
    role = role_list(user).filter(pk=role_id).first()
    if role is None:
        raise NotFound()
    return role


def membership_list(user: Any, organisation_id: int) -> QuerySet[Membership]:
    access.organisation_for(user, organisation_id)
    return (
        Membership.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("user__username")
    )


def token_list(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)
