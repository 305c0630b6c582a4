"""Helpers for server-rendered pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse

from sitebook.core.errors import SitebookError


def form_errors(form: forms.Form, exc: SitebookError) -> None:
    """Put a service error on the form: on its field where the form has it, else on top."""
    if not exc.errors:
        form.add_error(None, str(exc.detail))
        return
    for error in exc.errors:
        field = error["field"].split(".")[0]
        shown = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if shown else None, error["message"])


def submit(
    request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], HttpResponse]
) -> tuple[HttpResponse | None, int]:
    """Run `action(form.cleaned_data)` when a valid form was posted.

    Returns the action's response when it succeeded; otherwise (None, status) for showing the
    page again: 200 on a GET, 400 for an invalid form, and for a service error its own status
    (400, 403, 409...) with its messages put on the form.
    """
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        return action(form.cleaned_data), 200
    except SitebookError as exc:
        form_errors(form, exc)
        return None, exc.status


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(request: HttpRequest, queryset: Any, per_page: int = 50) -> Page:
    """One page of `queryset`: a COUNT and a LIMIT query, whatever the size."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
