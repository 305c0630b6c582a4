"""Forms that parse page input; the services do the validating that matters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sitebook.projects.models import Project, WbsNode


class ProjectForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "name_en",
            "client",
            "contract_value",
            "currency",
            "location",
            "start_date",
            "finish_date",
            "status",
            "description",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "finish_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_unique(self) -> None:
        """Uniqueness is the service's job (it knows the organisation)."""


class WbsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    parent = forms.ModelChoiceField(
        queryset=WbsNode.objects.none(), required=False, label=_("parent")
    )

    class Meta:
        model = WbsNode
        fields = ["code", "name", "name_en", "parent", "sort_order"]

    def __init__(self, *args: object, project: Project, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["parent"].queryset = WbsNode.objects.filter(project=project).order_by("code")  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        """Uniqueness is the service's job."""


class MemberAddForm(forms.Form):
    user = forms.TypedChoiceField(label=_("person"), coerce=int)
    role = forms.TypedChoiceField(label=_("role"), coerce=int)


class RaciRowForm(forms.Form):
    wbs_node = forms.TypedChoiceField(
        label=_("WBS element"), coerce=int, required=False, empty_value=None
    )
    deliverable = forms.CharField(label=_("deliverable"), max_length=200, required=False)
