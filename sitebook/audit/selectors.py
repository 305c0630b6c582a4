"""Reads of the change history. Callers check `audit.view` on the project first."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from sitebook.audit.models import ChangeRecord


def history_for_project(project_id: int) -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(project_id=project_id).select_related("content_type")


def history_for_object(instance: models.Model) -> QuerySet[ChangeRecord]:
    ct = ContentType.objects.get_for_model(type(instance))
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related(
        "content_type"
    )
