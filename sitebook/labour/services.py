"""Writes of the day-labour centre: roster, rates, settings, tickets and their sign-off.

Each function checks permission first, validates everything (naming the field or row at
fault), then writes in one transaction. Tickets are priced here, by `rules`.

Posting to the cost centre
--------------------------
The cost centre (`sitebook.costs`) holds the one truth of actual cost; day labour keeps no
ledger of its own. The project manager's signature approves a ticket and, in the same
transaction, `post_ticket_cost` posts the ticket's total (to the fen, dated the work date)
through `costs.services.actual_cost_post` as source ("labour_ticket", ticket id), so posting
the same ticket again updates the one transaction instead of adding a second. Labour's cost
report reads those transactions back.

A ticket's cost code is a cost code of its project's cost centre (`Ticket.cost_code`),
chosen by id (`cost_code_id`) or by its code (`cost_code`, as the API always accepted); a
code the project's cost centre does not have is refused naming the field, and nothing is
written. A ticket may legitimately name none: the foreman on site need not know the cost
breakdown. Approval then posts, in this order, to
  1. the cost code the cost centre maps to the ticket's WBS element (the first by code), or
  2. the project's day-labour cost code `DAYWORK` (计日工 / Day labour), created at the top
     of the project's cost codes on first use.
That code is written here, not through `costs.services.cost_code_create`, because the
approver needs `labour.approve`, not `costs.edit`; a cost engineer may later rename it or
file it under a parent. Budget control never blocks a posting (the labour was worked); its
warnings are kept on the ticket.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitebook.core.errors import Conflict, Forbidden, InvalidInput, StaleVersion
from sitebook.core.services import apply_changes, lock_for_update, service, validate
from sitebook.costs import services as costs
from sitebook.costs.models import CostCode, CostTransaction
from sitebook.costs.money import to_fen
from sitebook.labour import rules
from sitebook.labour.models import (
    MAX_BREAK_MINUTES,
    ClosedPeriod,
    DayRate,
    Grade,
    LabourLine,
    LabourSettings,
    MaterialLine,
    PlantLine,
    Signature,
    SignStep,
    Team,
    Ticket,
    TicketPhoto,
    Trade,
    Worker,
)
from sitebook.projects import access
from sitebook.projects.models import Project, WbsNode

ZERO = Decimal("0")


def settings_for(organisation_id: int) -> LabourSettings:
    """The organisation's day-labour settings; the defaults (unsaved) until first changed.

    Reading never writes, so that a refused request leaves no trace.
    """
    found = LabourSettings.objects.filter(organisation_id=organisation_id).first()
    return found or LabourSettings(organisation_id=organisation_id)


SETTINGS_FIELDS = (
    "hours_per_day",
    "max_hours_per_day",
    "overtime_multiplier",
    "rest_day_multiplier",
    "holiday_multiplier",
    "deemed_acceptance_days",
    "late_submission_hours",
    "number_prefix",
)


@service
def settings_update(
    *, actor: Any, organisation_id: int, version: int, **changes: Any
) -> LabourSettings:
    """Change the organisation's rules (organisation administrators: labour.manage)."""
    access.require(actor, "labour.manage", organisation_id=organisation_id)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be changed."))
    for name in ("hours_per_day", "max_hours_per_day"):
        if name in changes and (changes[name] is None or changes[name] <= 0):
            raise InvalidInput.field(name, _("Enter a number of hours above zero."))
    for name in ("overtime_multiplier", "rest_day_multiplier", "holiday_multiplier"):
        if name in changes and (changes[name] is None or changes[name] < 1):
            raise InvalidInput.field(name, _("A pay multiplier cannot be below 1."))
    with transaction.atomic():
        current = settings_for(organisation_id)
        if current.pk is None:
            if version != current.version:
                raise StaleVersion(
                    errors=[{"field": "version", "message": StaleVersion.default_detail}]
                )
            for name, value in changes.items():
                setattr(current, name, value)
            validate(current)
            current.save()
            return current
        return apply_changes(current, changes, version=version)


# --- roster ------------------------------------------------------------------------------------


@service
def trade_create(*, actor: Any, project: Project, code: str, name: str, name_en: str = "") -> Trade:
    access.require(actor, "labour.manage", project)
    trade = Trade(
        organisation_id=project.organisation_id,
        code=code.strip(),
        name=name.strip(),
        name_en=name_en.strip(),
    )
    if Trade.objects.filter(organisation_id=project.organisation_id, code=trade.code).exists():
        raise InvalidInput.field(
            "code", _("Another trade already uses the code %(code)s.") % {"code": trade.code}
        )
    validate(trade)
    trade.save()
    return trade


@service
def team_create(
    *, actor: Any, project: Project, name: str, leader: str = "", subcontractor: str = ""
) -> Team:
    access.require(actor, "labour.manage", project)
    team = Team(
        organisation_id=project.organisation_id,
        name=name.strip(),
        leader=leader.strip(),
        subcontractor=subcontractor.strip(),
    )
    if Team.objects.filter(organisation_id=project.organisation_id, name=team.name).exists():
        raise InvalidInput.field(
            "name", _("Another team is already called %(name)s.") % {"name": team.name}
        )
    validate(team)
    team.save()
    return team


def _org_trade(organisation_id: int, trade_id: int | None, field: str = "trade_id") -> Trade:
    trade = Trade.objects.filter(pk=trade_id, organisation_id=organisation_id).first()
    if trade is None:
        raise InvalidInput.field(field, _("No such trade."))
    return trade


def _org_team(organisation_id: int, team_id: int | None, field: str = "team_id") -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id, organisation_id=organisation_id).first()
    if team is None:
        raise InvalidInput.field(field, _("No such team."))
    return team


def _check_worker(worker: Worker) -> None:
    worker.id_number = worker.id_number.strip().upper()
    if not rules.id_number_valid(worker.id_number):
        raise InvalidInput.field(
            "id_number", _("Enter an 18-character resident ID number with a valid check digit.")
        )
    if worker.grade not in Grade.values:
        raise InvalidInput.field(
            "grade", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Grade.values)}
        )
    clash = Worker.objects.filter(
        organisation_id=worker.organisation_id, id_number=worker.id_number
    )
    if worker.pk:
        clash = clash.exclude(pk=worker.pk)
    if clash.exists():
        raise InvalidInput.field("id_number", _("A worker with this ID number is registered."))


@service
def worker_create(
    *,
    actor: Any,
    project: Project,
    name: str,
    id_number: str,
    trade_id: int,
    grade: str,
    phone: str = "",
    team_id: int | None = None,
) -> Worker:
    access.require(actor, "labour.manage", project)
    org_id = project.organisation_id
    worker = Worker(
        organisation_id=org_id,
        name=name.strip(),
        id_number=id_number,
        phone=phone.strip(),
        trade=_org_trade(org_id, trade_id),
        grade=grade,
        team=_org_team(org_id, team_id),
    )
    _check_worker(worker)
    validate(worker)
    worker.save()
    return worker


@service
def worker_update(
    *, actor: Any, project: Project, worker: Worker, version: int, **changes: Any
) -> Worker:
    access.require(actor, "labour.manage", project)
    org_id = project.organisation_id
    fields: dict[str, Any] = {}
    for name in ("name", "phone", "grade", "active", "id_number"):
        if name in changes and changes[name] is not None:
            fields[name] = changes[name]
    if changes.get("trade_id") is not None:
        fields["trade"] = _org_trade(org_id, changes["trade_id"])
    if "team_id" in changes:
        fields["team"] = _org_team(org_id, changes["team_id"])
    probe = Worker(
        pk=worker.pk,
        organisation_id=org_id,
        id_number=fields.get("id_number", worker.id_number),
        grade=fields.get("grade", worker.grade),
    )
    _check_worker(probe)
    if "id_number" in fields:
        fields["id_number"] = probe.id_number
    return apply_changes(worker, fields, version=version)


@dataclass
class ImportReport:
    created: int
    skipped: list[str]


ROSTER_COLUMNS = ["name", "id_number", "phone", "trade", "grade", "team"]


@service
def roster_import(*, actor: Any, project: Project, rows: list[list[Any]]) -> ImportReport:
    """Import workers from spreadsheet rows (first row: the column names ROSTER_COLUMNS).

    Everything is checked before anything is written; a worker whose ID number is already
    registered is skipped and reported. Trades are matched by code or name, teams by name.
    """
    access.require(actor, "labour.manage", project)
    if not rows:
        raise InvalidInput.field("file", _("The file is empty."))
    header = [str(c or "").strip().lower() for c in rows[0]]
    if header[: len(ROSTER_COLUMNS)] != ROSTER_COLUMNS:
        raise InvalidInput.field(
            "file",
            _("The first row must name the columns %(expected)s; it names %(found)s.")
            % {"expected": ", ".join(ROSTER_COLUMNS), "found": ", ".join(h for h in header if h)},
        )
    org_id = project.organisation_id
    trades: dict[str, Trade] = {}
    for t in Trade.objects.filter(organisation_id=org_id):
        trades[t.code.lower()] = t
        trades[t.name.lower()] = t
        if t.name_en:
            trades[t.name_en.lower()] = t
    teams = {t.name: t for t in Team.objects.filter(organisation_id=org_id)}
    known = set(Worker.objects.filter(organisation_id=org_id).values_list("id_number", flat=True))
    grades = {g.value: g.value for g in Grade} | {str(g.label).lower(): g.value for g in Grade}
    new: list[Worker] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in raw] + [""] * 6
        name, id_number, phone, trade, grade, team = cells[:6]
        if not any(cells[:6]):
            continue
        where = _("row %(row)s") % {"row": index}
        id_number = id_number.upper()
        if not name:
            raise InvalidInput.field(f"row {index}.name", f"{where}: " + _("Enter a name."))
        if not rules.id_number_valid(id_number):
            raise InvalidInput.field(
                f"row {index}.id_number",
                f"{where}: "
                + _("Enter an 18-character resident ID number with a valid check digit."),
            )
        if trade.lower() not in trades:
            raise InvalidInput.field(
                f"row {index}.trade", f"{where}: " + _("No such trade: %(t)s.") % {"t": trade}
            )
        if grade.lower() not in grades:
            raise InvalidInput.field(
                f"row {index}.grade", f"{where}: " + _("No such grade: %(g)s.") % {"g": grade}
            )
        if team and team not in teams:
            raise InvalidInput.field(
                f"row {index}.team", f"{where}: " + _("No such team: %(t)s.") % {"t": team}
            )
        if id_number in known or id_number in seen:
            skipped.append(f"{where}: " + _("%(name)s is already registered.") % {"name": name})
            continue
        seen.add(id_number)
        new.append(
            Worker(
                organisation_id=org_id,
                name=name,
                id_number=id_number,
                phone=phone,
                trade=trades[trade.lower()],
                grade=grades[grade.lower()],
                team=teams.get(team) if team else None,
            )
        )
    with transaction.atomic():
        for worker in new:
            validate(worker)
            worker.save()
    return ImportReport(created=len(new), skipped=skipped)


@service
def rate_set(*, actor: Any, project: Project, trade_id: int, grade: str, rate: Decimal) -> DayRate:
    """Set the project's day rate for a trade and grade (creating or replacing it)."""
    access.require(actor, "labour.manage", project)
    trade = _org_trade(project.organisation_id, trade_id)
    if grade not in Grade.values:
        raise InvalidInput.field("grade", _("No such grade: %(g)s.") % {"g": grade})
    if rate is None or rate < 0:
        raise InvalidInput.field("rate", _("A day rate cannot be negative."))
    with transaction.atomic():
        existing = (
            DayRate.objects.select_for_update()
            .filter(project=project, trade=trade, grade=grade)
            .first()
        )
        if existing is not None:
            return apply_changes(existing, {"rate": rate}, version=None)
        row = DayRate(
            organisation_id=project.organisation_id,
            project=project,
            trade=trade,
            grade=grade,
            rate=rate,
        )
        validate(row)
        row.save()
    return row


@service
def period_close(*, actor: Any, project: Project, month: dt.date) -> ClosedPeriod:
    """Close a month of the project: its tickets can no longer be added, changed or signed."""
    access.require(actor, "labour.manage", project)
    first = month.replace(day=1)
    found = ClosedPeriod.objects.filter(project=project, month=first).first()
    if found is not None:
        return found
    row = ClosedPeriod(organisation_id=project.organisation_id, project=project, month=first)
    row.save()
    return row


def _check_open(project: Project, work_date: dt.date) -> None:
    if ClosedPeriod.objects.filter(project=project, month=work_date.replace(day=1)).exists():
        raise InvalidInput.field(
            "work_date",
            _("%(month)s is closed for day labour; no ticket can be added or changed in it.")
            % {"month": work_date.strftime("%Y-%m")},
        )


# --- tickets -----------------------------------------------------------------------------------

TICKET_FIELDS = (
    "location",
    "work_date",
    "instruction_source",
    "instruction_number",
    "reason",
    "recoverable",
    "description",
    "wbs_node_id",
    "cost_code_id",
    "cost_code",
)
COST_CODE_FIELDS = ("cost_code_id", "cost_code")


def _decimal(value: Any, field: str, *, minimum: Decimal | None = ZERO) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput.field(field, _("Enter a number.")) from None
    if not number.is_finite():
        raise InvalidInput.field(field, _("Enter a number."))
    if minimum is not None and number < minimum:
        raise InvalidInput.field(field, _("Enter a value of at least %(n)s.") % {"n": minimum})
    return number


def _time(value: Any, field: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput.field(field, _("Enter a time (HH:MM).")) from None


def _check_length(start: dt.datetime, end: dt.datetime, field: str, n: int) -> None:
    """Refuse a line of no whole minute, or of 24 hours or more (equal start and end)."""
    if end - start >= rules.LONGEST_LINE:
        raise InvalidInput.field(
            field,
            _(
                "Line %(n)s: a line must be shorter than 24 hours; "
                "an end equal to the start would be 24 hours."
            )
            % {"n": n},
        )
    if rules.hours_between(start, end) == ZERO:
        raise InvalidInput.field(field, _("Line %(n)s: the line is zero hours long.") % {"n": n})


def _break_minutes(value: Any, field: str, n: int) -> int:
    """A line's break in whole minutes, 0 when none is given."""
    if value in (None, ""):
        return 0
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if (
        isinstance(value, bool)
        or not number.is_finite()
        or number != number.to_integral_value()
        or not ZERO <= number <= MAX_BREAK_MINUTES
    ):
        raise InvalidInput.field(
            field,
            _("Line %(n)s: a break is a whole number of minutes from 0 to %(most)s.")
            % {"n": n, "most": MAX_BREAK_MINUTES},
        )
    return int(number)


@dataclass
class _LabourRow:
    """One labour row of a ticket, checked, before it is priced."""

    index: int
    worker: Worker
    start: dt.datetime
    end: dt.datetime
    break_minutes: int
    rate: Decimal


def _labour_row(
    ticket: Ticket,
    i: int,
    row: Mapping[str, Any],
    workers: Mapping[int, Worker],
    rates: Mapping[tuple[int, str], Decimal],
) -> _LabourRow:
    """Check one labour row: its worker, clock times, break and day rate."""
    f = f"labour.{i}"
    worker = workers.get(row.get("worker_id"))  # type: ignore[arg-type]
    if worker is None:
        raise InvalidInput.field(f"{f}.worker_id", _("Line %(n)s: no such worker.") % {"n": i + 1})
    start, end = rules.shift_bounds(
        ticket.work_date,
        _time(row.get("start"), f"{f}.start"),
        _time(row.get("end"), f"{f}.end"),
        timezone.get_current_timezone(),
    )
    _check_length(start, end, f"{f}.end", i + 1)
    pause = _break_minutes(row.get("break_minutes"), f"{f}.break_minutes", i + 1)
    if pause >= rules.span_minutes(start, end):
        raise InvalidInput.field(
            f"{f}.break_minutes",
            _("Line %(n)s: the break of %(b)s minutes leaves no time worked.")
            % {"n": i + 1, "b": pause},
        )
    if row.get("rate") not in (None, ""):
        rate = _decimal(row["rate"], f"{f}.rate")
    else:
        found = rates.get((worker.trade_id, worker.grade))
        if found is None:
            raise InvalidInput.field(
                f"{f}.rate",
                _("Line %(n)s: the project has no day rate for %(trade)s, %(grade)s.")
                % {
                    "n": i + 1,
                    "trade": worker.trade.display_name,
                    "grade": worker.get_grade_display(),
                },
            )
        rate = found
    return _LabourRow(i, worker, start, end, pause, rate)


def _check_own_overlap(rows: list[_LabourRow]) -> None:
    """Refuse a worker's lines of one ticket that overlap each other (back to back is fine)."""
    for row in rows:
        for earlier in rows[: row.index]:
            if (
                earlier.worker.pk == row.worker.pk
                and earlier.start < row.end
                and row.start < earlier.end
            ):
                raise InvalidInput.field(
                    f"labour.{row.index}.start",
                    _("Line %(n)s: %(name)s is already on line %(m)s at that time.")
                    % {"n": row.index + 1, "name": row.worker.name, "m": earlier.index + 1},
                )


def _price_worker_days(
    ticket: Ticket, rows: list[_LabourRow], settings: LabourSettings
) -> list[LabourLine]:
    """Price the rows, each worker's lines together, in the order the rows came.

    A worker's standard day runs across all of their lines on the ticket in time order
    (`rules.price_parts`'s `worked_before`, in exact worked minutes): 07:00-12:00 and
    13:00-19:00 on a work day are 8 normal hours and 3 of overtime, as one 11-hour line
    would be.
    """
    worked: dict[int, int] = {}
    priced: dict[int, LabourLine] = {}
    for row in sorted(rows, key=lambda r: (r.start, r.index)):
        before = worked.get(row.worker.pk, 0)
        priced[row.index] = _price_line(ticket, row, settings, before)
        worked[row.worker.pk] = before + rules.span_minutes(row.start, row.end) - row.break_minutes
    return [priced[row.index] for row in rows]


def _price_line(
    ticket: Ticket, row: _LabourRow, settings: LabourSettings, worked_before: int
) -> LabourLine:
    """Price one row from its worked minutes, `worked_before` minutes into the worker's day."""
    project, worker = ticket.project, row.worker
    hours = rules.worked_hours(row.start, row.end, row.break_minutes)
    parts = rules.price_parts(
        parts=[
            (day, rules.project_day_type(project, day), minutes)
            for day, minutes in rules.minutes_worked_by_date(row.start, row.end, row.break_minutes)
        ],
        rate=row.rate,
        settings=settings,
        worked_before=worked_before,
    )
    return LabourLine(
        organisation_id=project.organisation_id,
        project=project,
        worker=worker,
        trade=worker.trade,
        grade=worker.grade,
        team=worker.team,
        work_date=ticket.work_date,
        start=row.start,
        end=row.end,
        break_minutes=row.break_minutes,
        hours=hours,
        normal_hours=sum((p.pay.normal_hours for p in parts), ZERO),
        overtime_hours=sum((p.pay.overtime_hours for p in parts), ZERO),
        days=rules.hours_to_days(hours, settings.hours_per_day),
        day_type=ticket.day_type,
        rate=row.rate,
        multiplier=parts[0].pay.multiplier,
        overtime_multiplier=settings.overtime_multiplier,
        amount=sum((p.pay.amount for p in parts), ZERO),
        parts=[p.as_json() for p in parts],
    )


@dataclass
class _Priced:
    lines: list[LabourLine]
    materials: list[MaterialLine]
    plant: list[PlantLine]


def _price(
    ticket: Ticket,
    labour: Iterable[Mapping[str, Any]],
    materials: Iterable[Mapping[str, Any]],
    plant: Iterable[Mapping[str, Any]],
) -> _Priced:
    """Validate and price every line of `ticket` (nothing is written)."""
    project = ticket.project
    org_id = project.organisation_id
    settings = settings_for(org_id)
    labour = list(labour)
    ids = {row.get("worker_id") for row in labour}
    workers = {
        w.pk: w
        for w in Worker.objects.filter(
            organisation_id=org_id, pk__in=[i for i in ids if isinstance(i, int)]
        ).select_related("trade", "team")
    }
    rates = {(r.trade_id, r.grade): r.rate for r in DayRate.objects.filter(project=project)}
    rows = [_labour_row(ticket, i, row, workers, rates) for i, row in enumerate(labour)]
    _check_own_overlap(rows)
    lines = _price_worker_days(ticket, rows, settings)
    mats: list[MaterialLine] = []
    for i, row in enumerate(materials):
        f = f"materials.{i}"
        name = str(row.get("name") or "").strip()
        if not name:
            raise InvalidInput.field(f"{f}.name", _("Enter the material."))
        quantity = _decimal(row.get("quantity"), f"{f}.quantity")
        price = _decimal(row.get("unit_price"), f"{f}.unit_price")
        mats.append(
            MaterialLine(
                organisation_id=org_id,
                project=project,
                name=name,
                specification=str(row.get("specification") or "").strip(),
                unit=str(row.get("unit") or "").strip() or "-",
                quantity=quantity,
                unit_price=price,
                amount=to_fen(quantity * price),
            )
        )
    plants: list[PlantLine] = []
    for i, row in enumerate(plant):
        f = f"plant.{i}"
        model = str(row.get("model") or "").strip()
        if not model:
            raise InvalidInput.field(f"{f}.model", _("Enter the plant and its model."))
        units = _decimal(row.get("units", 1), f"{f}.units", minimum=Decimal("1"))
        if units != units.to_integral_value():
            raise InvalidInput.field(f"{f}.units", _("Enter a whole number."))
        quantity = _decimal(row.get("quantity"), f"{f}.quantity")
        rate = _decimal(row.get("rate"), f"{f}.rate")
        unit = row.get("unit") or PlantLine.Unit.SHIFT
        if unit not in PlantLine.Unit.values:
            raise InvalidInput.field(f"{f}.unit", _("Choose shift or hour."))
        plants.append(
            PlantLine(
                organisation_id=org_id,
                project=project,
                model=model,
                units=int(units),
                quantity=quantity,
                unit=unit,
                rate=rate,
                amount=to_fen(units * quantity * rate),
            )
        )
    if not lines and not mats and not plants:
        raise InvalidInput.field("labour", _("A ticket needs at least one line."))
    return _Priced(lines, mats, plants)


def _header(ticket: Ticket, data: Mapping[str, Any]) -> None:
    project = ticket.project
    for name in TICKET_FIELDS:
        if name in data and name not in COST_CODE_FIELDS:
            setattr(ticket, name, data[name])
    ticket.location = (ticket.location or "").strip()
    if any(name in data for name in COST_CODE_FIELDS):
        ticket.cost_code = _chosen_cost_code(
            project, data.get("cost_code_id"), data.get("cost_code")
        )
    if (
        ticket.wbs_node_id is not None
        and not WbsNode.objects.filter(pk=ticket.wbs_node_id, project=project).exists()
    ):
        raise InvalidInput.field("wbs_node_id", _("No such WBS element in this project."))
    if not isinstance(ticket.work_date, dt.date):
        raise InvalidInput.field("work_date", _("Enter a valid date (YYYY-MM-DD)."))
    if ticket.work_date > timezone.localdate() + dt.timedelta(days=1):
        raise InvalidInput.field("work_date", _("The work date cannot be in the future."))
    _check_open(project, ticket.work_date)
    ticket.day_type = rules.project_day_type(project, ticket.work_date)


def _chosen_cost_code(project: Project, code_id: Any, code: Any) -> CostCode | None:
    """The project's cost code named by id and/or by code (or a `CostCode`); None if neither."""
    by_id = None
    if code_id is not None:
        by_id = CostCode.objects.filter(pk=code_id, project=project).first()
        if by_id is None:
            raise InvalidInput.field("cost_code_id", _("No such cost code in this project."))
    if isinstance(code, CostCode):
        if code.project_id != project.pk:
            raise InvalidInput.field("cost_code", _("No such cost code in this project."))
        by_code: CostCode | None = code
    else:
        text = str(code or "").strip()
        if not text:
            return by_id
        by_code = CostCode.objects.filter(project=project, code=text).first()
        if by_code is None:
            raise InvalidInput.field(
                "cost_code",
                _("The project's cost centre has no cost code %(code)s.") % {"code": text},
            )
    if by_id is not None and by_id.pk != by_code.pk:
        raise InvalidInput.field(
            "cost_code",
            _("Cost code %(code)s is not the cost code chosen by its id.") % {"code": by_code.code},
        )
    return by_code


def _write_lines(ticket: Ticket, priced: _Priced) -> None:
    for line in priced.lines:
        line.ticket = ticket
        line.save()
    for mat in priced.materials:
        mat.ticket = ticket
        mat.save()
    for p in priced.plant:
        p.ticket = ticket
        p.save()
    ticket.labour_total = sum((x.amount for x in priced.lines), ZERO)
    ticket.material_total = sum((x.amount for x in priced.materials), ZERO)
    ticket.plant_total = sum((x.amount for x in priced.plant), ZERO)
    ticket.total = ticket.labour_total + ticket.material_total + ticket.plant_total


def _next_number(project: Project, work_date: dt.date, prefix: str) -> str:
    """`DG-<project code>-<yyyymm>-<nnnn>`: numbered per project and month of the work.

    The caller holds the project's row lock, so two foremen cannot take the same number.
    """
    stem = f"{prefix}-{project.code}-{work_date:%Y%m}-"
    last = (
        Ticket.objects.filter(project=project, number__startswith=stem)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(stem) :]) + 1 if last and last[len(stem) :].isdigit() else 1
    return f"{stem}{seq:04d}"


@service
def ticket_create(
    *,
    actor: Any,
    project: Project,
    labour: Iterable[Mapping[str, Any]] = (),
    materials: Iterable[Mapping[str, Any]] = (),
    plant: Iterable[Mapping[str, Any]] = (),
    **header: Any,
) -> Ticket:
    """Record a ticket with its lines, priced; it starts as a draft."""
    access.require(actor, "labour.record", project)
    unknown = set(header) - set(TICKET_FIELDS)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be set."))
    ticket = Ticket(
        organisation_id=project.organisation_id,
        project=project,
        recorded_by=actor,
        status=Ticket.Status.DRAFT,
    )
    _header(ticket, header)
    priced = _price(ticket, labour, materials, plant)
    ticket.number = "-"
    validate(ticket, exclude=["number"])
    settings = settings_for(project.organisation_id)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        ticket.number = _next_number(project, ticket.work_date, settings.number_prefix)
        ticket.save()
        _write_lines(ticket, priced)
        ticket.warnings = _warnings(ticket, priced.lines, settings)
        ticket.save()
    return ticket


@service
def ticket_update(
    *,
    actor: Any,
    ticket: Ticket,
    version: int,
    labour: Iterable[Mapping[str, Any]] = (),
    materials: Iterable[Mapping[str, Any]] = (),
    plant: Iterable[Mapping[str, Any]] = (),
    **header: Any,
) -> Ticket:
    """Replace a ticket's header and lines. Any signatures are cleared: it is a draft again."""
    project = ticket.project
    access.require(actor, "labour.record", project)
    unknown = set(header) - set(TICKET_FIELDS)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], _("This field cannot be changed."))
    _check_open(project, ticket.work_date)
    with transaction.atomic():
        locked = lock_for_update(ticket, version=version)
        locked.project = project
        if locked.status == Ticket.Status.APPROVED:
            raise Conflict(
                _("Ticket %(n)s is approved and posted to cost; it can no longer be changed.")
                % {"n": locked.number}
            )
        _header(locked, header)
        priced = _price(locked, labour, materials, plant)
        validate(locked)
        for sig in list(locked.signatures.all()):
            sig.delete()
        for related in (locked.labour_lines, locked.material_lines, locked.plant_lines):
            for row in list(related.all()):
                row.delete()
        _write_lines(locked, priced)
        locked.status = Ticket.Status.DRAFT
        locked.owner_status = Ticket.OwnerStatus.NONE
        locked.submitted_at = None
        locked.owner_submitted_at = None
        locked.owner_answered_at = None
        locked.warnings = _warnings(locked, priced.lines, settings_for(project.organisation_id))
        locked.version += 1
        locked.save()
    return locked


@service
def ticket_submit(*, actor: Any, ticket: Ticket, version: int) -> Ticket:
    """Hand a draft (or a rejected ticket) in for sign-off; a late one is flagged."""
    access.require(actor, "labour.record", ticket.project)
    _check_open(ticket.project, ticket.work_date)
    with transaction.atomic():
        locked = lock_for_update(ticket, version=version)
        if locked.status not in (Ticket.Status.DRAFT, Ticket.Status.REJECTED):
            raise Conflict(_("Only a draft or rejected ticket can be submitted."))
        locked.status = Ticket.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        lines = list(locked.labour_lines.select_related("worker"))
        locked.project = ticket.project
        locked.warnings = _warnings(locked, lines, settings_for(locked.organisation_id))
        locked.version += 1
        locked.save()
    return locked


# --- sign-off ----------------------------------------------------------------------------------

INTERNAL_CHAIN = [SignStep.TEAM_LEADER, SignStep.SITE_ENGINEER, SignStep.PROJECT_MANAGER]
OWNER_CHAIN = [SignStep.SUPERVISOR, SignStep.OWNER]
STEP_CODE = {
    SignStep.TEAM_LEADER: "labour.record",
    SignStep.SITE_ENGINEER: "labour.record",
    SignStep.PROJECT_MANAGER: "labour.approve",
    SignStep.SUPERVISOR: "labour.approve",
    SignStep.OWNER: "labour.approve",
}


def chain(ticket: Ticket) -> list[str]:
    """The steps a ticket must be signed through, in order."""
    steps = list(INTERNAL_CHAIN)
    if ticket.recoverable:
        steps += OWNER_CHAIN
    return [str(s) for s in steps]


def next_step(ticket: Ticket, signed: Iterable[str]) -> str | None:
    done = set(signed)
    for step in chain(ticket):
        if step not in done:
            return step
    return None


@service
def ticket_sign(
    *,
    actor: Any,
    ticket: Ticket,
    version: int,
    step: str,
    signer: str = "",
    comment: str = "",
) -> Ticket:
    """Sign the ticket's next step.

    The project manager's signature approves it and posts it to the cost centre's actual
    cost in the same transaction (`post_ticket_cost`); a recoverable ticket then goes to the
    supervisor and the owner, whose silence past the settings' period counts as acceptance
    (GB 50500-2013 9.7.3).
    """
    project = ticket.project
    if step not in SignStep.values:
        raise InvalidInput.field("step", _("No such sign-off step."))
    access.require(actor, STEP_CODE[SignStep(step)], project)
    _check_open(project, ticket.work_date)
    with transaction.atomic():
        locked = lock_for_update(ticket, version=version)
        locked.project = project
        if locked.status not in (Ticket.Status.SUBMITTED, Ticket.Status.APPROVED):
            raise Conflict(_("Submit the ticket before it is signed."))
        if locked.owner_status in (Ticket.OwnerStatus.ACCEPTED, Ticket.OwnerStatus.DEEMED):
            raise Conflict(_("The ticket is fully signed."))
        expected = next_step(locked, locked.signatures.values_list("step", flat=True))
        if expected != step:
            raise Conflict(
                _("The next signature due is the %(step)s's.")
                % {"step": SignStep(expected).label if expected else "-"}
            )
        # Where the approval posts, decided (or refused, naming the field) before it signs.
        cost_code = posting_cost_code(locked) if step == SignStep.PROJECT_MANAGER else None
        now = timezone.now()
        Signature(
            organisation_id=locked.organisation_id,
            project=project,
            ticket=locked,
            step=step,
            signer=(signer or "").strip() or str(actor),
            user=actor,
            signed_at=now,
            comment=comment,
        ).save()
        if step == SignStep.PROJECT_MANAGER:
            locked.status = Ticket.Status.APPROVED
            locked.approved_at = now
            if locked.recoverable:
                locked.owner_status = Ticket.OwnerStatus.PENDING
                locked.owner_submitted_at = now
            for line in locked.labour_lines.all():
                line.approved = True
                line.save()
            _txn, budget = post_ticket_cost(actor=actor, ticket=locked, cost_code=cost_code)
            locked.warnings = [w for w in locked.warnings if w.get("code") != "budget"] + [
                {"code": "budget", "message": message} for message in budget
            ]
        elif step == SignStep.OWNER:
            locked.owner_status = Ticket.OwnerStatus.ACCEPTED
            locked.owner_answered_at = now
        locked.version += 1
        locked.save()
    return locked


@service
def ticket_reject(*, actor: Any, ticket: Ticket, version: int, comment: str) -> Ticket:
    """Send a submitted ticket back (signatures cleared), or record the owner's refusal."""
    project = ticket.project
    access.require(actor, "labour.approve", project)
    if not (comment or "").strip():
        raise InvalidInput.field("comment", _("Say why the ticket is rejected."))
    with transaction.atomic():
        locked = lock_for_update(ticket, version=version)
        locked.project = project
        if locked.status == Ticket.Status.SUBMITTED:
            for sig in list(locked.signatures.all()):
                sig.delete()
            locked.status = Ticket.Status.REJECTED
        elif locked.owner_status == Ticket.OwnerStatus.PENDING:
            locked.owner_status = Ticket.OwnerStatus.REJECTED
            locked.owner_answered_at = timezone.now()
        else:
            raise Conflict(_("Only a submitted ticket or one awaiting the owner can be rejected."))
        locked.description = (
            locked.description + "\n" + _("Rejected: %(c)s") % {"c": comment.strip()}
        ).strip()
        locked.version += 1
        locked.save()
    return locked


def deemed_acceptance_due(ticket: Ticket, settings: LabourSettings) -> dt.datetime | None:
    if ticket.owner_submitted_at is None:
        return None
    return ticket.owner_submitted_at + dt.timedelta(days=settings.deemed_acceptance_days)


def deemed_acceptance_sweep(
    *, organisation_id: int, now: dt.datetime | None = None, project: Project | None = None
) -> int:
    """Mark tickets the owner left unanswered past the period as deemed accepted.

    A system write (no actor's permission): the contract, not a person, accepts them. The
    owner's signature row says `deemed` and carries the moment the period ran out.
    """
    now = now or timezone.now()
    settings = settings_for(organisation_id)
    cutoff = now - dt.timedelta(days=settings.deemed_acceptance_days)
    due = Ticket.objects.filter(
        organisation_id=organisation_id,
        owner_status=Ticket.OwnerStatus.PENDING,
        owner_submitted_at__lte=cutoff,
    )
    if project is not None:
        due = due.filter(project=project)
    count = 0
    for ticket in due:
        with transaction.atomic():
            locked = lock_for_update(ticket, version=None)
            if locked.owner_status != Ticket.OwnerStatus.PENDING:
                continue
            at = deemed_acceptance_due(locked, settings)
            signed = set(locked.signatures.values_list("step", flat=True))
            for step in OWNER_CHAIN:
                if step in signed:
                    continue
                Signature(
                    organisation_id=locked.organisation_id,
                    project_id=locked.project_id,
                    ticket=locked,
                    step=step,
                    signer=_("Deemed accepted: no answer within %(d)s days")
                    % {"d": settings.deemed_acceptance_days},
                    signed_at=at,
                    deemed=True,
                ).save()
            locked.owner_status = Ticket.OwnerStatus.DEEMED
            locked.owner_answered_at = at
            locked.version += 1
            locked.save()
            count += 1
    return count


# --- posting to cost ---------------------------------------------------------------------------

COST_SOURCE = "labour_ticket"
DAY_LABOUR_CODE = "DAYWORK"


def day_labour_cost_code(project: Project) -> CostCode:
    """The project's day-labour cost code, created on first use (see the module docstring).

    Call inside a transaction: the project's row is locked while the code is created, so two
    approvals cannot both create it.
    """
    found = CostCode.objects.filter(project=project, code=DAY_LABOUR_CODE).first()
    if found is not None:
        return found
    Project.objects.select_for_update().filter(pk=project.pk).first()
    found = CostCode.objects.filter(project=project, code=DAY_LABOUR_CODE).first()
    if found is not None:
        return found
    code = CostCode(
        organisation_id=project.organisation_id,
        project=project,
        code=DAY_LABOUR_CODE,
        name="计日工",
        name_en="Day labour",
    )
    validate(code)
    code.save()
    return code


def posting_cost_code(ticket: Ticket) -> CostCode:
    """The cost code an approval of `ticket` posts to: its own, its WBS element's, or DAYWORK."""
    if ticket.cost_code_id is not None:
        code = CostCode.objects.filter(pk=ticket.cost_code_id, project_id=ticket.project_id).first()
        if code is None:
            raise InvalidInput.field("cost_code", _("No such cost code in this project."))
        return code
    if ticket.wbs_node_id is not None:
        mapped = (
            CostCode.objects.filter(project_id=ticket.project_id, wbs_node_id=ticket.wbs_node_id)
            .order_by("code")
            .first()
        )
        if mapped is not None:
            return mapped
    return day_labour_cost_code(ticket.project)


def post_ticket_cost(
    *, actor: Any, ticket: Ticket, cost_code: CostCode | None = None
) -> tuple[CostTransaction, list[str]]:
    """Post an approved ticket's total to the cost centre's actual cost (once per ticket).

    The one place that posts. Idempotent: the cost centre keys the transaction on
    ("labour_ticket", ticket id), so posting again returns (or corrects) the same one. Called
    inside the approval's transaction, so approval and posting stand or fall together.
    Returns the transaction and the cost centre's budget warnings.
    """
    return costs.actual_cost_post(
        actor=actor,
        project=ticket.project,
        cost_code=cost_code or posting_cost_code(ticket),
        amount=ticket.total,
        source_type=COST_SOURCE,
        source_id=ticket.pk,
        date=ticket.work_date,
        description=_("Day-labour ticket %(n)s") % {"n": ticket.number},
    )


# --- warnings ----------------------------------------------------------------------------------


def _warnings(
    ticket: Ticket, lines: list[LabourLine], settings: LabourSettings
) -> list[dict[str, str]]:
    """Overlapping hours (any project), too many hours in a day, late submission.

    One query over the same workers' other lines of the work date and the dates either side,
    whatever the ticket's size: a line is shorter than 24 hours, so only a night shift of the
    day before or a line of the next day can overlap one that runs past midnight. Hours in a
    day add up the worker's lines of the same work date, on this ticket and on others (a
    night shift counts on its work date), and are warned once per worker.
    """
    found: list[dict[str, str]] = []
    if lines:
        one_day = dt.timedelta(days=1)
        others = list(
            LabourLine.objects.filter(
                organisation_id=ticket.organisation_id,
                worker_id__in=[x.worker_id for x in lines],
                work_date__range=(ticket.work_date - one_day, ticket.work_date + one_day),
            )
            .exclude(ticket_id=ticket.pk)
            .exclude(ticket__status=Ticket.Status.REJECTED)
            .values(
                "worker_id",
                "work_date",
                "start",
                "end",
                "hours",
                "ticket__number",
                "project__code",
            )
        )
        day_hours: dict[int, Decimal] = {}
        for line in lines:
            day_hours[line.worker_id] = day_hours.get(line.worker_id, ZERO) + line.hours
        for other in others:
            if other["work_date"] == ticket.work_date:
                day_hours[other["worker_id"]] += other["hours"]
        warned: set[int] = set()
        for line in lines:
            for other in others:
                if other["worker_id"] != line.worker_id:
                    continue
                if other["start"] < line.end and other["end"] > line.start:
                    found.append(
                        {
                            "code": "overlap",
                            "worker": line.worker.name,
                            "ticket": other["ticket__number"],
                            "project": other["project__code"],
                        }
                    )
            total = day_hours[line.worker_id]
            if line.worker_id not in warned and total > settings.max_hours_per_day:
                warned.add(line.worker_id)
                found.append(
                    {
                        "code": "too_many_hours",
                        "worker": line.worker.name,
                        "hours": f"{total.normalize():f}",
                        "limit": f"{settings.max_hours_per_day.normalize():f}",
                    }
                )
    if ticket.submitted_at is not None:
        if lines:
            finished = max(x.end for x in lines)
        else:
            finished = dt.datetime.combine(
                ticket.work_date + dt.timedelta(days=1),
                dt.time(0, 0),
                tzinfo=timezone.get_current_timezone(),
            )
        late_by = ticket.submitted_at - finished
        if late_by > dt.timedelta(hours=settings.late_submission_hours):
            hours = Decimal(int(late_by.total_seconds() // 60)) / 60
            found.append(
                {
                    "code": "late",
                    "hours": f"{hours.quantize(Decimal('0.1'))}",
                    "limit": str(settings.late_submission_hours),
                }
            )
    return found


# --- photos ------------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 10 * 1024 * 1024


def photo_type(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) of a JPEG, PNG or WebP image from its first bytes, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


def _refuse_approved(ticket: Ticket) -> None:
    if ticket.status == Ticket.Status.APPROVED:
        raise Conflict(
            _("Ticket %(n)s is approved and posted to cost; it can no longer be changed.")
            % {"n": ticket.number}
        )


@service
def ticket_photo_add(*, actor: Any, ticket: Ticket, file: Any, caption: str = "") -> TicketPhoto:
    """Keep a site photo (JPEG, PNG or WebP, at most 10 MB, judged by its content) on a ticket."""
    project = ticket.project
    access.require(actor, "labour.record", project)
    _refuse_approved(ticket)
    _check_open(project, ticket.work_date)
    if file is None:
        raise InvalidInput.field("photo", _("Choose a photo to upload."))
    size = getattr(file, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise InvalidInput.field("photo", _("A photo may be at most 10 MB."))
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = photo_type(head or b"")
    if kind is None:
        raise InvalidInput.field("photo", _("The photo must be a JPEG, PNG or WebP image."))
    extension, content_type = kind
    photo = TicketPhoto(
        organisation_id=ticket.organisation_id,
        project=project,
        ticket=ticket,
        content_type=content_type,
        caption=(caption or "").strip(),
    )
    validate(photo, exclude=["file"])
    with transaction.atomic():
        locked = lock_for_update(ticket, version=None)
        _refuse_approved(locked)
        photo.file.save(f"{uuid.uuid4().hex}.{extension}", file, save=False)
        stored = photo.file.name
        try:
            photo.save()
        except Exception:
            photo.file.storage.delete(stored)
            raise
    return photo


@service
def ticket_photo_delete(*, actor: Any, photo: TicketPhoto) -> None:
    """Remove a photo from a ticket that is not yet approved; the file goes when the row does."""
    ticket = photo.ticket
    access.require(actor, "labour.record", ticket.project)
    _refuse_approved(ticket)
    _check_open(ticket.project, ticket.work_date)
    storage, name = photo.file.storage, photo.file.name
    with transaction.atomic():
        _refuse_approved(lock_for_update(ticket, version=None))
        photo.delete()
        transaction.on_commit(lambda: storage.delete(name))


def require_record(actor: Any, project: Project) -> None:
    """For views that show the entry form: refuse early, before any parsing."""
    if not access.has_perm(actor, "labour.record", project):
        raise Forbidden()
