"""Writes of the funds centre. Each service checks permission, validates, and writes in one
transaction; rows that bound an amount (the claim a receipt is against, the payable and the
payment request a payment is for) are locked with SELECT ... FOR UPDATE before what is left
is computed, so concurrent requests cannot together pay or receive more than allowed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitebook.core.errors import Conflict, InvalidInput
from sitebook.core.services import apply_changes, lock_for_update, service, validate
from sitebook.costs.models import ChangeOrder, Contract, ContractLine, ProgressEntry
from sitebook.costs.money import ZERO, line_amount, to_fen
from sitebook.funds import selectors
from sitebook.funds.models import (
    MAX_CERTIFY_DAYS,
    Advance,
    Claim,
    ClaimLine,
    ContractTerms,
    FundsPolicy,
    LedgerEntry,
    LedgerImmutable,
    Payable,
    Payment,
    PaymentRequest,
    Receipt,
    RetentionRelease,
)
from sitebook.labour import selectors as labour_selectors
from sitebook.projects import access
from sitebook.projects.models import Project

IN, OUT = LedgerEntry.Direction.IN, LedgerEntry.Direction.OUT
Kind = LedgerEntry.Kind
QTY = Decimal("0.0001")


# --- checks ------------------------------------------------------------------------------------


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


def _money(value: Any, field: str, *, positive: bool = False, negative: bool = False) -> Decimal:
    """An amount to the fen: above zero if `positive`, below zero allowed if `negative`."""
    if value is None:
        raise InvalidInput.field(field, _("This field is required."))
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError as exc:
            raise InvalidInput.field(field, _("Enter a number.")) from exc
    if not value.is_finite() or value != to_fen(value):
        raise InvalidInput.field(field, _("Enter an amount with at most two decimal places."))
    if positive and value <= 0:
        raise InvalidInput.field(field, _("Enter an amount above zero."))
    if value < 0 and not negative:
        raise InvalidInput.field(field, _("Enter an amount of zero or more."))
    return value


def _percent(value: Any, field: str) -> Decimal:
    try:
        value = Decimal(str(value))
    except ArithmeticError as exc:
        raise InvalidInput.field(field, _("Enter a number.")) from exc
    if not value.is_finite():
        raise InvalidInput.field(field, _("Enter a number."))
    if not (0 <= value <= 100):
        raise InvalidInput.field(field, _("Enter a percentage from 0 to 100."))
    return value


def _days(value: Any, field: str, most: int) -> int:
    """A whole number of days from 0 to `most`, else refused naming the field."""
    if isinstance(value, bool):
        raise InvalidInput.field(field, _("Enter a whole number of days."))
    try:
        days = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput.field(field, _("Enter a whole number of days.")) from exc
    if days != value and str(days) != str(value).strip():
        raise InvalidInput.field(field, _("Enter a whole number of days."))
    if not 0 <= days <= most:
        raise InvalidInput.field(
            field, _("Enter a number of days from 0 to %(most)s.") % {"most": most}
        )
    return days


def _currency(project: Project, currency: str | None) -> str:
    """The project's currency; any other is refused naming the field."""
    if currency is None or currency == "":
        return project.currency
    if currency.upper() != project.currency:
        raise InvalidInput.field(
            "currency",
            _("The currency %(given)s does not match %(expected)s, the currency of this project.")
            % {"given": currency, "expected": project.currency},
        )
    return project.currency


def _contract(project: Project, contract_id: int | None, *, income: bool) -> Contract:
    contract = (
        Contract.objects.filter(project=project, pk=contract_id).first() if contract_id else None
    )
    if contract is None:
        raise InvalidInput.field("contract_id", _("Choose a contract of this project."))
    if contract.is_income != income:
        raise InvalidInput.field(
            "contract_id",
            _("Choose the income (main) contract.")
            if income
            else _("Choose a subcontract or purchase contract."),
        )
    if contract.status != Contract.Status.ACTIVE:
        raise InvalidInput.field(
            "contract_id",
            _("Contract %(code)s is not in force.") % {"code": contract.code},
        )
    return contract


def _lock_contract(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=contract.pk)
    )


def _retention_rate(contract: Contract, rate: Any) -> Decimal:
    """The retention rate to apply: the given one or the contract's, never above the cap."""
    value = _percent(contract.retention_percent if rate is None else rate, "retention_percent")
    cap = selectors.contract_terms(contract).retention_cap_percent
    if value > cap:
        raise InvalidInput.field(
            "retention_percent",
            _("The retention rate %(rate)s%% is above the cap of %(cap)s%% of the settlement.")
            % {"rate": value, "cap": cap},
        )
    return value


def _retention(
    contract: Contract, base: Decimal, rate: Decimal, *, exclude_claim: int | None = None
) -> Decimal:
    """Rate x base, limited so the contract's retention never passes its cap."""
    room = selectors.retention_cap(contract) - selectors.retention_withheld(
        contract, exclude_claim=exclude_claim
    )
    return max(ZERO, min(to_fen(base * rate / 100), room))


def _move(obj: Any, frm: tuple[str, ...], to: str, changes: dict[str, Any] | None = None) -> Any:
    """Change the status of a locked row (version bumped, change recorded)."""
    if obj.status not in frm:
        raise Conflict(
            _("This cannot be done while the status is %(status)s.")
            % {"status": obj.get_status_display()},
            [{"field": "status", "message": _("Not allowed in this status.")}],
        )
    return apply_changes(obj, {"status": to, **(changes or {})}, version=None)


def _post(
    *,
    project: Project,
    kind: str,
    direction: str,
    amount: Decimal,
    currency: str,
    entry_date: date,
    contract: Contract | None,
    memo: str = "",
    **links: Any,
) -> LedgerEntry:
    entry = LedgerEntry(
        organisation_id=project.organisation_id,
        project=project,
        entry_date=entry_date,
        direction=direction,
        amount=amount,
        currency=currency,
        kind=kind,
        contract=contract,
        counterparty=contract.counterparty if contract is not None else "",
        memo=memo,
        **links,
    )
    validate(entry)
    entry.save()
    return entry


# --- policy and contract terms ------------------------------------------------------------------


@service
def funds_policy_set(
    *,
    actor: Any,
    organisation_id: int,
    retention_cap_percent: Decimal | None = None,
    defects_liability_months: int | None = None,
    certify_days: int | None = None,
) -> FundsPolicy:
    """Set the organisation's defaults; a value left out (None) is kept."""
    access.require(actor, "funds.approve", organisation_id=organisation_id)
    changes: dict[str, Any] = {}
    if retention_cap_percent is not None:
        changes["retention_cap_percent"] = _percent(retention_cap_percent, "retention_cap_percent")
    if defects_liability_months is not None:
        changes["defects_liability_months"] = defects_liability_months
    if certify_days is not None:
        changes["certify_days"] = _days(certify_days, "certify_days", MAX_CERTIFY_DAYS)
    with transaction.atomic():
        row = (
            FundsPolicy.objects.select_for_update().filter(organisation_id=organisation_id).first()
        )
        if row is None:
            row = FundsPolicy(organisation_id=organisation_id, **changes)
            validate(row)
            row.save()
            return row
        return apply_changes(row, changes, version=None)


@service
def contract_terms_set(
    *,
    actor: Any,
    contract: Contract,
    retention_cap_percent: Decimal | None = None,
    defects_liability_months: int | None = None,
    completion_date: date | None = None,
    certify_days: int | None = None,
) -> ContractTerms:
    """Set a contract's retention cap, defects liability period, completion date and days to
    certify a month-end claim; None leaves a term to the organisation's policy."""
    access.require(actor, "funds.approve", contract.project)
    changes: dict[str, Any] = {
        "retention_cap_percent": None
        if retention_cap_percent is None
        else _percent(retention_cap_percent, "retention_cap_percent"),
        "defects_liability_months": defects_liability_months,
        "completion_date": completion_date,
        "certify_days": None
        if certify_days is None
        else _days(certify_days, "certify_days", MAX_CERTIFY_DAYS),
    }
    with transaction.atomic():
        _lock_contract(contract)
        row = ContractTerms.objects.filter(contract=contract).first()
        if row is None:
            row = ContractTerms(
                organisation_id=contract.organisation_id,
                project_id=contract.project_id,
                contract=contract,
                **changes,
            )
            validate(row)
            row.save()
        else:
            row = apply_changes(row, changes, version=None)
        cap = selectors.retention_cap(contract)
        if selectors.retention_withheld(contract) > cap:
            raise InvalidInput.field(
                "retention_cap_percent",
                _("Retention already withheld on this contract is above the new cap (%(cap)s).")
                % {"cap": _fmt(cap)},
            )
    return row


# --- claims ------------------------------------------------------------------------------------


def _progress(project: Project, as_of: date) -> dict[int, Decimal]:
    """{cost code id: latest percent complete on or before `as_of`}."""
    latest: dict[int, Decimal] = {}
    for cc_id, pct in (
        ProgressEntry.objects.filter(project=project, date__lte=as_of)
        .order_by("date", "id")
        .values_list("cost_code_id", "percent_complete")
    ):
        latest[cc_id] = pct
    return latest


def _boq_lines(claim: Claim) -> list[ClaimLine]:
    """Lines from measured progress: quantity to date x rate less what was claimed before."""
    contract_lines = list(
        ContractLine.objects.filter(contract=claim.contract, cost_code__isnull=False).order_by("id")
    )
    progress = _progress(claim.project, claim.period_end)
    before = selectors.claimed_before([cl.pk for cl in contract_lines], exclude_claim=claim.pk)
    lines = []
    for cl in contract_lines:
        pct = progress.get(cl.cost_code_id or 0)
        if not pct:
            continue
        qty_to_date = (cl.quantity * pct / 100).quantize(QTY)
        value_to_date = line_amount(qty_to_date, cl.unit_rate)
        qty_before, amount_before = before.get(cl.pk, (Decimal(0), ZERO))
        amount = value_to_date - amount_before
        if amount <= 0:
            continue
        lines.append(
            ClaimLine(
                source=ClaimLine.Source.BOQ,
                contract_line=cl,
                description=cl.description,
                unit=cl.unit,
                quantity_to_date=qty_to_date,
                quantity=qty_to_date - qty_before,
                unit_rate=cl.unit_rate,
                amount=amount,
            )
        )
    return lines


def _change_order_lines(claim: Claim) -> list[ClaimLine]:
    """Approved change orders of the contract decided by the period end, not yet claimed:
    additions as positive lines, omissions (negative orders) as negative lines."""
    orders = (
        ChangeOrder.objects.filter(
            contract=claim.contract,
            status=ChangeOrder.Status.APPROVED,
            decided_at__date__lte=claim.period_end,
        )
        .exclude(amount=0)
        .exclude(claim_lines__superseded=False)
        .order_by("code", "id")
    )
    return [
        ClaimLine(
            source=ClaimLine.Source.CHANGE_ORDER,
            change_order=co,
            description=f"{co.code} {co.title}",
            amount=co.amount,
        )
        for co in orders
    ]


def _ticket_lines(claim: Claim) -> list[ClaimLine]:
    """Recoverable day-labour tickets the owner accepted, worked by the period end."""
    tickets = (
        labour_selectors.claimable(claim.project)
        .filter(work_date__lte=claim.period_end, total__gt=0)
        .exclude(claim_lines__superseded=False)
    )
    return [
        ClaimLine(
            source=ClaimLine.Source.DAY_LABOUR,
            ticket=t,
            description=_("Day-labour ticket %(number)s (%(date)s)")
            % {"number": t.number, "date": t.work_date.isoformat()},
            amount=t.total,
        )
        for t in tickets
    ]


def _save_lines(claim: Claim, lines: list[ClaimLine]) -> None:
    for line in lines:
        line.organisation_id = claim.organisation_id
        line.project_id = claim.project_id
        line.claim = claim
        validate(line, exclude=["claim"])
        line.save()


def _not_below_zero(total: Decimal, omitted: Decimal, field: str) -> None:
    """Refuse a claim whose omissions (negative change orders) take it below zero."""
    if total < 0:
        raise InvalidInput.field(
            field,
            _(
                "Approved omissions (%(omitted)s) are more than the rest of the claim, which "
                "would come to %(total)s; a claim cannot be below zero. Claim them with a later "
                "period's work."
            )
            % {"omitted": _fmt(omitted), "total": _fmt(total)},
        )


def _refresh_claimed(claim: Claim, field: str) -> Claim:
    amounts = list(claim.lines.values_list("amount", flat=True))
    total = sum(amounts, ZERO)
    _not_below_zero(total, sum((a for a in amounts if a < 0), ZERO), field)
    return apply_changes(claim, {"claimed_amount": total}, version=None)


@service
def claim_create(
    *,
    actor: Any,
    project: Project,
    contract_id: int,
    period_start: date,
    period_end: date,
    payment_ratio: Decimal | None = None,
    from_progress: bool = True,
    change_orders: bool = True,
    day_labour: bool = True,
    other_lines: list[dict[str, Any]] | None = None,
    note: str = "",
) -> Claim:
    """A draft claim for the period, its lines built from measured progress, approved change
    orders (omissions as negative lines) and accepted day-labour tickets (each claimed once),
    plus any `other_lines`; refused naming `change_orders` if omissions take it below zero."""
    access.require(actor, "funds.claim", project)
    contract = _contract(project, contract_id, income=True)
    if period_end < period_start:
        raise InvalidInput.field("period_end", _("The period ends before it starts."))
    ratio = _percent(
        contract.progress_payment_percent if payment_ratio is None else payment_ratio,
        "payment_ratio",
    )
    extra = []
    for i, row in enumerate(other_lines or []):
        description = str(row.get("description") or "").strip()
        if not description:
            raise InvalidInput.field(f"other_lines.{i}.description", _("Describe the line."))
        amount = _money(row.get("amount"), f"other_lines.{i}.amount", positive=True)
        extra.append(
            ClaimLine(source=ClaimLine.Source.OTHER, description=description[:300], amount=amount)
        )
    with transaction.atomic():
        contract = _lock_contract(contract)
        last = Claim.objects.filter(contract=contract).order_by("-number").first()
        claim = Claim(
            organisation_id=project.organisation_id,
            project=project,
            contract=contract,
            number=(last.number + 1) if last else 1,
            period_start=period_start,
            period_end=period_end,
            currency=project.currency,
            payment_ratio=ratio,
            retention_percent=contract.retention_percent,
            note=note.strip()[:300],
        )
        lines = []
        if from_progress:
            lines += _boq_lines(claim)
        if change_orders:
            lines += _change_order_lines(claim)
        if day_labour:
            lines += _ticket_lines(claim)
        lines += extra
        if not lines:
            raise InvalidInput.field(
                "period_end",
                _(
                    "Nothing to claim up to %(date)s: no new measured progress, approved change "
                    "order or accepted day-labour ticket."
                )
                % {"date": period_end.isoformat()},
            )
        claim.claimed_amount = sum((line.amount for line in lines), ZERO)
        omitted = sum((line.amount for line in lines if line.amount < 0), ZERO)
        _not_below_zero(claim.claimed_amount, omitted, "change_orders")
        validate(claim)
        claim.save()
        _save_lines(claim, lines)
    return claim


def _draft(claim: Claim, version: int | None) -> Claim:
    locked = lock_for_update(claim, version=version)
    if locked.status != Claim.Status.DRAFT:
        raise Conflict(
            _("Only a draft claim can be changed."),
            [{"field": "status", "message": _("The claim is no longer a draft.")}],
        )
    return locked


@service
def claim_line_add(
    *, actor: Any, claim: Claim, version: int, description: str, amount: Decimal
) -> ClaimLine:
    """Add an "other" line (e.g. a measured item outside the BOQ) to a draft claim."""
    access.require(actor, "funds.claim", claim.project)
    amount = _money(amount, "amount", positive=True)
    if not description.strip():
        raise InvalidInput.field("description", _("Describe the line."))
    with transaction.atomic():
        locked = _draft(claim, version)
        line = ClaimLine(
            source=ClaimLine.Source.OTHER, description=description.strip(), amount=amount
        )
        _save_lines(locked, [line])
        _refresh_claimed(locked, "amount")
    return line


@service
def claim_line_remove(*, actor: Any, claim: Claim, version: int, line_id: int) -> Claim:
    """Take a line off a draft claim; its ticket or change order may be claimed again."""
    access.require(actor, "funds.claim", claim.project)
    with transaction.atomic():
        locked = _draft(claim, version)
        line = ClaimLine.objects.filter(claim=locked, pk=line_id).first()
        if line is None:
            raise InvalidInput.field("line_id", _("Choose a line of this claim."))
        line.delete()
        return _refresh_claimed(locked, "line_id")


@service
def claim_submit(
    *, actor: Any, claim: Claim, version: int, submitted_on: date | None = None
) -> Claim:
    access.require(actor, "funds.claim", claim.project)
    with transaction.atomic():
        locked = _draft(claim, version)
        if locked.claimed_amount <= 0:
            raise InvalidInput.field("claimed_amount", _("The claim has nothing to claim."))
        return _move(
            locked,
            (Claim.Status.DRAFT,),
            Claim.Status.SUBMITTED,
            {"submitted_on": submitted_on or timezone.localdate()},
        )


def _supersede(claim: Claim) -> None:
    for line in claim.lines.filter(superseded=False):
        line.superseded = True
        line.save()


@service
def claim_withdraw(*, actor: Any, claim: Claim, version: int) -> Claim:
    """Withdraw a draft or submitted claim; its lines may be claimed again."""
    access.require(actor, "funds.claim", claim.project)
    with transaction.atomic():
        locked = lock_for_update(claim, version=version)
        moved = _move(locked, (Claim.Status.DRAFT, Claim.Status.SUBMITTED), Claim.Status.WITHDRAWN)
        _supersede(moved)
    return moved


@service
def claim_reject(*, actor: Any, claim: Claim, version: int, note: str = "") -> Claim:
    """The owner refused a submitted claim; its lines may be claimed again."""
    access.require(actor, "funds.certify", claim.project)
    with transaction.atomic():
        locked = lock_for_update(claim, version=version)
        moved = _move(
            locked,
            (Claim.Status.SUBMITTED,),
            Claim.Status.REJECTED,
            {"note": (note.strip() or locked.note)[:300]},
        )
        _supersede(moved)
    return moved


@service
def claim_certify(
    *,
    actor: Any,
    claim: Claim,
    version: int,
    certified_amount: Decimal | None = None,
    line_amounts: dict[int, Decimal] | None = None,
    certified_on: date | None = None,
    payment_ratio: Decimal | None = None,
    retention_percent: Decimal | None = None,
    advance_recovery: Decimal = ZERO,
    deductions: Decimal = ZERO,
) -> Claim:
    """Record the owner's certificate (签证/审核): the certified value, never above what was
    claimed; retention (rate x certified, within the contract's cap) and the amount due
    (certified x payment ratio - advance recovery - retention - deductions, never below 0)."""
    access.require(actor, "funds.certify", claim.project)
    advance_recovery = _money(advance_recovery, "advance_recovery")
    deductions = _money(deductions, "deductions")
    with transaction.atomic():
        contract = _lock_contract(claim.contract)
        locked = lock_for_update(claim, version=version)
        if locked.status != Claim.Status.SUBMITTED:
            raise Conflict(
                _("Only a submitted claim can be certified."),
                [{"field": "status", "message": _("The claim is not submitted.")}],
            )
        lines = {line.pk: line for line in locked.lines.all()}
        if line_amounts:
            for line_id, value in line_amounts.items():
                line = lines.get(int(line_id))
                field = f"line_amounts.{line_id}"
                if line is None:
                    raise InvalidInput.field(field, _("Choose a line of this claim."))
                # An omission's line is negative: it may be certified at more off.
                value = _money(value, field, negative=line.amount < 0)
                if value > line.amount:
                    raise InvalidInput.field(
                        field,
                        _("The certified amount %(c)s is above the claimed %(a)s.")
                        % {"c": _fmt(value), "a": _fmt(line.amount)},
                    )
                line.certified_amount = value
            for line in lines.values():
                if line.certified_amount is None:
                    line.certified_amount = line.amount
            total = sum((line.certified_amount or ZERO for line in lines.values()), ZERO)
            if total < 0:
                raise InvalidInput.field(
                    "certified_amount",
                    _("The certified lines come to %(s)s: a certificate cannot be below zero.")
                    % {"s": _fmt(total)},
                )
            if (
                certified_amount is not None
                and _money(certified_amount, "certified_amount") != total
            ):
                raise InvalidInput.field(
                    "certified_amount",
                    _("The certified amount differs from the sum of the certified lines (%(s)s).")
                    % {"s": _fmt(total)},
                )
        else:
            total = (
                locked.claimed_amount
                if certified_amount is None
                else _money(certified_amount, "certified_amount")
            )
            if total == locked.claimed_amount:
                for line in lines.values():
                    line.certified_amount = line.amount
        if total > locked.claimed_amount:
            raise InvalidInput.field(
                "certified_amount",
                _("The certified amount %(c)s is above the claimed %(a)s.")
                % {"c": _fmt(total), "a": _fmt(locked.claimed_amount)},
            )
        ratio = _percent(
            locked.payment_ratio if payment_ratio is None else payment_ratio, "payment_ratio"
        )
        rate = _retention_rate(contract, retention_percent)
        retention = _retention(contract, total, rate, exclude_claim=locked.pk)
        outstanding = selectors.advance_outstanding(contract, exclude_claim=locked.pk)
        if advance_recovery > outstanding:
            raise InvalidInput.field(
                "advance_recovery",
                _("Only %(left)s of the advance is left to recover.") % {"left": _fmt(outstanding)},
            )
        payable = to_fen(total * ratio / 100)
        due = payable - advance_recovery - retention - deductions
        if due < 0:
            raise InvalidInput.field(
                "deductions",
                _(
                    "Advance recovery, retention and deductions (%(sum)s) are more than the "
                    "%(ratio)s%% of the certified value payable now (%(payable)s)."
                )
                % {
                    "sum": _fmt(advance_recovery + retention + deductions),
                    "ratio": ratio,
                    "payable": _fmt(payable),
                },
            )
        for line in lines.values():
            if line.certified_amount is not None:
                line.save()
        day = certified_on or timezone.localdate()
        return _move(
            locked,
            (Claim.Status.SUBMITTED,),
            Claim.Status.CERTIFIED,
            {
                "certified_amount": total,
                "payment_ratio": ratio,
                "retention_percent": rate,
                "retention": retention,
                "advance_recovery": advance_recovery,
                "deductions": deductions,
                "amount_due": due,
                "certified_on": day,
                "due_on": day + timedelta(days=contract.payment_days),
            },
        )


@service
def claim_invoice(
    *, actor: Any, claim: Claim, version: int, invoice_number: str, invoiced_on: date | None = None
) -> Claim:
    """Record the invoice issued to the owner for a certified claim."""
    access.require(actor, "funds.certify", claim.project)
    if not invoice_number.strip():
        raise InvalidInput.field("invoice_number", _("Enter the invoice number."))
    with transaction.atomic():
        locked = lock_for_update(claim, version=version)
        changes = {
            "invoice_number": invoice_number.strip(),
            "invoiced_on": invoiced_on or timezone.localdate(),
        }
        if locked.status == Claim.Status.PART_PAID:
            return apply_changes(locked, changes, version=None)
        return _move(locked, (Claim.Status.CERTIFIED,), Claim.Status.INVOICED, changes)


def _claim_status(claim: Claim) -> Claim:
    """Paid in part / paid / back to certified or invoiced, from what the ledger holds."""
    received = selectors.claim_received(claim)
    if received <= 0:
        status = Claim.Status.INVOICED if claim.invoiced_on else Claim.Status.CERTIFIED
    elif received >= claim.amount_due:
        status = Claim.Status.PAID
    else:
        status = Claim.Status.PART_PAID
    if status == claim.status:
        return claim
    return apply_changes(claim, {"status": status}, version=None)


@service
def receipt_create(
    *,
    actor: Any,
    claim: Claim,
    date: date,
    amount: Decimal,
    currency: str | None = None,
    reference: str = "",
) -> Receipt:
    """Money received from the owner against a certified (or invoiced) claim, never more in
    total than the claim's amount due. Posts an incoming ledger entry."""
    access.require(actor, "funds.receive", claim.project)
    amount = _money(amount, "amount", positive=True)
    with transaction.atomic():
        locked = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("contract", "project")
            .get(pk=claim.pk)
        )
        if currency and currency.upper() != locked.currency:
            raise InvalidInput.field(
                "currency",
                _("The currency %(given)s does not match the claim's currency %(expected)s.")
                % {"given": currency, "expected": locked.currency},
            )
        if not locked.receivable:
            raise InvalidInput.field(
                "claim",
                _("Claim %(claim)s is %(status)s: money can be received only on a certified claim.")
                % {"claim": str(locked), "status": locked.get_status_display()},
            )
        left = locked.amount_due - selectors.claim_received(locked)
        if amount > left:
            raise InvalidInput.field(
                "amount",
                _("The receipt %(amount)s is more than the %(left)s still due on the claim.")
                % {"amount": _fmt(amount), "left": _fmt(left)},
            )
        receipt = Receipt(
            organisation_id=locked.organisation_id,
            project=locked.project,
            claim=locked,
            date=date,
            amount=amount,
            currency=locked.currency,
            reference=reference.strip()[:60],
        )
        validate(receipt)
        receipt.save()
        _post(
            project=locked.project,
            kind=Kind.RECEIPT,
            direction=IN,
            amount=amount,
            currency=locked.currency,
            entry_date=date,
            contract=locked.contract,
            claim=locked,
            receipt=receipt,
            memo=_("Receipt on claim %(claim)s") % {"claim": str(locked)},
        )
        _claim_status(locked)
    return receipt


# --- payables, payment requests, payments ------------------------------------------------------


def _payable_figures(
    contract: Contract,
    gross: Decimal,
    rate: Decimal,
    advance_recovery: Decimal,
    deductions: Decimal,
) -> tuple[Decimal, Decimal]:
    """(retention, approved amount) of a subcontractor's invoice."""
    retention = _retention(contract, gross, rate)
    outstanding = selectors.advance_outstanding(contract)
    if advance_recovery > outstanding:
        raise InvalidInput.field(
            "advance_recovery",
            _("Only %(left)s of the advance is left to recover.") % {"left": _fmt(outstanding)},
        )
    approved = gross - retention - advance_recovery - deductions
    if approved < 0:
        raise InvalidInput.field(
            "deductions",
            _(
                "Retention, advance recovery and deductions (%(sum)s) exceed the invoice "
                "(%(gross)s)."
            )
            % {"sum": _fmt(retention + advance_recovery + deductions), "gross": _fmt(gross)},
        )
    return retention, approved


@service
def payable_create(
    *,
    actor: Any,
    project: Project,
    contract_id: int,
    number: str,
    invoice_date: date,
    gross_amount: Decimal,
    currency: str | None = None,
    retention_percent: Decimal | None = None,
    advance_recovery: Decimal = ZERO,
    deductions: Decimal = ZERO,
    description: str = "",
) -> Payable:
    """A subcontractor's or supplier's invoice (draft): retention at the contract's rate
    within its cap, advance recovery and deductions give the amount to approve."""
    access.require(actor, "funds.payable", project)
    contract = _contract(project, contract_id, income=False)
    number = number.strip()
    if not number:
        raise InvalidInput.field("number", _("Enter the invoice number."))
    gross = _money(gross_amount, "gross_amount", positive=True)
    advance_recovery = _money(advance_recovery, "advance_recovery")
    deductions = _money(deductions, "deductions")
    cur = _currency(project, currency)
    rate = _retention_rate(contract, retention_percent)
    with transaction.atomic():
        contract = _lock_contract(contract)
        if Payable.objects.filter(contract=contract, number=number).exists():
            raise InvalidInput.field(
                "number",
                _("Invoice %(number)s of this contract is already recorded.") % {"number": number},
            )
        retention, approved = _payable_figures(contract, gross, rate, advance_recovery, deductions)
        payable = Payable(
            organisation_id=project.organisation_id,
            project=project,
            contract=contract,
            number=number,
            invoice_date=invoice_date,
            description=description.strip()[:300],
            currency=cur,
            gross_amount=gross,
            retention_percent=rate,
            retention=retention,
            advance_recovery=advance_recovery,
            deductions=deductions,
            approved_amount=approved,
            due_on=invoice_date + timedelta(days=contract.payment_days),
        )
        validate(payable)
        payable.save()
    return payable


@service
def payable_approve(
    *, actor: Any, payable: Payable, version: int, approved_on: date | None = None
) -> Payable:
    """Approve a draft payable; retention and the amount to pay are fixed now, within the cap
    as it stands (other invoices approved meanwhile count)."""
    access.require(actor, "funds.approve", payable.project)
    with transaction.atomic():
        contract = _lock_contract(payable.contract)
        locked = lock_for_update(payable, version=version)
        if locked.status != Payable.Status.DRAFT:
            raise Conflict(
                _("Only a draft payable can be approved."),
                [{"field": "status", "message": _("The payable is not a draft.")}],
            )
        rate = _retention_rate(contract, locked.retention_percent)
        retention, approved = _payable_figures(
            contract, locked.gross_amount, rate, locked.advance_recovery, locked.deductions
        )
        return _move(
            locked,
            (Payable.Status.DRAFT,),
            Payable.Status.APPROVED,
            {
                "retention": retention,
                "approved_amount": approved,
                "approved_on": approved_on or timezone.localdate(),
                "approved_by": actor,
            },
        )


@service
def payable_reject(*, actor: Any, payable: Payable, version: int) -> Payable:
    access.require(actor, "funds.approve", payable.project)
    with transaction.atomic():
        locked = lock_for_update(payable, version=version)
        return _move(locked, (Payable.Status.DRAFT,), Payable.Status.REJECTED)


@service
def payment_request_create(
    *,
    actor: Any,
    payable: Payable,
    amount: Decimal,
    requested_on: date | None = None,
    note: str = "",
) -> PaymentRequest:
    """Ask to pay (part of) an approved payable: never more than is neither paid nor
    already requested."""
    access.require(actor, "funds.payable", payable.project)
    amount = _money(amount, "amount", positive=True)
    with transaction.atomic():
        locked = Payable.objects.select_for_update().get(pk=payable.pk)
        if locked.status not in (Payable.Status.APPROVED, Payable.Status.PART_PAID):
            raise InvalidInput.field(
                "payable",
                _("Payable %(number)s is %(status)s: only an approved payable can be paid.")
                % {"number": locked.number, "status": locked.get_status_display()},
            )
        left = (
            locked.approved_amount
            - selectors.payable_paid(locked)
            - selectors.payable_requested(locked)
        )
        if amount > left:
            raise InvalidInput.field(
                "amount",
                _(
                    "The request %(amount)s is more than the %(left)s approved and not yet paid "
                    "or requested."
                )
                % {"amount": _fmt(amount), "left": _fmt(left)},
            )
        request = PaymentRequest(
            organisation_id=locked.organisation_id,
            project_id=locked.project_id,
            payable=locked,
            amount=amount,
            requested_on=requested_on or timezone.localdate(),
            note=note.strip()[:300],
        )
        validate(request)
        request.save()
    return request


@service
def payment_request_approve(*, actor: Any, request: PaymentRequest, version: int) -> PaymentRequest:
    access.require(actor, "funds.approve", request.project)
    with transaction.atomic():
        locked = lock_for_update(request, version=version)
        return _move(
            locked,
            (PaymentRequest.Status.SUBMITTED,),
            PaymentRequest.Status.APPROVED,
            {"approved_at": timezone.now(), "approved_by": actor},
        )


@service
def payment_request_reject(*, actor: Any, request: PaymentRequest, version: int) -> PaymentRequest:
    access.require(actor, "funds.approve", request.project)
    with transaction.atomic():
        locked = lock_for_update(request, version=version)
        return _move(
            locked,
            (PaymentRequest.Status.SUBMITTED, PaymentRequest.Status.APPROVED),
            PaymentRequest.Status.REJECTED,
        )


def _payable_status(payable: Payable) -> Payable:
    paid = selectors.payable_paid(payable)
    if paid <= 0:
        status = Payable.Status.APPROVED
    elif paid >= payable.approved_amount:
        status = Payable.Status.PAID
    else:
        status = Payable.Status.PART_PAID
    if status == payable.status:
        return payable
    return apply_changes(payable, {"status": status}, version=None)


@service
def payment_create(
    *,
    actor: Any,
    request: PaymentRequest,
    date: date,
    amount: Decimal | None = None,
    currency: str | None = None,
    reference: str = "",
) -> Payment:
    """Pay an approved payment request, once, never more than it approved.
    Posts an outgoing ledger entry."""
    access.require(actor, "funds.pay", request.project)
    if amount is not None:
        amount = _money(amount, "amount", positive=True)
    with transaction.atomic():
        locked = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=request.pk)
        )
        if (
            locked.status == PaymentRequest.Status.PAID
            or Payment.objects.filter(request=locked).exists()
        ):
            raise Conflict(
                _("This payment request has already been paid."),
                [{"field": "request", "message": _("Already paid.")}],
            )
        if locked.status != PaymentRequest.Status.APPROVED:
            raise Conflict(
                _("The payment request is %(status)s: only an approved request can be paid.")
                % {"status": locked.get_status_display()},
                [{"field": "request", "message": _("Not approved.")}],
            )
        payable = (
            Payable.objects.select_for_update(of=("self",))
            .select_related("contract")
            .get(pk=locked.payable_id)
        )
        if amount is None:
            amount = locked.amount
        if amount > locked.amount:
            raise InvalidInput.field(
                "amount",
                _("The payment %(amount)s is above the approved amount %(approved)s.")
                % {"amount": _fmt(amount), "approved": _fmt(locked.amount)},
            )
        if currency and currency.upper() != payable.currency:
            raise InvalidInput.field(
                "currency",
                _("The currency %(given)s does not match the payable's currency %(expected)s.")
                % {"given": currency, "expected": payable.currency},
            )
        payment = Payment(
            organisation_id=locked.organisation_id,
            project=locked.project,
            request=locked,
            payable=payable,
            contract=payable.contract,
            date=date,
            amount=amount,
            currency=payable.currency,
            reference=reference.strip()[:60],
        )
        validate(payment, exclude=["request"])
        try:
            with transaction.atomic():
                payment.save()
        except IntegrityError as exc:  # the one-payment-per-request constraint
            raise Conflict(
                _("This payment request has already been paid."),
                [{"field": "request", "message": _("Already paid.")}],
            ) from exc
        _post(
            project=locked.project,
            kind=Kind.PAYMENT,
            direction=OUT,
            amount=amount,
            currency=payable.currency,
            entry_date=date,
            contract=payable.contract,
            payable=payable,
            payment=payment,
            memo=_("Payment of invoice %(number)s") % {"number": payable.number},
        )
        _move(locked, (PaymentRequest.Status.APPROVED,), PaymentRequest.Status.PAID)
        _payable_status(payable)
    return payment


# --- advances and retention release ------------------------------------------------------------


def _any_contract(project: Project, contract_id: int | None) -> Contract:
    contract = (
        Contract.objects.filter(project=project, pk=contract_id).first() if contract_id else None
    )
    if contract is None:
        raise InvalidInput.field("contract_id", _("Choose a contract of this project."))
    return contract


def _movement(
    model: type[Advance] | type[RetentionRelease],
    contract: Contract,
    *,
    direction: str,
    day: date,
    amount: Decimal,
    currency: str,
    reference: str,
    kind: str,
    memo: str,
) -> Any:
    """Record an advance or a retention release on a contract and post it to the ledger."""
    row = model(
        organisation_id=contract.organisation_id,
        project_id=contract.project_id,
        contract=contract,
        direction=direction,
        date=day,
        amount=amount,
        currency=currency,
        reference=reference.strip()[:60],
    )
    validate(row)
    row.save()
    link = "advance" if model is Advance else "release"
    _post(
        project=contract.project,
        kind=kind,
        direction=direction,
        amount=amount,
        currency=currency,
        entry_date=day,
        contract=contract,
        memo=memo,
        **{link: row},
    )
    return row


@service
def advance_create(
    *,
    actor: Any,
    project: Project,
    contract_id: int,
    date: date,
    amount: Decimal,
    currency: str | None = None,
    reference: str = "",
) -> Advance:
    """An advance payment (预付款): received from the owner on the income contract, or paid to
    a subcontractor or supplier. Within the contract's advance % when it sets one."""
    contract = _any_contract(project, contract_id)
    direction = IN if contract.is_income else OUT
    access.require(actor, "funds.receive" if direction == IN else "funds.pay", project)
    amount = _money(amount, "amount", positive=True)
    cur = _currency(project, currency)
    with transaction.atomic():
        contract = _lock_contract(contract)
        if contract.status != Contract.Status.ACTIVE:
            raise InvalidInput.field(
                "contract_id", _("Contract %(code)s is not in force.") % {"code": contract.code}
            )
        if contract.advance_percent > 0:
            limit = to_fen(selectors.contract_value(contract) * contract.advance_percent / 100)
            left = limit - selectors.advances_total(contract)
            if amount > left:
                raise InvalidInput.field(
                    "amount",
                    _("The advance is limited to %(pct)s%% of the contract; %(left)s is left.")
                    % {"pct": contract.advance_percent, "left": _fmt(left)},
                )
        return _movement(
            Advance,
            contract,
            direction=direction,
            day=date,
            amount=amount,
            currency=cur,
            reference=reference,
            kind=Kind.ADVANCE_IN if direction == IN else Kind.ADVANCE_OUT,
            memo=_("Advance payment"),
        )


@service
def retention_release_create(
    *,
    actor: Any,
    project: Project,
    contract_id: int,
    date: date,
    amount: Decimal | None = None,
    currency: str | None = None,
    reference: str = "",
) -> RetentionRelease:
    """Retention returned at the end of the defects liability period: by the owner to us
    (income contract) or by us to a subcontractor; never before it is due, never more than
    is held."""
    contract = _any_contract(project, contract_id)
    direction = IN if contract.is_income else OUT
    access.require(actor, "funds.receive" if direction == IN else "funds.pay", project)
    cur = _currency(project, currency)
    with transaction.atomic():
        contract = _lock_contract(contract)
        due_on = selectors.contract_terms(contract).retention_due_on
        if due_on is None:
            raise InvalidInput.field(
                "date",
                _(
                    "Set the contract's completion date first: retention falls due after the "
                    "defects liability period."
                ),
            )
        if date < due_on:
            raise InvalidInput.field(
                "date",
                _("Retention on %(code)s is due for release on %(due)s, not before.")
                % {"code": contract.code, "due": due_on.isoformat()},
            )
        held = selectors.retention_held(contract)
        amount = held if amount is None else _money(amount, "amount", positive=True)
        if amount <= 0 or amount > held:
            raise InvalidInput.field(
                "amount",
                _("%(held)s of retention is held on this contract.") % {"held": _fmt(held)},
            )
        return _movement(
            RetentionRelease,
            contract,
            direction=direction,
            day=date,
            amount=amount,
            currency=cur,
            reference=reference,
            kind=Kind.RETENTION_IN if direction == IN else Kind.RETENTION_OUT,
            memo=_("Retention released"),
        )


# --- corrections -------------------------------------------------------------------------------


@service
def ledger_reverse(
    *, actor: Any, entry: LedgerEntry, memo: str, entry_date: date | None = None
) -> LedgerEntry:
    """Correct a posted entry with its reversal (opposite direction, same amount and links);
    an entry is reversed at most once and a reversal is not reversed."""
    code = "funds.receive" if entry.direction == IN else "funds.pay"
    access.require(actor, code, entry.project)
    if not memo.strip():
        raise InvalidInput.field("memo", _("Say why the entry is reversed."))
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=entry.claim_id) if entry.claim_id else None
        payable = (
            Payable.objects.select_for_update().get(pk=entry.payable_id)
            if entry.payable_id
            else None
        )
        if entry.contract_id:
            Contract.objects.select_for_update().get(pk=entry.contract_id)
        locked = (
            LedgerEntry.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=entry.pk)
        )
        if locked.kind == Kind.REVERSAL:
            raise InvalidInput.field("entry", _("A reversal cannot itself be reversed."))
        if LedgerEntry.objects.filter(reverses=locked).exists():
            raise Conflict(
                _("This entry has already been reversed."),
                [{"field": "entry", "message": _("Already reversed.")}],
            )
        reversal = _post(
            project=locked.project,
            kind=Kind.REVERSAL,
            direction=OUT if locked.direction == IN else IN,
            amount=locked.amount,
            currency=locked.currency,
            entry_date=entry_date or timezone.localdate(),
            contract=locked.contract,
            claim_id=locked.claim_id,
            payable_id=locked.payable_id,
            payment_id=locked.payment_id,
            receipt_id=locked.receipt_id,
            advance_id=locked.advance_id,
            release_id=locked.release_id,
            reverses=locked,
            memo=memo.strip()[:300],
        )
        if claim is not None:
            _claim_status(claim)
        if payable is not None:
            _payable_status(payable)
    return reversal


def ledger_entry_update(*, actor: Any, entry: LedgerEntry, **changes: Any) -> LedgerEntry:
    """There is no editing of a posted entry: always refused (the API's PATCH lands here)."""
    access.require(actor, "funds.view", entry.project)
    field = sorted(changes)[0] if changes else "__all__"
    raise LedgerImmutable(errors=[{"field": field, "message": LedgerImmutable.default_detail}])
