"""Project pages: list, create, overview, edit, WBS, members, RACI and history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sitebook.accounts import access as org_access
from sitebook.audit.selectors import history_for_project
from sitebook.core.errors import InvalidInput, SitebookError
from sitebook.core.permissions import declared
from sitebook.core.web import is_htmx, paginate, submit
from sitebook.projects import access, selectors, services
from sitebook.projects.forms import MemberAddForm, ProjectForm, RaciRowForm, WbsForm
from sitebook.projects.models import Project, ProjectMember, RaciAssignment, RaciRow, WbsNode

PROJECT_FIELDS = ProjectForm.Meta.fields


def _can(user: Any, project: Project) -> dict[str, bool]:
    """{'projects_edit': True, ...} for the templates (dots do not work as keys there)."""
    return {code.replace(".", "_"): access.has_perm(user, code, project) for code in declared()}


def _page(
    request: HttpRequest, template: str, project: Project, tab: str, **extra: Any
) -> HttpResponse:
    context = {"project": project, "tab": tab, "can": _can(request.user, project), **extra}
    return render(request, template, context, status=extra.pop("status", 200))


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in Project.Status.values:
        status = ""
    projects = selectors.project_list(request.user, q=q or None, status=status or None)
    org_id = org_access.default_organisation_id(
        request.user, request.session.get("organisation_id")
    )
    context = {
        "page": paginate(request, projects),
        "q": q,
        "status": status,
        "statuses": Project.Status.choices,
        "can_create": org_id is not None
        and access.has_perm(request.user, "projects.create", organisation_id=org_id),
    }
    return render(request, "projects/project_list.html", context)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    org_id = org_access.default_organisation_id(
        request.user, request.session.get("organisation_id")
    )
    if org_id is None:
        raise Http404
    access.require(request.user, "projects.create", organisation_id=org_id)
    form = ProjectForm(request.POST or None)

    def create(data: dict[str, Any]) -> HttpResponse:
        fields = {name: data[name] for name in PROJECT_FIELDS}
        project = services.project_create(actor=request.user, organisation_id=org_id, **fields)
        messages.success(request, _("Project %(code)s created.") % {"code": project.code})
        return redirect("projects:project_detail", project_id=project.pk)

    done, status = submit(request, form, create)
    if done:
        return done
    return render(request, "projects/project_form.html", {"form": form}, status=status)


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id)
    members = list(selectors.member_list(project))
    by_role: dict[str, int] = {}
    for member in members:
        label = str(member.role.label)
        by_role[label] = by_role.get(label, 0) + 1
    chart = [{"name": k, "value": v} for k, v in sorted(by_role.items())]
    return _page(
        request,
        "projects/project_detail.html",
        project,
        "overview",
        members=members,
        wbs_count=selectors.wbs_list(project).count(),
        team_chart=chart,
    )


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id, "projects.edit")
    form = ProjectForm(request.POST or None, instance=project, initial={"version": project.version})

    def save(data: dict[str, Any]) -> HttpResponse:
        services.project_update(
            actor=request.user,
            project=Project.objects.get(pk=project.pk),
            version=data["version"] or 0,
            **{name: data[name] for name in PROJECT_FIELDS},
        )
        messages.success(request, _("Saved."))
        return redirect("projects:project_detail", project_id=project.pk)

    done, status = submit(request, form, save)
    if done:
        return done
    return _page(request, "projects/project_edit.html", project, "edit", form=form, status=status)


# --- WBS -------------------------------------------------------------------------------------


def _wbs_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": data["code"],
        "name": data["name"],
        "name_en": data["name_en"],
        "parent_id": data["parent"].pk if data["parent"] else None,
        "sort_order": data["sort_order"] or 0,
    }


@login_required
def wbs(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id)
    form = WbsForm(request.POST or None, project=project)
    if request.method == "POST":
        access.require(request.user, "projects.edit_wbs", project)

    def add(data: dict[str, Any]) -> HttpResponse:
        services.wbs_create(actor=request.user, project=project, **_wbs_fields(data))
        return redirect("projects:wbs", project_id=project.pk)

    done, status = submit(request, form, add)
    if done:
        return done
    return _page(
        request,
        "projects/wbs.html",
        project,
        "wbs",
        lines=selectors.wbs_tree(project),
        form=form,
        status=status,
    )


@login_required
def wbs_edit(request: HttpRequest, project_id: int, node_id: int) -> HttpResponse:
    node = selectors.wbs_get(request.user, node_id, "projects.edit_wbs")
    if node.project_id != project_id:
        raise Http404
    project = node.project
    form = WbsForm(
        request.POST or None, instance=node, project=project, initial={"version": node.version}
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        fresh = WbsNode.objects.select_related("project").get(pk=node.pk)
        services.wbs_update(
            actor=request.user, node=fresh, version=data["version"] or 0, **_wbs_fields(data)
        )
        return redirect("projects:wbs", project_id=project.pk)

    done, status = submit(request, form, save)
    if done:
        return done
    return _page(
        request, "projects/wbs_edit.html", project, "wbs", node=node, form=form, status=status
    )


@login_required
@require_POST
def wbs_delete(request: HttpRequest, project_id: int, node_id: int) -> HttpResponse:
    node = selectors.wbs_get(request.user, node_id, "projects.edit_wbs")
    if node.project_id != project_id:
        raise Http404
    try:
        services.wbs_delete(
            actor=request.user, node=node, version=_int(request.POST.get("version"))
        )
    except InvalidInput as exc:
        messages.error(request, str(exc.detail))
    return redirect("projects:wbs", project_id=project_id)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput.field("version", _("Missing or invalid version.")) from None


# --- members ---------------------------------------------------------------------------------


@login_required
def members(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id)
    roles = list(selectors.role_choices(project))
    form = MemberAddForm(request.POST or None)
    form.fields["user"].choices = [(u.pk, str(u)) for u in selectors.member_candidates(project)]
    form.fields["role"].choices = [(r.pk, str(r.label)) for r in roles]
    if request.method == "POST":
        access.require(request.user, "projects.manage_members", project)

    def add(data: dict[str, Any]) -> HttpResponse:
        services.member_add(
            actor=request.user, project=project, user_id=data["user"], role_id=data["role"]
        )
        messages.success(request, _("Member added."))
        return redirect("projects:members", project_id=project.pk)

    done, status = submit(request, form, add)
    if done:
        return done
    return _page(
        request,
        "projects/members.html",
        project,
        "members",
        members=selectors.member_list(project),
        roles=roles,
        form=form,
        status=status,
    )


def _member(request: HttpRequest, project_id: int, member_id: int) -> ProjectMember:
    member = selectors.member_get(request.user, member_id, "projects.manage_members")
    if member.project_id != project_id:
        raise Http404
    return member


@login_required
@require_POST
def member_update(request: HttpRequest, project_id: int, member_id: int) -> HttpResponse:
    member = _member(request, project_id, member_id)
    try:
        services.member_update(
            actor=request.user,
            member=member,
            version=_int(request.POST.get("version")),
            role_id=_int(request.POST.get("role")),
        )
    except SitebookError as exc:
        messages.error(request, str(exc.detail))
    return redirect("projects:members", project_id=project_id)


@login_required
@require_POST
def member_remove(request: HttpRequest, project_id: int, member_id: int) -> HttpResponse:
    member = _member(request, project_id, member_id)
    try:
        services.member_remove(
            actor=request.user, member=member, version=_int(request.POST.get("version"))
        )
    except SitebookError as exc:
        messages.error(request, str(exc.detail))
    return redirect("projects:members", project_id=project_id)


# --- RACI ------------------------------------------------------------------------------------


def _cells_from_post(request: HttpRequest) -> dict[int, str]:
    cells: dict[int, str] = {}
    for key, value in request.POST.items():
        if key.startswith("cell-") and value:
            try:
                cells[int(key[5:])] = value
            except ValueError:
                raise InvalidInput.field(key, _("Unknown member.")) from None
    return cells


@login_required
def raci(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id)
    form = RaciRowForm(request.POST or None)
    form.fields["wbs_node"].choices = [("", "—")] + [
        (line.node.pk, f"{'  ' * line.depth}{line.node}") for line in selectors.wbs_tree(project)
    ]
    if request.method == "POST":
        access.require(request.user, "projects.edit_raci", project)

    def add(data: dict[str, Any]) -> HttpResponse:
        services.raci_row_create(
            actor=request.user,
            project=project,
            assignments=_cells_from_post(request),
            wbs_node_id=data["wbs_node"],
            deliverable=data["deliverable"],
        )
        return redirect("projects:raci", project_id=project.pk)

    done, status = submit(request, form, add)
    if done:
        return done
    return _page(
        request,
        "projects/raci.html",
        project,
        "raci",
        matrix=selectors.raci_matrix(project),
        letters=RaciAssignment.Letter.choices,
        form=form,
        status=status,
    )


def _raci_row(request: HttpRequest, project_id: int, row_id: int) -> RaciRow:
    row = selectors.raci_row_get(request.user, row_id, "projects.edit_raci")
    if row.project_id != project_id:
        raise Http404
    return row


@login_required
@require_POST
def raci_row_update(request: HttpRequest, project_id: int, row_id: int) -> HttpResponse:
    row = _raci_row(request, project_id, row_id)
    error = None
    status = 200
    try:
        row = services.raci_row_update(
            actor=request.user,
            row=row,
            version=_int(request.POST.get("version")),
            assignments=_cells_from_post(request),
        )
    except SitebookError as exc:
        error = str(exc.detail)
        status = exc.status
    if is_htmx(request):
        project = row.project
        matrix = selectors.raci_matrix(project)
        row = next((r for r in matrix.rows if r.pk == row.pk), row)
        context = {
            "project": project,
            "matrix": matrix,
            "row": row,
            "row_error": error,
            "letters": RaciAssignment.Letter.choices,
            "can": _can(request.user, project),
        }
        # htmx swaps only 2xx answers by default; the error is shown inside the row.
        return render(request, "projects/_raci_row.html", context, status=200 if error else status)
    if error:
        messages.error(request, error)
    return redirect("projects:raci", project_id=project_id)


@login_required
@require_POST
def raci_row_delete(request: HttpRequest, project_id: int, row_id: int) -> HttpResponse:
    row = _raci_row(request, project_id, row_id)
    services.raci_row_delete(actor=request.user, row=row, version=_int(request.POST.get("version")))
    return redirect("projects:raci", project_id=project_id)


# --- history ---------------------------------------------------------------------------------

HISTORY_MODELS: dict[str, type] = {
    "project": Project,
    "wbsnode": WbsNode,
    "projectmember": ProjectMember,
    "racirow": RaciRow,
}


@login_required
def project_history(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id, "audit.view")
    page = paginate(request, history_for_project(project.pk).select_related("content_type"))
    return _page(request, "projects/history.html", project, "history", page=page, subject=None)


@login_required
def object_history(
    request: HttpRequest, project_id: int, model: str, object_id: int
) -> HttpResponse:
    """The history of one row of the project (it may since have been deleted)."""
    project = selectors.project_get(request.user, project_id, "audit.view")
    model_class = HISTORY_MODELS.get(model)
    if model_class is None:
        raise Http404
    records = history_for_project(project.pk).filter(
        content_type=ContentType.objects.get_for_model(model_class), object_id=str(object_id)
    )
    latest = records.first()
    if latest is None:
        raise Http404
    page = paginate(request, records)
    return _page(
        request,
        "projects/history.html",
        project,
        "history",
        page=page,
        subject=latest.object_repr,
    )
