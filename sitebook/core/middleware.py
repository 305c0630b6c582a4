"""Turns service errors that escape a page view into proper pages, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sitebook.core.errors import NotAuthenticated, SitebookError


class ErrorPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> Any:
        if request.path.startswith("/api/") or not isinstance(exc, SitebookError):
            return None
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(request.get_full_path())
        return render(request, "error.html", {"error": exc}, status=exc.status)
