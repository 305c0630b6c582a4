"""Forms of the day-labour pages; the ticket's lines are parsed from numbered fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from sitebook.costs.models import CostCode
from sitebook.labour.models import Grade, LabourSettings, Ticket
from sitebook.projects.models import WbsNode

LABOUR_ROWS = 6
MATERIAL_ROWS = 2
PLANT_ROWS = 2


class TicketForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    work_date = forms.DateField(
        label=_("Work date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    location = forms.CharField(label=_("Location / part"), max_length=200)
    instruction_source = forms.ChoiceField(label=_("Instructed by"), choices=Ticket.Source.choices)
    instruction_number = forms.CharField(
        label=_("Instruction number"), max_length=60, required=False
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=Ticket.Reason.choices)
    recoverable = forms.BooleanField(label=_("Recoverable from the owner"), required=False)
    wbs_node = forms.ModelChoiceField(
        label=_("WBS element"), queryset=WbsNode.objects.none(), required=False
    )
    cost_code = forms.ModelChoiceField(
        label=_("Cost code"),
        queryset=CostCode.objects.none(),
        required=False,
        empty_label=_("— the WBS element's, or day labour (DAYWORK) —"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wbs_node"].queryset = WbsNode.objects.filter(project=project).order_by("code")
        self.fields["cost_code"].queryset = CostCode.objects.filter(project=project).order_by(
            "sort_order", "code", "id"
        )

    def header(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "work_date": data["work_date"],
            "location": data["location"],
            "instruction_source": data["instruction_source"],
            "instruction_number": data["instruction_number"],
            "reason": data["reason"],
            "recoverable": data["recoverable"],
            "wbs_node_id": data["wbs_node"].pk if data["wbs_node"] else None,
            "cost_code_id": data["cost_code"].pk if data["cost_code"] else None,
            "description": data["description"],
        }


def parse_lines(post: QueryDict) -> dict[str, list[dict[str, Any]]]:
    """The labour, material and plant rows a form sent; blank rows are left out."""
    labour = []
    for i in range(int(post.get("labour-rows") or LABOUR_ROWS)):
        worker = post.get(f"labour-{i}-worker", "").strip()
        if not worker:
            continue
        labour.append(
            {
                "worker_id": int(worker) if worker.isdigit() else worker,
                "start": post.get(f"labour-{i}-start", ""),
                "end": post.get(f"labour-{i}-end", ""),
                "break_minutes": post.get(f"labour-{i}-break_minutes", "").strip() or None,
                "rate": post.get(f"labour-{i}-rate", "").strip() or None,
            }
        )
    materials = []
    for i in range(MATERIAL_ROWS):
        name = post.get(f"material-{i}-name", "").strip()
        if not name:
            continue
        materials.append(
            {
                "name": name,
                "specification": post.get(f"material-{i}-specification", ""),
                "unit": post.get(f"material-{i}-unit", ""),
                "quantity": post.get(f"material-{i}-quantity", ""),
                "unit_price": post.get(f"material-{i}-unit_price", ""),
            }
        )
    plant = []
    for i in range(PLANT_ROWS):
        model = post.get(f"plant-{i}-model", "").strip()
        if not model:
            continue
        plant.append(
            {
                "model": model,
                "units": post.get(f"plant-{i}-units", "") or "1",
                "quantity": post.get(f"plant-{i}-quantity", ""),
                "unit": post.get(f"plant-{i}-unit", "shift"),
                "rate": post.get(f"plant-{i}-rate", ""),
            }
        )
    return {"labour": labour, "materials": materials, "plant": plant}


class WorkerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    trade = forms.IntegerField(label=_("Trade"))
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    team = forms.IntegerField(label=_("Team"), required=False)


class TradeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    leader = forms.CharField(label=_("Team leader"), max_length=100, required=False)
    subcontractor = forms.CharField(label=_("Labour subcontractor"), max_length=200, required=False)


class RateForm(forms.Form):
    trade = forms.IntegerField(label=_("Trade"))
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    rate = forms.DecimalField(label=_("Day rate"), max_digits=18, decimal_places=2, min_value=0)


class SettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = LabourSettings
        fields = [
            "hours_per_day",
            "max_hours_per_day",
            "overtime_multiplier",
            "rest_day_multiplier",
            "holiday_multiplier",
            "deemed_acceptance_days",
            "late_submission_hours",
            "number_prefix",
        ]
