"""Day labour (点工 / 计日工): roster, day rates, tickets with their lines and signatures.

Workers, teams and trades belong to the organisation (a worker moves between projects, and
overlapping hours are checked across projects); day rates belong to a project, because
GB 50500-2013 prices day work from the contract's own daywork schedule (计日工表).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sitebook.core.i18n import localized
from sitebook.core.models import MONEY, QUANTITY, BusinessModel

ZERO = Decimal("0")
# The longest break a labour line may carry, in minutes.
MAX_BREAK_MINUTES = 240


class LabourSettings(BusinessModel):
    """The organisation's day-labour rules; one row per organisation, created on first use."""

    hours_per_day = models.DecimalField(
        _("hours per working day"), max_digits=4, decimal_places=2, default=Decimal("8")
    )
    max_hours_per_day = models.DecimalField(
        _("most hours a worker may work in a day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("11"),
    )
    overtime_multiplier = models.DecimalField(
        _("overtime multiplier"), max_digits=4, decimal_places=2, default=Decimal("1.50")
    )
    rest_day_multiplier = models.DecimalField(
        _("rest-day multiplier"), max_digits=4, decimal_places=2, default=Decimal("2.00")
    )
    holiday_multiplier = models.DecimalField(
        _("statutory-holiday multiplier"), max_digits=4, decimal_places=2, default=Decimal("3.00")
    )
    deemed_acceptance_days = models.PositiveIntegerField(
        _("days until the owner is deemed to accept"), default=2
    )
    late_submission_hours = models.PositiveIntegerField(
        _("hours after the work until a ticket is late"), default=24
    )
    number_prefix = models.CharField(_("ticket number prefix"), max_length=10, default="DG")

    class Meta:
        verbose_name = _("day-labour settings")
        verbose_name_plural = _("day-labour settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="labour_settings_one_per_org")
        ]

    def __str__(self) -> str:
        return str(_("Day-labour settings"))


class Trade(BusinessModel):
    """A trade (工种): 木工, 钢筋工, 普工 ..."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("trade")
        verbose_name_plural = _("trades")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="trade_unique_code")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)


class Team(BusinessModel):
    """A work team (班组) of a labour subcontractor (劳务分包单位)."""

    name = models.CharField(_("name"), max_length=100)
    leader = models.CharField(_("team leader"), max_length=100, blank=True)
    subcontractor = models.CharField(_("labour subcontractor"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Grade(models.TextChoices):
    LABOURER = "labourer", _("General labourer")
    SKILLED = "skilled", _("Skilled worker")
    SENIOR = "senior", _("Senior skilled worker")


class Worker(BusinessModel):
    """A worker under real-name registration (实名制); the ID number is shown masked."""

    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    trade = models.ForeignKey(
        Trade, on_delete=models.PROTECT, related_name="workers", verbose_name=_("trade")
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workers",
        verbose_name=_("team"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "id_number"], name="worker_unique_id_number"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_masked(self) -> str:
        """The first six and last four characters, the rest hidden: 310115********123X."""
        n = self.id_number
        if len(n) <= 10:
            return "*" * len(n)
        return n[:6] + "*" * (len(n) - 10) + n[-4:]


class DayRate(BusinessModel):
    """The project's day rate (元/工日) for a trade and grade."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="labour_rates"
    )
    trade = models.ForeignKey(
        Trade, on_delete=models.PROTECT, related_name="rates", verbose_name=_("trade")
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    rate = models.DecimalField(_("day rate"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("day rate")
        verbose_name_plural = _("day rates")
        ordering = ["trade__code", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "trade", "grade"], name="dayrate_unique_trade_grade"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trade} {self.get_grade_display()} {self.rate}"


class ClosedPeriod(BusinessModel):
    """A month of a project closed for day labour: no ticket may be added or changed in it."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="labour_closed_periods"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="closed_period_unique")
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class DayType(models.TextChoices):
    WORK_DAY = "work_day", _("Work day")
    REST_DAY = "rest_day", _("Rest day")
    STATUTORY_HOLIDAY = "statutory_holiday", _("Statutory holiday")


class Ticket(BusinessModel):
    """A day-labour ticket (计日工签证单), GB 50500-2013 section 9.7."""

    class Source(models.TextChoices):
        OWNER = "owner", _("Owner")
        SUPERVISOR = "supervisor", _("Supervising engineer")
        MAIN_CONTRACTOR = "main_contractor", _("Main contractor")

    class Reason(models.TextChoices):
        OUT_OF_SCOPE = "out_of_scope", _("Work outside the contract scope")
        VARIATION = "variation", _("Variation")
        REWORK = "rework", _("Rework")
        IDLE = "idle", _("Idle time")
        EMERGENCY = "emergency", _("Emergency")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class OwnerStatus(models.TextChoices):
        NONE = "", _("Internal")
        PENDING = "pending", _("Awaiting the owner")
        ACCEPTED = "accepted", _("Accepted by the owner")
        DEEMED = "deemed", _("Deemed accepted")
        REJECTED = "rejected", _("Rejected by the owner")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="labour_tickets"
    )
    number = models.CharField(_("ticket number"), max_length=60)
    location = models.CharField(_("location / part"), max_length=200)
    work_date = models.DateField(_("work date"))
    day_type = models.CharField(_("day type"), max_length=20, choices=DayType.choices)
    instruction_source = models.CharField(_("instructed by"), max_length=20, choices=Source.choices)
    instruction_number = models.CharField(_("instruction number"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    recoverable = models.BooleanField(
        _("recoverable from the owner"),
        default=False,
        help_text=_("A site instruction to be signed by the owner (对上签证), not internal cost."),
    )
    description = models.TextField(_("description"), blank=True)
    wbs_node = models.ForeignKey(
        "projects.WbsNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="labour_tickets",
        verbose_name=_("WBS element"),
    )
    # A cost code of the project's cost centre; approval posts the ticket's total under it
    # (see `services.posting_cost_code` for a ticket that names none).
    cost_code = models.ForeignKey(
        "costs.CostCode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="labour_tickets",
        verbose_name=_("cost code"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    owner_status = models.CharField(
        _("owner's answer"),
        max_length=10,
        choices=OwnerStatus.choices,
        default=OwnerStatus.NONE,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    owner_submitted_at = models.DateTimeField(_("sent to the owner at"), null=True, blank=True)
    owner_answered_at = models.DateTimeField(_("owner answered at"), null=True, blank=True)
    labour_total = models.DecimalField(_("labour"), **MONEY, default=ZERO)
    material_total = models.DecimalField(_("materials"), **MONEY, default=ZERO)
    plant_total = models.DecimalField(_("plant"), **MONEY, default=ZERO)
    total = models.DecimalField(_("total"), **MONEY, default=ZERO)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("day-labour ticket")
        verbose_name_plural = _("day-labour tickets")
        ordering = ["-work_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="ticket_unique_number")
        ]
        indexes = [
            models.Index(fields=["project", "status", "work_date"], name="ticket_proj_status_date"),
            models.Index(fields=["owner_status", "owner_submitted_at"], name="ticket_owner_clock"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def signed(self) -> bool:
        return self.status != self.Status.DRAFT


class LabourLine(BusinessModel):
    """A worker's hours on a ticket, priced by the pay rules when the ticket is saved."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="labour_lines")
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="lines", verbose_name=_("worker")
    )
    # Trade, grade and team are copied from the worker when the line is written, so that a
    # later change of the roster does not rewrite past summaries.
    trade = models.ForeignKey(
        Trade, on_delete=models.PROTECT, related_name="lines", verbose_name=_("trade")
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    work_date = models.DateField(_("work date"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # Unpaid minutes between start and end (a lunch break); `hours` are the worked hours,
    # the span less the break. 0 on lines recorded before breaks existed.
    break_minutes = models.PositiveSmallIntegerField(
        _("break (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_BREAK_MINUTES)],
    )
    hours = models.DecimalField(_("hours"), **QUANTITY)
    normal_hours = models.DecimalField(_("normal hours"), **QUANTITY)
    overtime_hours = models.DecimalField(_("overtime hours"), **QUANTITY, default=ZERO)
    days = models.DecimalField(_("working days"), **QUANTITY)
    day_type = models.CharField(_("day type"), max_length=20, choices=DayType.choices)
    rate = models.DecimalField(_("day rate"), **MONEY)
    multiplier = models.DecimalField(_("pay multiplier"), max_digits=4, decimal_places=2)
    overtime_multiplier = models.DecimalField(
        _("overtime multiplier"), max_digits=4, decimal_places=2
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    # Mirrors the ticket's approval so that summaries aggregate one table without a join.
    approved = models.BooleanField(_("approved"), default=False)
    # The pay of the hours on each calendar date, in time order (`rules.PayPart.as_json`):
    # an overnight line has two, each with its own date's day type. The columns above hold
    # the totals (day type and multiplier: the work date's). Empty on lines priced before
    # overnight shifts existed, which all fell on their work date.
    parts = models.JSONField(_("pay by date"), default=list, blank=True)

    class Meta:
        verbose_name = _("labour line")
        verbose_name_plural = _("labour lines")
        ordering = ["ticket_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(break_minutes__lte=MAX_BREAK_MINUTES),
                name="labourline_break_at_most_240",
            )
        ]
        indexes = [
            models.Index(fields=["worker", "work_date"], name="line_worker_date"),
            models.Index(fields=["project", "work_date"], name="line_project_date"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def overnight(self) -> bool:
        """True when the line ends on the day after its work date (a night shift)."""
        return timezone.localtime(self.end).date() > self.work_date

    @property
    def pay_by_date(self) -> list[dict[str, Any]]:
        """The stored parts with Decimals and the day type's label, for pages and print.

        A line priced before parts were stored is one part: its work date and its columns.
        """
        parts = self.parts or [
            {
                "date": self.work_date.isoformat(),
                "day_type": self.day_type,
                "hours": str(self.hours),
                "normal_hours": str(self.normal_hours),
                "overtime_hours": str(self.overtime_hours),
                "multiplier": str(self.multiplier),
                "overtime_multiplier": str(self.overtime_multiplier),
                "amount": str(self.amount),
            }
        ]
        return [
            {
                "date": dt.date.fromisoformat(p["date"]),
                "day_type": p["day_type"],
                "day_type_label": DayType(p["day_type"]).label,
                "hours": Decimal(p["hours"]),
                "normal_hours": Decimal(p["normal_hours"]),
                "overtime_hours": Decimal(p["overtime_hours"]),
                "multiplier": Decimal(p["multiplier"]),
                "overtime_multiplier": Decimal(p["overtime_multiplier"]),
                "amount": Decimal(p["amount"]),
            }
            for p in parts
        ]


class MaterialLine(BusinessModel):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="material_lines")
    name = models.CharField(_("material"), max_length=100)
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("material line")
        verbose_name_plural = _("material lines")
        ordering = ["ticket_id", "id"]

    def __str__(self) -> str:
        return self.name


class PlantLine(BusinessModel):
    class Unit(models.TextChoices):
        SHIFT = "shift", _("shift")
        HOUR = "hour", _("hour")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="plant_lines")
    model = models.CharField(_("plant and model"), max_length=100)
    units = models.PositiveIntegerField(_("units"), default=1)
    quantity = models.DecimalField(_("shifts or hours"), **QUANTITY)
    unit = models.CharField(_("per"), max_length=10, choices=Unit.choices, default=Unit.SHIFT)
    rate = models.DecimalField(_("rate"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("plant line")
        verbose_name_plural = _("plant lines")
        ordering = ["ticket_id", "id"]

    def __str__(self) -> str:
        return self.model


class SignStep(models.TextChoices):
    TEAM_LEADER = "team_leader", _("Team leader")
    SITE_ENGINEER = "site_engineer", _("Site engineer")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    SUPERVISOR = "supervisor", _("Supervising engineer")
    OWNER = "owner", _("Owner's representative")


class Signature(BusinessModel):
    """One step of a ticket's sign-off chain; `deemed` when the owner's silence accepted it."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="signatures")
    step = models.CharField(_("step"), max_length=20, choices=SignStep.choices)
    signer = models.CharField(_("signed by"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    deemed = models.BooleanField(_("deemed"), default=False)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["ticket_id", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "step"], name="signature_one_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.signer}"


def ticket_photo_path(instance: TicketPhoto, filename: str) -> str:
    """Photos live under MEDIA_ROOT in labour/tickets/<ticket id>/ (served only by a view)."""
    return f"labour/tickets/{instance.ticket_id}/{filename}"


class TicketPhoto(BusinessModel):
    """A site photo kept with a ticket as evidence of the work (GB 50500 day-labour tickets)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=ticket_photo_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=30)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket photo")
        verbose_name_plural = _("ticket photos")
        ordering = ["ticket_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.file.name
