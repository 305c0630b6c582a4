"""Day-labour pages: tickets (phone-first entry), sign-off, roster, rates, summaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitebook.core.errors import InvalidInput, SitebookError
from sitebook.core.permissions import declared
from sitebook.core.web import form_errors, paginate, submit
from sitebook.labour import documents, rules, selectors, services
from sitebook.labour.forms import (
    LABOUR_ROWS,
    MATERIAL_ROWS,
    PLANT_ROWS,
    RateForm,
    SettingsForm,
    TeamForm,
    TicketForm,
    TradeForm,
    WorkerForm,
    parse_lines,
)
from sitebook.labour.models import (
    DayType,
    Grade,
    LabourLine,
    PlantLine,
    SignStep,
    Ticket,
    TicketPhoto,
)
from sitebook.projects import access
from sitebook.projects.models import Project


def _can(user: Any, project: Project) -> dict[str, bool]:
    return {code.replace(".", "_"): access.has_perm(user, code, project) for code in declared()}


def _page(
    request: HttpRequest, template: str, project: Project, section: str, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "project": project,
        "tab": "labour",
        "section": section,
        "can": _can(request.user, project),
        **extra,
    }
    return render(request, template, context, status=status)


def _ticket(request: HttpRequest, project_id: int, ticket_id: int, code: str) -> Ticket:
    ticket = selectors.ticket_get(request.user, ticket_id, code)
    if ticket.project_id != project_id:
        raise Http404
    return ticket


# --- tickets -----------------------------------------------------------------------------------


@login_required
def ticket_list(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id)
    services.deemed_acceptance_sweep(organisation_id=project.organisation_id, project=project)
    status = request.GET.get("status", "")
    if status not in Ticket.Status.values:
        status = ""
    q = request.GET.get("q", "").strip()
    tickets = selectors.ticket_list(project, status=status or None, q=q or None)
    return _page(
        request,
        "labour/ticket_list.html",
        project,
        "tickets",
        page=paginate(request, tickets),
        status_filter=status,
        statuses=Ticket.Status.choices,
        q=q,
    )


def _form_context(project: Project, form: TicketForm, post: Any = None) -> dict[str, Any]:
    workers = list(selectors.worker_list(project, active=True))
    rows: list[dict[str, Any]] = []
    for i in range(LABOUR_ROWS):
        start = (post or {}).get(f"labour-{i}-start", "08:00")
        end = (post or {}).get(f"labour-{i}-end", "17:00")
        rows.append(
            {
                "i": str(i),
                "worker": (post or {}).get(f"labour-{i}-worker", ""),
                "start": start,
                "end": end,
                "break_minutes": (post or {}).get(f"labour-{i}-break_minutes", "0"),
                "rate": (post or {}).get(f"labour-{i}-rate", ""),
                # "HH:MM" strings compare like the times: an end at or before the start
                # is a night shift ending the next day (as the service reads it).
                "next_day": bool(start and end) and end <= start,
            }
        )
    materials = [
        {
            f: (post or {}).get(f"material-{i}-{f}", "")
            for f in ("name", "specification", "unit", "quantity", "unit_price")
        }
        | {"i": str(i)}
        for i in range(MATERIAL_ROWS)
    ]
    plant = [
        {f: (post or {}).get(f"plant-{i}-{f}", "") for f in ("model", "units", "quantity", "rate")}
        | {"i": str(i), "unit": (post or {}).get(f"plant-{i}-unit", "shift")}
        for i in range(PLANT_ROWS)
    ]
    return {
        "form": form,
        "workers": workers,
        "rows": rows,
        "materials": materials,
        "plant": plant,
        "plant_units": PlantLine.Unit.choices,
    }


def _initial_rows(ticket: Ticket) -> dict[str, str]:
    """The POST-shaped values of a ticket's lines, to fill the edit form."""
    tz = timezone.get_current_timezone()
    data: dict[str, str] = {}
    for i, line in enumerate(ticket.labour_lines.all()):
        data[f"labour-{i}-worker"] = str(line.worker_id)
        data[f"labour-{i}-start"] = line.start.astimezone(tz).strftime("%H:%M")
        data[f"labour-{i}-end"] = line.end.astimezone(tz).strftime("%H:%M")
        data[f"labour-{i}-break_minutes"] = str(line.break_minutes)
        data[f"labour-{i}-rate"] = str(line.rate)
    for i, mat in enumerate(ticket.material_lines.all()):
        for f in ("name", "specification", "unit", "quantity", "unit_price"):
            data[f"material-{i}-{f}"] = str(getattr(mat, f))
    for i, p in enumerate(ticket.plant_lines.all()):
        for f in ("model", "units", "quantity", "unit", "rate"):
            data[f"plant-{i}-{f}"] = str(getattr(p, f))
    return data


@login_required
def ticket_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id, "labour.record")
    form = TicketForm(
        request.POST or None,
        project=project,
        initial={"work_date": dt.date.today(), "instruction_source": "main_contractor"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket = services.ticket_create(
                    actor=request.user,
                    project=project,
                    **parse_lines(request.POST),
                    **form.header(),
                )
            except SitebookError as exc:
                form_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Ticket %(n)s recorded.") % {"n": ticket.number})
                return redirect("labour:ticket_detail", project_id=project.pk, ticket_id=ticket.pk)
        else:
            status = 400
    return _page(
        request,
        "labour/ticket_form.html",
        project,
        "new",
        status=status,
        **_form_context(project, form, request.POST if request.method == "POST" else None),
    )


@login_required
def ticket_edit(request: HttpRequest, project_id: int, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, project_id, ticket_id, "labour.record")
    project = ticket.project
    initial = {
        "version": ticket.version,
        "work_date": ticket.work_date,
        "location": ticket.location,
        "instruction_source": ticket.instruction_source,
        "instruction_number": ticket.instruction_number,
        "reason": ticket.reason,
        "recoverable": ticket.recoverable,
        "wbs_node": ticket.wbs_node_id,
        "cost_code": ticket.cost_code_id,
        "description": ticket.description,
    }
    form = TicketForm(request.POST or None, project=project, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ticket_update(
                    actor=request.user,
                    ticket=ticket,
                    version=form.cleaned_data["version"] or 0,
                    **parse_lines(request.POST),
                    **form.header(),
                )
            except SitebookError as exc:
                form_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Saved. The ticket is a draft again."))
                return redirect("labour:ticket_detail", project_id=project.pk, ticket_id=ticket.pk)
        else:
            status = 400
    post = request.POST if request.method == "POST" else _initial_rows(ticket)
    return _page(
        request,
        "labour/ticket_form.html",
        project,
        "tickets",
        ticket=ticket,
        status=status,
        **_form_context(project, form, post),
    )


@login_required
def ticket_detail(request: HttpRequest, project_id: int, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, project_id, ticket_id, "labour.view")
    if services.deemed_acceptance_sweep(
        organisation_id=ticket.organisation_id, project=ticket.project
    ):
        ticket = _ticket(request, project_id, ticket_id, "labour.view")
    sheet = selectors.ticket_sheet(ticket)
    return _page(
        request,
        "labour/ticket_detail.html",
        ticket.project,
        "tickets",
        ticket=ticket,
        sheet=sheet,
        photos=list(ticket.photos.all()),
        next_label=SignStep(sheet.next_step).label if sheet.next_step else "",
        next_code=services.STEP_CODE[SignStep(sheet.next_step)].replace(".", "_")
        if sheet.next_step
        else "",
    )


def _act(request: HttpRequest, project_id: int, ticket_id: int, action: Any) -> HttpResponse:
    ticket = _ticket(request, project_id, ticket_id, "labour.view")
    try:
        version = int(request.POST.get("version") or 0)
        action(ticket, version)
    except ValueError:
        messages.error(request, _("Reload the page and try again."))
    except SitebookError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, str(exc.detail))
    return redirect("labour:ticket_detail", project_id=project_id, ticket_id=ticket_id)


@login_required
@require_POST
def ticket_submit(request: HttpRequest, project_id: int, ticket_id: int) -> HttpResponse:
    def go(ticket: Ticket, version: int) -> None:
        services.ticket_submit(actor=request.user, ticket=ticket, version=version)
        messages.success(request, _("Submitted for sign-off."))

    return _act(request, project_id, ticket_id, go)


@login_required
@require_POST
def ticket_sign(request: HttpRequest, project_id: int, ticket_id: int) -> HttpResponse:
    def go(ticket: Ticket, version: int) -> None:
        services.ticket_sign(
            actor=request.user,
            ticket=ticket,
            version=version,
            step=request.POST.get("step", ""),
            signer=request.POST.get("signer", ""),
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Signed."))

    return _act(request, project_id, ticket_id, go)


@login_required
@require_POST
def ticket_reject(request: HttpRequest, project_id: int, ticket_id: int) -> HttpResponse:
    def go(ticket: Ticket, version: int) -> None:
        services.ticket_reject(
            actor=request.user,
            ticket=ticket,
            version=version,
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Rejected."))

    return _act(request, project_id, ticket_id, go)


def _photo(request: HttpRequest, project_id: int, ticket_id: int, photo_id: int) -> TicketPhoto:
    ticket = _ticket(request, project_id, ticket_id, "labour.view")
    photo = TicketPhoto.objects.filter(pk=photo_id, ticket_id=ticket.pk).first()
    if photo is None:
        raise Http404
    photo.ticket = ticket
    return photo


@login_required
@require_POST
def ticket_photo_add(request: HttpRequest, project_id: int, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, project_id, ticket_id, "labour.view")
    try:
        services.ticket_photo_add(
            actor=request.user,
            ticket=ticket,
            file=request.FILES.get("photo"),
            caption=request.POST.get("caption", ""),
        )
        messages.success(request, _("Photo added."))
    except SitebookError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, str(exc.detail))
    return redirect("labour:ticket_detail", project_id=project_id, ticket_id=ticket_id)


@login_required
def ticket_photo(
    request: HttpRequest, project_id: int, ticket_id: int, photo_id: int
) -> HttpResponse:
    """The photo's bytes, for users who may see the ticket (never a public media URL)."""
    photo = _photo(request, project_id, ticket_id, photo_id)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def ticket_photo_delete(
    request: HttpRequest, project_id: int, ticket_id: int, photo_id: int
) -> HttpResponse:
    photo = _photo(request, project_id, ticket_id, photo_id)
    try:
        services.ticket_photo_delete(actor=request.user, photo=photo)
        messages.success(request, _("Photo deleted."))
    except SitebookError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, str(exc.detail))
    return redirect("labour:ticket_detail", project_id=project_id, ticket_id=ticket_id)


@login_required
def ticket_print(request: HttpRequest, project_id: int, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, project_id, ticket_id, "labour.view")
    pdf = documents.ticket_pdf(selectors.ticket_sheet(ticket))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{ticket.number}.pdf"'
    return response


@login_required
def day_type(request: HttpRequest, project_id: int) -> HttpResponse:
    """The day type and multiplier of a date, shown beside the entry form's date (htmx)."""
    project = selectors.project_for(request.user, project_id)
    try:
        day = dt.date.fromisoformat(request.GET.get("work_date", ""))
    except ValueError:
        return HttpResponse("")
    kind = rules.project_day_type(project, day)
    settings = services.settings_for(project.organisation_id)
    multiplier = {
        DayType.WORK_DAY: Decimal("1"),
        DayType.REST_DAY: settings.rest_day_multiplier,
        DayType.STATUTORY_HOLIDAY: settings.holiday_multiplier,
    }[DayType(kind)]
    return render(
        request,
        "labour/_day_type.html",
        {"kind": kind, "label": DayType(kind).label, "percent": f"{multiplier * 100:.0f}"},
    )


@login_required
def export(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id)
    lines = (
        LabourLine.objects.filter(project=project)
        .select_related("ticket", "worker", "trade", "team")
        .order_by("work_date", "ticket_id", "id")
    )
    response = HttpResponse(
        documents.tickets_workbook(project, lines.iterator(chunk_size=2000)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{project.code}-labour.xlsx"'
    return response


# --- roster and rates --------------------------------------------------------------------------


def _roster_page(request: HttpRequest, project: Project, status: int = 200, **forms: Any) -> Any:
    return _page(
        request,
        "labour/roster.html",
        project,
        "roster",
        status=status,
        page=paginate(request, selectors.worker_list(project, q=request.GET.get("q") or None)),
        trades=list(selectors.trade_list(project)),
        teams=list(selectors.team_list(project)),
        grades=Grade.choices,
        worker_form=forms.get("worker_form") or WorkerForm(),
        trade_form=forms.get("trade_form") or TradeForm(),
        team_form=forms.get("team_form") or TeamForm(),
        import_errors=forms.get("import_errors", []),
    )


@login_required
def roster(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id)
    if request.method != "POST":
        return _roster_page(request, project)
    access.require(request.user, "labour.manage", project)
    form = WorkerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.worker_create(
                actor=request.user,
                project=project,
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                trade_id=data["trade"],
                grade=data["grade"],
                team_id=data["team"],
            )
        except SitebookError as exc:
            form_errors(form, exc)
            return _roster_page(request, project, exc.status, worker_form=form)
        messages.success(request, _("Worker added."))
        return redirect("labour:roster", project_id=project.pk)
    return _roster_page(request, project, 400, worker_form=form)


@login_required
@require_POST
def trade_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id, "labour.manage")
    form = TradeForm(request.POST)

    def add(data: dict[str, Any]) -> HttpResponse:
        services.trade_create(actor=request.user, project=project, **data)
        messages.success(request, _("Trade added."))
        return redirect("labour:roster", project_id=project.pk)

    done, status = submit(request, form, add)
    return done or _roster_page(request, project, status, trade_form=form)


@login_required
@require_POST
def team_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id, "labour.manage")
    form = TeamForm(request.POST)

    def add(data: dict[str, Any]) -> HttpResponse:
        services.team_create(actor=request.user, project=project, **data)
        messages.success(request, _("Team added."))
        return redirect("labour:roster", project_id=project.pk)

    done, status = submit(request, form, add)
    return done or _roster_page(request, project, status, team_form=form)


@login_required
def roster_import(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id, "labour.manage")
    if request.method != "POST":
        response = HttpResponse(
            documents.roster_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
        return response
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput.field("file", _("Choose an Excel file."))
        report = services.roster_import(
            actor=request.user, project=project, rows=documents.read_rows(upload)
        )
    except InvalidInput as exc:
        return _roster_page(request, project, 400, import_errors=[str(exc.detail)])
    messages.success(
        request,
        _("%(n)s workers imported, %(s)s skipped.")
        % {"n": report.created, "s": len(report.skipped)},
    )
    for line in report.skipped:
        messages.warning(request, line)
    return redirect("labour:roster", project_id=project.pk)


@login_required
def rates(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id)
    form = RateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        access.require(request.user, "labour.manage", project)
        if form.is_valid():
            try:
                services.rate_set(
                    actor=request.user,
                    project=project,
                    trade_id=form.cleaned_data["trade"],
                    grade=form.cleaned_data["grade"],
                    rate=form.cleaned_data["rate"],
                )
            except SitebookError as exc:
                form_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Day rate saved."))
                return redirect("labour:rates", project_id=project.pk)
        else:
            status = 400
    return _page(
        request,
        "labour/rates.html",
        project,
        "rates",
        status=status,
        rates=list(selectors.rate_list(project)),
        trades=list(selectors.trade_list(project)),
        grades=Grade.choices,
        form=form,
        periods=list(selectors.closed_periods(project)),
        settings=services.settings_for(project.organisation_id),
    )


@login_required
@require_POST
def period_close(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id, "labour.manage")
    try:
        month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        messages.error(request, _("Enter a month (YYYY-MM)."))
    else:
        services.period_close(actor=request.user, project=project, month=month)
        messages.success(request, _("%(m)s closed.") % {"m": month.strftime("%Y-%m")})
    return redirect("labour:rates", project_id=project.pk)


@login_required
def settings_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    """The organisation's day-labour rules; only its administrators change them."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise Http404
    access.require(request.user, "labour.manage", organisation_id=project.organisation_id)
    current = services.settings_for(project.organisation_id)
    form = SettingsForm(
        request.POST or None, instance=current, initial={"version": current.version}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in SettingsForm.Meta.fields}
            try:
                services.settings_update(
                    actor=request.user,
                    organisation_id=project.organisation_id,
                    version=form.cleaned_data["version"],
                    **changes,
                )
            except SitebookError as exc:
                form_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Saved."))
                return redirect("labour:rates", project_id=project.pk)
        else:
            status = 400
    return render(
        request, "labour/settings.html", {"project": project, "form": form}, status=status
    )


# --- summaries and cost ------------------------------------------------------------------------


@login_required
def summary(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id)
    by = request.GET.get("by", "trade")
    if by not in selectors.SUMMARY_KEYS:
        by = "trade"
    rows = selectors.summary(project, by)
    chart = {
        "labels": [r.label for r in rows],
        "amount": [str(r.amount) for r in rows],
        "days": [str(r.days) for r in rows],
    }
    totals = {
        "hours": sum((r.hours for r in rows), Decimal("0")),
        "days": sum((r.days for r in rows), Decimal("0")),
        "amount": sum((r.amount for r in rows), Decimal("0")),
    }
    keys = [
        ("team", _("Team")),
        ("trade", _("Trade")),
        ("worker", _("Worker")),
        ("month", _("Month")),
    ]
    return _page(
        request,
        "labour/summary.html",
        project,
        "summary",
        rows=rows,
        by=by,
        keys=keys,
        totals=totals,
        chart=chart,
    )


@login_required
def cost_report(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_for(request.user, project_id)
    rows = selectors.cost_report(project)
    return _page(
        request,
        "labour/cost_report.html",
        project,
        "cost",
        rows=rows,
        total=sum((r.amount for r in rows), Decimal("0")),
        claimable=list(selectors.claimable(project)),
    )
