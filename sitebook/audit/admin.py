from typing import Any

from django.contrib import admin

from sitebook.audit.models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """Read-only: the history is never edited."""

    list_display = ("at", "action", "object_repr", "actor_name", "source", "organisation")
    list_filter = ("action", "source", "organisation")
    search_fields = ("object_repr", "actor_name")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
