"""Write helpers every app's services share: validation, optimistic locking."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction

from sitebook.core.context import acting, current_source
from sitebook.core.errors import InvalidInput, StaleVersion

M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")
R = TypeVar("R")


def service(func: Callable[P, R]) -> Callable[P, R]:
    """Mark a write service: its `actor` keyword is recorded as the author of its changes.

    The interface (web, API, CLI) sets the source; a service called from anywhere else
    (a background job, a test, the shell) still names who acted.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        actor = kwargs.get("actor")
        if actor is None or not getattr(actor, "is_authenticated", False):
            return func(*args, **kwargs)
        with acting(actor, current_source()):
            return func(*args, **kwargs)

    return wrapper


def validate(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's field and constraint checks, raising InvalidInput naming fields."""
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise InvalidInput.from_django(exc) from exc


def lock_for_update(instance: M, *, version: int | None) -> M:
    """Re-read `instance` under a row lock and check the caller saw its latest version.

    Must run inside a transaction. `version=None` is reserved for internal callers that
    hold the row already (e.g. an import); interfaces always pass the version they showed.
    """
    model = type(instance)
    locked = model._default_manager.select_for_update().get(pk=instance.pk)
    if version is not None and locked.version != version:  # type: ignore[attr-defined]
        raise StaleVersion(errors=[{"field": "version", "message": StaleVersion.default_detail}])
    return locked


def apply_changes(instance: M, changes: dict[str, Any], *, version: int | None) -> M:
    """Lock, check the version, set `changes`, validate, bump the version and save."""
    with transaction.atomic():
        locked = lock_for_update(instance, version=version)
        for name, value in changes.items():
            setattr(locked, name, value)
        validate(locked)
        locked.version += 1  # type: ignore[attr-defined]
        locked.save()
    return locked
