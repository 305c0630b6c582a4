"""Reads of the day-labour centre, starting from what the user may see.

Summaries are single SQL aggregations over the labour lines of approved tickets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from sitebook.core.errors import InvalidInput, NotFound
from sitebook.core.i18n import localized
from sitebook.costs.models import CostCode, CostTransaction
from sitebook.costs.money import fen_sum, from_fen
from sitebook.labour import services
from sitebook.labour.models import (
    ClosedPeriod,
    DayRate,
    LabourLine,
    Signature,
    SignStep,
    Team,
    Ticket,
    Trade,
    Worker,
)
from sitebook.labour.rules import rmb_upper
from sitebook.projects import access
from sitebook.projects import selectors as project_selectors
from sitebook.projects.models import Project


def project_for(user: Any, project_id: int, code: str = "labour.view") -> Project:
    return project_selectors.project_get(user, project_id, code)


def trade_list(project: Project) -> QuerySet[Trade]:
    return Trade.objects.filter(organisation_id=project.organisation_id).order_by("code", "id")


def team_list(project: Project) -> QuerySet[Team]:
    return Team.objects.filter(organisation_id=project.organisation_id).order_by("name", "id")


def worker_list(
    project: Project,
    *,
    q: str | None = None,
    team_id: int | None = None,
    trade_id: int | None = None,
    active: bool | None = None,
) -> QuerySet[Worker]:
    qs = Worker.objects.filter(organisation_id=project.organisation_id).select_related(
        "trade", "team"
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(phone__icontains=q))
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if trade_id is not None:
        qs = qs.filter(trade_id=trade_id)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("name", "id")


def worker_get(project: Project, worker_id: int) -> Worker:
    worker = (
        Worker.objects.select_related("trade", "team")
        .filter(pk=worker_id, organisation_id=project.organisation_id)
        .first()
    )
    if worker is None:
        raise NotFound()
    return worker


def rate_list(project: Project) -> QuerySet[DayRate]:
    return (
        DayRate.objects.filter(project=project)
        .select_related("trade")
        .order_by("trade__code", "grade")
    )


def closed_periods(project: Project) -> QuerySet[ClosedPeriod]:
    return ClosedPeriod.objects.filter(project=project).order_by("-month")


def ticket_list(
    project: Project,
    *,
    status: str | None = None,
    recoverable: bool | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
) -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(project=project).select_related(
        "recorded_by", "wbs_node", "cost_code"
    )
    if status:
        qs = qs.filter(status=status)
    if recoverable is not None:
        qs = qs.filter(recoverable=recoverable)
    if date_from:
        qs = qs.filter(work_date__gte=date_from)
    if date_to:
        qs = qs.filter(work_date__lte=date_to)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(location__icontains=q) | Q(description__icontains=q)
        )
    return qs.order_by("-work_date", "-id")


def ticket_get(user: Any, ticket_id: int, code: str = "labour.view") -> Ticket:
    """The ticket if the user holds `code` on its project; 404 if they cannot see it."""
    ticket = (
        Ticket.objects.select_related("project", "wbs_node", "recorded_by", "cost_code")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound()
    access.require(user, code, ticket.project)
    return ticket


@dataclass
class TicketSheet:
    """A ticket with everything its page, its API answer and its print-out show."""

    ticket: Ticket
    labour: list[LabourLine]
    materials: list[Any]
    plant: list[Any]
    signatures: list[Signature]
    chain: list[tuple[str, str, Signature | None]]  # (step, label, signature)
    next_step: str | None
    deemed_due: dt.datetime | None
    total_upper: str
    warnings: list[str]


def ticket_sheet(ticket: Ticket) -> TicketSheet:
    labour = list(ticket.labour_lines.select_related("worker", "trade", "team"))
    signatures = list(ticket.signatures.all())
    by_step = {s.step: s for s in signatures}
    steps = services.chain(ticket)
    settings = services.settings_for(ticket.organisation_id)
    return TicketSheet(
        ticket=ticket,
        labour=labour,
        materials=list(ticket.material_lines.all()),
        plant=list(ticket.plant_lines.all()),
        signatures=signatures,
        chain=[(s, str(SignStep(s).label), by_step.get(s)) for s in steps],
        next_step=(
            services.next_step(ticket, by_step)
            if ticket.status in (Ticket.Status.SUBMITTED, Ticket.Status.APPROVED)
            and ticket.owner_status not in (Ticket.OwnerStatus.ACCEPTED, Ticket.OwnerStatus.DEEMED)
            else None
        ),
        deemed_due=services.deemed_acceptance_due(ticket, settings),
        total_upper=rmb_upper(ticket.total),
        warnings=[warning_text(w) for w in ticket.warnings],
    )


def warning_text(warning: dict[str, str]) -> str:
    """A stored warning as a sentence in the page's language."""
    code = warning.get("code")
    if code == "overlap":
        return (
            _(
                "%(worker)s is also on ticket %(ticket)s (project %(project)s) "
                "for overlapping hours."
            )
            % warning
        )
    if code == "too_many_hours":
        return (
            _("%(worker)s works %(hours)s hours that day, more than the %(limit)s allowed.")
            % warning
        )
    if code == "late":
        return (
            _("Submitted %(hours)s hours after the work, later than the %(limit)s hours allowed.")
            % warning
        )
    if code == "budget":  # the cost centre's budget-control warning, worded at approval
        return warning.get("message", "")
    return str(warning)


# --- summaries ---------------------------------------------------------------------------------

SUMMARY_KEYS = ("project", "team", "trade", "worker", "month")


@dataclass
class SummaryRow:
    key: str
    label: str
    entries: int  # labour lines: one worker on one ticket
    hours: Decimal
    days: Decimal
    amount: Decimal


def visible_projects(user: Any) -> list[Project]:
    """Projects on which the user holds labour.view."""
    return [
        p for p in project_selectors.project_list(user) if access.has_perm(user, "labour.view", p)
    ]


def summary(
    projects: list[Project] | Project,
    by: str,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[SummaryRow]:
    """Hours, working days and labour amount of approved tickets, grouped by `by`.

    One GROUP BY query over the labour lines alone (their `approved` mirrors the ticket),
    whatever the number of tickets.
    """
    if by not in SUMMARY_KEYS:
        raise InvalidInput.field("by", _("Choose one of: %(c)s.") % {"c": ", ".join(SUMMARY_KEYS)})
    ids = [projects.pk] if isinstance(projects, Project) else [p.pk for p in projects]
    qs = LabourLine.objects.filter(project_id__in=ids, approved=True)
    if date_from:
        qs = qs.filter(work_date__gte=date_from)
    if date_to:
        qs = qs.filter(work_date__lte=date_to)
    fields = {
        "project": ("project_id", "project__code", "project__name", "project__name_en"),
        "team": ("team_id", "team__name", "team__subcontractor", "team__name"),
        "trade": ("trade_id", "trade__code", "trade__name", "trade__name_en"),
        "worker": ("worker_id", "worker__name", "worker__name", "worker__name"),
    }
    if by == "month":
        rows = (
            qs.annotate(m=TruncMonth("work_date"))
            .values("m")
            .annotate(
                n=Count("id"),
                h=Sum("hours"),
                d=Sum("days"),
                a=Sum("amount"),
            )
            .order_by("m")
        )
        return [
            SummaryRow(
                key=r["m"].strftime("%Y-%m"),
                label=r["m"].strftime("%Y-%m"),
                entries=r["n"],
                hours=r["h"] or Decimal("0"),
                days=r["d"] or Decimal("0"),
                amount=r["a"] or Decimal("0"),
            )
            for r in rows
        ]
    key, code, name, name_en = fields[by]
    rows = (
        qs.values(key, code, name, name_en)
        .annotate(
            n=Count("id"),
            h=Sum("hours"),
            d=Sum("days"),
            a=Sum("amount"),
        )
        .order_by(F("a").desc(nulls_last=True), key)
    )
    out = []
    for r in rows:
        if by == "project":
            label = f"{r[code]} {localized(r[name], r[name_en])}"
        elif by == "trade":
            label = localized(r[name], r[name_en]) or r[code]
        elif by == "team":
            label = r[code] or _("(no team)")
        else:
            label = r[code]
        out.append(
            SummaryRow(
                key=str(r[key]),
                label=label,
                entries=r["n"],
                hours=r["h"] or Decimal("0"),
                days=r["d"] or Decimal("0"),
                amount=r["a"] or Decimal("0"),
            )
        )
    return out


def cost_code_choices(project: Project) -> QuerySet[CostCode]:
    """The cost codes a ticket of `project` may name: the project's cost centre's."""
    return CostCode.objects.filter(project=project).order_by("sort_order", "code", "id")


@dataclass
class CostRow:
    cost_code_id: int
    cost_code: str
    name: str
    tickets: int
    amount: Decimal


def cost_report(project: Project) -> list[CostRow]:
    """Actual cost posted from day labour, by cost code: the cost centre's own transactions
    whose source is a day-labour ticket (one GROUP BY, summed in whole fen)."""
    rows = (
        CostTransaction.objects.filter(project=project, source_type=services.COST_SOURCE)
        .values("cost_code_id", "cost_code__code", "cost_code__name", "cost_code__name_en")
        .annotate(n=Count("id"), a=fen_sum("amount"))
        .order_by("cost_code__code", "cost_code_id")
    )
    return [
        CostRow(
            cost_code_id=r["cost_code_id"],
            cost_code=r["cost_code__code"],
            name=localized(r["cost_code__name"], r["cost_code__name_en"]),
            tickets=r["n"],
            amount=from_fen(r["a"]),
        )
        for r in rows
    ]


def claimable(project: Project) -> QuerySet[Ticket]:
    """Recoverable tickets the owner accepted (or is deemed to have): lines of the next claim."""
    return Ticket.objects.filter(
        project=project,
        recoverable=True,
        owner_status__in=[Ticket.OwnerStatus.ACCEPTED, Ticket.OwnerStatus.DEEMED],
    ).order_by("work_date", "id")
