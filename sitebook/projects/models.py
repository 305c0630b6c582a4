"""Projects, their work breakdown structure, members and RACI matrix."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sitebook.accounts.models import CURRENCIES
from sitebook.core.i18n import localized
from sitebook.core.models import MONEY, BusinessModel


class Project(BusinessModel):
    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("In progress")
        SUSPENDED = "suspended", _("Suspended")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    client = models.CharField(_("client"), max_length=200, blank=True)
    contract_value = models.DecimalField(
        _("contract value"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    location = models.CharField(_("location"), max_length=200, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    finish_date = models.DateField(_("finish"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNING
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="project_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def audit_project_id(self) -> int | None:
        return self.pk

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)


class WbsNode(BusinessModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="wbs_nodes")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("WBS element")
        verbose_name_plural = _("WBS elements")
        ordering = ["project_id", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="wbs_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)


class ProjectMember(BusinessModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_memberships",
        verbose_name=_("person"),
    )
    role = models.ForeignKey(
        "accounts.Role", on_delete=models.PROTECT, related_name="members", verbose_name=_("role")
    )

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="member_unique_user")
        ]

    def __str__(self) -> str:
        return str(self.user)


class RaciRow(BusinessModel):
    """A row of the RACI matrix: a WBS element or a named deliverable."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="raci_rows")
    wbs_node = models.ForeignKey(
        WbsNode,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="raci_rows",
        verbose_name=_("WBS element"),
    )
    deliverable = models.CharField(_("deliverable"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("RACI row")
        verbose_name_plural = _("RACI rows")
        ordering = ["project_id", "sort_order", "id"]

    def __str__(self) -> str:
        if self.wbs_node_id:
            return str(self.wbs_node)
        return self.deliverable


class RaciAssignment(BusinessModel):
    class Letter(models.TextChoices):
        RESPONSIBLE = "R", _("Responsible")
        ACCOUNTABLE = "A", _("Accountable")
        CONSULTED = "C", _("Consulted")
        INFORMED = "I", _("Informed")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    row = models.ForeignKey(RaciRow, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(ProjectMember, on_delete=models.CASCADE, related_name="raci")
    letter = models.CharField(_("responsibility"), max_length=1, choices=Letter.choices)

    class Meta:
        verbose_name = _("RACI assignment")
        verbose_name_plural = _("RACI assignments")
        constraints = [
            models.UniqueConstraint(fields=["row", "member"], name="raci_unique_cell"),
            # Exactly one A per row: the database refuses a second one even if a service
            # check were bypassed.
            models.UniqueConstraint(
                fields=["row"], condition=models.Q(letter="A"), name="raci_one_accountable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.letter}"
