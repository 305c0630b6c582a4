"""Writes for organisations, memberships, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitebook.accounts import access
from sitebook.accounts.models import ApiToken, Membership, Organisation, Role, User
from sitebook.accounts.permissions import BUILTIN_ROLES
from sitebook.core.errors import InvalidInput, NotFound
from sitebook.core.permissions import pattern_matches_any
from sitebook.core.services import apply_changes, service, validate

TOKEN_PREFIX = "sbk_"


def organisation_create(
    *, name: str, slug: str, currency: str = "CNY", admin: User | None
) -> Organisation:
    """Create an organisation with the built-in roles and, if given, its first admin."""
    with transaction.atomic():
        org = Organisation(name=name, slug=slug, currency=currency)
        validate(org)
        org.save()
        for key, spec in BUILTIN_ROLES.items():
            Role.objects.create(
                organisation=org,
                key=key,
                name=str(spec["name"]),
                codes=list(spec["codes"]),
                is_builtin=True,
            )
        if admin is not None:
            Membership.objects.create(organisation=org, user=admin, is_admin=True)
            access.forget(admin)
    return org


def user_create(
    *, username: str, password: str | None, email: str = "", display_name: str = ""
) -> User:
    user = User(username=username, email=email, display_name=display_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    validate(user, exclude=["password"])
    user.save()
    return user


@service
def membership_add(
    *, actor: Any, organisation: Organisation, user: User, is_admin: bool = False
) -> Membership:
    """Add a user to an organisation (organisation admins only)."""
    if actor is not None:
        access.require_admin(actor, organisation.pk)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise InvalidInput.field("user", _("This person already belongs to the organisation."))
    membership = Membership.objects.create(organisation=organisation, user=user, is_admin=is_admin)
    access.forget(user)
    return membership


def _clean_codes(codes: list[str]) -> list[str]:
    cleaned: list[str] = []
    for code in codes:
        code = str(code).strip()
        if not code:
            continue
        if not pattern_matches_any(code):
            raise InvalidInput.field(
                "codes", _("Unknown permission code: %(code)s") % {"code": code}
            )
        cleaned.append(code)
    if not cleaned:
        raise InvalidInput.field("codes", _("A role needs at least one permission code."))
    return sorted(set(cleaned))


@service
def role_create(
    *, actor: Any, organisation: Organisation, key: str, name: str, codes: list[str]
) -> Role:
    """Define an organisation's own role."""
    access.require_admin(actor, organisation.pk)
    role = Role(organisation=organisation, key=key, name=name, codes=_clean_codes(codes))
    validate(role)
    role.save()
    return role


@service
def role_update(*, actor: Any, role: Role, version: int, name: str, codes: list[str]) -> Role:
    access.require_admin(actor, role.organisation_id)
    if role.is_builtin:
        raise InvalidInput.field("key", _("Built-in roles cannot be changed; define a new role."))
    return apply_changes(role, {"name": name, "codes": _clean_codes(codes)}, version=version)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the raw value is returned once and never stored."""
    if not name.strip():
        raise InvalidInput.field("name", _("Give the token a name."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:100], prefix=raw[4:12], digest=_digest(raw))
    token.save()
    return token, raw


def token_revoke(*, user: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound()


def token_authenticate(raw: str) -> User | None:
    """The active user a raw token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
