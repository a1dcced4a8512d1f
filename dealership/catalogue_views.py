"""The catalogue pages of the managers (issue 18): labour operations and parts with their published prices, a price
change from a date, deactivation. An after-sales manager keeps their store's catalogue, a group manager the group's;
another store's item is a 404. One view serves both kinds (the URL says which). Forms validate, dealership.catalogue
saves and refuses."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from .access import MANAGERS, get_scoped_or_404, role_required, scoped
from .catalogue import (
    MAX_PRICE,
    catalogue_item_set_active,
    labour_operation_save,
    part_save,
    price_change_schedule,
    price_history,
    published_prices,
    today,
)
from .errors import ProcessError
from .models import JobType, LabourOperation, Part, SettingChange, Store, Trade, User
from .selectors import SEARCH_LENGTH
from .views import run_form

PAGE_SIZE = 25


class PriceField(forms.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(min_value=Decimal("0"), max_value=MAX_PRICE, max_digits=10, decimal_places=2,
                         widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
                         **kwargs)


class LabourForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
    name = forms.CharField(label=pgettext_lazy("catalogue item", "Name"), max_length=100)
    trade = forms.ChoiceField(label=gettext_lazy("Trade"), choices=Trade.choices)
    job_type = forms.ChoiceField(label=gettext_lazy("Job type"), choices=JobType.choices)
    standard_hours = forms.DecimalField(label=gettext_lazy("Standard hours"), min_value=Decimal("0"),
                                        max_value=Decimal("9999.99"), max_digits=6, decimal_places=2)
    documentation_url = forms.URLField(label=gettext_lazy("Service documentation"), max_length=300, required=False,
                                       assume_scheme="https",
                                       help_text=gettext_lazy("Link to the repair manual or service information "
                                                              "(REP-7)."))
    special_tools = forms.CharField(label=gettext_lazy("Special tools"), max_length=300, required=False)


class PartForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Part number"), max_length=30)
    name = forms.CharField(label=pgettext_lazy("catalogue item", "Name"), max_length=100)
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=10, initial="个",
                           help_text=gettext_lazy("个, 套, 只 … are counted in whole pieces; 升, 米, 千克 … are "
                                                  "measured."))


def _with_price(form_class):
    """The form of a new item: its first published price too."""
    return type(f"New{form_class.__name__}", (form_class,), {
        "price": PriceField(label=gettext_lazy("Published price (yuan)"))})


class PriceChangeForm(forms.Form):
    price = PriceField(label=gettext_lazy("New published price (yuan)"))
    effective_from = forms.DateField(label=gettext_lazy("Effective from"),
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     help_text=gettext_lazy("Today or later. Orders already quoted keep their "
                                                            "price."))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


class StoreChoiceForm(forms.Form):
    store = forms.ModelChoiceField(label=gettext_lazy("Store"), queryset=Store.objects.none())


@dataclass(frozen=True)
class Kind:
    key: str
    model: type
    form: type
    title: str | Promise
    one: str | Promise
    search_fields: tuple[str, ...]


KINDS = {
    "labour": Kind("labour", LabourOperation, LabourForm, gettext_lazy("Labour operations"),
                   gettext_lazy("labour operation"), ("code", "name")),
    "parts": Kind("parts", Part, PartForm, gettext_lazy("Parts"), gettext_lazy("part"), ("number", "name")),
}


def _save(kind: Kind, actor: User, store: Store, data: dict, item=None):
    if kind.key == "labour":
        return labour_operation_save(
            actor=actor, store=store, operation=item, code=data["code"], name=data["name"], trade=data["trade"],
            job_type=data["job_type"], standard_hours=data["standard_hours"],
            documentation_url=data["documentation_url"], special_tools=data["special_tools"],
            price=data.get("price"), only_new=item is None)[0]
    return part_save(actor=actor, store=store, part=item, number=data["number"], name=data["name"],
                     unit=data["unit"], price=data.get("price"), only_new=item is None)[0]


def _group_stores(user: User):
    return Store.objects.filter(group_id=user.group_id).only("name", "code") if user.is_group_manager else None


@role_required(*MANAGERS)
def catalogue_list(request: HttpRequest, kind: str) -> HttpResponse:
    k = KINDS[kind]
    q = request.GET.get("q", "")[:SEARCH_LENGTH].strip()
    show = request.GET.get("status", "")
    items = scoped(k.model.objects.select_related("store"), request.user)
    if q:
        match = Q()
        for f in k.search_fields:
            match |= Q(**{f"{f}__icontains": q})
        items = items.filter(match)
    if show != "all":
        items = items.filter(active=True)
    items = items.order_by("store__code", k.search_fields[0])
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    prices = published_prices(page.object_list)  # today's, whether or not the nightly move has run
    rows = [(item, prices[item]) for item in page.object_list]
    return render(request, "dealership/catalogue_list.html", {
        "kind": k, "page": page, "rows": rows, "q": q, "status": "all" if show == "all" else "",
        "show_store": request.user.is_group_manager,
        "columns": (8 if kind == "labour" else 5) + request.user.is_group_manager})


@role_required(*MANAGERS)
def catalogue_new(request: HttpRequest, kind: str) -> HttpResponse:
    k = KINDS[kind]
    stores = _group_stores(request.user)
    form = _with_price(k.form)(request.POST or None)
    store_form = None
    if stores is not None:
        store_form = StoreChoiceForm(request.POST or None, prefix="in")
        store_form.fields["store"].queryset = stores
    elif request.user.store_id is None:
        return render(request, "dealership/no_role.html", status=403)
    if request.method == "POST":
        store = request.user.store
        if store_form is not None:
            store = store_form.cleaned_data["store"] if store_form.is_valid() else None
        if store is not None and (ran := run_form(form, lambda data: _save(k, request.user, store, data))):
            messages.success(request, _("%(item)s is in the catalogue.") % {"item": ran.value})
            return redirect(f"dealership:catalogue_{kind}_detail", pk=ran.value.pk)
    status = 400 if form.errors or (store_form is not None and store_form.errors) else 200
    return render(request, "dealership/catalogue_new.html", {"kind": k, "form": form, "store_form": store_form},
                  status=status)


def _item(request: HttpRequest, kind: str, pk: int):
    return get_scoped_or_404(KINDS[kind].model.objects.select_related("store"), request.user, pk=pk)


def _initial(kind: Kind, item) -> dict:
    return {name: getattr(item, name) for name in kind.form.base_fields}


def _page(request: HttpRequest, kind: str, item, status: int = 200, **forms_) -> HttpResponse:
    k = KINDS[kind]
    history = price_history(item)
    now = today()
    current = next((c for c in history if c.effective_from <= now), None)
    return render(request, "dealership/catalogue_detail.html", {
        "kind": k, "item": item,
        "form": forms_.get("form") or k.form(initial=_initial(k, item)),
        "price_form": forms_.get("price_form") or PriceChangeForm(initial={"effective_from": now}),
        "history": history, "current": current, "today": now, "price_today": current.price if current else item.price,
        "log": SettingChange.objects.filter(model=item._meta.label_lower, object_id=str(item.pk))
        .select_related("actor")[:20],
    }, status=status)


@role_required(*MANAGERS)
def catalogue_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _item(request, kind, pk)
    if request.method != "POST":
        return _page(request, kind, item)
    form = KINDS[kind].form(request.POST)
    if run_form(form, lambda data: _save(KINDS[kind], request.user, item.store, data, item=item)):
        messages.success(request, _("Saved."))
        return redirect(f"dealership:catalogue_{kind}_detail", pk=item.pk)
    return _page(request, kind, item, status=400, form=form)


@require_POST
@role_required(*MANAGERS)
def catalogue_price(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _item(request, kind, pk)
    form = PriceChangeForm(request.POST)
    ran = run_form(form, lambda data: price_change_schedule(
        actor=request.user, item=item, price=data["price"], effective_from=data["effective_from"],
        reason=data["reason"]))
    if ran:
        messages.success(request, _("From %(day)s, %(item)s is published at ¥%(price)s. Orders already quoted keep "
                                    "their price.") % {"day": ran.value.effective_from.isoformat(), "item": item,
                                                       "price": ran.value.price})
        return redirect(f"dealership:catalogue_{kind}_detail", pk=item.pk)
    return _page(request, kind, item, status=400, price_form=form)


def _switch(request: HttpRequest, kind: str, pk: int, active: bool, done: str) -> HttpResponse:
    item = _item(request, kind, pk)
    try:
        catalogue_item_set_active(actor=request.user, item=item, active=active)
    except ProcessError as exc:
        messages.error(request, str(exc))
        return _page(request, kind, item, status=400)
    messages.success(request, done % {"item": item})
    return redirect(f"dealership:catalogue_{kind}_detail", pk=item.pk)


@require_POST
@role_required(*MANAGERS)
def catalogue_deactivate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _switch(request, kind, pk, False, _("%(item)s is no longer offered on new orders; the orders that name it "
                                               "keep it."))


@require_POST
@role_required(*MANAGERS)
def catalogue_reactivate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _switch(request, kind, pk, True, _("%(item)s is offered again."))
