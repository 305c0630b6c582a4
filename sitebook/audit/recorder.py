"""Writes a change record for each row_changed signal, inside the same transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from sitebook.audit.models import ChangeRecord
from sitebook.core.context import current_actor, current_source
from sitebook.core.signals import row_changed


@receiver(row_changed, dispatch_uid="sitebook.audit.record")
def record_change(
    sender: type, instance: Any, action: str, before: Any, after: Any, **_: Any
) -> None:
    actor = current_actor()
    ChangeRecord.objects.create(
        organisation_id=instance.organisation_id,
        project_id=instance.audit_project_id,
        content_type=ContentType.objects.get_for_model(sender),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        actor=actor,
        actor_name=str(actor)[:150] if actor else "",
        source=current_source(),
        before=before,
        after=after,
    )
