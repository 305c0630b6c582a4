"""Who is acting, and through which interface, for the change records of this request or command.

Lives in core so that services (core.services.service) and the audit recorder share it.

Web and API requests set it in middleware or authentication; `sitebook <command>` sets the
source to "cli" (or "shell" for `sitebook shell`) through SITEBOOK_AUDIT_SOURCE.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

_actor: ContextVar[Callable[[], Any] | None] = ContextVar("sitebook_actor", default=None)
_source: ContextVar[str | None] = ContextVar("sitebook_source", default=None)


def set_actor(actor: Any, source: str) -> None:
    """Record `actor` (a user, or a zero-argument callable returning one) as acting now."""
    _actor.set(actor if callable(actor) else (lambda: actor))
    _source.set(source)


def clear() -> None:
    _actor.set(None)
    _source.set(None)


@contextlib.contextmanager
def acting(actor: Any, source: str) -> Iterator[None]:
    """Within the block, writes are recorded as done by `actor` through `source`."""
    token_a = _actor.set(lambda: actor)
    token_s = _source.set(source)
    try:
        yield
    finally:
        _actor.reset(token_a)
        _source.reset(token_s)


def current_actor() -> Any:
    getter = _actor.get()
    user = getter() if getter else None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def current_source() -> str:
    return _source.get() or os.environ.get("SITEBOOK_AUDIT_SOURCE", "system")
