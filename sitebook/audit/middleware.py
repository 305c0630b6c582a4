"""Marks each web request's writes with the signed-in user (API auth overrides the source)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sitebook.core import context


class ActorMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        source = "api" if request.path.startswith("/api/") else "web"
        context.set_actor(lambda: getattr(request, "user", None), source)
        try:
            return self.get_response(request)
        finally:
            context.clear()
