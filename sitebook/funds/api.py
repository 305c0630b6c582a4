"""REST endpoints of the funds centre: claims, receipts, payables, payment requests,
payments, advances, retention, the ledger and its balances."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from sitebook.funds import selectors, services
from sitebook.funds.schemas import (
    AdvanceIn,
    AdvanceOut,
    ApproveIn,
    BalanceOut,
    BalanceQuery,
    CardOut,
    CertifyIn,
    ClaimDetailOut,
    ClaimFilter,
    ClaimIn,
    ClaimLineIn,
    ClaimLineOut,
    ClaimLineRemoveIn,
    ClaimOut,
    DueQuery,
    InvoiceIn,
    LedgerFilter,
    LedgerOut,
    LedgerPatch,
    PayableDetailOut,
    PayableFilter,
    PayableIn,
    PayableOut,
    PaymentFilter,
    PaymentIn,
    PaymentOut,
    PaymentRequestFilter,
    PaymentRequestIn,
    PaymentRequestOut,
    PolicyIn,
    PolicyOut,
    PortfolioOut,
    ReceiptFilter,
    ReceiptIn,
    ReceiptOut,
    RejectIn,
    ReleaseIn,
    RetentionDueOut,
    ReverseIn,
    SubmitIn,
    TermsIn,
    TermsOut,
    VersionIn,
)

router = Router(tags=["funds"])


def _dates(qs: Any, filters: Any, field: str) -> Any:
    if filters.date_from is not None:
        qs = qs.filter(**{f"{field}__gte": filters.date_from})
    if filters.date_to is not None:
        qs = qs.filter(**{f"{field}__lte": filters.date_to})
    return qs


def _due(d: selectors.RetentionDue) -> dict[str, Any]:
    return {
        "project_id": d.contract.project_id,
        "contract_id": d.contract.pk,
        "contract_code": d.contract.code,
        "counterparty": d.contract.counterparty,
        "direction": d.direction,
        "due_on": d.due_on,
        "held": d.held,
        "overdue": d.overdue,
    }


# --- policy and contract terms ------------------------------------------------------------------


@router.put("/organisations/{organisation_id}/funds-policy", response=PolicyOut)
def funds_policy_set(request: HttpRequest, organisation_id: int, payload: PolicyIn) -> Any:
    return services.funds_policy_set(
        actor=request.user, organisation_id=organisation_id, **payload.dict()
    )


def _terms(contract: Any) -> dict[str, Any]:
    terms = selectors.contract_terms(contract)
    held = selectors.retention_held(contract)
    return {
        "contract_id": contract.pk,
        "retention_cap_percent": terms.retention_cap_percent,
        "defects_liability_months": terms.defects_liability_months,
        "completion_date": terms.completion_date,
        "certify_days": terms.certify_days,
        "retention_due_on": terms.retention_due_on,
        "contract_value": selectors.contract_value(contract),
        "retention_cap": selectors.retention_cap(contract),
        "retention_withheld": selectors.retention_withheld(contract),
        "retention_held": held,
        "advances": selectors.advances_total(contract),
        "advance_outstanding": selectors.advance_outstanding(contract),
    }


@router.get("/contracts/{contract_id}/funds-terms", response=TermsOut)
def funds_terms_detail(request: HttpRequest, contract_id: int) -> Any:
    return _terms(selectors.contract_get(request.user, contract_id))


@router.put("/contracts/{contract_id}/funds-terms", response=TermsOut)
def funds_terms_set(request: HttpRequest, contract_id: int, payload: TermsIn) -> Any:
    contract = selectors.contract_get(request.user, contract_id)
    services.contract_terms_set(actor=request.user, contract=contract, **payload.dict())
    return _terms(contract)


# --- claims ------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/claims", response=list[ClaimOut])
@paginate(LimitOffsetPagination)
def claim_list(request: HttpRequest, project_id: int, filters: Query[ClaimFilter]) -> Any:
    qs = selectors.claim_list(selectors.funds_project(request.user, project_id))
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.contract_id is not None:
        qs = qs.filter(contract_id=filters.contract_id)
    return qs


@router.post("/projects/{project_id}/claims", response={201: ClaimDetailOut})
def claim_create(request: HttpRequest, project_id: int, payload: ClaimIn) -> Any:
    project = selectors.funds_project(request.user, project_id)
    data = payload.dict()
    claim = services.claim_create(actor=request.user, project=project, **data)
    return 201, _claim(claim)


def _claim(claim: Any) -> Any:
    claim.received = selectors.claim_received(claim)
    return claim


@router.get("/claims/{claim_id}", response=ClaimDetailOut)
def claim_detail(request: HttpRequest, claim_id: int) -> Any:
    return _claim(selectors.claim_get(request.user, claim_id))


@router.get("/claims/{claim_id}/lines", response=list[ClaimLineOut])
@paginate(LimitOffsetPagination)
def claim_line_list(request: HttpRequest, claim_id: int) -> Any:
    return selectors.claim_line_list(selectors.claim_get(request.user, claim_id))


@router.post("/claims/{claim_id}/lines", response={201: ClaimLineOut})
def claim_line_add(request: HttpRequest, claim_id: int, payload: ClaimLineIn) -> Any:
    claim = selectors.claim_get(request.user, claim_id)
    return 201, services.claim_line_add(actor=request.user, claim=claim, **payload.dict())


@router.post("/claims/{claim_id}/lines/remove", response=ClaimDetailOut)
def claim_line_remove(request: HttpRequest, claim_id: int, payload: ClaimLineRemoveIn) -> Any:
    claim = selectors.claim_get(request.user, claim_id)
    return _claim(services.claim_line_remove(actor=request.user, claim=claim, **payload.dict()))


@router.post("/claims/{claim_id}/submit", response=ClaimDetailOut)
def claim_submit(request: HttpRequest, claim_id: int, payload: SubmitIn) -> Any:
    claim = selectors.claim_get(request.user, claim_id)
    return _claim(services.claim_submit(actor=request.user, claim=claim, **payload.dict()))


@router.post("/claims/{claim_id}/withdraw", response=ClaimDetailOut)
def claim_withdraw(request: HttpRequest, claim_id: int, payload: VersionIn) -> Any:
    claim = selectors.claim_get(request.user, claim_id)
    return _claim(services.claim_withdraw(actor=request.user, claim=claim, **payload.dict()))


@router.post("/claims/{claim_id}/reject", response=ClaimDetailOut)
def claim_reject(request: HttpRequest, claim_id: int, payload: RejectIn) -> Any:
    claim = selectors.claim_get(request.user, claim_id)
    return _claim(services.claim_reject(actor=request.user, claim=claim, **payload.dict()))


@router.post("/claims/{claim_id}/certify", response=ClaimDetailOut)
def claim_certify(request: HttpRequest, claim_id: int, payload: CertifyIn) -> Any:
    claim = selectors.claim_get(request.user, claim_id)
    return _claim(services.claim_certify(actor=request.user, claim=claim, **payload.dict()))


@router.post("/claims/{claim_id}/invoice", response=ClaimDetailOut)
def claim_invoice(request: HttpRequest, claim_id: int, payload: InvoiceIn) -> Any:
    claim = selectors.claim_get(request.user, claim_id)
    return _claim(services.claim_invoice(actor=request.user, claim=claim, **payload.dict()))


# --- receipts ----------------------------------------------------------------------------------


@router.get("/projects/{project_id}/receipts", response=list[ReceiptOut])
@paginate(LimitOffsetPagination)
def receipt_list(request: HttpRequest, project_id: int, filters: Query[ReceiptFilter]) -> Any:
    qs = selectors.receipt_list(selectors.funds_project(request.user, project_id))
    if filters.claim_id is not None:
        qs = qs.filter(claim_id=filters.claim_id)
    return _dates(qs, filters, "date")


@router.post("/claims/{claim_id}/receipts", response={201: ReceiptOut})
def receipt_create(request: HttpRequest, claim_id: int, payload: ReceiptIn) -> Any:
    claim = selectors.claim_get(request.user, claim_id)
    return 201, services.receipt_create(actor=request.user, claim=claim, **payload.dict())


# --- payables, requests, payments --------------------------------------------------------------


def _payable(payable: Any) -> Any:
    payable.paid = selectors.payable_paid(payable)
    payable.requested = selectors.payable_requested(payable)
    return payable


@router.get("/projects/{project_id}/payables", response=list[PayableOut])
@paginate(LimitOffsetPagination)
def payable_list(request: HttpRequest, project_id: int, filters: Query[PayableFilter]) -> Any:
    qs = selectors.payable_list(selectors.funds_project(request.user, project_id))
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.contract_id is not None:
        qs = qs.filter(contract_id=filters.contract_id)
    return qs


@router.post("/projects/{project_id}/payables", response={201: PayableDetailOut})
def payable_create(request: HttpRequest, project_id: int, payload: PayableIn) -> Any:
    project = selectors.funds_project(request.user, project_id)
    return 201, _payable(
        services.payable_create(actor=request.user, project=project, **payload.dict())
    )


@router.get("/payables/{payable_id}", response=PayableDetailOut)
def payable_detail(request: HttpRequest, payable_id: int) -> Any:
    return _payable(selectors.payable_get(request.user, payable_id))


@router.post("/payables/{payable_id}/approve", response=PayableDetailOut)
def payable_approve(request: HttpRequest, payable_id: int, payload: ApproveIn) -> Any:
    payable = selectors.payable_get(request.user, payable_id)
    return _payable(services.payable_approve(actor=request.user, payable=payable, **payload.dict()))


@router.post("/payables/{payable_id}/reject", response=PayableDetailOut)
def payable_reject(request: HttpRequest, payable_id: int, payload: VersionIn) -> Any:
    payable = selectors.payable_get(request.user, payable_id)
    return _payable(services.payable_reject(actor=request.user, payable=payable, **payload.dict()))


@router.get("/projects/{project_id}/payment-requests", response=list[PaymentRequestOut])
@paginate(LimitOffsetPagination)
def payment_request_list(
    request: HttpRequest, project_id: int, filters: Query[PaymentRequestFilter]
) -> Any:
    qs = selectors.payment_request_list(selectors.funds_project(request.user, project_id))
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.payable_id is not None:
        qs = qs.filter(payable_id=filters.payable_id)
    return qs


@router.post("/payables/{payable_id}/payment-requests", response={201: PaymentRequestOut})
def payment_request_create(request: HttpRequest, payable_id: int, payload: PaymentRequestIn) -> Any:
    payable = selectors.payable_get(request.user, payable_id)
    return 201, services.payment_request_create(
        actor=request.user, payable=payable, **payload.dict()
    )


@router.post("/payment-requests/{request_id}/approve", response=PaymentRequestOut)
def payment_request_approve(request: HttpRequest, request_id: int, payload: VersionIn) -> Any:
    obj = selectors.payment_request_get(request.user, request_id)
    return services.payment_request_approve(actor=request.user, request=obj, **payload.dict())


@router.post("/payment-requests/{request_id}/reject", response=PaymentRequestOut)
def payment_request_reject(request: HttpRequest, request_id: int, payload: VersionIn) -> Any:
    obj = selectors.payment_request_get(request.user, request_id)
    return services.payment_request_reject(actor=request.user, request=obj, **payload.dict())


@router.get("/projects/{project_id}/payments", response=list[PaymentOut])
@paginate(LimitOffsetPagination)
def payment_list(request: HttpRequest, project_id: int, filters: Query[PaymentFilter]) -> Any:
    qs = selectors.payment_list(selectors.funds_project(request.user, project_id))
    if filters.contract_id is not None:
        qs = qs.filter(contract_id=filters.contract_id)
    return _dates(qs, filters, "date")


@router.post("/payment-requests/{request_id}/payment", response={201: PaymentOut})
def payment_create(request: HttpRequest, request_id: int, payload: PaymentIn) -> Any:
    obj = selectors.payment_request_get(request.user, request_id)
    return 201, services.payment_create(actor=request.user, request=obj, **payload.dict())


# --- advances and retention --------------------------------------------------------------------


@router.get("/projects/{project_id}/advances", response=list[AdvanceOut])
@paginate(LimitOffsetPagination)
def advance_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.advance_list(selectors.funds_project(request.user, project_id))


@router.post("/projects/{project_id}/advances", response={201: AdvanceOut})
def advance_create(request: HttpRequest, project_id: int, payload: AdvanceIn) -> Any:
    project = selectors.funds_project(request.user, project_id)
    return 201, services.advance_create(actor=request.user, project=project, **payload.dict())


@router.get("/projects/{project_id}/retention-releases", response=list[AdvanceOut])
@paginate(LimitOffsetPagination)
def retention_release_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.release_list(selectors.funds_project(request.user, project_id))


@router.post("/projects/{project_id}/retention-releases", response={201: AdvanceOut})
def retention_release_create(request: HttpRequest, project_id: int, payload: ReleaseIn) -> Any:
    project = selectors.funds_project(request.user, project_id)
    return 201, services.retention_release_create(
        actor=request.user, project=project, **payload.dict()
    )


@router.get("/projects/{project_id}/retention-due", response=list[RetentionDueOut])
def retention_due(request: HttpRequest, project_id: int, query: Query[DueQuery]) -> Any:
    project = selectors.funds_project(request.user, project_id)
    return [_due(d) for d in selectors.retention_due([project], within_days=query.within_days)]


@router.get("/funds/retention-due", response=list[RetentionDueOut])
def retention_due_all(request: HttpRequest, query: Query[DueQuery]) -> Any:
    """Retention falling due in every project the user may see the funds of."""
    due = selectors.retention_due_for_user(request.user, within_days=query.within_days)
    return [_due(d) for d in due]


# --- ledger and balances -----------------------------------------------------------------------


@router.get("/projects/{project_id}/ledger", response=list[LedgerOut])
@paginate(LimitOffsetPagination)
def ledger_list(request: HttpRequest, project_id: int, filters: Query[LedgerFilter]) -> Any:
    qs = selectors.ledger_list(selectors.funds_project(request.user, project_id))
    for name in ("kind", "direction", "contract_id", "counterparty"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    return _dates(qs, filters, "entry_date")


@router.get("/ledger/{entry_id}", response=LedgerOut)
def ledger_detail(request: HttpRequest, entry_id: int) -> Any:
    return selectors.ledger_entry_get(request.user, entry_id)


@router.patch("/ledger/{entry_id}", response=LedgerOut)
def ledger_update(request: HttpRequest, entry_id: int, payload: LedgerPatch) -> Any:
    """Always refused (409): a posted entry is never edited; reverse it instead."""
    entry = selectors.ledger_entry_get(request.user, entry_id)
    changes = payload.dict(exclude_unset=True)
    changes.pop("version", None)
    return services.ledger_entry_update(actor=request.user, entry=entry, **changes)


@router.post("/ledger/{entry_id}/reverse", response={201: LedgerOut})
def ledger_reverse(request: HttpRequest, entry_id: int, payload: ReverseIn) -> Any:
    entry = selectors.ledger_entry_get(request.user, entry_id)
    return 201, services.ledger_reverse(actor=request.user, entry=entry, **payload.dict())


@router.get("/projects/{project_id}/funds/balances", response=list[BalanceOut])
def funds_balances(request: HttpRequest, project_id: int, query: Query[BalanceQuery]) -> Any:
    project = selectors.funds_project(request.user, project_id)
    return [
        {
            "key": "" if b.key is None else str(b.key),
            "label": b.label,
            "money_in": b.money_in,
            "money_out": b.money_out,
            "net": b.net,
        }
        for b in selectors.balances(project, query.by)
    ]


@router.get("/projects/{project_id}/funds/card", response=CardOut)
def funds_card(request: HttpRequest, project_id: int, query: Query[DueQuery]) -> Any:
    project = selectors.funds_project(request.user, project_id)
    card = selectors.funds_card(project, within_days=query.within_days)
    data = dict(card.__dict__)
    data["retention_due_soon"] = [_due(d) for d in card.retention_due_soon]
    return data


@router.get("/funds/portfolio", response=list[PortfolioOut])
def funds_portfolio(request: HttpRequest) -> Any:
    """Money in, out and net of each project the user may see the funds of."""
    return [
        {
            "project_id": row["project"].pk,
            "project_code": row["project"].code,
            "money_in": row["money_in"],
            "money_out": row["money_out"],
            "net": row["net"],
        }
        for row in selectors.portfolio_balances(request.user)
    ]
