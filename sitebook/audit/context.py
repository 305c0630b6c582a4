"""The acting-user context now lives in core; this name is kept for callers of the audit app."""

from sitebook.core.context import acting, clear, current_actor, current_source, set_actor

__all__ = ["acting", "clear", "current_actor", "current_source", "set_actor"]
