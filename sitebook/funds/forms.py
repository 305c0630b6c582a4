"""Forms of the funds pages: they parse what was typed; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sitebook.costs.models import Contract
from sitebook.funds.models import MAX_CERTIFY_DAYS

MONEY = {"max_digits": 18, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _money(label: Any, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        **MONEY,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _percent(label: Any, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        **PERCENT,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ContractChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contract) -> str:
        return f"{obj.code} · {obj.title} · {obj.counterparty}"


def _contracts(project: Any, *, income: bool | None) -> Any:
    qs = Contract.objects.filter(project=project).order_by("code")
    if income is True:
        qs = qs.filter(kind=Contract.Kind.INCOME)
    elif income is False:
        qs = qs.exclude(kind=Contract.Kind.INCOME)
    return qs


class ClaimForm(forms.Form):
    """A new claim: the period, and which sources its lines are built from."""

    contract = ContractChoice(label=_("Income contract"), queryset=Contract.objects.none())
    period_start = _date(_("Period start"))
    period_end = _date(_("Period end"))
    payment_ratio = _percent(_("Payment ratio %"))
    from_progress = forms.BooleanField(label=_("Measured progress (BOQ)"), required=False)
    change_orders = forms.BooleanField(label=_("Approved change orders"), required=False)
    day_labour = forms.BooleanField(label=_("Recoverable day labour"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"from_progress": True, "change_orders": True, "day_labour": True}
        )
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts(project, income=True)  # type: ignore[attr-defined]

    def service_args(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["contract_id"] = data.pop("contract").pk
        return data


class ClaimLineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=300)
    amount = _money(_("Amount"))


class CertifyForm(forms.Form):
    """The owner's certificate, with a certified amount per claim line (`line-<id>`)."""

    certified_on = _date(_("Certified on"))
    payment_ratio = _percent(_("Payment ratio %"))
    retention_percent = _percent(_("Retention %"))
    advance_recovery = _money(_("Advance recovery"), required=False)
    deductions = _money(_("Deductions"), required=False)

    def __init__(self, *args: Any, lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in lines:
            name = f"line-{line.pk}"
            self.fields[name] = _money(line.description, required=False)
            self.initial.setdefault(name, line.amount)
            self.line_fields.append((line, name))

    def line_rows(self) -> list[tuple[Any, Any]]:
        """(claim line, its bound field) for the template."""
        return [(line, self[name]) for line, name in self.line_fields]

    def service_args(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        amounts = {line.pk: data.pop(name) for line, name in self.line_fields}
        data["line_amounts"] = {pk: v for pk, v in amounts.items() if v is not None}
        data["advance_recovery"] = data["advance_recovery"] or Decimal("0.00")
        data["deductions"] = data["deductions"] or Decimal("0.00")
        return data


class InvoiceForm(forms.Form):
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=60)
    invoiced_on = _date(_("Invoiced on"))


class ReceiptForm(forms.Form):
    date = _date(_("Date received"))
    amount = _money(_("Amount"))
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)


class PayableForm(forms.Form):
    contract = ContractChoice(label=_("Contract"), queryset=Contract.objects.none())
    number = forms.CharField(label=_("Invoice number"), max_length=60)
    invoice_date = _date(_("Invoice date"))
    gross_amount = _money(_("Invoice amount"))
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    retention_percent = _percent(_("Retention %"))
    advance_recovery = _money(_("Advance recovery"), required=False)
    deductions = _money(_("Deductions"), required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts(project, income=False)  # type: ignore[attr-defined]

    def service_args(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["contract_id"] = data.pop("contract").pk
        data["advance_recovery"] = data["advance_recovery"] or Decimal("0.00")
        data["deductions"] = data["deductions"] or Decimal("0.00")
        return data


class PaymentRequestForm(forms.Form):
    amount = _money(_("Amount"))
    requested_on = _date(_("Requested on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PaymentForm(forms.Form):
    date = _date(_("Date paid"))
    amount = _money(_("Amount"), required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)


class AdvanceForm(forms.Form):
    contract = ContractChoice(label=_("Contract"), queryset=Contract.objects.none())
    date = _date(_("Date"))
    amount = _money(_("Amount"))
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts(project, income=None)  # type: ignore[attr-defined]

    def service_args(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["contract_id"] = data.pop("contract").pk
        return data


class ReleaseForm(AdvanceForm):
    """Retention released: the amount may be left empty for all that is held."""

    amount = _money(_("Amount (empty: all held)"), required=False)


class TermsForm(forms.Form):
    contract = ContractChoice(label=_("Contract"), queryset=Contract.objects.none())
    completion_date = _date(_("Completion date"), required=False)
    defects_liability_months = forms.IntegerField(
        label=_("Defects liability period (months)"), min_value=0, max_value=120, required=False
    )
    retention_cap_percent = _percent(_("Retention cap %"))
    certify_days = forms.IntegerField(
        label=_("Days to certify a month-end claim"),
        min_value=0,
        max_value=MAX_CERTIFY_DAYS,
        required=False,
    )

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts(project, income=None)  # type: ignore[attr-defined]


class ReverseForm(forms.Form):
    memo = forms.CharField(label=_("Reason"), max_length=300)
    entry_date = _date(_("Date"), required=False)
