"""REST endpoints of the schedule centre: activities, relationships, calendars, options,
baselines, progress updates, delay warnings, DCMA check, Monte Carlo schedule risk,
resources and their assignments, import and export."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from sitebook.projects.selectors import project_get
from sitebook.schedule import exporter, importer, resources, risk, selectors, services
from sitebook.schedule.quality import dcma_for
from sitebook.schedule.schemas import (
    ActivityFilterIn,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    AssignmentFilterIn,
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    BaselineIn,
    BaselineOut,
    CalendarIn,
    CalendarOut,
    DcmaOut,
    ExportFormat,
    ImportOut,
    ProgressIn,
    ProgressOut,
    RelationshipIn,
    RelationshipOut,
    RelationshipPatch,
    ResourceIn,
    ResourceOut,
    ResourcePatch,
    RiskIn,
    RiskOut,
    SettingsOut,
    SettingsPatch,
    WarningOut,
)

router = Router(tags=["schedule"])


def _project(request: HttpRequest, project_id: int, code: str = "schedule.view") -> Any:
    return project_get(request.user, project_id, code)


def _versioned(payload: Any) -> tuple[int, dict[str, Any]]:
    """The version a PATCH names and the fields it sends (unsent fields are left alone)."""
    changes = payload.dict(exclude_unset=True)
    return changes.pop("version"), changes


# --- activities --------------------------------------------------------------------------------


@router.get("/projects/{project_id}/activities", response=list[ActivityOut])
@paginate(LimitOffsetPagination)
def activity_list(request: HttpRequest, project_id: int, filters: Query[ActivityFilterIn]) -> Any:
    project = _project(request, project_id)
    settings = selectors.settings_get(project)
    return selectors.activity_list(project, selectors.ActivityFilter(**filters.dict()), settings)


@router.post("/projects/{project_id}/activities", response={201: ActivityOut})
def activity_create(request: HttpRequest, project_id: int, payload: ActivityIn) -> Any:
    project = _project(request, project_id)
    return 201, services.activity_create(actor=request.user, project=project, **payload.dict())


@router.get("/activities/{activity_id}", response=ActivityOut)
def activity_detail(request: HttpRequest, activity_id: int) -> Any:
    return selectors.activity_get(request.user, activity_id)


@router.patch("/activities/{activity_id}", response=ActivityOut)
def activity_update(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Any:
    activity = selectors.activity_get(request.user, activity_id)
    version, changes = _versioned(payload)
    return services.activity_update(
        actor=request.user, activity=activity, version=version, **changes
    )


@router.delete("/activities/{activity_id}", response={204: None})
def activity_delete(request: HttpRequest, activity_id: int, version: int) -> Any:
    activity = selectors.activity_get(request.user, activity_id)
    services.activity_delete(actor=request.user, activity=activity, version=version)
    return 204, None


# --- relationships ----------------------------------------------------------------------------


@router.get("/projects/{project_id}/relationships", response=list[RelationshipOut])
@paginate(LimitOffsetPagination)
def relationship_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.relationship_list(_project(request, project_id))


@router.post("/projects/{project_id}/relationships", response={201: RelationshipOut})
def relationship_create(request: HttpRequest, project_id: int, payload: RelationshipIn) -> Any:
    project = _project(request, project_id)
    return 201, services.relationship_create(actor=request.user, project=project, **payload.dict())


@router.patch("/relationships/{relationship_id}", response=RelationshipOut)
def relationship_update(
    request: HttpRequest, relationship_id: int, payload: RelationshipPatch
) -> Any:
    link = selectors.relationship_get(request.user, relationship_id)
    version, changes = _versioned(payload)
    return services.relationship_update(actor=request.user, link=link, version=version, **changes)


@router.delete("/relationships/{relationship_id}", response={204: None})
def relationship_delete(request: HttpRequest, relationship_id: int, version: int) -> Any:
    link = selectors.relationship_get(request.user, relationship_id)
    services.relationship_delete(actor=request.user, link=link, version=version)
    return 204, None


# --- calendars and options ---------------------------------------------------------------------


@router.get("/projects/{project_id}/calendars", response=list[CalendarOut])
@paginate(LimitOffsetPagination)
def calendar_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.calendar_list(_project(request, project_id))


@router.post("/projects/{project_id}/calendars", response={201: CalendarOut})
def calendar_create(request: HttpRequest, project_id: int, payload: CalendarIn) -> Any:
    project = _project(request, project_id)
    return 201, services.calendar_create(actor=request.user, project=project, **payload.dict())


@router.get("/projects/{project_id}/schedule", response=SettingsOut)
def schedule_settings(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    return selectors.settings_get(project) or services.settings_for(project)


@router.patch("/projects/{project_id}/schedule", response=SettingsOut)
def schedule_settings_update(request: HttpRequest, project_id: int, payload: SettingsPatch) -> Any:
    project = _project(request, project_id)
    version, changes = _versioned(payload)
    return services.settings_update(actor=request.user, project=project, version=version, **changes)


# --- baselines, progress, warnings, quality ------------------------------------------------------


@router.get("/projects/{project_id}/baselines", response=list[BaselineOut])
@paginate(LimitOffsetPagination)
def baseline_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.baseline_list(_project(request, project_id))


@router.post("/projects/{project_id}/baselines", response={201: BaselineOut})
def baseline_capture(request: HttpRequest, project_id: int, payload: BaselineIn) -> Any:
    project = _project(request, project_id)
    return 201, services.baseline_capture(actor=request.user, project=project, **payload.dict())


@router.get("/projects/{project_id}/progress", response=list[ProgressOut])
@paginate(LimitOffsetPagination)
def progress_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.progress_list(_project(request, project_id))


@router.post("/projects/{project_id}/progress", response={201: ProgressOut})
def progress_update(request: HttpRequest, project_id: int, payload: ProgressIn) -> Any:
    project = _project(request, project_id)
    entries = {
        e.activity_id: e.dict(exclude_unset=True, exclude={"activity_id"}) for e in payload.entries
    }
    return 201, services.progress_update(
        actor=request.user,
        project=project,
        data_date=payload.data_date,
        entries=entries,
        note=payload.note,
    )


@router.get("/projects/{project_id}/warnings", response=list[WarningOut])
def warning_list(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    return [
        {
            "activity_id": w.activity.pk,
            "code": w.activity.code,
            "kind": w.kind,
            "message": w.message,
            "days": w.days,
            "drivers": [link.predecessor.code for link in w.drivers],
        }
        for w in selectors.warnings(project, selectors.settings_get(project))
    ]


@router.get("/projects/{project_id}/dcma", response=DcmaOut)
def dcma(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    return {"project_id": project.pk, "checks": dcma_for(project)}


@router.post("/projects/{project_id}/risk", response=RiskOut)
def schedule_risk(request: HttpRequest, project_id: int, payload: RiskIn) -> Any:
    """Monte Carlo schedule risk over the activities' three-point durations (nothing is
    stored): finish percentiles, histogram, criticality index and P80 finish per activity."""
    return risk.schedule_risk(
        user=request.user,
        project_id=project_id,
        iterations=payload.iterations,
        distribution=payload.distribution,
        seed=payload.seed,
    )


# --- resources and assignments -------------------------------------------------------------------


@router.get("/projects/{project_id}/resources", response=list[ResourceOut])
@paginate(LimitOffsetPagination)
def resource_list(request: HttpRequest, project_id: int) -> Any:
    """The project's resources, each with its number of assignments and their summed budgeted
    and actual units and cost."""
    return selectors.resource_rows(_project(request, project_id))


@router.post("/projects/{project_id}/resources", response={201: ResourceOut})
def resource_create(request: HttpRequest, project_id: int, payload: ResourceIn) -> Any:
    project = _project(request, project_id)
    made = resources.resource_create(actor=request.user, project=project, **payload.dict())
    return 201, selectors.resource_get(request.user, made.pk)


@router.get("/resources/{resource_id}", response=ResourceOut)
def resource_detail(request: HttpRequest, resource_id: int) -> Any:
    return selectors.resource_get(request.user, resource_id)


@router.patch("/resources/{resource_id}", response=ResourceOut)
def resource_update(request: HttpRequest, resource_id: int, payload: ResourcePatch) -> Any:
    resource = selectors.resource_get(request.user, resource_id)
    version, changes = _versioned(payload)
    resources.resource_update(actor=request.user, resource=resource, version=version, **changes)
    return selectors.resource_get(request.user, resource_id)


@router.delete("/resources/{resource_id}", response={204: None})
def resource_delete(request: HttpRequest, resource_id: int, version: int) -> Any:
    """Refused (409) while the resource has assignments."""
    resource = selectors.resource_get(request.user, resource_id)
    resources.resource_delete(actor=request.user, resource=resource, version=version)
    return 204, None


@router.get("/projects/{project_id}/assignments", response=list[AssignmentOut])
@paginate(LimitOffsetPagination)
def assignment_list(
    request: HttpRequest, project_id: int, filters: Query[AssignmentFilterIn]
) -> Any:
    project = _project(request, project_id)
    return selectors.assignment_rows(project, selectors.AssignmentFilter(**filters.dict()))


@router.post("/projects/{project_id}/assignments", response={201: AssignmentOut})
def assignment_create(request: HttpRequest, project_id: int, payload: AssignmentIn) -> Any:
    project = _project(request, project_id)
    return 201, resources.assignment_create(actor=request.user, project=project, **payload.dict())


@router.patch("/assignments/{assignment_id}", response=AssignmentOut)
def assignment_update(request: HttpRequest, assignment_id: int, payload: AssignmentPatch) -> Any:
    assignment = selectors.assignment_get(request.user, assignment_id)
    version, changes = _versioned(payload)
    return resources.assignment_update(
        actor=request.user, assignment=assignment, version=version, **changes
    )


@router.delete("/assignments/{assignment_id}", response={204: None})
def assignment_delete(request: HttpRequest, assignment_id: int, version: int) -> Any:
    assignment = selectors.assignment_get(request.user, assignment_id)
    resources.assignment_delete(actor=request.user, assignment=assignment, version=version)
    return 204, None


# --- import and export -------------------------------------------------------------------------


@router.post("/projects/{project_id}/import", response={201: ImportOut})
def schedule_import(
    request: HttpRequest,
    project_id: int,
    file: File[UploadedFile],
    source_project: str | None = None,
) -> Any:
    """Upload a P6 XER, P6 XML or MS Project XML file (multipart field `file`); it replaces the
    project's schedule in one transaction. Answers the import report; a file that cannot be
    read is a 400 naming the problem, and changes nothing."""
    project = _project(request, project_id, "schedule.import")
    run = importer.schedule_import(
        actor=request.user,
        data=file.read(),
        filename=file.name or "upload",
        project=project,
        source_project=source_project or None,
    )
    return 201, run


@router.get(
    "/projects/{project_id}/export",
    openapi_extra={"responses": {200: {"description": "The schedule file (attachment)."}}},
)
def schedule_export(request: HttpRequest, project_id: int, format: ExportFormat = "xer") -> Any:
    """The project's schedule as a P6 XER file or an MS Project XML (MSPDI) file."""
    project = _project(request, project_id, "schedule.export")
    export = exporter.schedule_export(actor=request.user, project=project, format=format)
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response
