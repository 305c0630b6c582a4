"""Sign-in, the profile page with API tokens, and the organisation's roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sitebook.accounts import access, selectors, services
from sitebook.core.permissions import declared
from sitebook.core.web import submit


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)


class RoleForm(forms.Form):
    key = forms.SlugField(label=gettext_lazy("key"), max_length=50)
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    codes = forms.MultipleChoiceField(
        label=gettext_lazy("permission codes"), widget=forms.CheckboxSelectMultiple
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.token_create(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        form = TokenForm()
    context = {"form": form, "tokens": selectors.token_list(request.user), "new_token": new_token}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


@login_required
def roles(request: HttpRequest) -> HttpResponse:
    org_id = access.default_organisation_id(request.user, request.session.get("organisation_id"))
    if org_id is None:
        raise Http404
    organisation = access.organisation_for(request.user, org_id)
    form = RoleForm(request.POST or None)
    form.fields["codes"].choices = [
        (code, f"{code} — {label}") for code, label in declared().items()
    ]
    if request.method == "POST":
        access.require_admin(request.user, org_id)

    def create(data: dict[str, Any]) -> HttpResponse:
        services.role_create(
            actor=request.user,
            organisation=organisation,
            key=data["key"],
            name=data["name"],
            codes=data["codes"],
        )
        messages.success(request, _("Role created."))
        return redirect("accounts:roles")

    done, status = submit(request, form, create)
    if done:
        return done
    context = {
        "organisation": organisation,
        "roles": selectors.role_list(request.user, org_id),
        "form": form,
        "is_admin": access.is_admin(request.user, org_id),
    }
    return render(request, "accounts/roles.html", context, status=status)
