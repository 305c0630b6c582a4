"""The REST API root: /api/v1/, token or session auth, one error shape for every failure.

Errors are `{"detail": str, "errors": [{"field": str, "message": str}]}` with status
400 (bad input), 401, 403, 404 or 409 (stale version, business rule).
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from sitebook.accounts.api import router as accounts_router
from sitebook.accounts.services import token_authenticate
from sitebook.core import context
from sitebook.core.errors import SitebookError
from sitebook.costs.api import router as costs_router
from sitebook.funds.api import router as funds_router
from sitebook.funds.api_cashflow import router as funds_cashflow_router
from sitebook.labour.api import router as labour_router
from sitebook.projects.api import router as projects_router
from sitebook.schedule.api import router as schedule_router


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sbk_...` with a token from the profile page or the API."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
            context.set_actor(user, "api")
        return user


api = NinjaAPI(
    title="Sitebook API",
    version="1",
    description="Projects, schedule, cost, funds and day labour of construction projects.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
)


def _error(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]]
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)


_LOCATIONS = {"body", "query", "path", "form", "header", "cookie", "file"}


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
        # Body parameters are nested under the view argument's name ("payload").
        if len(parts) > 1 and loc[0] == "body":
            parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(SitebookError)
def on_sitebook_error(request: HttpRequest, exc: SitebookError) -> HttpResponse:
    data = exc.as_dict()
    return _error(request, exc.status, data["detail"], data["errors"])


def _message(error: dict[str, Any]) -> str:
    """A translated message for the common validation failures, else pydantic's own."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "string_too_short": _("Enter at least %(n)s characters.") % {"n": ctx.get("min_length")},
        "string_too_long": _("Enter at most %(n)s characters.") % {"n": ctx.get("max_length")},
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "decimal_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "decimal_max_places": _("Enter at most %(n)s decimal places.")
        % {"n": ctx.get("decimal_places")},
        "greater_than_equal": _("Enter a value of at least %(n)s.") % {"n": ctx.get("ge")},
        "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_type": _("Enter a valid date (YYYY-MM-DD)."),
        "literal_error": _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected")},
        "string_pattern_mismatch": _("The value has the wrong format."),
    }
    return str(messages.get(kind) or error.get("msg", ""))


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(list(e.get("loc", []))), "message": _message(e)} for e in exc.errors
    ]
    detail = (
        f"{errors[0]['field']}: {errors[0]['message']}"
        if len(errors) == 1
        else _("Some fields are not valid.")
    )
    return _error(request, 400, detail, errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Authentication is required."), [])


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc), [])


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."), [])


api.add_router("/", accounts_router)
api.add_router("/", projects_router)
api.add_router("/", costs_router)
api.add_router("/", labour_router)
api.add_router("/", funds_router)
api.add_router("/", funds_cashflow_router)
api.add_router("/", schedule_router)
