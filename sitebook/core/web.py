"""Helpers for server-rendered pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

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


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(request: HttpRequest, queryset: Any, per_page: int = 50) -> Page:
    """One page of `queryset`: a COUNT and a LIMIT query, whatever the size."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
