"""The checklist settings pages (issue 18), one per list, for the store's after-sales manager. The three lists
(self-check REP-15, QC checklist QC-2, walk-around REC-5) look and change alike, so the views are made here from a
stage's `ChecklistSpec` and mounted by that stage (its views module and urls): the core names no stage.

No "QC lead" role exists (dealership.models.Role), so the QC list is kept by the after-sales manager like the
others; a group manager has no store of their own and keeps none of these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .access import role_required
from .checklist_settings import (
    ChecklistSpec,
    checklist_item_activate,
    checklist_item_add,
    checklist_item_move,
    checklist_item_rename,
    checklist_own,
    checklist_rows,
)
from .errors import ProcessError
from .models import JobType, Role, SettingChange
from .views import run_form

KEEPERS = (Role.AFTERSALES_MANAGER,)


class LabelForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Check"), max_length=200)


@dataclass(frozen=True)
class Views:
    page: Callable
    own: Callable
    add: Callable
    rename: Callable
    up: Callable
    down: Callable
    deactivate: Callable
    reactivate: Callable

    def urlpatterns(self, spec: ChecklistSpec, prefix: str) -> list:
        """The list's URLs under `prefix` (e.g. "settings/self-checks/"), named "<slug>_<what>"."""
        jt = "<str:job_type>/" if spec.by_job_type else ""
        return [
            path(prefix, self.page, name=f"{spec.slug}_page"),
            *([path(f"{prefix}{jt}", self.page, name=f"{spec.slug}_type")] if spec.by_job_type else []),
            path(f"{prefix}{jt}own/", self.own, name=f"{spec.slug}_own"),
            path(f"{prefix}{jt}add/", self.add, name=f"{spec.slug}_add"),
            path(f"{prefix}items/<int:pk>/rename/", self.rename, name=f"{spec.slug}_rename"),
            path(f"{prefix}items/<int:pk>/up/", self.up, name=f"{spec.slug}_up"),
            path(f"{prefix}items/<int:pk>/down/", self.down, name=f"{spec.slug}_down"),
            path(f"{prefix}items/<int:pk>/deactivate/", self.deactivate, name=f"{spec.slug}_deactivate"),
            path(f"{prefix}items/<int:pk>/reactivate/", self.reactivate, name=f"{spec.slug}_reactivate"),
        ]


def _page_url(spec: ChecklistSpec, job_type: str) -> str:
    if spec.by_job_type:
        return reverse(spec.url("type"), args=[job_type])
    return reverse(spec.url("page"))


def _render(request: HttpRequest, spec: ChecklistSpec, job_type: str, *, status: int = 200,
            add_form: LabelForm | None = None, rename_pk: int | None = None,
            rename_form: LabelForm | None = None) -> HttpResponse:
    store = request.user.store
    rows = checklist_rows(spec=spec, store=store, job_type=job_type)
    model = spec.model._meta.label_lower
    log = (SettingChange.objects.filter(store=store, model=model, object_id__in=[str(r.pk) for r in rows])
           .select_related("actor").order_by("-at", "-id")[:20]) if rows else []
    items = [{"row": r, "form": rename_form if r.pk == rename_pk else LabelForm(initial={"label": r.label},
                                                                                   prefix=f"i{r.pk}")}
             for r in rows]
    return render(request, "dealership/checklist_settings.html", {
        "spec": spec, "job_type": job_type, "job_type_label": JobType(job_type).label if job_type else "",
        "job_types": [(value, label, _page_url(spec, value)) for value, label in JobType.choices]
        if spec.by_job_type else [],
        "items": items, "defaults": [label for _key, label in spec.defaults(job_type)] if not rows else [],
        "add_form": add_form or LabelForm(), "log": log,
        "urls": {what: reverse(spec.url(what), args=[job_type] if spec.by_job_type else [])
                 for what in ("own", "add")},
        "item_urls": {what: spec.url(what) for what in ("rename", "up", "down", "deactivate", "reactivate")},
    }, status=status)


def checklist_views(spec: ChecklistSpec) -> Views:
    """The page and its POST views for one list; each checks the role and works in the user's own store."""
    keeper = role_required(*KEEPERS, store_required=True)

    @keeper
    def page(request: HttpRequest, job_type: str = "") -> HttpResponse:
        if spec.by_job_type and not job_type:
            return redirect(_page_url(spec, JobType.MAINTENANCE))
        if spec.by_job_type and job_type not in JobType.values:
            raise Http404
        return _render(request, spec, job_type)

    def _job_type_ok(job_type: str) -> bool:
        return not spec.by_job_type or job_type in JobType.values

    @require_POST
    @keeper
    def own(request: HttpRequest, job_type: str = "") -> HttpResponse:
        if not _job_type_ok(job_type):
            return redirect(reverse(spec.url("page")))
        checklist_own(spec=spec, store=request.user.store, actor=request.user, job_type=job_type)
        messages.success(request, _("The list is now the store's own: change it below."))
        return redirect(_page_url(spec, job_type))

    @require_POST
    @keeper
    def add(request: HttpRequest, job_type: str = "") -> HttpResponse:
        if not _job_type_ok(job_type):
            return redirect(reverse(spec.url("page")))
        form = LabelForm(request.POST)
        if run_form(form, lambda data: checklist_item_add(spec=spec, store=request.user.store, actor=request.user,
                                                           job_type=job_type, label=data["label"])):
            messages.success(request, _("Added: it is asked from now on."))
            return redirect(_page_url(spec, job_type))
        return _render(request, spec, job_type, status=400, add_form=form)

    def _item_job_type(request: HttpRequest, pk: int) -> str | None:
        row = spec.model.objects.filter(store=request.user.store, pk=pk).values_list(
            *(["job_type"] if spec.by_job_type else ["pk"])).first()
        if row is None:
            return None
        return row[0] if spec.by_job_type else ""

    def _item_view(action: Callable, done=None) -> Callable:
        @require_POST
        @keeper
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            job_type = _item_job_type(request, pk)
            if job_type is None:
                raise Http404
            try:
                action(request, pk)
            except ProcessError as exc:
                messages.error(request, str(exc))
                return _render(request, spec, job_type, status=400)
            if done:
                messages.success(request, str(done))
            return redirect(_page_url(spec, job_type))
        return view

    @require_POST
    @keeper
    def rename(request: HttpRequest, pk: int) -> HttpResponse:
        job_type = _item_job_type(request, pk)
        if job_type is None:
            raise Http404
        form = LabelForm(request.POST, prefix=f"i{pk}")
        if run_form(form, lambda data: checklist_item_rename(spec=spec, store=request.user.store,
                                                              actor=request.user, pk=pk, label=data["label"])):
            messages.success(request, _("Saved."))
            return redirect(_page_url(spec, job_type))
        return _render(request, spec, job_type, status=400, rename_pk=pk, rename_form=form)

    def _move(up: bool) -> Callable:
        return lambda request, pk: checklist_item_move(spec=spec, store=request.user.store, actor=request.user,
                                                       pk=pk, up=up)

    def _active(active: bool) -> Callable:
        return lambda request, pk: checklist_item_activate(spec=spec, store=request.user.store,
                                                           actor=request.user, pk=pk, active=active)

    return Views(page=page, own=own, add=add, rename=rename, up=_item_view(_move(True)),
                 down=_item_view(_move(False)),
                 deactivate=_item_view(_active(False), gettext_lazy("Deactivated: no longer asked. Answers already given "
                                                         "keep it.")),
                 reactivate=_item_view(_active(True), gettext_lazy("Asked again from now on.")))
