"""The funds centre: owner progress-payment claims (进度款), receipts, payables, payment
requests and payments, advances, retention (质保金) and its release, and the funds ledger.

Every movement of money is a `LedgerEntry`, which is immutable: a correction is a reversing
entry. Balances (by project, contract, counterparty, month) and what a claim has received or
a payable has been paid are sums over the ledger, never stored beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sitebook.core.errors import Conflict
from sitebook.core.models import MONEY, QUANTITY, BusinessModel
from sitebook.costs.models import ChangeOrder, Contract, ContractLine
from sitebook.labour.models import Ticket
from sitebook.projects.models import Project

ZERO = Decimal("0.00")
PERCENT = {"max_digits": 5, "decimal_places": 2}
# China's 2017 rules on quality guarantee deposits (建设工程质量保证金管理办法, 建质〔2017〕138号):
# at most 3% of the settlement total; the defects liability period is at most 24 months.
DEFAULT_RETENTION_CAP = Decimal("3.00")
DEFAULT_DEFECTS_MONTHS = 24
#: Days from a month-end claim to the engineer's certificate when nothing else is agreed.
DEFAULT_CERTIFY_DAYS = 14
MAX_CERTIFY_DAYS = 365


def _positive(name: str, field: str = "amount") -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gt": 0}), name=name)


def _percent(name: str, field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100}), name=name
    )


def _certify_days(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(certify_days__isnull=True)
        | (Q(certify_days__gte=0) & Q(certify_days__lte=MAX_CERTIFY_DAYS)),
        name=name,
    )


class FundsPolicy(BusinessModel):
    """The organisation's defaults: the retention cap, the defects liability period and the
    days the engineer takes to certify a month-end claim (used by the cash-flow forecast)."""

    retention_cap_percent = models.DecimalField(
        _("retention cap, percent of the settlement"), **PERCENT, default=DEFAULT_RETENTION_CAP
    )
    defects_liability_months = models.PositiveIntegerField(
        _("defects liability period (months)"), default=DEFAULT_DEFECTS_MONTHS
    )
    certify_days = models.PositiveIntegerField(
        _("days to certify a claim"), default=DEFAULT_CERTIFY_DAYS
    )

    class Meta:
        verbose_name = _("funds policy")
        verbose_name_plural = _("funds policies")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="fundspolicy_one_per_org"),
            _percent("fundspolicy_cap_percent", "retention_cap_percent"),
            _certify_days("fundspolicy_certify_days"),
        ]

    @property
    def audit_project_id(self) -> int | None:
        return None


class ContractTerms(BusinessModel):
    """Funds terms of one contract that the cost centre does not hold.

    Empty cap, months or certify days: the organisation's policy. Retention falls due for
    release `defects_liability_months` after `completion_date` (竣工验收); the engineer
    certifies a month-end claim `certify_days` later (the cash-flow forecast's timing).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="funds_terms", verbose_name=_("contract")
    )
    retention_cap_percent = models.DecimalField(
        _("retention cap, percent of the settlement"), **PERCENT, null=True, blank=True
    )
    defects_liability_months = models.PositiveIntegerField(
        _("defects liability period (months)"), null=True, blank=True
    )
    completion_date = models.DateField(_("completion date"), null=True, blank=True)
    certify_days = models.PositiveIntegerField(_("days to certify a claim"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract funds terms")
        verbose_name_plural = _("contract funds terms")
        constraints = [
            _percent("terms_cap_percent", "retention_cap_percent"),
            _certify_days("terms_certify_days"),
        ]


class Claim(BusinessModel):
    """An owner progress-payment claim (进度款申请) on the project's income contract."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CERTIFIED = "certified", _("Certified")
        INVOICED = "invoiced", _("Invoiced")
        PART_PAID = "part_paid", _("Paid in part")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funds_claims")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="claims", verbose_name=_("contract")
    )
    number = models.PositiveIntegerField(_("claim number"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3)
    claimed_amount = models.DecimalField(_("claimed"), **MONEY, default=ZERO)
    certified_amount = models.DecimalField(_("certified"), **MONEY, null=True, blank=True)
    payment_ratio = models.DecimalField(_("payment ratio %"), **PERCENT)
    retention_percent = models.DecimalField(_("retention %"), **PERCENT, default=ZERO)
    advance_recovery = models.DecimalField(_("advance recovery"), **MONEY, default=ZERO)
    retention = models.DecimalField(_("retention withheld"), **MONEY, default=ZERO)
    deductions = models.DecimalField(_("deductions"), **MONEY, default=ZERO)
    amount_due = models.DecimalField(_("amount due"), **MONEY, default=ZERO)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    invoiced_on = models.DateField(_("invoiced on"), null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["project_id", "contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="claim_unique_number"),
            models.CheckConstraint(
                condition=Q(certified_amount__isnull=True)
                | Q(certified_amount__lte=models.F("claimed_amount")),
                name="claim_certified_le_claimed",
            ),
            models.CheckConstraint(
                condition=Q(certified_amount__isnull=True) | Q(certified_amount__gte=0),
                name="claim_certified_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(claimed_amount__gte=0)
                & Q(advance_recovery__gte=0)
                & Q(retention__gte=0)
                & Q(deductions__gte=0)
                & Q(amount_due__gte=0),
                name="claim_amounts_not_negative",
            ),
            _percent("claim_ratio_percent", "payment_ratio"),
            _percent("claim_retention_percent", "retention_percent"),
        ]
        indexes = [models.Index(fields=["project", "status"], name="claim_project_status")]

    def __str__(self) -> str:
        return f"{self.contract.code} #{self.number}"

    @property
    def is_open(self) -> bool:
        """Claims that count: not rejected or withdrawn."""
        return self.status not in (self.Status.REJECTED, self.Status.WITHDRAWN)

    @property
    def receivable(self) -> bool:
        return self.status in (self.Status.CERTIFIED, self.Status.INVOICED, self.Status.PART_PAID)


class ClaimLine(BusinessModel):
    """A line of a claim: BOQ progress, an approved change order, a day-labour ticket, other.

    Lines are never negative except an approved omission (a change order of negative
    amount), claimed as a negative line; the claim's total stays at zero or more.
    """

    class Source(models.TextChoices):
        BOQ = "boq", _("Contract BOQ line")
        CHANGE_ORDER = "change_order", _("Approved change order")
        DAY_LABOUR = "day_labour", _("Day-labour ticket")
        OTHER = "other", _("Other")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    source = models.CharField(_("source"), max_length=15, choices=Source.choices)
    contract_line = models.ForeignKey(
        ContractLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
        verbose_name=_("contract line"),
    )
    change_order = models.ForeignKey(
        ChangeOrder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
        verbose_name=_("change order"),
    )
    ticket = models.ForeignKey(
        Ticket,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
        verbose_name=_("day-labour ticket"),
    )
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity_to_date = models.DecimalField(_("quantity to date"), **QUANTITY, null=True, blank=True)
    quantity = models.DecimalField(_("quantity this claim"), **QUANTITY, null=True, blank=True)
    unit_rate = models.DecimalField(_("unit rate"), **MONEY, null=True, blank=True)
    amount = models.DecimalField(_("claimed"), **MONEY)
    certified_amount = models.DecimalField(_("certified"), **MONEY, null=True, blank=True)
    # Set when the claim is rejected or withdrawn: the line's source may be claimed again.
    superseded = models.BooleanField(_("superseded"), default=False)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim_id", "id"]
        constraints = [
            # A ticket or a change order is claimed once (unless its claim fell away).
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(ticket__isnull=False, superseded=False),
                name="claimline_ticket_once",
            ),
            models.UniqueConstraint(
                fields=["change_order"],
                condition=Q(change_order__isnull=False, superseded=False),
                name="claimline_change_order_once",
            ),
            # Certified never above claimed; never below zero but on an omission (a negative
            # change order), which the owner may value at more than was claimed off.
            models.CheckConstraint(
                condition=Q(certified_amount__isnull=True)
                | (
                    Q(certified_amount__lte=models.F("amount"))
                    & (Q(certified_amount__gte=0) | Q(amount__lt=0))
                ),
                name="claimline_certified_le_claimed",
            ),
            # Only an approved omission is claimed as a negative line.
            models.CheckConstraint(
                condition=Q(amount__gte=0) | Q(source="change_order", change_order__isnull=False),
                name="claimline_amount_ge_0_or_omission",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Payable(BusinessModel):
    """A subcontractor's or supplier's invoice against an expense contract."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PART_PAID = "part_paid", _("Paid in part")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funds_payables")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="payables", verbose_name=_("contract")
    )
    number = models.CharField(_("invoice number"), max_length=60)
    invoice_date = models.DateField(_("invoice date"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3)
    gross_amount = models.DecimalField(_("invoice amount"), **MONEY)
    retention_percent = models.DecimalField(_("retention %"), **PERCENT, default=ZERO)
    retention = models.DecimalField(_("retention withheld"), **MONEY, default=ZERO)
    advance_recovery = models.DecimalField(_("advance recovery"), **MONEY, default=ZERO)
    deductions = models.DecimalField(_("deductions"), **MONEY, default=ZERO)
    approved_amount = models.DecimalField(_("approved to pay"), **MONEY, default=ZERO)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        verbose_name = _("payable")
        verbose_name_plural = _("payables")
        ordering = ["project_id", "-invoice_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="payable_unique_number"),
            _positive("payable_gross_gt_0", "gross_amount"),
            models.CheckConstraint(
                condition=Q(retention__gte=0)
                & Q(advance_recovery__gte=0)
                & Q(deductions__gte=0)
                & Q(approved_amount__gte=0)
                & Q(approved_amount__lte=models.F("gross_amount")),
                name="payable_amounts_in_range",
            ),
            _percent("payable_retention_percent", "retention_percent"),
        ]
        indexes = [models.Index(fields=["project", "status"], name="payable_project_status")]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.number}"


class PaymentRequest(BusinessModel):
    """A request to pay (part of) an approved payable; approved, then paid exactly once."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    payable = models.ForeignKey(
        Payable, on_delete=models.PROTECT, related_name="requests", verbose_name=_("payable")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["project_id", "-id"]
        constraints = [_positive("payreq_amount_gt_0")]


class Movement(BusinessModel):
    """Money that moved on a date: what receipts, payments, advances and releases share."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("reference"), max_length=60, blank=True)

    class Meta:
        abstract = True


class ContractMovement(Movement):
    """An advance or a retention release: in on the income contract, out on the others."""

    direction = models.CharField(_("direction"), max_length=3)

    class Meta:
        abstract = True


class Payment(Movement):
    """The one payment of an approved payment request; posts an outgoing ledger entry."""

    request = models.OneToOneField(
        PaymentRequest,
        on_delete=models.PROTECT,
        related_name="payment",
        verbose_name=_("payment request"),
    )
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="payments")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["project_id", "-date", "-id"]
        constraints = [_positive("payment_amount_gt_0")]


class Receipt(Movement):
    """Money received from the owner against a certified claim; posts an incoming entry."""

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("claim")
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["project_id", "-date", "-id"]
        constraints = [_positive("receipt_amount_gt_0")]


class Advance(ContractMovement):
    """An advance payment (预付款): received from the owner or paid to a subcontractor."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="advances", verbose_name=_("contract")
    )

    class Meta:
        verbose_name = _("advance")
        verbose_name_plural = _("advances")
        ordering = ["project_id", "-date", "-id"]
        constraints = [_positive("advance_amount_gt_0")]


class RetentionRelease(ContractMovement):
    """Retention paid back at the end of the defects liability period (质保金返还)."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="retention_releases",
        verbose_name=_("contract"),
    )

    class Meta:
        verbose_name = _("retention release")
        verbose_name_plural = _("retention releases")
        ordering = ["project_id", "-date", "-id"]
        constraints = [_positive("release_amount_gt_0")]


class LedgerImmutable(Conflict):
    default_detail = _(
        "A posted ledger entry cannot be changed or deleted; post a reversing entry instead."
    )


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    """Bulk updates and deletes are refused: the ledger only grows."""

    def update(self, **kwargs: Any) -> int:
        raise LedgerImmutable(
            errors=[{"field": "__all__", "message": LedgerImmutable.default_detail}]
        )

    def delete(self) -> Any:
        raise LedgerImmutable(
            errors=[{"field": "__all__", "message": LedgerImmutable.default_detail}]
        )


class LedgerEntry(BusinessModel):
    """One movement of money in or out of a project, never changed once posted."""

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        PAYMENT = "payment", _("Payment")
        ADVANCE_IN = "advance_in", _("Advance received")
        ADVANCE_OUT = "advance_out", _("Advance paid")
        RETENTION_IN = "retention_in", _("Retention received")
        RETENTION_OUT = "retention_out", _("Retention paid")
        REVERSAL = "reversal", _("Reversal")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="funds_ledger")
    entry_date = models.DateField(_("date"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices)
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("contract"),
    )
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    payable = models.ForeignKey(
        Payable, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    advance = models.ForeignKey(
        Advance, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    release = models.ForeignKey(
        RetentionRelease,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
        verbose_name=_("reverses"),
    )
    memo = models.CharField(_("memo"), max_length=300, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["project_id", "entry_date", "id"]
        constraints = [
            _positive("ledger_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(direction__in=["in", "out"]), name="ledger_direction"
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="ledger_one_reversal",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="ledger_reversal_names_entry",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "entry_date"], name="ledger_project_date"),
            models.Index(fields=["contract", "entry_date"], name="ledger_contract_date"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_date} {self.direction} {self.amount}"

    @property
    def sign(self) -> int:
        return 1 if self.direction == self.Direction.IN else -1

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutable(
                errors=[{"field": "__all__", "message": LedgerImmutable.default_detail}]
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise LedgerImmutable(
            errors=[{"field": "__all__", "message": LedgerImmutable.default_detail}]
        )
