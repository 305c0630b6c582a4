"""Change records: who changed which business row, when, through what, before and after."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeRecord(models.Model):
    ACTIONS = [("create", _("created")), ("update", _("changed")), ("delete", _("deleted"))]
    SOURCES = [
        ("web", _("web")),
        ("api", _("API")),
        ("cli", _("command line")),
        ("shell", _("shell")),
        ("system", _("system")),
    ]

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    # A plain id, not a foreign key: the history of a deleted project is kept.
    project_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=ACTIONS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=10, choices=SOURCES)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    HIDDEN = ("id", "version", "organisation_id")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each field that differs, in the reader's language.

        Choice values are shown by their label; references to other rows by their id.
        """
        before = self.before or {}
        after = self.after or {}
        model = self.content_type.model_class()
        fields = {f.attname: f for f in model._meta.concrete_fields} if model else {}
        rows = []
        for name in [k for k in {**before, **after} if k not in self.HIDDEN]:
            old, new = before.get(name), after.get(name)
            if old == new:
                continue
            field = fields.get(name)
            if field is None:
                rows.append((name, old, new))
                continue
            if field.choices:
                labels = dict(field.flatchoices)
                old, new = labels.get(old, old), labels.get(new, new)
            elif field.is_relation:
                old, new = (f"#{v}" if v is not None else None for v in (old, new))
            rows.append((str(field.verbose_name), old, new))
        return rows
