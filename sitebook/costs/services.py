"""Writes of the cost centre: cost codes, budget revisions, contracts, change orders,
actual costs, progress and earned-value snapshots.

Every function takes keyword arguments starting with `actor`, checks permission first,
validates (raising `InvalidInput` naming the field or row) and writes in one transaction.

Budget control: a cost code's `control` (or the organisation's `CostPolicy`) decides what
happens when committed plus actual cost would pass its current budget: `warn` lets the write
through and returns the warning (services that can warn return `(object, warnings)`),
`block` refuses it with a 409 naming the figures. An actual cost booked against a contract
that is already counted as committed is counted once.

For other modules — posting actual costs
-----------------------------------------
`actual_cost_post(actor=..., project=..., cost_code=..., amount=..., source_type=...,
source_id=..., date=..., description=...)` records an actual cost that another module has
already decided on (an approved day-labour ticket, a materials issue). It is idempotent per
(organisation, source_type, source_id): posting the same source again returns the same
transaction, updated if the figures changed; `actual_cost_unpost` removes it (a ticket
withdrawn). The caller has checked its own permission; this function only checks that the
actor can see the project. Such costs are facts already incurred, so budget control never
blocks them: it returns the warning instead. Returns `(transaction, warnings)`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitebook.core.errors import Conflict, InvalidInput, NotFound
from sitebook.core.services import apply_changes, lock_for_update, service, validate
from sitebook.costs import selectors
from sitebook.costs.adapters import evm_report
from sitebook.costs.models import (
    BudgetLine,
    BudgetRevision,
    ChangeOrder,
    Contract,
    ContractLine,
    Control,
    CostCode,
    CostPolicy,
    CostTransaction,
    EvmSnapshot,
    LineForecast,
    PaymentStage,
    ProgressEntry,
)
from sitebook.costs.money import line_amount
from sitebook.projects import access
from sitebook.projects.models import Project, WbsNode
from sitebook.schedule.models import Activity

ZERO = Decimal("0")


# --- helpers -------------------------------------------------------------------------------------


def _code_in(project: Project, cost_code_id: int | None, field: str = "cost_code_id") -> CostCode:
    code = CostCode.objects.filter(pk=cost_code_id, project=project).first()
    if code is None:
        raise InvalidInput.field(field, _("No such cost code in this project."))
    return code


def _not_negative(value: Decimal, field: str) -> None:
    if value < 0:
        raise InvalidInput.field(field, _("This must not be negative."))


def _check_dates(start: date | None, finish: date | None, field: str = "planned_finish") -> None:
    if start and finish and finish < start:
        raise InvalidInput.field(field, _("The finish must not be before the start."))


def _fmt(value: Decimal) -> str:
    return f"{value:,.2f}"


def budget_check(
    cost_code: CostCode, *, commit: Decimal = ZERO, actual: Decimal = ZERO, may_block: bool = True
) -> list[str]:
    """Warn or block when committed plus actual would exceed the cost code's budget.

    `commit` and `actual` are the amounts about to be added (`actual` only when not already
    committed). Call inside the write's transaction after locking the cost code row.
    """
    control = cost_code.control or selectors.default_control(cost_code.organisation_id)
    if control == Control.OFF or (commit <= 0 and actual <= 0):
        return []
    figures = selectors.exposure(cost_code)
    after = figures.total + commit + actual
    if after <= figures.budget:
        return []
    message = _(
        "Cost code %(code)s would exceed its budget: committed %(committed)s plus actual "
        "%(actual)s comes to %(total)s against a budget of %(budget)s (over by %(over)s)."
    ) % {
        "code": cost_code.code,
        "committed": _fmt(figures.committed + commit),
        "actual": _fmt(figures.uncommitted_actual + actual),
        "total": _fmt(after),
        "budget": _fmt(figures.budget),
        "over": _fmt(after - figures.budget),
    }
    if control == Control.BLOCK and may_block:
        raise Conflict(message, [{"field": "cost_code_id", "message": message}])
    return [message]


def _lock_code(code: CostCode) -> CostCode:
    """Lock the cost code so two writes cannot both pass its budget check."""
    return CostCode.objects.select_for_update().get(pk=code.pk)


# --- policy and cost codes -----------------------------------------------------------------------


@service
def cost_policy_set(*, actor: Any, organisation_id: int, control: str) -> CostPolicy:
    access.require(actor, "costs.edit", organisation_id=organisation_id)
    if control not in Control.values:
        raise InvalidInput.field(
            "control", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Control.values)}
        )
    policy = CostPolicy.objects.filter(organisation_id=organisation_id).first()
    if policy is None:
        policy = CostPolicy(organisation_id=organisation_id, control=control)
        policy.save()
        return policy
    return apply_changes(policy, {"control": control}, version=None)


def _parent(project: Project, parent_id: int | None) -> CostCode | None:
    if parent_id is None:
        return None
    return _code_in(project, parent_id, "parent_id")


def _wbs(project: Project, wbs_node_id: int | None) -> WbsNode | None:
    if wbs_node_id is None:
        return None
    node = WbsNode.objects.filter(pk=wbs_node_id, project=project).first()
    if node is None:
        raise InvalidInput.field("wbs_node_id", _("No such WBS element in this project."))
    return node


@service
def cost_code_create(
    *,
    actor: Any,
    project: Project,
    code: str,
    name: str,
    name_en: str = "",
    parent_id: int | None = None,
    wbs_node_id: int | None = None,
    control: str = "",
    planned_start: date | None = None,
    planned_finish: date | None = None,
    profile: str = CostCode.Profile.LINEAR,
    sort_order: int = 0,
) -> CostCode:
    access.require(actor, "costs.edit", project)
    code = code.strip()
    if CostCode.objects.filter(project=project, code=code).exists():
        raise InvalidInput.field(
            "code", _("Another cost code already uses the code %(code)s.") % {"code": code}
        )
    _check_dates(planned_start, planned_finish)
    cost_code = CostCode(
        organisation_id=project.organisation_id,
        project=project,
        parent=_parent(project, parent_id),
        wbs_node=_wbs(project, wbs_node_id),
        code=code,
        name=name.strip(),
        name_en=name_en.strip(),
        control=control,
        planned_start=planned_start,
        planned_finish=planned_finish,
        profile=profile,
        sort_order=sort_order,
    )
    validate(cost_code)
    cost_code.save()
    return cost_code


COST_CODE_FIELDS = (
    "name",
    "name_en",
    "control",
    "planned_start",
    "planned_finish",
    "profile",
    "forecast_method",
    "forecast_etc",
    "sort_order",
)


@service
def cost_code_update(*, actor: Any, cost_code: CostCode, version: int, **changes: Any) -> CostCode:
    access.require(actor, "costs.edit", cost_code.project)
    fields: dict[str, Any] = {k: v for k, v in changes.items() if k in COST_CODE_FIELDS}
    unknown = set(changes) - set(COST_CODE_FIELDS) - {"parent_id", "wbs_node_id"}
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be changed."))
    if "parent_id" in changes:
        parent = _parent(cost_code.project, changes["parent_id"])
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == cost_code.pk:
                raise InvalidInput.field(
                    "parent_id", _("A cost code cannot be placed under itself or its children.")
                )
            ancestor = ancestor.parent
        fields["parent"] = parent
    if "wbs_node_id" in changes:
        fields["wbs_node"] = _wbs(cost_code.project, changes["wbs_node_id"])
    if fields.get("forecast_etc") is not None:
        _not_negative(fields["forecast_etc"], "forecast_etc")
    if (
        fields.get("forecast_method") == CostCode.Forecast.MANUAL
        and fields.get("forecast_etc", cost_code.forecast_etc) is None
    ):
        raise InvalidInput.field("forecast_etc", _("Enter the estimate to complete."))
    _check_dates(
        fields.get("planned_start", cost_code.planned_start),
        fields.get("planned_finish", cost_code.planned_finish),
    )
    return apply_changes(cost_code, fields, version=version)


# --- budget (BOQ) and its revisions --------------------------------------------------------------


def _clean_line(
    project: Project, raw: dict[str, Any], where: str, codes: dict[str, CostCode]
) -> dict[str, Any]:
    """One BOQ line checked; errors are named `<where>.<field>` (e.g. `lines[3].quantity`)."""
    item = str(raw.get("item_code") or "").strip()
    if not item:
        raise InvalidInput.field(f"{where}.item_code", _("Enter the item code."))
    description = str(raw.get("description") or "").strip()
    if not description:
        raise InvalidInput.field(f"{where}.description", _("Enter a description."))
    unit = str(raw.get("unit") or "").strip()
    if not unit:
        raise InvalidInput.field(f"{where}.unit", _("Enter the unit."))
    code_key = str(raw.get("cost_code") or "").strip()
    cost_code = codes.get(code_key)
    if cost_code is None:
        raise InvalidInput.field(
            f"{where}.cost_code",
            _("Unknown cost code %(code)s.") % {"code": code_key or "—"},
        )
    values = {}
    for name in ("quantity", "unit_rate"):
        value = raw.get(name)
        try:
            value = Decimal(str(value)) if value is not None and str(value).strip() else None
        except (ArithmeticError, ValueError):
            value = None
        if value is None or not value.is_finite():
            raise InvalidInput.field(f"{where}.{name}", _("Enter a number."))
        if value < 0 and not raw.get("allow_negative"):
            raise InvalidInput.field(f"{where}.{name}", _("This must not be negative."))
        values[name] = value
    if values["quantity"].as_tuple().exponent < -4:  # type: ignore[operator]
        raise InvalidInput.field(f"{where}.quantity", _("Enter at most 4 decimal places."))
    if values["unit_rate"].as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput.field(f"{where}.unit_rate", _("Enter at most 2 decimal places."))
    amount = line_amount(values["quantity"], values["unit_rate"])
    if abs(amount) >= Decimal("1e16"):
        raise InvalidInput.field(f"{where}.amount", _("The amount is too large."))
    return {
        "item_code": item,
        "description": description[:300],
        "unit": unit[:20],
        "quantity": values["quantity"],
        "unit_rate": values["unit_rate"],
        "amount": amount,
        "cost_code": cost_code,
    }


def _codes_by_key(project: Project) -> dict[str, CostCode]:
    codes = list(CostCode.objects.filter(project=project))
    found: dict[str, CostCode] = {c.code: c for c in codes}
    found.update({str(c.pk): c for c in codes if str(c.pk) not in found})
    return found


@service
def budget_revise(
    *,
    actor: Any,
    project: Project,
    reason: str,
    lines: list[dict[str, Any]] = (),  # type: ignore[assignment]
    remove: list[str] = (),  # type: ignore[assignment]
    replace: bool = False,
    change_order: ChangeOrder | None = None,
) -> BudgetRevision:
    """Make a new budget revision: the current lines with `lines` added or replaced (by item
    code) and `remove` taken out; with `replace`, exactly `lines`. The first revision is the
    original budget. Earlier revisions are kept unchanged.
    """
    access.require(actor, "costs.edit", project)
    return _revise(
        actor=actor,
        project=project,
        reason=reason,
        lines=lines,
        remove=remove,
        replace=replace,
        change_order=change_order,
    )


@service
def _revise(
    *,
    actor: Any,
    project: Project,
    reason: str,
    lines: Any,
    remove: Any = (),
    replace: bool = False,
    change_order: ChangeOrder | None = None,
) -> BudgetRevision:
    """`budget_revise` without the permission check (an approval revises the budget too)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", _("Give the reason for this budget revision."))
    codes = _codes_by_key(project)
    cleaned: dict[str, dict[str, Any]] = {}
    for i, raw in enumerate(lines):
        where = str(raw.get("_where") or f"lines[{i}]")
        line = _clean_line(project, raw, where, codes)
        if line["item_code"] in cleaned:
            raise InvalidInput.field(
                f"{where}.item_code",
                _("The item code %(code)s appears twice.") % {"code": line["item_code"]},
            )
        cleaned[line["item_code"]] = line
    with transaction.atomic():
        # Lock the project's budget: revisions are numbered one after another.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        current = BudgetRevision.objects.filter(project=project, is_current=True).first()
        merged: dict[str, dict[str, Any]] = {}
        if current is not None and not replace:
            for old in current.lines.select_related("cost_code"):
                merged[old.item_code] = {
                    "item_code": old.item_code,
                    "description": old.description,
                    "unit": old.unit,
                    "quantity": old.quantity,
                    "unit_rate": old.unit_rate,
                    "amount": old.amount,
                    "cost_code": old.cost_code,
                }
        for item in remove:
            if item not in merged:
                raise InvalidInput.field(
                    "remove", _("No budget line %(code)s to remove.") % {"code": item}
                )
            del merged[item]
        merged.update(cleaned)
        number = 1
        if current is not None:
            number = current.number + 1
            current.is_current = False
            current.save()
        revision = BudgetRevision(
            organisation_id=project.organisation_id,
            project=project,
            number=number,
            reason=reason[:300],
            is_current=True,
            created_by=actor if getattr(actor, "pk", None) else None,
            change_order=change_order,
        )
        revision.save()
        for line in merged.values():
            BudgetLine(
                organisation_id=project.organisation_id,
                project=project,
                revision=revision,
                **line,
            ).save()
    return revision


# --- contracts -----------------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "title",
    "counterparty",
    "signed_on",
    "advance_percent",
    "progress_payment_percent",
    "retention_percent",
    "payment_days",
    "payment_terms",
)


def _check_percent(changes: dict[str, Any]) -> None:
    for name in ("advance_percent", "progress_payment_percent", "retention_percent"):
        value = changes.get(name)
        if value is not None and not (0 <= value <= 100):
            raise InvalidInput.field(name, _("Enter a percentage from 0 to 100."))


@service
def contract_create(
    *,
    actor: Any,
    project: Project,
    kind: str,
    code: str,
    title: str,
    counterparty: str,
    **terms: Any,
) -> Contract:
    access.require(actor, "costs.edit", project)
    code = code.strip()
    if kind not in Contract.Kind.values:
        raise InvalidInput.field("kind", _("Choose a contract type."))
    if Contract.objects.filter(project=project, code=code).exists():
        raise InvalidInput.field(
            "code", _("Another contract already uses the code %(code)s.") % {"code": code}
        )
    unknown = set(terms) - set(CONTRACT_FIELDS)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be set."))
    _check_percent(terms)
    contract = Contract(
        organisation_id=project.organisation_id,
        project=project,
        kind=kind,
        code=code,
        title=title.strip(),
        counterparty=counterparty.strip(),
        **{k: v for k, v in terms.items() if v is not None},
    )
    validate(contract)
    contract.save()
    return contract


def _commitments(contract: Contract) -> dict[int, Decimal]:
    """{cost code id: amount} that the contract commits (lines and approved changes)."""
    totals: dict[int, Decimal] = {}
    for cc_id, amount in contract.lines.values_list("cost_code_id", "amount"):
        if cc_id is not None:
            totals[cc_id] = totals.get(cc_id, ZERO) + amount
    for cc_id, amount in contract.change_orders.filter(
        status=ChangeOrder.Status.APPROVED
    ).values_list("cost_code_id", "amount"):
        if cc_id is not None:
            totals[cc_id] = totals.get(cc_id, ZERO) + amount
    return totals


@service
def contract_update(
    *, actor: Any, contract: Contract, version: int, **changes: Any
) -> tuple[Contract, list[str]]:
    """Change a contract's details or status (draft -> in force -> closed; closed is final).

    Putting an expense contract in force commits its lines: budget control applies.
    """
    access.require(actor, "costs.edit", contract.project)
    status = changes.pop("status", None)
    unknown = set(changes) - set(CONTRACT_FIELDS)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be changed."))
    _check_percent(changes)
    warnings: list[str] = []
    with transaction.atomic():
        locked = lock_for_update(contract, version=version)
        if locked.status == Contract.Status.CLOSED:
            raise Conflict(
                _("The contract is closed and can no longer be changed."),
                [{"field": "status", "message": _("The contract is closed.")}],
            )
        if status is not None and status != locked.status:
            allowed = {
                Contract.Status.DRAFT: {Contract.Status.ACTIVE},
                Contract.Status.ACTIVE: {Contract.Status.CLOSED},
            }
            if status not in allowed.get(locked.status, set()):
                raise InvalidInput.field(
                    "status",
                    _("A contract cannot go from %(old)s to %(new)s.")
                    % {"old": locked.get_status_display(), "new": status},
                )
            if status == Contract.Status.ACTIVE and not locked.is_income:
                for cc_id, amount in _commitments(locked).items():
                    code = _lock_code(CostCode.objects.get(pk=cc_id))
                    warnings += budget_check(code, commit=amount)
            changes["status"] = status
        updated = apply_changes(locked, changes, version=None)
    return updated, warnings


def _open_contract(contract: Contract) -> None:
    if contract.status == Contract.Status.CLOSED:
        raise Conflict(
            _("Contract %(code)s is closed; it takes no new lines or change orders.")
            % {"code": contract.code},
            [{"field": "contract", "message": _("The contract is closed.")}],
        )


@service
def payment_schedule_set(
    *, actor: Any, contract: Contract, stages: list[dict[str, Any]], version: int
) -> list[PaymentStage]:
    """Replace a contract's payment schedule: milestones (a date and what must be reached)
    and months (the first day of the month is kept), each with the percent of the contract
    value due then; together exactly 100 %, or no stages at all. `version` is the
    contract's; the change bumps it. A closed contract's schedule is final (409).
    """
    access.require(actor, "costs.edit", contract.project)
    rows: list[PaymentStage] = []
    seen: set[tuple[str, date]] = set()
    total = ZERO
    for i, stage in enumerate(stages):
        where = f"stages.{i + 1}"
        kind = stage.get("kind") or ""
        if kind not in PaymentStage.Kind.values:
            raise InvalidInput.field(
                where, _("Stage %(n)d: choose milestone or month.") % {"n": i + 1}
            )
        due_on = stage.get("due_on")
        if not isinstance(due_on, date):
            raise InvalidInput.field(where, _("Stage %(n)d: enter the date.") % {"n": i + 1})
        description = (stage.get("description") or "").strip()
        if kind == PaymentStage.Kind.MONTH:
            due_on = due_on.replace(day=1)
        elif not description:
            raise InvalidInput.field(
                where, _("Stage %(n)d: describe the milestone.") % {"n": i + 1}
            )
        if (kind, due_on) in seen and kind == PaymentStage.Kind.MONTH:
            raise InvalidInput.field(
                where, _("Stage %(n)d: this month is already in the schedule.") % {"n": i + 1}
            )
        seen.add((kind, due_on))
        percent = stage.get("percent")
        if not isinstance(percent, Decimal) or not (0 < percent <= 100):
            raise InvalidInput.field(
                where, _("Stage %(n)d: enter a percentage above 0 and up to 100.") % {"n": i + 1}
            )
        total += percent
        rows.append(
            PaymentStage(
                organisation_id=contract.organisation_id,
                project_id=contract.project_id,
                contract=contract,
                number=i + 1,
                kind=kind,
                description=description,
                due_on=due_on,
                percent=percent,
            )
        )
    if rows and total != 100:
        raise InvalidInput.field(
            "stages",
            _("The stages add up to %(total)s %%; they must add up to 100 %%.")
            % {"total": format(total.normalize(), "f")},
        )
    with transaction.atomic():
        locked = lock_for_update(contract, version=version)
        if locked.status == Contract.Status.CLOSED:
            raise Conflict(
                _("Contract %(code)s is closed; its payment schedule is final.")
                % {"code": locked.code},
                [{"field": "contract", "message": _("The contract is closed.")}],
            )
        for old in PaymentStage.objects.filter(contract=locked):
            old.delete()
        for row in rows:
            row.contract = locked
            validate(row)
            row.save()
        apply_changes(locked, {}, version=None)
    return rows


@service
def contract_line_add(
    *,
    actor: Any,
    contract: Contract,
    description: str,
    unit: str,
    quantity: Decimal,
    unit_rate: Decimal,
    cost_code_id: int | None = None,
) -> tuple[ContractLine, list[str]]:
    access.require(actor, "costs.edit", contract.project)
    _not_negative(quantity, "quantity")
    _not_negative(unit_rate, "unit_rate")
    cost_code = None
    if cost_code_id is not None:
        cost_code = _code_in(contract.project, cost_code_id)
    elif not contract.is_income:
        raise InvalidInput.field("cost_code_id", _("An expense contract's line needs a cost code."))
    warnings: list[str] = []
    with transaction.atomic():
        locked = lock_for_update(contract, version=None)
        _open_contract(locked)
        line = ContractLine(
            organisation_id=contract.organisation_id,
            project_id=contract.project_id,
            contract=locked,
            cost_code=cost_code,
            description=description.strip(),
            unit=unit.strip(),
            quantity=quantity,
            unit_rate=unit_rate,
            amount=line_amount(quantity, unit_rate),
        )
        validate(line)
        if cost_code and not locked.is_income and locked.status == Contract.Status.ACTIVE:
            warnings = budget_check(_lock_code(cost_code), commit=line.amount)
        line.save()
    return line, warnings


# --- change orders -------------------------------------------------------------------------------


@service
def change_order_create(
    *,
    actor: Any,
    contract: Contract,
    code: str,
    title: str,
    amount: Decimal,
    kind: str = ChangeOrder.Kind.VARIATION,
    cost_code_id: int | None = None,
    adjust_budget: bool = False,
) -> ChangeOrder:
    access.require(actor, "costs.edit", contract.project)
    _open_contract(contract)
    code = code.strip()
    if ChangeOrder.objects.filter(project_id=contract.project_id, code=code).exists():
        raise InvalidInput.field(
            "code", _("Another change order already uses the code %(code)s.") % {"code": code}
        )
    if amount == 0:
        raise InvalidInput.field("amount", _("A change order must change the value."))
    cost_code = None
    if cost_code_id is not None:
        cost_code = _code_in(contract.project, cost_code_id)
    elif adjust_budget or not contract.is_income:
        raise InvalidInput.field(
            "cost_code_id",
            _("Choose the cost code the change order applies to."),
        )
    order = ChangeOrder(
        organisation_id=contract.organisation_id,
        project_id=contract.project_id,
        contract=contract,
        cost_code=cost_code,
        code=code,
        kind=kind,
        title=title.strip(),
        amount=amount,
        adjust_budget=adjust_budget,
    )
    validate(order)
    order.save()
    return order


def _move(order: ChangeOrder, version: int, frm: str, to: str) -> ChangeOrder:
    locked = lock_for_update(order, version=version)
    if locked.status != frm:
        raise Conflict(
            _("Change order %(code)s is %(status)s; it cannot be %(action)s.")
            % {
                "code": locked.code,
                "status": locked.get_status_display(),
                "action": ChangeOrder.Status(to).label,
            },
            [{"field": "status", "message": locked.get_status_display()}],
        )
    return locked


@service
def change_order_submit(*, actor: Any, order: ChangeOrder, version: int) -> ChangeOrder:
    access.require(actor, "costs.edit", order.project)
    with transaction.atomic():
        locked = _move(order, version, ChangeOrder.Status.DRAFT, ChangeOrder.Status.SUBMITTED)
        _open_contract(locked.contract)
        return apply_changes(
            locked,
            {"status": ChangeOrder.Status.SUBMITTED, "submitted_at": timezone.now()},
            version=None,
        )


@service
def change_order_approve(
    *, actor: Any, order: ChangeOrder, version: int, note: str = ""
) -> tuple[ChangeOrder, list[str]]:
    """Approve: the contract's value changes by the amount; with `adjust_budget`, a new
    budget revision adds the amount to the cost code. Expense changes are commitments, so
    budget control applies (unless the same change raises the budget as much)."""
    access.require(actor, "costs.approve", order.project)
    warnings: list[str] = []
    with transaction.atomic():
        contract = lock_for_update(order.contract, version=None)
        _open_contract(contract)
        locked = _move(order, version, ChangeOrder.Status.SUBMITTED, ChangeOrder.Status.APPROVED)
        if locked.adjust_budget and locked.cost_code_id:
            item = f"CO-{locked.code}"
            _revise(
                actor=actor,
                project=order.project,
                reason=_("Change order %(code)s approved: %(title)s")
                % {"code": locked.code, "title": locked.title},
                lines=[
                    {
                        "item_code": item,
                        "description": locked.title,
                        "unit": _("lot"),
                        "quantity": Decimal("1"),
                        "unit_rate": locked.amount,
                        "cost_code": str(locked.cost_code_id),
                        "allow_negative": True,
                    }
                ],
                change_order=locked,
            ) if not _revision_has(order.project, item) else None
        if (
            locked.cost_code_id
            and not contract.is_income
            and contract.status == Contract.Status.ACTIVE
        ):
            warnings = budget_check(_lock_code(locked.cost_code), commit=locked.amount)
        updated = apply_changes(
            locked,
            {
                "status": ChangeOrder.Status.APPROVED,
                "decided_at": timezone.now(),
                "decided_by": actor,
                "decision_note": note[:300],
            },
            version=None,
        )
    return updated, warnings


def _revision_has(project: Project, item_code: str) -> bool:
    return BudgetLine.objects.filter(
        project=project, revision__is_current=True, item_code=item_code
    ).exists()


@service
def change_order_reject(
    *, actor: Any, order: ChangeOrder, version: int, note: str = ""
) -> ChangeOrder:
    access.require(actor, "costs.approve", order.project)
    with transaction.atomic():
        locked = _move(order, version, ChangeOrder.Status.SUBMITTED, ChangeOrder.Status.REJECTED)
        return apply_changes(
            locked,
            {
                "status": ChangeOrder.Status.REJECTED,
                "decided_at": timezone.now(),
                "decided_by": actor,
                "decision_note": note[:300],
            },
            version=None,
        )


# --- actual costs --------------------------------------------------------------------------------


def _contract_in(project: Project, contract_id: int | None) -> Contract | None:
    if contract_id is None:
        return None
    contract = Contract.objects.filter(pk=contract_id, project=project).first()
    if contract is None:
        raise InvalidInput.field("contract_id", _("No such contract in this project."))
    if contract.is_income:
        raise InvalidInput.field(
            "contract_id", _("Actual costs are booked against expense contracts only.")
        )
    return contract


@service
def cost_transaction_create(
    *,
    actor: Any,
    project: Project,
    cost_code_id: int,
    date: date,
    amount: Decimal,
    kind: str = CostTransaction.Kind.INVOICE,
    reference: str = "",
    supplier: str = "",
    description: str = "",
    contract_id: int | None = None,
) -> tuple[CostTransaction, list[str]]:
    """Record an invoice or expense (a negative amount is a credit note)."""
    access.require(actor, "costs.edit", project)
    cost_code = _code_in(project, cost_code_id)
    contract = _contract_in(project, contract_id)
    if amount == 0:
        raise InvalidInput.field("amount", _("Enter an amount other than zero."))
    txn = CostTransaction(
        organisation_id=project.organisation_id,
        project=project,
        cost_code=cost_code,
        contract=contract,
        kind=kind,
        date=date,
        amount=amount,
        reference=reference.strip(),
        supplier=supplier.strip(),
        description=description.strip(),
    )
    validate(txn)
    with transaction.atomic():
        counted = contract is not None and contract.status in selectors.COMMITTED_STATUSES
        warnings = budget_check(_lock_code(cost_code), actual=ZERO if counted else amount)
        txn.save()
    return txn, warnings


@service
def actual_cost_post(
    *,
    actor: Any,
    project: Project,
    cost_code: CostCode,
    amount: Decimal,
    source_type: str,
    source_id: str | int,
    date: date,
    description: str = "",
    kind: str = "",
) -> tuple[CostTransaction, list[str]]:
    """Post an actual cost decided in another module; idempotent per (source_type, source_id).

    See the module docstring. `kind` defaults from `source_type` (labour..., material...).
    """
    if not access.can_see(actor, project):
        raise NotFound()
    if cost_code.project_id != project.pk:
        raise InvalidInput.field("cost_code", _("No such cost code in this project."))
    source_type = source_type.strip()
    source_id = str(source_id).strip()
    if not source_type or not source_id:
        raise InvalidInput.field("source_type", _("Name the source of the cost."))
    if not kind:
        kind = (
            CostTransaction.Kind.LABOUR
            if source_type.startswith("labour")
            else CostTransaction.Kind.MATERIAL
            if source_type.startswith("material")
            else CostTransaction.Kind.OTHER
        )
    with transaction.atomic():
        code = _lock_code(cost_code)
        existing = (
            CostTransaction.objects.select_for_update()
            .filter(
                organisation_id=project.organisation_id,
                source_type=source_type,
                source_id=source_id,
            )
            .first()
        )
        if existing is not None:
            if existing.project_id != project.pk:
                raise InvalidInput.field(
                    "source_id", _("This source was posted to another project.")
                )
            changes = {
                "cost_code": code,
                "amount": amount,
                "date": date,
                "description": description[:300],
            }
            if all(getattr(existing, k) == v for k, v in changes.items()):
                return existing, []
            delta = amount - existing.amount if existing.cost_code_id == code.pk else amount
            warnings = budget_check(code, actual=delta, may_block=False)
            return apply_changes(existing, changes, version=None), warnings
        txn = CostTransaction(
            organisation_id=project.organisation_id,
            project=project,
            cost_code=code,
            kind=kind,
            date=date,
            amount=amount,
            description=description[:300],
            source_type=source_type,
            source_id=source_id,
        )
        validate(txn)
        warnings = budget_check(code, actual=amount, may_block=False)
        txn.save()
    return txn, warnings


@service
def actual_cost_unpost(
    *, actor: Any, project: Project, source_type: str, source_id: str | int
) -> bool:
    """Remove the cost posted for a source (e.g. a ticket withdrawn); False if there was none."""
    if not access.can_see(actor, project):
        raise NotFound()
    with transaction.atomic():
        txn = CostTransaction.objects.filter(
            project=project, source_type=source_type, source_id=str(source_id)
        ).first()
        if txn is None:
            return False
        txn.delete()
    return True


# --- progress and earned value -------------------------------------------------------------------


@service
def progress_record(
    *, actor: Any, cost_code: CostCode, date: date, percent_complete: Decimal
) -> ProgressEntry:
    """Percent complete of a cost code as of a date (one entry per date; later ones replace)."""
    access.require(actor, "costs.edit", cost_code.project)
    if not (0 <= percent_complete <= 100):
        raise InvalidInput.field("percent_complete", _("Enter a percentage from 0 to 100."))
    with transaction.atomic():
        entry = ProgressEntry.objects.filter(cost_code=cost_code, date=date).first()
        if entry is not None:
            return apply_changes(entry, {"percent_complete": percent_complete}, version=None)
        entry = ProgressEntry(
            organisation_id=cost_code.organisation_id,
            project_id=cost_code.project_id,
            cost_code=cost_code,
            date=date,
            percent_complete=percent_complete,
        )
        validate(entry)
        entry.save()
    return entry


@service
def line_forecast_set(
    *,
    actor: Any,
    project: Project,
    item_code: str,
    method: str,
    etc: Decimal | None = None,
    quantity_done: Decimal | None = None,
    version: int | None = None,
) -> LineForecast:
    """Set how a BOQ line of the current budget is forecast (see `LineForecast.Method`).

    Manual needs the estimate to complete; the unit-rate method needs the quantity done so
    far (more than zero: the actual unit rate is the line's actual cost over it).
    """
    access.require(actor, "costs.edit", project)
    item_code = (item_code or "").strip()
    if not BudgetLine.objects.filter(
        project=project, revision__is_current=True, item_code=item_code
    ).exists():
        raise InvalidInput.field("item_code", _("No such line in the current budget."))
    if method not in LineForecast.Method.values:
        raise InvalidInput.field("method", _("Choose a forecast method."))
    if etc is not None:
        _not_negative(etc, "etc")
    if quantity_done is not None:
        _not_negative(quantity_done, "quantity_done")
    if method == LineForecast.Method.MANUAL and etc is None:
        raise InvalidInput.field("etc", _("Enter the estimate to complete."))
    if method == LineForecast.Method.UNIT_RATE and not quantity_done:
        raise InvalidInput.field(
            "quantity_done", _("Enter the quantity done so far (more than zero).")
        )
    values = {"method": method, "etc": etc, "quantity_done": quantity_done}
    with transaction.atomic():
        found = LineForecast.objects.filter(project=project, item_code=item_code).first()
        if found is not None:
            return apply_changes(found, values, version=version)
        forecast = LineForecast(
            organisation_id=project.organisation_id,
            project=project,
            item_code=item_code,
            **values,
        )
        validate(forecast)
        forecast.save()
    return forecast


def _storable(value: Decimal | None, model: type, field: str) -> Decimal | None:
    """`value` if it fits the decimal column `field` of `model`, else None."""
    if value is None:
        return None
    column = model._meta.get_field(field)
    limit = Decimal(10) ** (column.max_digits - column.decimal_places)
    return value if abs(value) < limit else None


@service
def evm_snapshot_take(*, actor: Any, project: Project, data_date: date) -> list[EvmSnapshot]:
    """Store the project's EVM figures, and each WBS element's that has cost codes or
    activities linked to them, at a date."""
    access.require(actor, "costs.edit", project)
    nodes: list[int | None] = [None]
    mapped = set(
        CostCode.objects.filter(project=project, wbs_node__isnull=False).values_list(
            "wbs_node_id", flat=True
        )
    )
    # WBS elements whose activities carry a cost code's budget (see adapters).
    mapped |= set(
        Activity.objects.filter(
            project=project,
            wbs__isnull=False,
            cost_code__in=CostCode.objects.filter(project=project).values("code"),
        ).values_list("wbs_id", flat=True)
    )
    parents = dict(WbsNode.objects.filter(project=project).values_list("pk", "parent_id"))
    with_costs: set[int] = set()
    for node_id in mapped:
        current: int | None = node_id
        while current is not None:
            with_costs.add(current)
            current = parents.get(current)
    nodes += sorted(with_costs)
    saved = []
    with transaction.atomic():
        for node_id in nodes:
            report = evm_report(project, data_date, node_id)
            r = report.result
            values = {
                "bac": r.bac,
                "pv": r.pv,
                "ev": r.ev,
                "ac": r.ac,
                # With almost no progress these ratios explode (EV 0.01 against millions of
                # AC); a figure too large for its column means "not meaningful yet".
                "eac": _storable(r.eac_cpi, EvmSnapshot, "eac"),
                "spi": _storable(r.spi, EvmSnapshot, "spi"),
                "cpi": _storable(r.cpi, EvmSnapshot, "cpi"),
                "spi_t": _storable(
                    report.schedule.spi_t if report.schedule else None, EvmSnapshot, "spi_t"
                ),
            }
            snap = EvmSnapshot.objects.filter(
                project=project, wbs_node_id=node_id, data_date=data_date
            ).first()
            if snap is None:
                snap = EvmSnapshot(
                    organisation_id=project.organisation_id,
                    project=project,
                    wbs_node_id=node_id,
                    data_date=data_date,
                    **values,
                )
                snap.save()
            else:
                snap = apply_changes(snap, values, version=None)
            saved.append(snap)
    return saved


# --- BOQ import ---------------------------------------------------------------------------------


@service
def budget_import(
    *, actor: Any, project: Project, rows: list[dict[str, Any]], reason: str
) -> BudgetRevision:
    """A new budget revision holding exactly the imported BOQ rows.

    Every row is checked first and all row errors are reported together (field
    `row N.quantity`); nothing is written unless every row is good.
    """
    access.require(actor, "costs.edit", project)
    if not rows:
        raise InvalidInput.field("file", _("The sheet has no BOQ lines."))
    codes = _codes_by_key(project)
    errors: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(rows):
        where = str(raw.get("_where") or f"lines[{i}]")
        try:
            line = _clean_line(project, {**raw, "allow_negative": False}, where, codes)
        except InvalidInput as exc:
            errors.extend(exc.errors)
            continue
        if line["item_code"] in seen:
            errors.append(
                {
                    "field": f"{where}.item_code",
                    "message": _("The item code %(code)s is also on %(other)s.")
                    % {"code": line["item_code"], "other": seen[line["item_code"]]},
                }
            )
        seen[line["item_code"]] = where
    if errors:
        raise InvalidInput(
            _("%(n)d rows have errors; nothing was imported.")
            % {"n": len({e["field"].split(".")[0] for e in errors})},
            errors,
        )
    return budget_revise(actor=actor, project=project, reason=reason, lines=rows, replace=True)
