"""Errors that services raise and interfaces turn into HTTP answers or page messages.

Every error carries a human message (`detail`) and, for bad input, a list of
`{"field": ..., "message": ...}` so that a client can point at what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _


class SitebookError(Exception):
    """Base of the errors a user can be shown; `status` is the HTTP status it maps to."""

    status = 400
    default_detail: Any = _("The request could not be processed.")

    def __init__(self, detail: Any = None, errors: Iterable[Mapping[str, Any]] = ()) -> None:
        self.detail = detail if detail is not None else self.default_detail
        self.errors = [{"field": str(e["field"]), "message": str(e["message"])} for e in errors]
        super().__init__(str(self.detail))

    def as_dict(self) -> dict[str, Any]:
        return {"detail": str(self.detail), "errors": self.errors}


class InvalidInput(SitebookError):
    """Input that fails validation; names the fields at fault."""

    status = 400
    default_detail = _("Some fields are not valid.")

    @classmethod
    def field(cls, field: str, message: Any) -> InvalidInput:
        return cls(message, [{"field": field, "message": message}])

    @classmethod
    def from_django(cls, exc: DjangoValidationError) -> InvalidInput:
        errors: list[dict[str, Any]] = []
        if hasattr(exc, "error_dict"):
            for name, items in exc.message_dict.items():
                field = "__all__" if name == "__all__" else name
                errors.extend({"field": field, "message": m} for m in items)
        else:
            errors.extend({"field": "__all__", "message": m} for m in exc.messages)
        detail = errors[0]["message"] if len(errors) == 1 else cls.default_detail
        return cls(detail, errors)


class NotAuthenticated(SitebookError):
    status = 401
    default_detail = _("Authentication is required.")


class Forbidden(SitebookError):
    status = 403
    default_detail = _("You do not have permission to do this.")


class NotFound(SitebookError):
    status = 404
    default_detail = _("Not found.")


class Conflict(SitebookError):
    """A write that clashes with the current state (stale version, business rule)."""

    status = 409
    default_detail = _("The request conflicts with the current state.")


class StaleVersion(Conflict):
    default_detail = _(
        "Someone else changed this record after you opened it. Reload it and apply your "
        "change again."
    )
