"""REST endpoints of the day-labour centre: roster, rates, tickets, sign-off, summaries."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from sitebook.accounts import access as org_access
from sitebook.labour import selectors, services
from sitebook.labour.models import Ticket
from sitebook.labour.schemas import (
    CostRowOut,
    PeriodIn,
    PeriodOut,
    RateIn,
    RateOut,
    RejectIn,
    SettingsOut,
    SettingsPatch,
    SignIn,
    SummaryFilter,
    SummaryRowOut,
    TeamIn,
    TeamOut,
    TicketDetailOut,
    TicketFilter,
    TicketIn,
    TicketOut,
    TicketPut,
    TradeIn,
    TradeOut,
    VersionIn,
    WorkerFilter,
    WorkerIn,
    WorkerOut,
    WorkerPatch,
)

router = Router(tags=["labour"])


# --- settings ----------------------------------------------------------------------------------


@router.get("/organisations/{organisation_id}/labour/settings", response=SettingsOut)
def labour_settings_detail(request: HttpRequest, organisation_id: int) -> Any:
    org_access.organisation_for(request.user, organisation_id)
    return services.settings_for(organisation_id)


@router.patch("/organisations/{organisation_id}/labour/settings", response=SettingsOut)
def labour_settings_update(
    request: HttpRequest, organisation_id: int, payload: SettingsPatch
) -> Any:
    org_access.organisation_for(request.user, organisation_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.settings_update(
        actor=request.user, organisation_id=organisation_id, version=version, **changes
    )


# --- roster ------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/labour/trades", response=list[TradeOut])
@paginate(LimitOffsetPagination)
def labour_trade_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.trade_list(selectors.project_for(request.user, project_id))


@router.post("/projects/{project_id}/labour/trades", response={201: TradeOut})
def labour_trade_create(request: HttpRequest, project_id: int, payload: TradeIn) -> Any:
    project = selectors.project_for(request.user, project_id)
    return 201, services.trade_create(actor=request.user, project=project, **payload.dict())


@router.get("/projects/{project_id}/labour/teams", response=list[TeamOut])
@paginate(LimitOffsetPagination)
def labour_team_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.team_list(selectors.project_for(request.user, project_id))


@router.post("/projects/{project_id}/labour/teams", response={201: TeamOut})
def labour_team_create(request: HttpRequest, project_id: int, payload: TeamIn) -> Any:
    project = selectors.project_for(request.user, project_id)
    return 201, services.team_create(actor=request.user, project=project, **payload.dict())


@router.get("/projects/{project_id}/labour/workers", response=list[WorkerOut])
@paginate(LimitOffsetPagination)
def labour_worker_list(request: HttpRequest, project_id: int, filters: Query[WorkerFilter]) -> Any:
    project = selectors.project_for(request.user, project_id)
    return selectors.worker_list(project, **filters.dict())


@router.post("/projects/{project_id}/labour/workers", response={201: WorkerOut})
def labour_worker_create(request: HttpRequest, project_id: int, payload: WorkerIn) -> Any:
    project = selectors.project_for(request.user, project_id)
    return 201, services.worker_create(actor=request.user, project=project, **payload.dict())


@router.get("/projects/{project_id}/labour/workers/{worker_id}", response=WorkerOut)
def labour_worker_detail(request: HttpRequest, project_id: int, worker_id: int) -> Any:
    project = selectors.project_for(request.user, project_id)
    return selectors.worker_get(project, worker_id)


@router.patch("/projects/{project_id}/labour/workers/{worker_id}", response=WorkerOut)
def labour_worker_update(
    request: HttpRequest, project_id: int, worker_id: int, payload: WorkerPatch
) -> Any:
    project = selectors.project_for(request.user, project_id)
    worker = selectors.worker_get(project, worker_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.worker_update(
        actor=request.user, project=project, worker=worker, version=version, **changes
    )


@router.get("/projects/{project_id}/labour/rates", response=list[RateOut])
@paginate(LimitOffsetPagination)
def labour_rate_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.rate_list(selectors.project_for(request.user, project_id))


@router.put("/projects/{project_id}/labour/rates", response=RateOut)
def labour_rate_set(request: HttpRequest, project_id: int, payload: RateIn) -> Any:
    project = selectors.project_for(request.user, project_id)
    return services.rate_set(actor=request.user, project=project, **payload.dict())


@router.post("/projects/{project_id}/labour/closed-periods", response={201: PeriodOut})
def labour_period_close(request: HttpRequest, project_id: int, payload: PeriodIn) -> Any:
    project = selectors.project_for(request.user, project_id)
    return 201, services.period_close(actor=request.user, project=project, month=payload.month)


# --- tickets -----------------------------------------------------------------------------------


def _detail(ticket: Ticket) -> dict[str, Any]:
    sheet = selectors.ticket_sheet(ticket)
    data = TicketOut.from_orm(ticket).dict()
    data.update(
        total_in_words=sheet.total_upper,
        deemed_acceptance_due=sheet.deemed_due,
        next_step=sheet.next_step,
        warnings=[
            {"code": w.get("code", ""), "message": text}
            for w, text in zip(ticket.warnings, sheet.warnings, strict=True)
        ],
        labour=[
            {
                **{
                    f: getattr(line, f)
                    for f in (
                        "id",
                        "worker_id",
                        "trade_id",
                        "grade",
                        "team_id",
                        "start",
                        "end",
                        "break_minutes",
                        "hours",
                        "normal_hours",
                        "overtime_hours",
                        "days",
                        "day_type",
                        "rate",
                        "multiplier",
                        "overtime_multiplier",
                        "amount",
                    )
                },
                "worker_name": line.worker.name,
                "overnight": line.overnight,
                "parts": line.pay_by_date,
            }
            for line in sheet.labour
        ],
        materials=sheet.materials,
        plant=sheet.plant,
        signatures=sheet.signatures,
    )
    return data


@router.get("/projects/{project_id}/labour/tickets", response=list[TicketOut])
@paginate(LimitOffsetPagination)
def labour_ticket_list(request: HttpRequest, project_id: int, filters: Query[TicketFilter]) -> Any:
    project = selectors.project_for(request.user, project_id)
    return selectors.ticket_list(project, **filters.dict())


@router.post("/projects/{project_id}/labour/tickets", response={201: TicketDetailOut})
def labour_ticket_create(request: HttpRequest, project_id: int, payload: TicketIn) -> Any:
    project = selectors.project_for(request.user, project_id)
    data = payload.dict()
    ticket = services.ticket_create(actor=request.user, project=project, **data)
    return 201, _detail(ticket)


@router.get("/labour/tickets/{ticket_id}", response=TicketDetailOut)
def labour_ticket_detail(request: HttpRequest, ticket_id: int) -> Any:
    return _detail(selectors.ticket_get(request.user, ticket_id))


@router.put("/labour/tickets/{ticket_id}", response=TicketDetailOut)
def labour_ticket_update(request: HttpRequest, ticket_id: int, payload: TicketPut) -> Any:
    ticket = selectors.ticket_get(request.user, ticket_id)
    data = payload.dict()
    version = data.pop("version")
    updated = services.ticket_update(actor=request.user, ticket=ticket, version=version, **data)
    return _detail(updated)


@router.post("/labour/tickets/{ticket_id}/submit", response=TicketDetailOut)
def labour_ticket_submit(request: HttpRequest, ticket_id: int, payload: VersionIn) -> Any:
    ticket = selectors.ticket_get(request.user, ticket_id)
    return _detail(
        services.ticket_submit(actor=request.user, ticket=ticket, version=payload.version)
    )


@router.post("/labour/tickets/{ticket_id}/sign", response=TicketDetailOut)
def labour_ticket_sign(request: HttpRequest, ticket_id: int, payload: SignIn) -> Any:
    ticket = selectors.ticket_get(request.user, ticket_id)
    return _detail(services.ticket_sign(actor=request.user, ticket=ticket, **payload.dict()))


@router.post("/labour/tickets/{ticket_id}/reject", response=TicketDetailOut)
def labour_ticket_reject(request: HttpRequest, ticket_id: int, payload: RejectIn) -> Any:
    ticket = selectors.ticket_get(request.user, ticket_id)
    return _detail(services.ticket_reject(actor=request.user, ticket=ticket, **payload.dict()))


# --- summaries and cost ------------------------------------------------------------------------


@router.get("/projects/{project_id}/labour/summary", response=list[SummaryRowOut])
def labour_summary(request: HttpRequest, project_id: int, filters: Query[SummaryFilter]) -> Any:
    project = selectors.project_for(request.user, project_id)
    return selectors.summary(project, **filters.dict())


@router.get("/labour/summary", response=list[SummaryRowOut])
def labour_summary_all(request: HttpRequest, filters: Query[SummaryFilter]) -> Any:
    """Across every project on which you may see day labour."""
    return selectors.summary(selectors.visible_projects(request.user), **filters.dict())


@router.get("/projects/{project_id}/labour/cost", response=list[CostRowOut])
def labour_cost_report(request: HttpRequest, project_id: int) -> Any:
    return selectors.cost_report(selectors.project_for(request.user, project_id))
