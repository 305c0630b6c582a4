"""Who a schedule command acts as: the organisation and user from --organisation / --user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from sitebook.accounts.models import Membership, Organisation, User


def acting_user(slug: str | None, username: str | None) -> tuple[Organisation, Any]:
    """The organisation (by slug, else the first) and the user (by name, else its first admin)."""
    orgs = Organisation.objects.all()
    if slug:
        orgs = orgs.filter(slug=slug)
    org = orgs.order_by("id").first()
    if org is None:
        raise CommandError("no such organisation")
    if username:
        user = User.objects.filter(username=username).first()
    else:
        admin = Membership.objects.filter(organisation=org, is_admin=True).order_by("id").first()
        user = admin.user if admin else None
    if user is None:
        raise CommandError("no user to act as; pass --user")
    return org, user
