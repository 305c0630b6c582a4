"""Organisations (tenants), users, memberships, roles and API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sitebook.accounts.permissions import BUILTIN_ROLES
from sitebook.core.models import BusinessModel

CURRENCIES = [
    ("CNY", _("Chinese yuan (CNY)")),
    ("USD", _("US dollar (USD)")),
    ("EUR", _("Euro (EUR)")),
    ("HKD", _("Hong Kong dollar (HKD)")),
    ("GBP", _("Pound sterling (GBP)")),
]


class Organisation(models.Model):
    """A tenant: a company with its own people, roles and projects."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Belongs to organisations through memberships."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Membership(BusinessModel):
    """A user's place in an organisation; admins manage it and see all its projects."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(_("organisation administrator"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation_id}"


class Role(BusinessModel):
    """A project role: a named list of permission-code patterns."""

    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    codes = models.JSONField(_("permission codes"), default=list)
    is_builtin = models.BooleanField(_("built in"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="role_unique_key")
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> Any:
        """The role's name in the current language (built-in roles are translated)."""
        if self.is_builtin and self.key in BUILTIN_ROLES:
            return BUILTIN_ROLES[self.key]["name"]
        return self.name


class ApiToken(models.Model):
    """A bearer token for REST clients; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
