"""Schedule pages: activity table, activity (with its resource assignments), Gantt, import,
baselines, progress, warnings, look-ahead, resources, the DCMA check and schedule risk.
Thin: forms parse, services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitebook.core.errors import InvalidInput, SitebookError
from sitebook.core.permissions import declared
from sitebook.core.web import form_errors, paginate, submit
from sitebook.projects import access
from sitebook.projects.models import Project
from sitebook.projects.selectors import member_list, project_get, wbs_list
from sitebook.schedule import adapters, exporter, importer, resources, risk, selectors, services
from sitebook.schedule.forms import (
    ActivityForm,
    AssignmentForm,
    BaselineForm,
    ImportForm,
    RelationshipForm,
    ResourceForm,
)
from sitebook.schedule.models import Activity, Resource, ResourceAssignment
from sitebook.schedule.quality import dcma_for

Row = TypeVar("Row", Activity, Resource, ResourceAssignment)


def _can(user: Any, project: Project) -> dict[str, bool]:
    return {code.replace(".", "_"): access.has_perm(user, code, project) for code in declared()}


def _page(
    request: HttpRequest, template: str, project: Project, tab: str, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "project": project,
        "tab": "schedule",
        "stab": tab,
        "can": _can(request.user, project),
        **extra,
    }
    return render(request, template, context, status=status)


def _minutes(days: Decimal, hours_per_day: Decimal) -> int:
    return int(days * hours_per_day * 60)


def _filters(request: HttpRequest) -> selectors.ActivityFilter:
    get = request.GET
    weeks = get.get("weeks", "")
    responsible = get.get("responsible", "")
    return selectors.ActivityFilter(
        q=get.get("q", "").strip(),
        critical=get.get("critical") == "1",
        late=get.get("late") == "1",
        weeks=int(weeks) if weeks.isdigit() and 0 < int(weeks) <= 52 else None,
        responsible_id=int(responsible) if responsible.isdigit() else None,
    )


@login_required
def activity_list(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(request.user, project_id, "schedule.view")
    settings = selectors.settings_get(project)
    members = list(member_list(project))
    form = ActivityForm(request.POST or None, wbs=wbs_list(project), members=members)
    status = 200
    if request.method == "POST":
        access.require(request.user, "schedule.edit", project)
        if form.is_valid():
            data = form.cleaned_data
            settings = settings or services.settings_for(project)
            hpd = (
                settings.default_calendar.hours_per_day if settings.default_calendar else Decimal(8)
            )
            try:
                activity = services.activity_create(
                    actor=request.user,
                    project=project,
                    code=data["code"],
                    name=data["name"],
                    type=data["type"],
                    wbs_id=data["wbs"],
                    original_duration=_minutes(data["duration_days"], hpd),
                    constraint_type=data["constraint_type"] or "",
                    constraint_date=data["constraint_date"],
                    responsible_id=data["responsible"],
                    cost_code=data["cost_code"],
                )
            except SitebookError as exc:
                form_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Activity %(code)s added.") % {"code": activity.code})
                return redirect("schedule:activity_list", project_id=project.pk)
        else:
            status = 400
    filters = _filters(request)
    page = paginate(request, selectors.activity_list(project, filters, settings), per_page=100)
    selectors.attach_variance(
        list(page.object_list), selectors.baseline_rows(selectors.compared_baseline(project))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "schedule/activity_list.html",
        project,
        "activities",
        settings=settings,
        page=page,
        filters=filters,
        members=members,
        form=form,
        query=query.urlencode(),
        status=status,
    )


@login_required
def activity_detail(request: HttpRequest, project_id: int, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get(request.user, activity_id)
    if activity.project_id != project_id:
        raise Http404
    project = activity.project
    link_form = RelationshipForm(request.POST or None)
    status = 200
    if request.method == "POST":
        access.require(request.user, "schedule.edit", project)
        if link_form.is_valid():
            data = link_form.cleaned_data
            pred = Activity.objects.filter(
                project=project, code=data["predecessor"].strip()
            ).first()
            try:
                if pred is None:
                    raise InvalidInput.field(
                        "predecessor",
                        _("No activity %(code)s in this project.") % {"code": data["predecessor"]},
                    )
                services.relationship_create(
                    actor=request.user,
                    project=project,
                    predecessor_id=pred.pk,
                    successor_id=activity.pk,
                    type=data["type"],
                    lag=_minutes(data["lag_days"], activity.calendar.hours_per_day),
                )
            except SitebookError as exc:
                form_errors(link_form, exc)
                status = exc.status
            else:
                messages.success(request, _("Relationship added."))
                return redirect(
                    "schedule:activity_detail", project_id=project.pk, activity_id=activity.pk
                )
        else:
            status = 400
    return _activity_page(request, activity, link_form=link_form, status=status)


def _activity_page(
    request: HttpRequest,
    activity: Activity,
    *,
    link_form: RelationshipForm | None = None,
    assign_form: AssignmentForm | None = None,
    edit_form: AssignmentForm | None = None,
    editing: ResourceAssignment | None = None,
    status: int = 200,
) -> HttpResponse:
    """The activity page; a form passed in is shown as posted (with its errors)."""
    project = activity.project
    preds = selectors.predecessors(activity)
    drivers = {link.pk for link in selectors.driving(activity, preds)}
    assignments = list(selectors.assignment_list(activity))
    choices = list(selectors.resource_choices(project))
    if editing is None and request.GET.get("assignment", "").isdigit():
        chosen = int(request.GET["assignment"])
        editing = next((x for x in assignments if x.pk == chosen), None)
    if editing is not None and edit_form is None:
        edit_form = AssignmentForm(
            initial={
                "version": editing.version,
                "resource": editing.resource_id,
                **{name: getattr(editing, name) for name in resources.FIGURES},
            },
            resources=choices,
        )
    return _page(
        request,
        "schedule/activity_detail.html",
        project,
        "activities",
        activity=activity,
        predecessors=preds,
        drivers=drivers,
        successors=selectors.successors(activity),
        assignments=assignments,
        link_form=link_form if link_form is not None else RelationshipForm(),
        assign_form=assign_form if assign_form is not None else AssignmentForm(resources=choices),
        edit_form=edit_form,
        editing=editing,
        hpd=float(activity.calendar.hours_per_day),
        status=status,
    )


def _in_project(row: Row, project_id: int) -> Row:
    """`row` when it belongs to the project of the URL, else 404."""
    if row.project_id != project_id:
        raise Http404
    return row


def _submit(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], HttpResponse],
    again: Callable[[int], HttpResponse],
) -> HttpResponse:
    """`action`'s answer to a valid post, else `again(status)`: the page with the form's
    errors (400), or the service's refusal on it (400, 409...)."""
    done, status = submit(request, form, action)
    return done if done is not None else again(status)


def _version(request: HttpRequest) -> int:
    """The version a delete form carries (the row as the page showed it)."""
    raw = request.POST.get("version", "")
    if not raw.isdigit():
        raise InvalidInput.field("version", _("Missing or invalid version."))
    return int(raw)


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in resources.FIGURES if data.get(name) is not None}


@login_required
@require_POST
def assignment_create(request: HttpRequest, project_id: int, activity_id: int) -> HttpResponse:
    activity = _in_project(
        selectors.activity_get(request.user, activity_id, "schedule.edit"), project_id
    )
    project = activity.project
    form = AssignmentForm(request.POST, resources=selectors.resource_choices(project))

    def add(data: dict[str, Any]) -> HttpResponse:
        made = resources.assignment_create(
            actor=request.user,
            project=project,
            activity_id=activity.pk,
            resource_id=data["resource"],
            **_figures(data),
        )
        messages.success(request, _("Resource %(code)s assigned.") % {"code": made.resource.code})
        return redirect("schedule:activity_detail", project_id=project.pk, activity_id=activity.pk)

    return _submit(
        request,
        form,
        add,
        lambda status: _activity_page(request, activity, assign_form=form, status=status),
    )


@login_required
@require_POST
def assignment_update(request: HttpRequest, project_id: int, assignment_id: int) -> HttpResponse:
    assignment = _in_project(
        selectors.assignment_get(request.user, assignment_id, "schedule.edit"), project_id
    )
    activity = selectors.activity_get(request.user, assignment.activity_id)
    form = AssignmentForm(request.POST, resources=selectors.resource_choices(assignment.project))

    def save(data: dict[str, Any]) -> HttpResponse:
        resources.assignment_update(
            actor=request.user,
            assignment=assignment,
            version=data["version"] or 0,
            resource_id=data["resource"],
            **_figures(data),
        )
        messages.success(request, _("Assignment saved."))
        return redirect("schedule:activity_detail", project_id=project_id, activity_id=activity.pk)

    return _submit(
        request,
        form,
        save,
        lambda status: _activity_page(
            request, activity, edit_form=form, editing=assignment, status=status
        ),
    )


@login_required
@require_POST
def assignment_delete(request: HttpRequest, project_id: int, assignment_id: int) -> HttpResponse:
    assignment = _in_project(
        selectors.assignment_get(request.user, assignment_id, "schedule.edit"), project_id
    )
    try:
        resources.assignment_delete(
            actor=request.user, assignment=assignment, version=_version(request)
        )
    except SitebookError as exc:
        messages.error(request, str(exc.detail))
        activity = selectors.activity_get(request.user, assignment.activity_id)
        return _activity_page(request, activity, status=exc.status)
    messages.success(request, _("Assignment removed."))
    return redirect(
        "schedule:activity_detail", project_id=project_id, activity_id=assignment.activity_id
    )


@login_required
def gantt(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(request.user, project_id, "schedule.view")
    return _page(
        request, "schedule/gantt.html", project, "gantt", settings=selectors.settings_get(project)
    )


@login_required
def gantt_data(request: HttpRequest, project_id: int) -> JsonResponse:
    project = project_get(request.user, project_id, "schedule.view")
    return JsonResponse(selectors.gantt_data(project, selectors.settings_get(project)))


@login_required
def schedule_import(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(request.user, project_id, "schedule.view")
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    run = None
    if request.method == "POST":
        access.require(request.user, "schedule.import", project)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = importer.schedule_import(
                    actor=request.user, data=upload.read(), filename=upload.name, project=project
                )
            except SitebookError as exc:
                form_errors(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Imported %(n)d activities.") % {"n": run.report["counts"]["activities"]},
                )
        else:
            status = 400
    return _page(
        request,
        "schedule/import.html",
        project,
        "import",
        form=form,
        run=run,
        runs=selectors.import_list(project)[:10],
        status=status,
    )


@login_required
def schedule_export(request: HttpRequest, project_id: int) -> HttpResponse:
    """Download the project's schedule as P6 XER (?format=xer) or MS Project XML (mspdi)."""
    project = project_get(request.user, project_id, "schedule.export")
    export = exporter.schedule_export(
        actor=request.user, project=project, format=request.GET.get("format", "xer")
    )
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response


@login_required
def baselines(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(request.user, project_id, "schedule.view")
    form = BaselineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        access.require(request.user, "schedule.baseline", project)
        if "select" in request.POST:
            choice = request.POST.get("select", "")
            try:
                services.baseline_select(
                    actor=request.user,
                    project=project,
                    baseline_id=int(choice) if choice.isdigit() else None,
                )
            except SitebookError as exc:
                messages.error(request, str(exc.detail))
                status = exc.status
            else:
                return redirect("schedule:baselines", project_id=project.pk)
        elif form.is_valid():
            try:
                services.baseline_capture(
                    actor=request.user, project=project, name=form.cleaned_data["name"]
                )
            except SitebookError as exc:
                form_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Baseline captured."))
                return redirect("schedule:baselines", project_id=project.pk)
        else:
            status = 400
    settings = selectors.settings_get(project)
    baseline = selectors.compared_baseline(project)
    return _page(
        request,
        "schedule/baselines.html",
        project,
        "baselines",
        form=form,
        settings=settings,
        baselines=selectors.baseline_list(project),
        slipped=selectors.slipped(project, baseline)[:200],
        baseline=baseline,
        status=status,
    )


def _parse_moment(text: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) <= 10:
        value = value.replace(hour=8)
    return adapters.from_wall(value)


@login_required
def progress(request: HttpRequest, project_id: int) -> HttpResponse:
    """The period update form: every unfinished activity due by the next period, one row each."""
    project = project_get(request.user, project_id, "schedule.view")
    settings = selectors.settings_get(project) or services.settings_for(project)
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        access.require(request.user, "schedule.progress", project)
        data_date = _parse_moment(request.POST.get("data_date", ""))
        entries: dict[int, dict[str, Any]] = {}
        for key in request.POST:
            if not key.startswith("v-"):
                continue
            pk = int(key[2:])
            fields: dict[str, Any] = {}
            for name in ("actual_start", "actual_finish"):
                raw = request.POST.get(f"{name}-{pk}", "")
                if raw.strip():
                    fields[name] = _parse_moment(raw)
            pct = request.POST.get(f"pct-{pk}", "").strip()
            if pct:
                fields["percent_complete"] = Decimal(pct)
            rem = request.POST.get(f"rem-{pk}", "").strip()
            if rem:
                fields["remaining_duration"] = int(Decimal(rem) * 480)
            if fields:
                fields["version"] = int(request.POST[key])
                entries[pk] = fields
        try:
            if data_date is None:
                raise InvalidInput.field("data_date", _("Enter the new data date."))
            update = services.progress_update(
                actor=request.user,
                project=project,
                data_date=data_date,
                entries=entries,
                note=request.POST.get("note", ""),
            )
        except SitebookError as exc:
            errors = [e["message"] for e in exc.errors] or [str(exc.detail)]
            status = exc.status
        else:
            messages.success(
                request,
                _("Progress recorded for %(n)d activities; the schedule is recomputed.")
                % {"n": update.activity_count},
            )
            return redirect("schedule:progress", project_id=project.pk)
    weeks = selectors.ActivityFilter(weeks=4)
    rows = list(selectors.activity_list(project, weeks, settings)[:200])
    return _page(
        request,
        "schedule/progress.html",
        project,
        "progress",
        settings=settings,
        rows=rows,
        errors=errors,
        updates=list(selectors.progress_list(project)),
        history=selectors.forecast_history(project),
        status=status,
    )


@login_required
def warnings(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(request.user, project_id, "schedule.view")
    found = selectors.warnings(project, selectors.settings_get(project))
    return _page(
        request,
        "schedule/warnings.html",
        project,
        "warnings",
        warnings=found[:500],
        total=len(found),
    )


@login_required
def lookahead(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(request.user, project_id, "schedule.view")
    weeks = 4 if request.GET.get("weeks") == "4" else 2
    settings = selectors.settings_get(project)
    rows = list(
        selectors.activity_list(project, selectors.ActivityFilter(weeks=weeks), settings)[:1000]
    )
    return _page(
        request,
        "schedule/lookahead.html",
        project,
        "lookahead",
        rows=rows,
        weeks=weeks,
        settings=settings,
    )


def _resources_page(
    request: HttpRequest,
    project: Project,
    *,
    form: ResourceForm | None = None,
    edit_form: ResourceForm | None = None,
    editing: Resource | None = None,
    status: int = 200,
) -> HttpResponse:
    """The resources page; a form passed in is shown as posted (with its errors)."""
    rows = selectors.resource_list(project)
    if editing is None and request.GET.get("edit", "").isdigit():
        chosen = int(request.GET["edit"])
        editing = next((r for r in rows if r.pk == chosen), None)
    if editing is not None and edit_form is None:
        edit_form = ResourceForm(
            initial={"version": editing.version}
            | {name: getattr(editing, name) for name in resources.RESOURCE_FIELDS}
        )
    return _page(
        request,
        "schedule/resources.html",
        project,
        "resources",
        resources=rows,
        form=form if form is not None else ResourceForm(),
        edit_form=edit_form,
        editing=editing,
        status=status,
    )


def _resource_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in resources.RESOURCE_FIELDS}


@login_required
def resource_list(request: HttpRequest, project_id: int) -> HttpResponse:
    """The resources with their totals; a POST adds one."""
    project = project_get(request.user, project_id, "schedule.view")
    form = ResourceForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, "schedule.edit", project)

    def add(data: dict[str, Any]) -> HttpResponse:
        made = resources.resource_create(
            actor=request.user, project=project, **_resource_fields(data)
        )
        messages.success(request, _("Resource %(code)s added.") % {"code": made.code})
        return redirect("schedule:resources", project_id=project.pk)

    return _submit(
        request,
        form,
        add,
        lambda status: _resources_page(request, project, form=form, status=status),
    )


@login_required
@require_POST
def resource_update(request: HttpRequest, project_id: int, resource_id: int) -> HttpResponse:
    resource = _in_project(
        selectors.resource_get(request.user, resource_id, "schedule.edit"), project_id
    )
    form = ResourceForm(request.POST)

    def save(data: dict[str, Any]) -> HttpResponse:
        resources.resource_update(
            actor=request.user,
            resource=resource,
            version=data["version"] or 0,
            **_resource_fields(data),
        )
        messages.success(request, _("Resource %(code)s saved.") % {"code": data["code"]})
        return redirect("schedule:resources", project_id=project_id)

    return _submit(
        request,
        form,
        save,
        lambda status: _resources_page(
            request, resource.project, edit_form=form, editing=resource, status=status
        ),
    )


@login_required
@require_POST
def resource_delete(request: HttpRequest, project_id: int, resource_id: int) -> HttpResponse:
    resource = _in_project(
        selectors.resource_get(request.user, resource_id, "schedule.edit"), project_id
    )
    try:
        resources.resource_delete(actor=request.user, resource=resource, version=_version(request))
    except SitebookError as exc:
        messages.error(request, str(exc.detail))
        return _resources_page(request, resource.project, status=exc.status)
    messages.success(request, _("Resource %(code)s deleted.") % {"code": resource.code})
    return redirect("schedule:resources", project_id=project_id)


@login_required
def dcma(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(request.user, project_id, "schedule.view")
    return _page(request, "schedule/dcma.html", project, "dcma", checks=dcma_for(project))


@login_required
@require_POST
def reschedule(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get(request.user, project_id, "schedule.edit")
    try:
        services.reschedule(project, services.settings_for(project))
    except SitebookError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Schedule recomputed."))
    return redirect("schedule:activity_list", project_id=project.pk)


def _risk_chart(result: dict[str, Any]) -> list[list[Any]]:
    """Histogram rows for the chart: [bin start (site date), iterations, cumulative %]."""
    rows: list[list[Any]] = []
    total = 0
    for b in result["histogram"]:
        total += b["count"]
        label = timezone.localtime(b["start"]).strftime("%Y-%m-%d")
        rows.append([label, b["count"], round(100 * total / result["iterations"], 1)])
    return rows


@login_required
def schedule_risk(request: HttpRequest, project_id: int) -> HttpResponse:
    """Monte Carlo schedule risk: the form, then finish percentiles, the histogram with its
    S-curve and the most critical activities (POST runs it; nothing is stored)."""
    project = project_get(request.user, project_id, "schedule.view")
    values = {"iterations": "1000", "distribution": "triangular", "seed": ""}
    result: dict[str, Any] | None = None
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, v).strip() for k, v in values.items()}
        try:
            count, dist, seed = risk.check_input(
                values["iterations"], values["distribution"], values["seed"]
            )
            result = risk.risk_of(project, count, dist, seed)
        except SitebookError as exc:
            errors = [e["message"] for e in exc.errors] or [str(exc.detail)]
            status = exc.status
    return _page(
        request,
        "schedule/risk.html",
        project,
        "risk",
        values=values,
        result=result,
        chart=_risk_chart(result) if result else [],
        top=result["activities"][:25] if result else [],
        errors=errors,
        status=status,
    )
