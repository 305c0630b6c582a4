"""The funds pages' rows of the route table (tests/foundation/routes.py adds them).

The world's funds data comes from the API rows' builders (tests/funds/routes.py): an income
contract R-ZB with 50% measured progress and claims 1 (draft), 2 (submitted) and 3
(certified, 10.00 received), a subcontract R-FB with invoices R-INV-D (draft) and R-INV-A
(approved) and a submitted and an approved payment request.
"""

from __future__ import annotations

from typing import Any

from sitebook.funds.models import ClaimLine
from tests.funds.routes import (
    _claim_in,
    _entry,
    _income,
    _payable,
    _request,
    _sub,
)

V, C, CE, RC = "funds.view", "funds.claim", "funds.certify", "funds.receive"
PY, A, PAY = "funds.payable", "funds.approve", "funds.pay"


def _p(w: Any, u: Any) -> dict[str, Any]:
    _income(w)
    return {"project_id": w.project.pk}


def _claim(number: int, action: str | None = None) -> Any:
    def build(w: Any, u: Any) -> dict[str, Any]:
        kwargs = {"project_id": w.project.pk, "claim_id": _claim_in(w, number).pk}
        return kwargs if action is None else {**kwargs, "action": action}

    return build


def _version(number: int, **extra: Any) -> Any:
    return lambda w, u: {"version": _claim_in(w, number).version, **extra}


def _payable_kw(number: str, action: str | None = None) -> Any:
    def build(w: Any, u: Any) -> dict[str, Any]:
        kwargs = {"project_id": w.project.pk, "payable_id": _payable(w, number).pk}
        return kwargs if action is None else {**kwargs, "action": action}

    return build


def _request_kw(status: str, action: str) -> Any:
    return lambda w, u: {
        "project_id": w.project.pk,
        "request_id": _request(w, status).pk,
        "action": action,
    }


def _entry_kw(w: Any, u: Any) -> dict[str, Any]:
    return {"project_id": w.project.pk, "entry_id": _entry(w).pk}


def _export(what: str) -> Any:
    return lambda w, u: {**_p(w, u), "what": what}


def _line(w: Any) -> ClaimLine:
    return ClaimLine.objects.filter(claim=_claim_in(w, 1)).first()


def routes(R: Any) -> list[Any]:  # noqa: N803  (the table's own constructor)
    return [
        R("funds:claim_list", "GET", "project", V, _p),
        R(
            "funds:claim_list",
            "POST",
            "project",
            C,
            _p,
            body=lambda w, u: {
                "contract": _income(w).pk,
                "period_start": "2026-03-01",
                "period_end": "2026-03-31",
                "from_progress": "on",
            },
        ),
        R("funds:claim_detail", "GET", "project", V, _claim(3)),
        R("funds:claim_action", "POST", "project", C, _claim(1, "submit"), body=_version(1)),
        R("funds:claim_action", "POST", "project", C, _claim(1, "withdraw"), body=_version(1)),
        R(
            "funds:claim_action",
            "POST",
            "project",
            C,
            _claim(1, "line"),
            body=_version(1, description="现场计量", amount="0.10"),
        ),
        R(
            "funds:claim_action",
            "POST",
            "project",
            C,
            _claim(1, "line_remove"),
            body=lambda w, u: {"version": _claim_in(w, 1).version, "line_id": _line(w).pk},
        ),
        R(
            "funds:claim_action",
            "POST",
            "project",
            CE,
            _claim(2, "certify"),
            body=_version(2, certified_on="2026-04-10"),
        ),
        R("funds:claim_action", "POST", "project", CE, _claim(2, "reject"), body=_version(2)),
        R(
            "funds:claim_action",
            "POST",
            "project",
            CE,
            _claim(3, "invoice"),
            body=_version(3, invoice_number="FP-001", invoiced_on="2026-04-12"),
        ),
        R(
            "funds:claim_action",
            "POST",
            "project",
            RC,
            _claim(3, "receipt"),
            body=lambda w, u: {"date": "2026-05-01", "amount": "10.00", "currency": "CNY"},
        ),
        R("funds:payable_list", "GET", "project", V, _p),
        R(
            "funds:payable_list",
            "POST",
            "project",
            PY,
            _p,
            body=lambda w, u: {
                "contract": _sub(w).pk,
                "number": "R-INV-N",
                "invoice_date": "2026-04-05",
                "gross_amount": "100.00",
            },
        ),
        R("funds:payable_detail", "GET", "project", V, _payable_kw("R-INV-A")),
        R(
            "funds:payable_action",
            "POST",
            "project",
            A,
            _payable_kw("R-INV-D", "approve"),
            body=lambda w, u: {"version": _payable(w, "R-INV-D").version},
        ),
        R(
            "funds:payable_action",
            "POST",
            "project",
            A,
            _payable_kw("R-INV-D", "reject"),
            body=lambda w, u: {"version": _payable(w, "R-INV-D").version},
        ),
        R(
            "funds:payable_action",
            "POST",
            "project",
            PY,
            _payable_kw("R-INV-A", "request"),
            body=lambda w, u: {"amount": "10.00", "requested_on": "2026-04-21"},
        ),
        R(
            "funds:request_action",
            "POST",
            "project",
            A,
            _request_kw("submitted", "approve"),
            body=lambda w, u: {"version": _request(w, "submitted").version},
        ),
        R(
            "funds:request_action",
            "POST",
            "project",
            A,
            _request_kw("submitted", "reject"),
            body=lambda w, u: {"version": _request(w, "submitted").version},
        ),
        R(
            "funds:request_action",
            "POST",
            "project",
            PAY,
            _request_kw("approved", "pay"),
            body=lambda w, u: {f"pay{_request(w, 'approved').pk}-date": "2026-04-25"},
        ),
        R("funds:advances", "GET", "project", V, _p),
        R(
            "funds:advances",
            "POST",
            "project",
            RC,
            _p,
            body=lambda w, u: {"contract": _income(w).pk, "date": "2026-02-01", "amount": "5.00"},
        ),
        R("funds:retention", "GET", "project", V, _p),
        R(
            "funds:retention",
            "POST",
            "project",
            RC,
            _p,
            body=lambda w, u: {
                "action": "release",
                "release-contract": _income(w).pk,
                "release-date": "2026-06-01",
            },
        ),
        R(
            "funds:retention",
            "POST",
            "project",
            A,
            _p,
            body=lambda w, u: {
                "action": "terms",
                "terms-contract": _sub(w).pk,
                "terms-completion_date": "2026-12-31",
                "terms-defects_liability_months": "12",
                "terms-certify_days": "7",
            },
        ),
        R("funds:ledger", "GET", "project", V, _p),
        R("funds:ledger_reverse", "GET", "project", RC, _entry_kw),
        R(
            "funds:ledger_reverse",
            "POST",
            "project",
            RC,
            _entry_kw,
            body=lambda w, u: {"memo": "错账冲回"},
        ),
        R("funds:balances", "GET", "project", V, _p, query=lambda w: "by=counterparty"),
        R("funds:ageing", "GET", "project", V, _p),
        R("funds:card", "GET", "project", V, _p),
        R("funds:export", "GET", "project", V, _export("claims")),
        R("funds:export", "GET", "project", V, _export("payables")),
        R("funds:export", "GET", "project", V, _export("ledger")),
        R("funds:export", "GET", "project", V, _export("ageing")),
    ]
