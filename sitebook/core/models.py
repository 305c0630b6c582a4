"""Base model for business rows: organisation-scoped, versioned and audited."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from sitebook.core.signals import row_changed

MONEY = {"max_digits": 18, "decimal_places": 2}
QUANTITY = {"max_digits": 18, "decimal_places": 4}


def to_json(value: Any) -> Any:
    """A JSON-safe form of a field value, exact for money (Decimal becomes a string)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return value
    if isinstance(value, list | dict):
        return value
    return str(value)


class BusinessModel(models.Model):
    """A row that belongs to an organisation, carries a version and is audited.

    Every save or delete runs in a transaction together with its change record.
    Fields named in `audit_ignore` are left out of the before/after images.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audit_ignore: tuple[str, ...] = ("created_at", "updated_at")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded = instance.audit_image()
        return instance

    def audit_image(self) -> dict[str, Any]:
        """The row's audited fields as JSON-safe values."""
        image: dict[str, Any] = {}
        for field in self._meta.concrete_fields:
            if field.name in self.audit_ignore:
                continue
            if field.attname in self.__dict__:
                image[field.attname] = to_json(getattr(self, field.attname))
        return image

    @property
    def audit_project_id(self) -> int | None:
        """The project this row belongs to, for the project's History."""
        return getattr(self, "project_id", None)

    def save(self, *args: Any, **kwargs: Any) -> None:
        creating = self._state.adding
        before = None if creating else getattr(self, "_loaded", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            after = self.audit_image()
            row_changed.send(
                sender=type(self),
                instance=self,
                action="create" if creating else "update",
                before=before,
                after=after,
            )
        self._loaded = after

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        before = self.audit_image()
        with transaction.atomic():
            row_changed.send(
                sender=type(self), instance=self, action="delete", before=before, after=None
            )
            return super().delete(*args, **kwargs)
