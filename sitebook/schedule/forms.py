"""Forms of the schedule pages: parse input only; services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sitebook.schedule.models import ACTIVITY_TYPES, CONSTRAINT_TYPES, LINK_TYPES, RESOURCE_KINDS


class ActivityForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label=_("Activity ID"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=ACTIVITY_TYPES, initial="task")
    wbs = forms.TypedChoiceField(
        label=_("WBS element"), required=False, coerce=int, empty_value=None
    )
    duration_days = forms.DecimalField(
        label=_("Original duration (days)"), min_value=Decimal("0"), decimal_places=2, initial=1
    )
    constraint_type = forms.ChoiceField(
        label=_("Constraint"), choices=[("", "—"), *CONSTRAINT_TYPES], required=False
    )
    constraint_date = forms.DateTimeField(
        label=_("Constraint date"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    responsible = forms.TypedChoiceField(
        label=_("Responsible"), required=False, coerce=int, empty_value=None
    )
    cost_code = forms.CharField(label=_("Cost code"), max_length=60, required=False)

    def __init__(self, *args: Any, wbs: Any = (), members: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wbs"].choices = [("", "—")] + [(n.pk, str(n)) for n in wbs]
        self.fields["responsible"].choices = [("", "—")] + [(m.pk, str(m)) for m in members]


class RelationshipForm(forms.Form):
    predecessor = forms.CharField(label=_("Predecessor (activity ID)"), max_length=60)
    type = forms.ChoiceField(label=_("Type"), choices=LINK_TYPES, initial="FS")
    lag_days = forms.DecimalField(label=_("Lag (days)"), decimal_places=2, initial=0)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Schedule file (P6 XER, P6 XML, MS Project XML)"))


class BaselineForm(forms.Form):
    name = forms.CharField(label=_("Baseline name"), max_length=200)


class ResourceForm(forms.Form):
    """Add or change a resource; the services check the ID is unique in the project."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label=_("Resource ID"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=RESOURCE_KINDS, initial="labour")
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)


class AssignmentForm(forms.Form):
    """Assign a resource to the activity shown, or change an assignment's figures. Blank
    remaining units mean budgeted less actual when assigning."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    resource = forms.TypedChoiceField(label=_("Resource"), coerce=int)
    planned_quantity = forms.DecimalField(label=_("Budgeted units"), initial=0)
    remaining_quantity = forms.DecimalField(label=_("Remaining units"), required=False)
    actual_quantity = forms.DecimalField(label=_("Actual units"), initial=0)
    planned_cost = forms.DecimalField(label=_("Budgeted cost"), initial=0)
    actual_cost = forms.DecimalField(label=_("Actual cost"), initial=0)

    def __init__(self, *args: Any, resources: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [(r.pk, str(r)) for r in resources]
