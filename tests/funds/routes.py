"""The funds centre's rows of the route table (tests/foundation/routes.py adds them).

Every builder finds or makes the world's funds data, so it works again after the
isolation test rolls each request back.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sitebook.costs.models import Contract, ContractLine, CostCode, ProgressEntry
from sitebook.funds.models import (
    Claim,
    ClaimLine,
    ContractTerms,
    LedgerEntry,
    Payable,
    PaymentRequest,
    Receipt,
)

V, C, CE, RC = "funds.view", "funds.claim", "funds.certify", "funds.receive"
PY, A, PAY = "funds.payable", "funds.approve", "funds.pay"
D = Decimal


def _base(w: Any, model: Any, **fields: Any) -> Any:
    return model.objects.create(organisation=w.org, project=w.project, **fields)


def _claim(w: Any, income: Contract, number: int, status: str, **amounts: Any) -> Claim:
    claim = _base(
        w,
        Claim,
        contract=income,
        number=number,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        status=status,
        currency="CNY",
        claimed_amount=D("100.00"),
        payment_ratio=D("80"),
        retention_percent=D("3"),
        **amounts,
    )
    _base(w, ClaimLine, claim=claim, source="other", description="其他", amount=D("100.00"))
    return claim


def _make(w: Any) -> None:
    code = _base(w, CostCode, code="R-F1", name="桩基")
    income = _base(
        w,
        Contract,
        kind="income",
        code="R-ZB",
        title="总包合同",
        counterparty="业主",
        status="active",
    )
    sub = _base(
        w,
        Contract,
        kind="subcontract",
        code="R-FB",
        title="分包合同",
        counterparty="分包单位",
        status="active",
    )
    for contract in (income, sub):
        _base(
            w,
            ContractLine,
            contract=contract,
            cost_code=code,
            description="桩基",
            unit="m3",
            quantity=D("100"),
            unit_rate=D("10.00"),
            amount=D("1000.00"),
        )
    _base(w, ProgressEntry, cost_code=code, date=date(2026, 3, 31), percent_complete=D("50"))
    _base(w, ContractTerms, contract=income, completion_date=date(2024, 1, 1))
    _claim(w, income, 1, "draft")
    _claim(w, income, 2, "submitted")
    certified = _claim(
        w,
        income,
        3,
        "certified",
        certified_amount=D("100.00"),
        retention=D("3.00"),
        amount_due=D("77.00"),
        certified_on=date(2026, 4, 10),
    )
    receipt = _base(
        w, Receipt, claim=certified, date=date(2026, 4, 20), amount=D("10.00"), currency="CNY"
    )
    _base(
        w,
        LedgerEntry,
        entry_date=date(2026, 4, 20),
        direction="in",
        amount=D("10.00"),
        currency="CNY",
        kind="receipt",
        contract=income,
        counterparty="业主",
        claim=certified,
        receipt=receipt,
    )
    for number, status in (("R-INV-D", "draft"), ("R-INV-A", "approved")):
        _base(
            w,
            Payable,
            contract=sub,
            number=number,
            invoice_date=date(2026, 4, 5),
            status=status,
            currency="CNY",
            gross_amount=D("100.00"),
            retention_percent=D("3"),
            retention=D("3.00"),
            approved_amount=D("97.00"),
        )
    approved = Payable.objects.get(contract=sub, number="R-INV-A")
    for status in ("submitted", "approved"):
        _base(
            w,
            PaymentRequest,
            payable=approved,
            amount=D("10.00"),
            requested_on=date(2026, 4, 20),
            status=status,
            note=status,
        )


def _income(w: Any) -> Contract:
    contract = Contract.objects.filter(project=w.project, code="R-ZB").first()
    if contract is None:
        _make(w)
        contract = Contract.objects.get(project=w.project, code="R-ZB")
    return contract


def _sub(w: Any) -> Contract:
    _income(w)
    return Contract.objects.get(project=w.project, code="R-FB")


def _claim_in(w: Any, number: int) -> Claim:
    return Claim.objects.get(contract=_income(w), number=number)


def _payable(w: Any, number: str) -> Payable:
    return Payable.objects.get(contract=_sub(w), number=number)


def _request(w: Any, status: str) -> PaymentRequest:
    _income(w)
    return PaymentRequest.objects.get(project=w.project, note=status)


def _entry(w: Any) -> LedgerEntry:
    _income(w)
    return LedgerEntry.objects.get(project=w.project, kind="receipt")


def _p(w: Any, u: Any) -> dict[str, Any]:
    return {"project_id": w.project.pk}


def _c(number: int) -> Any:
    return lambda w, u: {"claim_id": _claim_in(w, number).pk}


def _v(number: int, **extra: Any) -> Any:
    return lambda w, u: {"version": _claim_in(w, number).version, **extra}


def _pay(number: str) -> Any:
    return lambda w, u: {"payable_id": _payable(w, number).pk}


def _req(status: str) -> Any:
    return lambda w, u: {"request_id": _request(w, status).pk}


def _e(w: Any, u: Any) -> dict[str, Any]:
    return {"entry_id": _entry(w).pk}


def routes(R: Any) -> list[Any]:  # noqa: N803  (the table's own constructor)
    return [
        R(
            "api:funds_policy_set",
            "PUT",
            "org",
            A,
            lambda w, u: {"organisation_id": w.org.pk},
            body=lambda w, u: {
                "retention_cap_percent": "3.00",
                "defects_liability_months": 24,
                "certify_days": 14,
            },
        ),
        R(
            "api:funds_terms_detail",
            "GET",
            "project",
            V,
            lambda w, u: {"contract_id": _income(w).pk},
        ),
        R(
            "api:funds_terms_set",
            "PUT",
            "project",
            A,
            lambda w, u: {"contract_id": _income(w).pk},
            body=lambda w, u: {
                "completion_date": "2025-12-31",
                "defects_liability_months": 12,
                "certify_days": 7,
            },
        ),
        # --- claims ----------------------------------------------------------------------------
        R("api:claim_list", "GET", "project", V, _p),
        R(
            "api:claim_create",
            "POST",
            "project",
            C,
            _p,
            body=lambda w, u: {
                "contract_id": _income(w).pk,
                "period_start": "2026-03-01",
                "period_end": "2026-03-31",
            },
        ),
        R("api:claim_detail", "GET", "project", V, _c(3)),
        R("api:claim_line_list", "GET", "project", V, _c(3)),
        R(
            "api:claim_line_add",
            "POST",
            "project",
            C,
            _c(1),
            body=_v(1, description="零星工程", amount="0.10"),
        ),
        R(
            "api:claim_line_remove",
            "POST",
            "project",
            C,
            _c(1),
            body=lambda w, u: {
                "version": _claim_in(w, 1).version,
                "line_id": _claim_in(w, 1).lines.first().pk,
            },
        ),
        R("api:claim_submit", "POST", "project", C, _c(1), body=_v(1)),
        R("api:claim_withdraw", "POST", "project", C, _c(1), body=_v(1)),
        R("api:claim_reject", "POST", "project", CE, _c(2), body=_v(2, note="不同意")),
        R(
            "api:claim_certify",
            "POST",
            "project",
            CE,
            _c(2),
            body=_v(2, certified_amount="90.00", certified_on="2026-04-10"),
        ),
        R(
            "api:claim_invoice",
            "POST",
            "project",
            CE,
            _c(3),
            body=_v(3, invoice_number="FP-0001"),
        ),
        # --- receipts --------------------------------------------------------------------------
        R("api:receipt_list", "GET", "project", V, _p),
        R(
            "api:receipt_create",
            "POST",
            "project",
            RC,
            _c(3),
            body=lambda w, u: {"date": "2026-05-01", "amount": "0.10", "currency": "CNY"},
        ),
        # --- payables, requests, payments -------------------------------------------------------
        R("api:payable_list", "GET", "project", V, _p),
        R(
            "api:payable_create",
            "POST",
            "project",
            PY,
            _p,
            body=lambda w, u: {
                "contract_id": _sub(w).pk,
                "number": "R-INV-N",
                "invoice_date": "2026-04-30",
                "gross_amount": "10.00",
            },
        ),
        R("api:payable_detail", "GET", "project", V, _pay("R-INV-A")),
        R(
            "api:payable_approve",
            "POST",
            "project",
            A,
            _pay("R-INV-D"),
            body=lambda w, u: {"version": _payable(w, "R-INV-D").version},
        ),
        R(
            "api:payable_reject",
            "POST",
            "project",
            A,
            _pay("R-INV-D"),
            body=lambda w, u: {"version": _payable(w, "R-INV-D").version},
        ),
        R("api:payment_request_list", "GET", "project", V, _p),
        R(
            "api:payment_request_create",
            "POST",
            "project",
            PY,
            _pay("R-INV-A"),
            body=lambda w, u: {"amount": "0.10"},
        ),
        R(
            "api:payment_request_approve",
            "POST",
            "project",
            A,
            _req("submitted"),
            body=lambda w, u: {"version": _request(w, "submitted").version},
        ),
        R(
            "api:payment_request_reject",
            "POST",
            "project",
            A,
            _req("submitted"),
            body=lambda w, u: {"version": _request(w, "submitted").version},
        ),
        R("api:payment_list", "GET", "project", V, _p),
        R(
            "api:payment_create",
            "POST",
            "project",
            PAY,
            _req("approved"),
            body=lambda w, u: {"date": "2026-05-02"},
        ),
        # --- advances and retention -------------------------------------------------------------
        R("api:advance_list", "GET", "project", V, _p),
        R(
            "api:advance_create",
            "POST",
            "project",
            RC,
            _p,
            body=lambda w, u: {
                "contract_id": _income(w).pk,
                "date": "2026-01-05",
                "amount": "1.00",
            },
        ),
        R("api:retention_release_list", "GET", "project", V, _p),
        R(
            "api:retention_release_create",
            "POST",
            "project",
            RC,
            _p,
            body=lambda w, u: {
                "contract_id": _income(w).pk,
                "date": "2026-06-01",
                "amount": "1.00",
            },
        ),
        R("api:retention_due", "GET", "project", V, _p, query=lambda w: "within_days=3650"),
        R("api:retention_due_all", "GET", "self"),
        # --- ledger ----------------------------------------------------------------------------
        R("api:ledger_list", "GET", "project", V, _p),
        R("api:ledger_detail", "GET", "project", V, _e),
        # Editing a posted entry is refused to everyone who may see it: 409, never 2xx.
        R(
            "api:ledger_update",
            "PATCH",
            "project",
            V,
            _e,
            body=lambda w, u: {"amount": "99.00"},
            ok=frozenset({409}),
        ),
        R("api:ledger_reverse", "POST", "project", RC, _e, body=lambda w, u: {"memo": "录入错误"}),
        R("api:funds_balances", "GET", "project", V, _p, query=lambda w: "by=month"),
        R("api:funds_card", "GET", "project", V, _p),
        R("api:funds_portfolio", "GET", "self"),
    ]
