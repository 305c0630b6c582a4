"""The cost centre: cost codes, budgets (BOQ) with revisions, contracts, change orders,
actual costs, progress and earned-value snapshots.

Money is `Decimal` (`MONEY`), quantities `QUANTITY`. A budget line's amount is its quantity
times its unit rate rounded to the fen when it is written, so every report sums stored fen.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sitebook.core.i18n import localized
from sitebook.core.models import MONEY, QUANTITY, BusinessModel
from sitebook.projects.models import Project, WbsNode

ZERO = Decimal("0.00")


class Control(models.TextChoices):
    """What happens when committed plus actual cost would pass a cost code's budget."""

    OFF = "off", _("No check")
    WARN = "warn", _("Warn")
    BLOCK = "block", _("Block")


class CostPolicy(BusinessModel):
    """The organisation's default budget control; a cost code may override it."""

    control = models.CharField(
        _("budget control"), max_length=10, choices=Control.choices, default=Control.WARN
    )

    class Meta:
        verbose_name = _("cost policy")
        verbose_name_plural = _("cost policies")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="costpolicy_one_per_org")
        ]

    @property
    def audit_project_id(self) -> int | None:
        return None


class CostCode(BusinessModel):
    class Profile(models.TextChoices):
        LINEAR = "linear", _("Linear")
        S_CURVE = "s_curve", _("S-curve")

    class Forecast(models.TextChoices):
        AUTO = "auto", _("Automatic")
        MANUAL = "manual", _("Manual")
        CPI = "cpi", _("From cost performance (CPI)")
        BUDGET_RATE = "budget_rate", _("Remaining work at budget rate")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_codes")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    wbs_node = models.ForeignKey(
        WbsNode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cost_codes",
        verbose_name=_("WBS element"),
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    control = models.CharField(
        _("budget control"),
        max_length=10,
        choices=Control.choices,
        blank=True,
        help_text=_("Empty: the organisation's default."),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)
    profile = models.CharField(
        _("spread profile"), max_length=10, choices=Profile.choices, default=Profile.LINEAR
    )
    forecast_method = models.CharField(
        _("forecast method"), max_length=12, choices=Forecast.choices, default=Forecast.AUTO
    )
    forecast_etc = models.DecimalField(
        _("estimate to complete (manual)"), **MONEY, null=True, blank=True
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("cost code")
        verbose_name_plural = _("cost codes")
        ordering = ["project_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="costcode_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)


class BudgetRevision(BusinessModel):
    """A version of the project budget. Number 1 is the original; the newest is current.

    Revisions are never edited: a change makes a new revision holding every line.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_revisions")
    number = models.PositiveIntegerField(_("revision"))
    reason = models.CharField(_("reason"), max_length=300)
    is_current = models.BooleanField(_("current"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    change_order = models.ForeignKey(
        "ChangeOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_revisions",
        verbose_name=_("change order"),
    )

    class Meta:
        verbose_name = _("budget revision")
        verbose_name_plural = _("budget revisions")
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="budgetrev_unique_number"),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(is_current=True),
                name="budgetrev_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"R{self.number}"


class BudgetLine(BusinessModel):
    """A bill-of-quantities line (工程量清单) of one budget revision."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(BudgetRevision, on_delete=models.CASCADE, related_name="lines")
    cost_code = models.ForeignKey(
        CostCode, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("cost code")
    )
    item_code = models.CharField(_("item code"), max_length=40)
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_rate = models.DecimalField(_("unit rate"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["revision_id", "item_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "item_code"], name="budgetline_unique_item")
        ]
        indexes = [models.Index(fields=["revision", "cost_code"], name="budgetline_rev_code")]

    def __str__(self) -> str:
        return f"{self.item_code} {self.description}"


class LineForecast(BusinessModel):
    """How a BOQ line's estimate to complete is found, kept by item code so that it holds
    across budget revisions (which are never edited). Without one, a line takes its budget
    share of its cost code's forecast."""

    class Method(models.TextChoices):
        AUTO = "auto", _("From the cost code")
        MANUAL = "manual", _("Manual")
        CPI = "cpi", _("From cost performance (CPI)")
        UNIT_RATE = "unit_rate", _("Remaining quantity at the actual unit rate")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    item_code = models.CharField(_("item code"), max_length=40)
    method = models.CharField(
        _("forecast method"), max_length=12, choices=Method.choices, default=Method.AUTO
    )
    etc = models.DecimalField(_("estimate to complete (manual)"), **MONEY, null=True, blank=True)
    quantity_done = models.DecimalField(_("quantity done"), **QUANTITY, null=True, blank=True)

    class Meta:
        verbose_name = _("line forecast")
        verbose_name_plural = _("line forecasts")
        ordering = ["project_id", "item_code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "item_code"], name="lineforecast_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.method}"


class Contract(BusinessModel):
    class Kind(models.TextChoices):
        INCOME = "income", _("Main contract (income)")
        SUBCONTRACT = "subcontract", _("Subcontract")
        PURCHASE = "purchase", _("Purchase contract")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In force")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contracts")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    counterparty = models.CharField(_("counterparty"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    advance_percent = models.DecimalField(
        _("advance payment %"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    progress_payment_percent = models.DecimalField(
        _("progress payment %"), max_digits=5, decimal_places=2, default=Decimal("80")
    )
    retention_percent = models.DecimalField(
        _("retention %"), max_digits=5, decimal_places=2, default=Decimal("3")
    )
    payment_days = models.PositiveIntegerField(_("days to pay"), default=30)
    payment_terms = models.TextField(_("payment terms"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["project_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="contract_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_income(self) -> bool:
        return self.kind == self.Kind.INCOME


class PaymentStage(BusinessModel):
    """One stage of a contract's payment schedule: a milestone or a month, with the percent
    of the contract value due then. A contract's stages add up to 100 % (or there are none);
    `services.payment_schedule_set` replaces them all at once."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone")
        MONTH = "month", _("Month")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payment_stages")
    number = models.PositiveIntegerField(_("stage"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    #: A milestone's date, or the first day of the month.
    due_on = models.DateField(_("due on"))
    percent = models.DecimalField(
        _("percent of the contract value"), max_digits=5, decimal_places=2
    )

    class Meta:
        verbose_name = _("payment stage")
        verbose_name_plural = _("payment stages")
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="paymentstage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.percent}%"


class ContractLine(BusinessModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    cost_code = models.ForeignKey(
        CostCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract_lines",
        verbose_name=_("cost code"),
    )
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_rate = models.DecimalField(_("unit rate"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract_id", "id"]

    def __str__(self) -> str:
        return self.description


class ChangeOrder(BusinessModel):
    """A variation (变更) or site instruction (签证) on either side of the contract chain."""

    class Kind(models.TextChoices):
        VARIATION = "variation", _("Variation (变更)")
        SITE_INSTRUCTION = "site_instruction", _("Site instruction (签证)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_orders")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="change_orders", verbose_name=_("contract")
    )
    cost_code = models.ForeignKey(
        CostCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_orders",
        verbose_name=_("cost code"),
    )
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.VARIATION)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    adjust_budget = models.BooleanField(_("adjust the budget"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("change order")
        verbose_name_plural = _("change orders")
        ordering = ["project_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="changeorder_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CostTransaction(BusinessModel):
    """An actual cost: an invoice, an expense, or a posting from another module."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        EXPENSE = "expense", _("Expense")
        LABOUR = "labour", _("Day labour")
        MATERIAL = "material", _("Materials")
        OTHER = "other", _("Other")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_transactions")
    cost_code = models.ForeignKey(
        CostCode, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("cost code")
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
        verbose_name=_("contract"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.INVOICE)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    source_type = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.CharField(_("source id"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("cost transaction")
        verbose_name_plural = _("cost transactions")
        ordering = ["project_id", "-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_type", "source_id"],
                condition=~models.Q(source_type=""),
                name="costtxn_unique_source",
            )
        ]
        indexes = [
            models.Index(fields=["project", "cost_code", "date"], name="costtxn_project_code"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class ProgressEntry(BusinessModel):
    """Percent complete of a cost code's work as of a date (drives earned value)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    cost_code = models.ForeignKey(CostCode, on_delete=models.CASCADE, related_name="progress")
    date = models.DateField(_("as of"))
    percent_complete = models.DecimalField(_("percent complete"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["cost_code_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["cost_code", "date"], name="progress_unique_date")
        ]


class EvmSnapshot(BusinessModel):
    """Earned-value figures of a project (or one WBS element) at a data date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evm_snapshots")
    wbs_node = models.ForeignKey(
        WbsNode, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data_date = models.DateField(_("data date"))
    bac = models.DecimalField("BAC", **MONEY)
    pv = models.DecimalField("PV", **MONEY)
    ev = models.DecimalField("EV", **MONEY)
    ac = models.DecimalField("AC", **MONEY)
    eac = models.DecimalField("EAC", **MONEY, null=True)
    spi = models.DecimalField("SPI", max_digits=10, decimal_places=4, null=True)
    cpi = models.DecimalField("CPI", max_digits=10, decimal_places=4, null=True)
    spi_t = models.DecimalField("SPI(t)", max_digits=10, decimal_places=4, null=True)

    class Meta:
        verbose_name = _("earned value snapshot")
        verbose_name_plural = _("earned value snapshots")
        ordering = ["project_id", "data_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "data_date"],
                condition=models.Q(wbs_node__isnull=True),
                name="evm_unique_project_date",
            ),
            models.UniqueConstraint(
                fields=["project", "wbs_node", "data_date"], name="evm_unique_wbs_date"
            ),
        ]
