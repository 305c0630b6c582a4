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

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field that differs."""
        before = self.before or {}
        after = self.after or {}
        names = [k for k in {**before, **after} if k != "version"]
        return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]
