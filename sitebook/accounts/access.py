"""Organisation-level access: who belongs where and who administers it."""

from __future__ import annotations

from typing import Any

from sitebook.accounts.models import Membership, Organisation
from sitebook.core.errors import Forbidden, NotFound


def _memberships(user: Any) -> dict[int, bool]:
    """{organisation id: is admin} for the user, read once per user object."""
    if not user or not user.is_authenticated:
        return {}
    cache = user.__dict__.get("_sitebook_memberships")
    if cache is None:
        cache = dict(
            Membership.objects.filter(user=user).values_list("organisation_id", "is_admin")
        )
        user.__dict__["_sitebook_memberships"] = cache
    return cache


def forget(user: Any) -> None:
    """Drop what was read about the user's memberships (after they change)."""
    user.__dict__.pop("_sitebook_memberships", None)
    user.__dict__.pop("_sitebook_project_codes", None)


def organisation_ids(user: Any) -> list[int]:
    return sorted(_memberships(user))


def is_member(user: Any, organisation_id: int) -> bool:
    return organisation_id in _memberships(user)


def is_admin(user: Any, organisation_id: int) -> bool:
    return _memberships(user).get(organisation_id, False)


def organisation_for(user: Any, organisation_id: int) -> Organisation:
    """The organisation if the user belongs to it; otherwise 404 (never reveal others)."""
    if not is_member(user, organisation_id):
        raise NotFound()
    return Organisation.objects.get(pk=organisation_id)


def require_admin(user: Any, organisation_id: int) -> None:
    if not is_member(user, organisation_id):
        raise NotFound()
    if not is_admin(user, organisation_id):
        raise Forbidden()


def default_organisation_id(user: Any, preferred: int | None = None) -> int | None:
    """The organisation a user works in: the preferred one if theirs, else the first."""
    ids = organisation_ids(user)
    if preferred in ids:
        return preferred
    return ids[0] if ids else None
