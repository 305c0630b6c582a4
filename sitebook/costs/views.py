"""Cost pages: summary with drill-down, BOQ and revisions, contracts, change orders, EVM."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitebook.core.errors import InvalidInput, SitebookError
from sitebook.core.permissions import declared
from sitebook.core.web import paginate
from sitebook.costs import adapters, excel, selectors, services
from sitebook.costs.models import ChangeOrder, Contract, CostCode, CostTransaction, LineForecast
from sitebook.projects import access
from sitebook.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _can(user: Any, project: Project) -> dict[str, bool]:
    return {code.replace(".", "_"): access.has_perm(user, code, project) for code in declared()}


def _page(request: HttpRequest, template: str, project: Project, sub: str, **extra: Any) -> Any:
    status = extra.pop("status", 200)
    context = {
        "project": project,
        "tab": "costs",
        "sub": sub,
        "can": _can(request.user, project),
        **extra,
    }
    return render(request, template, context, status=status)


def _decimal(data: Any, name: str, *, required: bool = True) -> Decimal | None:
    raw = (data.get(name) or "").strip().replace(",", "")
    if not raw:
        if required:
            raise InvalidInput.field(name, _("This field is required."))
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise InvalidInput.field(name, _("Enter a number.")) from exc
    if not value.is_finite():
        raise InvalidInput.field(name, _("Enter a number."))
    return value


def _date(data: Any, name: str, *, required: bool = True) -> date | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        if required:
            raise InvalidInput.field(name, _("This field is required."))
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput.field(name, _("Enter a valid date (YYYY-MM-DD).")) from exc


def _int(data: Any, name: str) -> int | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput.field(name, _("Enter a whole number.")) from exc


def _show(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


def _fail(request: HttpRequest, exc: SitebookError) -> None:
    detail = str(exc.detail)
    extra = [f"{e['field']}: {e['message']}" for e in exc.errors if e["message"] != detail]
    messages.error(request, " ".join([detail, *extra[:20]]))


def _data_date(request: HttpRequest) -> date:
    try:
        return _date(request.GET, "data_date", required=False) or date.today()
    except InvalidInput:
        return date.today()


# --- summary and drill-down ----------------------------------------------------------------------


@login_required
def summary(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.cost_project(request.user, project_id)
    status = 200
    if request.method == "POST":
        try:
            services.cost_code_create(
                actor=request.user,
                project=project,
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                name_en=request.POST.get("name_en", ""),
                parent_id=_int(request.POST, "parent_id"),
                wbs_node_id=_int(request.POST, "wbs_node_id"),
                control=request.POST.get("control", ""),
                planned_start=_date(request.POST, "planned_start", required=False),
                planned_finish=_date(request.POST, "planned_finish", required=False),
                profile=request.POST.get("profile") or CostCode.Profile.LINEAR,
            )
        except SitebookError as exc:
            _fail(request, exc)
            status = exc.status
        else:
            messages.success(request, _("Cost code added."))
            return redirect("costs:summary", project_id=project.pk)
    data_date = _data_date(request)
    return _page(
        request,
        "costs/summary.html",
        project,
        "summary",
        summary=selectors.cost_summary(project, data_date),
        codes=selectors.cost_code_list(project),
        wbs=project.wbs_nodes.order_by("code"),
        controls=CostCode._meta.get_field("control").choices,
        profiles=CostCode.Profile.choices,
        status=status,
    )


@login_required
def cost_code_detail(request: HttpRequest, project_id: int, cost_code_id: int) -> HttpResponse:
    code = selectors.cost_code_get(request.user, cost_code_id)
    if code.project_id != project_id:
        raise Http404
    project = code.project
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "progress":
                services.progress_record(
                    actor=request.user,
                    cost_code=code,
                    date=_date(request.POST, "date"),
                    percent_complete=_decimal(request.POST, "percent_complete"),
                )
                messages.success(request, _("Progress recorded."))
            else:
                services.cost_code_update(
                    actor=request.user,
                    cost_code=code,
                    version=_int(request.POST, "version") or 0,
                    control=request.POST.get("control", ""),
                    forecast_method=request.POST.get("forecast_method") or "auto",
                    forecast_etc=_decimal(request.POST, "forecast_etc", required=False),
                )
                messages.success(request, _("Saved."))
        except SitebookError as exc:
            _fail(request, exc)
            status = exc.status
        else:
            return redirect("costs:cost_code_detail", project_id=project.pk, cost_code_id=code.pk)
    data_date = _data_date(request)
    summary = selectors.cost_summary(project, data_date)
    row = next((r for r in summary.rows if r.code and r.code.pk == code.pk), None)
    return _page(
        request,
        "costs/cost_code.html",
        project,
        "summary",
        code=code,
        row=row,
        lines=selectors.budget_line_list(project).filter(cost_code=code),
        contract_lines=code.contract_lines.select_related("contract").order_by("id"),
        transactions=selectors.cost_transaction_list(project).filter(cost_code=code)[:200],
        progress=code.progress.order_by("-date")[:20],
        controls=CostCode._meta.get_field("control").choices,
        methods=CostCode.Forecast.choices,
        status=status,
    )


@login_required
def transactions(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.cost_project(request.user, project_id)
    status = 200
    if request.method == "POST":
        try:
            _done, warnings = services.cost_transaction_create(
                actor=request.user,
                project=project,
                cost_code_id=_int(request.POST, "cost_code_id") or 0,
                date=_date(request.POST, "date"),
                amount=_decimal(request.POST, "amount"),
                kind=request.POST.get("kind") or CostTransaction.Kind.INVOICE,
                reference=request.POST.get("reference", ""),
                supplier=request.POST.get("supplier", ""),
                description=request.POST.get("description", ""),
                contract_id=_int(request.POST, "contract_id"),
            )
        except SitebookError as exc:
            _fail(request, exc)
            status = exc.status
        else:
            _show(request, warnings)
            messages.success(request, _("Cost posted."))
            return redirect("costs:transactions", project_id=project.pk)
    return _page(
        request,
        "costs/transactions.html",
        project,
        "transactions",
        page=paginate(request, selectors.cost_transaction_list(project)),
        codes=selectors.cost_code_list(project),
        contracts=selectors.contract_list(project).exclude(kind=Contract.Kind.INCOME),
        kinds=CostTransaction.Kind.choices,
        status=status,
    )


# --- budget --------------------------------------------------------------------------------------


@login_required
def budget(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.cost_project(request.user, project_id)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "import":
                upload = request.FILES.get("file")
                if upload is None:
                    raise InvalidInput.field("file", _("Choose an Excel file."))
                rows = excel.read_boq(upload)
                revision = services.budget_import(
                    actor=request.user,
                    project=project,
                    rows=rows,
                    reason=request.POST.get("reason") or _("BOQ imported"),
                )
                messages.success(
                    request,
                    _("Imported %(n)d BOQ lines as budget revision %(r)d.")
                    % {"n": revision.lines.count(), "r": revision.number},
                )
            elif request.POST.get("action") == "forecast":
                services.line_forecast_set(
                    actor=request.user,
                    project=project,
                    item_code=request.POST.get("item_code", ""),
                    method=request.POST.get("method") or "auto",
                    etc=_decimal(request.POST, "etc", required=False),
                    quantity_done=_decimal(request.POST, "quantity_done", required=False),
                    # The page always says which version it showed: 0 for a line it showed
                    # without a forecast, so a forecast saved meanwhile is not overwritten.
                    version=_int(request.POST, "version") or 0,
                )
                messages.success(request, _("Forecast saved."))
            else:
                revision = services.budget_revise(
                    actor=request.user,
                    project=project,
                    reason=request.POST.get("reason", ""),
                    lines=[
                        {
                            "item_code": request.POST.get("item_code", ""),
                            "description": request.POST.get("description", ""),
                            "unit": request.POST.get("unit", ""),
                            "quantity": request.POST.get("quantity", ""),
                            "unit_rate": request.POST.get("unit_rate", ""),
                            "cost_code": request.POST.get("cost_code", ""),
                            "_where": _("line"),
                        }
                    ],
                )
                messages.success(
                    request, _("Budget revision %(r)d saved.") % {"r": revision.number}
                )
        except SitebookError as exc:
            _fail(request, exc)
            status = exc.status
        else:
            return redirect("costs:budget", project_id=project.pk)
    revision_id = _int(request.GET, "revision") if request.GET.get("revision") else None
    lines = list(selectors.budget_line_list(project, revision_id))
    # The current budget shows each line's forecast (rolled up into the cost summary).
    forecasts = (
        {} if revision_id else {f.item_code: f for f in selectors.cost_summary(project).lines}
    )
    for line in lines:
        line.outlook = forecasts.get(line.item_code)  # type: ignore[attr-defined]
    # A line's forecast is changed from its own form (?forecast=<item code>), which carries
    # the version shown; the general form only offers lines without a forecast yet.
    editing = next(
        (x for x in lines if forecasts and x.item_code == request.GET.get("forecast")), None
    )
    return _page(
        request,
        "costs/budget.html",
        project,
        "budget",
        lines=lines,
        methods=LineForecast.Method.choices,
        total=sum((line.amount for line in lines), Decimal("0.00")),
        revisions=selectors.revision_list(project),
        shown=revision_id,
        editing=editing,
        unforecast=[x for x in lines if x.outlook is None or x.outlook.forecast is None],  # type: ignore[attr-defined]
        codes=selectors.cost_code_list(project),
        status=status,
    )


# --- contracts and change orders -----------------------------------------------------------------


@login_required
def contracts(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.cost_project(request.user, project_id)
    status = 200
    if request.method == "POST":
        try:
            contract = services.contract_create(
                actor=request.user,
                project=project,
                kind=request.POST.get("kind", ""),
                code=request.POST.get("code", ""),
                title=request.POST.get("title", ""),
                counterparty=request.POST.get("counterparty", ""),
                signed_on=_date(request.POST, "signed_on", required=False),
                retention_percent=_decimal(request.POST, "retention_percent", required=False),
                payment_days=_int(request.POST, "payment_days"),
                payment_terms=request.POST.get("payment_terms", ""),
            )
        except SitebookError as exc:
            _fail(request, exc)
            status = exc.status
        else:
            messages.success(request, _("Contract %(code)s created.") % {"code": contract.code})
            return redirect("costs:contract_detail", project_id=project.pk, contract_id=contract.pk)
    values = selectors.contract_values(project)
    rows = []
    for c in selectors.contract_list(project):
        original, changes = values.get(c.pk, (Decimal("0.00"), Decimal("0.00")))
        rows.append((c, original, changes, original + changes))
    return _page(
        request,
        "costs/contracts.html",
        project,
        "contracts",
        rows=rows,
        kinds=Contract.Kind.choices,
        status=status,
    )


def _stages(text: str) -> list[dict[str, Any]]:
    """Payment stages typed one per line: `date; percent; milestone` or `YYYY-MM; percent`."""
    out: list[dict[str, Any]] = []
    for n, raw in enumerate((t for t in text.splitlines() if t.strip()), start=1):
        parts = [p.strip() for p in raw.replace("；", ";").split(";")]
        when = parts[0]
        month = len(when) == 7
        try:
            due_on = date.fromisoformat(f"{when}-01" if month else when)
            percent = Decimal(parts[1].rstrip("%").strip()) if len(parts) > 1 else None
        except (ValueError, InvalidOperation) as exc:
            raise InvalidInput.field(
                "stages",
                _(
                    "Line %(n)d: write a date (YYYY-MM-DD) or a month (YYYY-MM), a percent and, "
                    "for a milestone, what it is, separated by semicolons."
                )
                % {"n": n},
            ) from exc
        out.append(
            {
                "kind": "month" if month else "milestone",
                "due_on": due_on,
                "percent": percent,
                "description": ";".join(parts[2:]),
            }
        )
    return out


@login_required
def contract_detail(request: HttpRequest, project_id: int, contract_id: int) -> HttpResponse:
    contract = selectors.contract_get(request.user, contract_id)
    if contract.project_id != project_id:
        raise Http404
    project = contract.project
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "line":
                _done, warnings = services.contract_line_add(
                    actor=request.user,
                    contract=contract,
                    description=request.POST.get("description", ""),
                    unit=request.POST.get("unit", ""),
                    quantity=_decimal(request.POST, "quantity"),
                    unit_rate=_decimal(request.POST, "unit_rate"),
                    cost_code_id=_int(request.POST, "cost_code_id"),
                )
                _show(request, warnings)
            elif action == "schedule":
                services.payment_schedule_set(
                    actor=request.user,
                    contract=contract,
                    version=_int(request.POST, "version") or 0,
                    stages=_stages(request.POST.get("stages", "")),
                )
            elif action == "change_order":
                services.change_order_create(
                    actor=request.user,
                    contract=contract,
                    code=request.POST.get("code", ""),
                    title=request.POST.get("title", ""),
                    amount=_decimal(request.POST, "amount"),
                    kind=request.POST.get("kind") or ChangeOrder.Kind.VARIATION,
                    cost_code_id=_int(request.POST, "cost_code_id"),
                    adjust_budget=request.POST.get("adjust_budget") == "on",
                )
            else:
                _done, warnings = services.contract_update(
                    actor=request.user,
                    contract=contract,
                    version=_int(request.POST, "version") or 0,
                    status=request.POST.get("status", ""),
                )
                _show(request, warnings)
            messages.success(request, _("Saved."))
        except SitebookError as exc:
            _fail(request, exc)
            status = exc.status
        else:
            return redirect("costs:contract_detail", project_id=project.pk, contract_id=contract.pk)
    original, changes = selectors.contract_values(project).get(
        contract.pk, (Decimal("0.00"), Decimal("0.00"))
    )
    return _page(
        request,
        "costs/contract_detail.html",
        project,
        "contracts",
        contract=contract,
        lines=selectors.contract_line_list(contract),
        orders=selectors.change_order_list(project).filter(contract=contract),
        original=original,
        changes=changes,
        current=original + changes,
        codes=selectors.cost_code_list(project),
        co_kinds=ChangeOrder.Kind.choices,
        stages=selectors.payment_stage_list(contract),
        status=status,
    )


@login_required
def change_orders(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.cost_project(request.user, project_id)
    return _page(
        request,
        "costs/change_orders.html",
        project,
        "change_orders",
        orders=selectors.change_order_list(project),
    )


@login_required
@require_POST
def change_order_action(
    request: HttpRequest, project_id: int, order_id: int, action: str
) -> HttpResponse:
    order = selectors.change_order_get(request.user, order_id)
    if order.project_id != project_id or action not in {"submit", "approve", "reject"}:
        raise Http404
    version = _int(request.POST, "version") or 0
    note = request.POST.get("note", "")
    try:
        if action == "submit":
            services.change_order_submit(actor=request.user, order=order, version=version)
        elif action == "approve":
            _done, warnings = services.change_order_approve(
                actor=request.user, order=order, version=version, note=note
            )
            _show(request, warnings)
        else:
            services.change_order_reject(
                actor=request.user, order=order, version=version, note=note
            )
    except SitebookError as exc:
        if exc.status in (403, 404):
            raise
        _fail(request, exc)
    else:
        messages.success(
            request,
            _("Change order %(code)s: %(status)s.")
            % {
                "code": order.code,
                "status": ChangeOrder.objects.get(pk=order.pk).get_status_display(),
            },
        )
    return redirect("costs:change_orders", project_id=project_id)


# --- earned value, card, export ------------------------------------------------------------------


@login_required
def evm(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.cost_project(request.user, project_id)
    data_date = _data_date(request)
    if request.method == "POST":
        try:
            services.evm_snapshot_take(actor=request.user, project=project, data_date=data_date)
        except SitebookError as exc:
            if exc.status in (403, 404):
                raise
            _fail(request, exc)
        else:
            messages.success(request, _("Snapshot saved for %(d)s.") % {"d": data_date})
        return redirect(f"{request.path}?data_date={data_date.isoformat()}")
    report = adapters.evm_report(project, data_date)
    snapshots = list(selectors.snapshot_list(project))
    return _page(
        request,
        "costs/evm.html",
        project,
        "evm",
        report=report,
        r=report.result,
        es=report.schedule,
        data_date=data_date,
        snapshots=snapshots,
        trend={
            "labels": [s.data_date.isoformat() for s in snapshots],
            "cpi": [str(s.cpi) if s.cpi is not None else None for s in snapshots],
            "spi": [str(s.spi) if s.spi is not None else None for s in snapshots],
            "spi_t": [str(s.spi_t) if s.spi_t is not None else None for s in snapshots],
        },
    )


@login_required
def card(request: HttpRequest, project_id: int) -> HttpResponse:
    """The cost card of the project overview (loaded by htmx)."""
    project = selectors.cost_project(request.user, project_id)
    return render(
        request,
        "costs/_card.html",
        {"project": project, "summary": selectors.cost_summary(project)},
    )


@login_required
def export(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.cost_project(request.user, project_id)
    content = excel.write_cost_report(selectors.cost_summary(project, _data_date(request)))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cost-report-{project.code}.xlsx"'
    return response
