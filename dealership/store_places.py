"""A store's places (issue 18): the workshop's bays, the parking spots of the completed-vehicle area, kept by the
after-sales manager on a settings sub-page of the store: list, add, rename, deactivate (never delete: old records
name them). The models live in later stages (workshop, inspection), so the stage passes its model and mounts the
views this module makes (`place_views`) in its own URLs; the core names no stage. Each change is logged
(`settings_change_record`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .access import MANAGERS, role_required
from .changelog import settings_change_record
from .errors import ProcessError
from .models import SettingChange, Store, User
from .store_settings import settings_store_or_404, shown
from .views import run_form

PAGE_SIZE = 50


def _shown(model: type[Model], field: str, value: Any) -> str:
    choices = dict(model._meta.get_field(field).choices or ())
    return str(choices.get(value, "—" if value == "" else value)) if choices else shown(value)


def _check_name(model: type[Model], store: Store, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ProcessError(_("Give it a name."), field="name")
    if model._default_manager.filter(store=store, name=name).exclude(pk=exclude).exists():
        raise ProcessError(_("%(name)s already exists in this store.") % {"name": name}, field="name")
    return name


def place_add(*, actor: User, store: Store, model: type[Model], name: str, **extra: Any) -> Model:
    """Add a place to the store (active), logged."""
    name = _check_name(model, store, name)
    try:
        with transaction.atomic():
            place = model._default_manager.create(store=store, name=name, active=True, **extra)
            settings_change_record(actor=actor, obj=place, changes={
                "name": ("", name), **{f: ("", _shown(model, f, v)) for f, v in extra.items()}})
    except IntegrityError:  # added by someone else a moment ago
        raise ProcessError(_("%(name)s already exists in this store.") % {"name": name}, field="name") from None
    return place


def place_update(*, actor: User, place: Model, name: str, active: bool, **extra: Any) -> list[str]:
    """Rename, deactivate or reactivate a place (and its other fields), logged; returns the fields changed."""
    model = type(place)
    values = {"name": _check_name(model, place.store, name, exclude=place.pk), "active": active, **extra}
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=place.pk)
        changes = {f: (getattr(locked, f), v) for f, v in values.items() if getattr(locked, f) != v}
        if not changes:
            return []
        for f, (_old, new) in changes.items():
            setattr(locked, f, new)
        try:
            with transaction.atomic():
                locked.save(update_fields=list(changes))
        except IntegrityError:
            raise ProcessError(_("%(name)s already exists in this store.") % {"name": name}, field="name") from None
        settings_change_record(actor=actor, obj=locked, changes={
            f: (_shown(model, f, old), _shown(model, f, new)) for f, (old, new) in changes.items()})
    return list(changes)


def place_views(*, model: type[Model], extra_fields: tuple[str, ...] = (), title: str | Promise,
                list_url: str, edit_url: str) -> tuple[Callable, Callable]:
    """The list page (GET: the places with a form each; POST: add one) and the edit action of a kind of place."""

    AddForm = forms.modelform_factory(model, fields=["name", *extra_fields])  # noqa: N806

    class EditForm(AddForm):
        active = forms.BooleanField(label=gettext_lazy("In use"), required=False)

    def _page(request: HttpRequest, store: Store, status: int = 200, form=None, failed=None) -> HttpResponse:
        places = Paginator(model._default_manager.filter(store=store).order_by("-active", "name"), PAGE_SIZE)
        page = places.get_page(request.GET.get("page"))
        for place in page:
            place.form = (failed if failed is not None and failed.instance.pk == place.pk else
                          EditForm(instance=place, initial={"active": place.active}, prefix=f"p{place.pk}",
                                   auto_id=f"id_p{place.pk}_%s"))
        return render(request, "dealership/store_places.html", {
            "store": store, "title": title, "page": page, "form": form or AddForm(prefix="new"),
            "list_url": list_url, "edit_url": edit_url,
            "log": SettingChange.objects.filter(store=store, model=model._meta.label_lower)
            .select_related("actor")[:20], "show_record": True}, status=status)

    @role_required(*MANAGERS)
    def places(request: HttpRequest, store: int) -> HttpResponse:
        shop = settings_store_or_404(request.user, store)
        if request.method != "POST":
            return _page(request, shop)
        form = AddForm(request.POST, prefix="new", instance=model(store=shop))
        ran = run_form(form, lambda data: place_add(actor=request.user, store=shop, model=model, name=data["name"],
                                                    **{f: data[f] for f in extra_fields}))
        if ran:
            messages.success(request, _("%(name)s added.") % {"name": ran.value})
            return redirect(list_url, store=shop.pk)
        return _page(request, shop, status=400, form=form)

    @require_POST
    @role_required(*MANAGERS)
    def place_edit(request: HttpRequest, store: int, pk: int) -> HttpResponse:
        shop = settings_store_or_404(request.user, store)
        place = get_object_or_404(model._default_manager.all(), store=shop, pk=pk)
        form = EditForm(request.POST, prefix=f"p{place.pk}", auto_id=f"id_p{place.pk}_%s",
                        instance=model(pk=place.pk, store=shop))
        if run_form(form, lambda data: place_update(actor=request.user, place=place, name=data["name"],
                                                    active=data["active"], **{f: data[f] for f in extra_fields})):
            messages.success(request, _("Saved."))
            return redirect(list_url, store=shop.pk)
        form.instance = place
        return _page(request, shop, status=400, failed=form)

    return places, place_edit
