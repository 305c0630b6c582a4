"""The cash-flow pages' and endpoints' rows of the route table (tests/foundation/routes.py)."""

from __future__ import annotations

from typing import Any

V = "funds.view"


def _p(w: Any, u: Any) -> dict[str, Any]:
    return {"project_id": w.project.pk}


def routes(R: Any) -> list[Any]:  # noqa: N803  (the table's own constructor)
    return [
        R("funds:cashflow", "GET", "project", V, _p),
        R("funds:cashflow_export", "GET", "project", V, _p),
        R("funds_cashflow_company", "GET", "self"),
        R("api:funds_cashflow", "GET", "project", V, _p),
        R("api:funds_cashflow_company", "GET", "self"),
    ]
