"""The setup checklist of a store being set up (issue 18): what its after-sales manager must set before the first
booking, with where to set it, and a button for the values that have a default (opening hours, labour rate)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import role_required
from .models import Role
from .readiness import CONFIRMABLE, store_setup_confirm, store_setup_refresh


class ConfirmForm(forms.Form):
    key = forms.ChoiceField(choices=[(key, key) for key in CONFIRMABLE], widget=forms.HiddenInput)


@role_required(Role.AFTERSALES_MANAGER, store_required=True)
def setup_checklist(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    status = store_setup_refresh(store=store) if store.setup_pending else None
    # the page is the notice: hiding the context processor's `store_setup` runs the check once, not twice
    return render(request, "dealership/setup_checklist.html", {"store": store, "status": status,
                                                              "store_setup": None})


@require_POST
@role_required(Role.AFTERSALES_MANAGER, store_required=True)
def setup_confirm(request: HttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Nothing to confirm."), status=400)
    store_setup_confirm(store=request.user.store, key=form.cleaned_data["key"])
    messages.success(request, _("Confirmed."))
    return redirect("dealership:setup")
