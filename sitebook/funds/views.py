"""Funds pages: claims, payables, advances, retention, the ledger, balances, ageing, the
overview card and the Excel registers. Thin: forms parse, the services decide."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitebook.core.errors import SitebookError
from sitebook.core.permissions import declared
from sitebook.core.web import paginate, submit
from sitebook.costs.models import Contract
from sitebook.costs.money import ZERO, fen_sum, from_fen
from sitebook.funds import ageing, excel, selectors, services
from sitebook.funds.forms import (
    AdvanceForm,
    CertifyForm,
    ClaimForm,
    ClaimLineForm,
    InvoiceForm,
    PayableForm,
    PaymentForm,
    PaymentRequestForm,
    ReceiptForm,
    ReleaseForm,
    ReverseForm,
    TermsForm,
)
from sitebook.funds.models import (
    Claim,
    ContractTerms,
    LedgerEntry,
    Payable,
    PaymentRequest,
)
from sitebook.projects import access
from sitebook.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IN = LedgerEntry.Direction.IN


def _can(user: Any, project: Project) -> dict[str, bool]:
    return {code.replace(".", "_"): access.has_perm(user, code, project) for code in declared()}


def _page(
    request: HttpRequest, template: str, project: Project, sub: str, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "project": project,
        "tab": "funds",
        "sub": sub,
        "can": _can(request.user, project),
        "today": timezone.localdate(),
        **extra,
    }
    return render(request, template, context, status=status)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return 0


class _Empty(forms.Form):
    """A form with no fields: a button whose service errors are shown on top."""


def _only_top(form: forms.Form) -> bool:
    """True when the form's errors name none of its fields: they are shown above the page."""
    return not any(name in form.errors for name in form.fields)


def _today() -> date:
    return timezone.localdate()


# --- claims --------------------------------------------------------------------------------------


def _register(
    request: HttpRequest,
    project: Project,
    form: forms.Form,
    create: Callable[[dict[str, Any]], HttpResponse],
    items: Any,
    link: str,
) -> HttpResponse:
    """A list of claims or payables, each with what the ledger settled on it, and its form."""
    done, status = submit(request, form, create)
    if done:
        return done
    page = paginate(request, items)
    # Received on a claim is money in; paid on a payable is money out.
    settled = ageing.settled_by(link, [obj.pk for obj in page], 1 if link == "claim" else -1)
    return _page(
        request,
        f"funds/{link}_list.html",
        project,
        f"{link}s",
        status=status,
        form=form,
        page=page,
        rows=[(obj, settled.get(obj.pk, ZERO)) for obj in page],
    )


@login_required
def claim_list(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.funds_project(request.user, project_id)
    if request.method == "POST":
        access.require(request.user, "funds.claim", project)
    today = _today()
    form = ClaimForm(
        request.POST or None,
        project=project,
        initial={
            "period_start": today.replace(day=1),
            "period_end": today,
            "from_progress": True,
            "change_orders": True,
            "day_labour": True,
        },
    )

    def create(data: dict[str, Any]) -> HttpResponse:
        claim = services.claim_create(actor=request.user, project=project, **form.service_args())
        messages.success(
            request,
            _("Claim %(claim)s drafted: %(amount)s claimed.")
            % {"claim": str(claim), "amount": f"{claim.claimed_amount:,.2f}"},
        )
        return redirect("funds:claim_detail", project_id=project.pk, claim_id=claim.pk)

    return _register(request, project, form, create, selectors.claim_list(project), "claim")


def _claim(request: HttpRequest, project_id: int, claim_id: int, code: str) -> Claim:
    claim = selectors.claim_get(request.user, claim_id, code)
    if claim.project_id != project_id:
        raise Http404
    return claim


def _claim_page(request: HttpRequest, claim: Claim, status: int = 200, **bound: Any) -> Any:
    lines = list(
        selectors.claim_line_list(claim).select_related("contract_line", "change_order", "ticket")
    )
    received = selectors.claim_received(claim)
    left = claim.amount_due - received
    today = _today()
    return _page(
        request,
        "funds/claim_detail.html",
        claim.project,
        "claims",
        status=status,
        claim=claim,
        lines=lines,
        received=received,
        left=left,
        receipts=list(claim.receipts.order_by("date", "id")),
        advance_left=selectors.advance_outstanding(claim.contract, exclude_claim=claim.pk),
        retention_cap=selectors.retention_cap(claim.contract),
        retention_withheld=selectors.retention_withheld(claim.contract, exclude_claim=claim.pk),
        action_form=bound.get("action_form") or _Empty(),
        line_form=bound.get("line_form") or ClaimLineForm(),
        certify_form=bound.get("certify_form")
        or CertifyForm(
            lines=lines,
            initial={
                "certified_on": today,
                "payment_ratio": claim.payment_ratio,
                "retention_percent": claim.retention_percent,
            },
        ),
        invoice_form=bound.get("invoice_form") or InvoiceForm(initial={"invoiced_on": today}),
        receipt_form=bound.get("receipt_form")
        or ReceiptForm(
            initial={
                "date": today,
                "amount": left if left > 0 else None,
                "currency": claim.currency,
            }
        ),
    )


def _line_fields(exc: SitebookError) -> None:
    """The service names a line `line_amounts.<id>`; the form's field is `line-<id>`."""
    for error in exc.errors:
        if error["field"].startswith("line_amounts."):
            error["field"] = "line-" + error["field"].split(".", 1)[1]


CLAIM_ACTIONS = {
    "submit": "funds.claim",
    "withdraw": "funds.claim",
    "line": "funds.claim",
    "line_remove": "funds.claim",
    "certify": "funds.certify",
    "reject": "funds.certify",
    "invoice": "funds.certify",
    "receipt": "funds.receive",
}


@login_required
def claim_detail(request: HttpRequest, project_id: int, claim_id: int) -> HttpResponse:
    return _claim_page(request, _claim(request, project_id, claim_id, "funds.view"))


@login_required
@require_POST
def claim_action(request: HttpRequest, project_id: int, claim_id: int, action: str) -> HttpResponse:
    if action not in CLAIM_ACTIONS:
        raise Http404
    claim = _claim(request, project_id, claim_id, CLAIM_ACTIONS[action])
    user, version = request.user, _version(request)
    back = redirect("funds:claim_detail", project_id=project_id, claim_id=claim.pk)
    form: forms.Form
    key = "action_form"
    run: Callable[[dict[str, Any]], Any]
    if action == "submit":
        form, done_text = _Empty(request.POST), _("Claim submitted to the owner.")

        def run(data: dict[str, Any]) -> Any:
            return services.claim_submit(actor=user, claim=claim, version=version)

    elif action == "withdraw":
        form, done_text = _Empty(request.POST), _("Claim withdrawn.")

        def run(data: dict[str, Any]) -> Any:
            return services.claim_withdraw(actor=user, claim=claim, version=version)

    elif action == "reject":
        form, done_text = _Empty(request.POST), _("Claim rejected.")

        def run(data: dict[str, Any]) -> Any:
            return services.claim_reject(
                actor=user, claim=claim, version=version, note=request.POST.get("note", "")
            )

    elif action == "line":
        form, key, done_text = ClaimLineForm(request.POST), "line_form", _("Line added.")

        def run(data: dict[str, Any]) -> Any:
            return services.claim_line_add(actor=user, claim=claim, version=version, **data)

    elif action == "line_remove":
        form, done_text = _Empty(request.POST), _("Line removed.")

        def run(data: dict[str, Any]) -> Any:
            try:
                line_id = int(request.POST.get("line_id") or 0)
            except ValueError:
                line_id = 0
            return services.claim_line_remove(
                actor=user, claim=claim, version=version, line_id=line_id
            )

    elif action == "certify":
        lines = list(selectors.claim_line_list(claim))
        certify = CertifyForm(request.POST, lines=lines)
        form, key, done_text = certify, "certify_form", _("Claim certified.")

        def run(data: dict[str, Any]) -> Any:
            try:
                return services.claim_certify(
                    actor=user, claim=claim, version=version, **certify.service_args()
                )
            except SitebookError as exc:
                _line_fields(exc)
                raise

    elif action == "invoice":
        form, key, done_text = InvoiceForm(request.POST), "invoice_form", _("Invoice recorded.")

        def run(data: dict[str, Any]) -> Any:
            return services.claim_invoice(actor=user, claim=claim, version=version, **data)

    else:  # receipt
        form, key, done_text = ReceiptForm(request.POST), "receipt_form", _("Receipt recorded.")

        def run(data: dict[str, Any]) -> Any:
            return services.receipt_create(actor=user, claim=claim, **data)

    def act(data: dict[str, Any]) -> HttpResponse:
        run(data)
        messages.success(request, done_text)
        return back

    done, status = submit(request, form, act)
    if done:
        return done
    fresh = _claim(request, project_id, claim_id, "funds.view")
    return _claim_page(request, fresh, status, **{"action_form" if _only_top(form) else key: form})


# --- payables ------------------------------------------------------------------------------------


@login_required
def payable_list(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.funds_project(request.user, project_id)
    if request.method == "POST":
        access.require(request.user, "funds.payable", project)
    form = PayableForm(
        request.POST or None,
        project=project,
        initial={"invoice_date": _today(), "currency": project.currency},
    )

    def create(data: dict[str, Any]) -> HttpResponse:
        payable = services.payable_create(
            actor=request.user, project=project, **form.service_args()
        )
        messages.success(request, _("Invoice %(number)s recorded.") % {"number": payable.number})
        return redirect("funds:payable_detail", project_id=project.pk, payable_id=payable.pk)

    return _register(request, project, form, create, selectors.payable_list(project), "payable")


def _payable(request: HttpRequest, project_id: int, payable_id: int, code: str) -> Payable:
    payable = selectors.payable_get(request.user, payable_id, code)
    if payable.project_id != project_id:
        raise Http404
    return payable


def _payable_page(
    request: HttpRequest,
    payable: Payable,
    status: int = 200,
    *,
    action_form: forms.Form | None = None,
    request_form: forms.Form | None = None,
    pay_form: tuple[int, forms.Form] | None = None,
) -> Any:
    paid = selectors.payable_paid(payable)
    requested = selectors.payable_requested(payable)
    left = payable.approved_amount - paid - requested
    today = _today()
    requests = list(payable.requests.select_related("approved_by").order_by("id"))
    payments = {p.request_id: p for p in payable.payments.all()}
    rows = []
    for req in requests:
        if pay_form is not None and pay_form[0] == req.pk:
            form = pay_form[1]
        else:
            form = PaymentForm(
                initial={"date": today, "amount": req.amount, "currency": payable.currency},
                prefix=f"pay{req.pk}",
            )
        rows.append((req, payments.get(req.pk), form))
    return _page(
        request,
        "funds/payable_detail.html",
        payable.project,
        "payables",
        status=status,
        payable=payable,
        paid=paid,
        requested=requested,
        left=left,
        rows=rows,
        action_form=action_form or _Empty(),
        request_form=request_form
        or PaymentRequestForm(
            initial={"requested_on": today, "amount": left if left > 0 else None}
        ),
    )


@login_required
def payable_detail(request: HttpRequest, project_id: int, payable_id: int) -> HttpResponse:
    return _payable_page(request, _payable(request, project_id, payable_id, "funds.view"))


PAYABLE_ACTIONS = {
    "approve": "funds.approve",
    "reject": "funds.approve",
    "request": "funds.payable",
}


@login_required
@require_POST
def payable_action(
    request: HttpRequest, project_id: int, payable_id: int, action: str
) -> HttpResponse:
    if action not in PAYABLE_ACTIONS:
        raise Http404
    payable = _payable(request, project_id, payable_id, PAYABLE_ACTIONS[action])
    user, version = request.user, _version(request)
    form: forms.Form
    if action == "request":
        form = PaymentRequestForm(request.POST)

        def act(data: dict[str, Any]) -> HttpResponse:
            services.payment_request_create(actor=user, payable=payable, **data)
            messages.success(request, _("Payment requested."))
            return redirect("funds:payable_detail", project_id=project_id, payable_id=payable.pk)

    else:
        form = _Empty(request.POST)

        def act(data: dict[str, Any]) -> HttpResponse:
            if action == "approve":
                services.payable_approve(actor=user, payable=payable, version=version)
                messages.success(request, _("Invoice approved."))
            else:
                services.payable_reject(actor=user, payable=payable, version=version)
                messages.success(request, _("Invoice rejected."))
            return redirect("funds:payable_detail", project_id=project_id, payable_id=payable.pk)

    done, status = submit(request, form, act)
    if done:
        return done
    fresh = _payable(request, project_id, payable_id, "funds.view")
    if action == "request" and not _only_top(form):
        return _payable_page(request, fresh, status, request_form=form)
    return _payable_page(request, fresh, status, action_form=form)


REQUEST_ACTIONS = {"approve": "funds.approve", "reject": "funds.approve", "pay": "funds.pay"}


@login_required
@require_POST
def request_action(
    request: HttpRequest, project_id: int, request_id: int, action: str
) -> HttpResponse:
    if action not in REQUEST_ACTIONS:
        raise Http404
    req: PaymentRequest = selectors.payment_request_get(
        request.user, request_id, REQUEST_ACTIONS[action]
    )
    if req.project_id != project_id:
        raise Http404
    user, version = request.user, _version(request)
    back = redirect("funds:payable_detail", project_id=project_id, payable_id=req.payable_id)
    form: forms.Form
    if action == "pay":
        form = PaymentForm(request.POST, prefix=f"pay{req.pk}")

        def act(data: dict[str, Any]) -> HttpResponse:
            payment = services.payment_create(actor=user, request=req, **data)
            messages.success(request, _("Paid %(amount)s.") % {"amount": f"{payment.amount:,.2f}"})
            return back

    else:
        form = _Empty(request.POST)

        def act(data: dict[str, Any]) -> HttpResponse:
            if action == "approve":
                services.payment_request_approve(actor=user, request=req, version=version)
                messages.success(request, _("Payment request approved."))
            else:
                services.payment_request_reject(actor=user, request=req, version=version)
                messages.success(request, _("Payment request rejected."))
            return back

    done, status = submit(request, form, act)
    if done:
        return done
    payable = _payable(request, project_id, req.payable_id, "funds.view")
    if action == "pay" and not _only_top(form):
        return _payable_page(request, payable, status, pay_form=(req.pk, form))
    return _payable_page(request, payable, status, action_form=form)


# --- advances and retention ----------------------------------------------------------------------


def _advance_summary(project: Project) -> list[dict[str, Any]]:
    """Per contract: advanced (ledger, net of reversals) and recovered by claims/payables."""
    advanced = {
        r["contract_id"]: abs(r["i"] - r["o"])
        for r in LedgerEntry.objects.filter(project=project, advance__isnull=False)
        .values("contract_id")
        .annotate(
            i=fen_sum("amount", when=Q(direction=IN)),
            o=fen_sum("amount", when=Q(direction=LedgerEntry.Direction.OUT)),
        )
        .order_by()
    }
    if not advanced:
        return []
    recovered: dict[int, int] = {}
    for model, statuses in (
        (Claim, selectors.CLAIM_COUNTED),
        (Payable, selectors.PAYABLE_COUNTED),
    ):
        for cid, fen in (
            model.objects.filter(contract_id__in=advanced, status__in=statuses)  # type: ignore[attr-defined]
            .values("contract_id")
            .annotate(s=fen_sum("advance_recovery"))
            .values_list("contract_id", "s")
            .order_by()
        ):
            recovered[cid] = recovered.get(cid, 0) + fen
    out = []
    for contract in Contract.objects.filter(pk__in=advanced).order_by("code"):
        given, back = from_fen(advanced[contract.pk]), from_fen(recovered.get(contract.pk, 0))
        out.append(
            {"contract": contract, "advanced": given, "recovered": back, "left": given - back}
        )
    return out


@login_required
def advances(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.funds_project(request.user, project_id)
    form = AdvanceForm(
        request.POST or None,
        project=project,
        initial={"date": _today(), "currency": project.currency},
    )

    def create(data: dict[str, Any]) -> HttpResponse:
        services.advance_create(actor=request.user, project=project, **form.service_args())
        messages.success(request, _("Advance recorded."))
        return redirect("funds:advances", project_id=project.pk)

    done, status = submit(request, form, create)
    if done:
        return done
    return _page(
        request,
        "funds/advances.html",
        project,
        "advances",
        status=status,
        form=form,
        summary=_advance_summary(project),
        page=paginate(request, selectors.advance_list(project)),
    )


def _retention_rows(project: Project) -> list[dict[str, Any]]:
    """Per contract with retention: withheld, released, held, cap and when it falls due."""
    contracts = list(Contract.objects.filter(project=project).order_by("code"))
    ids = [c.pk for c in contracts]
    withheld: dict[int, int] = {}
    for model, statuses in (
        (Claim, selectors.CLAIM_COUNTED),
        (Payable, selectors.PAYABLE_COUNTED),
    ):
        for cid, fen in (
            model.objects.filter(contract_id__in=ids, status__in=statuses)  # type: ignore[attr-defined]
            .values("contract_id")
            .annotate(s=fen_sum("retention"))
            .values_list("contract_id", "s")
            .order_by()
        ):
            withheld[cid] = withheld.get(cid, 0) + fen
    released = {
        r["contract_id"]: abs(r["i"] - r["o"])
        for r in LedgerEntry.objects.filter(contract_id__in=ids, release__isnull=False)
        .values("contract_id")
        .annotate(
            i=fen_sum("amount", when=Q(direction=IN)),
            o=fen_sum("amount", when=Q(direction=LedgerEntry.Direction.OUT)),
        )
        .order_by()
    }
    terms = {t.contract_id: t for t in ContractTerms.objects.filter(contract_id__in=ids)}
    cap_default, months_default, days_default = selectors.policy(project.organisation_id)
    rows = []
    for c in contracts:
        t = terms.get(c.pk)
        months = (
            t.defects_liability_months if t and t.defects_liability_months is not None else None
        )
        completion = t.completion_date if t else None
        due_on = None
        if completion is not None:
            due_on = selectors.add_months(
                completion, months if months is not None else months_default
            )
        held = from_fen(withheld.get(c.pk, 0) - released.get(c.pk, 0))
        rows.append(
            {
                "contract": c,
                "withheld": from_fen(withheld.get(c.pk, 0)),
                "released": from_fen(released.get(c.pk, 0)),
                "held": held,
                "cap_percent": t.retention_cap_percent
                if t and t.retention_cap_percent is not None
                else cap_default,
                "months": months if months is not None else months_default,
                "certify_days": t.certify_days
                if t and t.certify_days is not None
                else days_default,
                "completion": completion,
                "due_on": due_on,
            }
        )
    return rows


@login_required
def retention(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.funds_project(request.user, project_id)
    action = request.POST.get("action", "release")
    today = _today()
    release_form = ReleaseForm(
        request.POST if action == "release" else None,
        project=project,
        initial={"date": today, "currency": project.currency},
        prefix="release",
    )
    terms_form = TermsForm(
        request.POST if action == "terms" else None, project=project, prefix="terms"
    )

    def release(data: dict[str, Any]) -> HttpResponse:
        done = services.retention_release_create(
            actor=request.user, project=project, **release_form.service_args()
        )
        messages.success(
            request, _("Retention released: %(amount)s.") % {"amount": f"{done.amount:,.2f}"}
        )
        return redirect("funds:retention", project_id=project.pk)

    def terms(data: dict[str, Any]) -> HttpResponse:
        services.contract_terms_set(
            actor=request.user,
            contract=data["contract"],
            completion_date=data["completion_date"],
            defects_liability_months=data["defects_liability_months"],
            retention_cap_percent=data["retention_cap_percent"],
            certify_days=data["certify_days"],
        )
        messages.success(request, _("Saved."))
        return redirect("funds:retention", project_id=project.pk)

    if action == "terms":
        done, status = submit(request, terms_form, terms)
    else:
        done, status = submit(request, release_form, release)
    if done:
        return done
    try:
        days = max(0, min(int(request.GET.get("days") or 90), 3650))
    except ValueError:
        days = 90
    return _page(
        request,
        "funds/retention.html",
        project,
        "retention",
        status=status,
        rows=_retention_rows(project),
        due=selectors.retention_due([project], within_days=days, today=today),
        days=days,
        releases=list(selectors.release_list(project)[:100]),
        release_form=release_form,
        terms_form=terms_form,
    )


# --- ledger and balances -------------------------------------------------------------------------


@login_required
def ledger(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.funds_project(request.user, project_id)
    kind = request.GET.get("kind", "")
    entries = selectors.ledger_list(project).annotate(
        is_reversed=Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk")))
    )
    if kind in LedgerEntry.Kind.values:
        entries = entries.filter(kind=kind)
    else:
        kind = ""
    return _page(
        request,
        "funds/ledger.html",
        project,
        "ledger",
        page=paginate(request, entries),
        kinds=LedgerEntry.Kind.choices,
        kind=kind,
        total=selectors.balances(project, "project")[0],
    )


def _reverse_code(entry: LedgerEntry) -> str:
    return "funds.receive" if entry.direction == IN else "funds.pay"


@login_required
def ledger_reverse(request: HttpRequest, project_id: int, entry_id: int) -> HttpResponse:
    entry = selectors.ledger_entry_get(request.user, entry_id)
    if entry.project_id != project_id:
        raise Http404
    access.require(request.user, _reverse_code(entry), entry.project)
    form = ReverseForm(request.POST or None, initial={"entry_date": _today()})

    def reverse(data: dict[str, Any]) -> HttpResponse:
        services.ledger_reverse(
            actor=request.user, entry=entry, memo=data["memo"], entry_date=data["entry_date"]
        )
        messages.success(request, _("Entry reversed."))
        return redirect("funds:ledger", project_id=project_id)

    done, status = submit(request, form, reverse)
    if done:
        return done
    return _page(
        request,
        "funds/ledger_reverse.html",
        entry.project,
        "ledger",
        status=status,
        entry=entry,
        form=form,
        reversed=LedgerEntry.objects.filter(reverses=entry).first(),
    )


BALANCE_KEYS = ("contract", "counterparty", "month")


@login_required
def balances(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.funds_project(request.user, project_id)
    by = request.GET.get("by", "contract")
    if by not in BALANCE_KEYS:
        by = "contract"
    rows = selectors.balances(project, by)
    keys = [("contract", _("Contract")), ("counterparty", _("Counterparty")), ("month", _("Month"))]
    return _page(
        request,
        "funds/balances.html",
        project,
        "balances",
        by=by,
        keys=keys,
        rows=rows,
        total=selectors.balances(project, "project")[0],
    )


@login_required
def ageing_report(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.funds_project(request.user, project_id)
    today = _today()
    return _page(
        request,
        "funds/ageing.html",
        project,
        "ageing",
        reports=[ageing.receivables(project, today), ageing.payables(project, today)],
    )


# --- card and export -----------------------------------------------------------------------------


@login_required
def card(request: HttpRequest, project_id: int) -> HttpResponse:
    """The funds card of the project overview (loaded by htmx)."""
    project = selectors.funds_project(request.user, project_id)
    # The next retention release at any distance, not only the next month's.
    figures = selectors.funds_card(project, within_days=3660)
    return render(
        request,
        "funds/_card.html",
        {
            "project": project,
            "card": figures,
            "retention_held": figures.retention_held_by_owner + figures.retention_held_from_subs,
            "next_release": figures.retention_due_soon[0] if figures.retention_due_soon else None,
        },
    )


EXPORTS = ("claims", "payables", "ledger", "ageing")


@login_required
def export(request: HttpRequest, project_id: int, what: str) -> HttpResponse:
    if what not in EXPORTS:
        raise Http404
    project = selectors.funds_project(request.user, project_id)
    today = _today()
    if what == "claims":
        claims = list(selectors.claim_list(project).order_by("contract__code", "number"))
        received = ageing.settled_by("claim", [c.pk for c in claims], 1)
        content = excel.claims_register(project, claims, received)
    elif what == "payables":
        payables = list(selectors.payable_list(project).order_by("invoice_date", "id"))
        paid = ageing.settled_by("payable", [p.pk for p in payables], -1)
        content = excel.payables_register(project, payables, paid)
    elif what == "ledger":
        entries = selectors.ledger_list(project).order_by("entry_date", "id")
        content = excel.ledger(project, entries.iterator(chunk_size=2000))
    else:
        content = excel.ageing_workbook(
            project, [ageing.receivables(project, today), ageing.payables(project, today)]
        )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{project.code}-funds-{what}.xlsx"'
    return response
