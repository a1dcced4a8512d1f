"""Editing a store's checklists (issue 18): the technician's self-check (REP-15), the inspector's QC checklist
(QC-2), the walk-around (REC-5). Each stage owns its model and its defaults and describes them in a
`ChecklistSpec`; the writes are the same for all three and live here, so the core names no stage.

A list with no rows of the store is the default list. The first change makes the defaults the store's own rows
(positions 0…n) and then applies the change. Items are never deleted: what a technician, an inspector or an advisor
answered is copied into the job, the inspection or the walk-around (labels, not foreign keys), so an item only
stops being asked once it is deactivated, and the answers already given keep their words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .changelog import settings_change_record
from .errors import ProcessError
from .models import JobType, Store, User


@dataclass(frozen=True)
class ChecklistSpec:
    """One kind of checklist, described by the stage that owns it."""

    slug: str                       # the URL names' prefix inside the stage's namespace: "<ns>:<slug>…"
    namespace: str                  # the stage's URL namespace
    model: type[models.Model]       # a StoreOwned model with label, position, active (and job_type, or key)
    title: str | Promise
    intro: str | Promise
    rule: str                       # the process rule the list carries (REP-15, QC-2, REC-5)
    defaults: Callable[[str], list[tuple[str, str]]]  # job type ("" without) -> [(key, label)]
    common: list[str] = field(default_factory=list)   # closes every list, not editable here
    by_job_type: bool = True
    label_max: int = 100

    def url(self, what: str) -> str:
        return f"{self.namespace}:{self.slug}_{what}"


def _filter(spec: ChecklistSpec, store: Store, job_type: str) -> dict:
    return {"store": store, "job_type": job_type} if spec.by_job_type else {"store": store}


def checklist_rows(*, spec: ChecklistSpec, store: Store, job_type: str = "") -> list:
    """The store's own rows of one list (active and not), in order; [] while it uses the defaults."""
    return list(spec.model.objects.filter(**_filter(spec, store, job_type)).order_by("position", "id"))


def _locked_rows(spec: ChecklistSpec, store: Store, job_type: str) -> list:
    # one writer per store at a time: the store row is the lock (two managers adding at once get 0…n once)
    Store.objects.select_for_update().filter(pk=store.pk).first()
    rows = list(spec.model.objects.filter(**_filter(spec, store, job_type)).order_by("position", "id"))
    if rows:
        return rows
    extra = {"job_type": job_type} if spec.by_job_type else {}
    for position, (key, label) in enumerate(spec.defaults(job_type)):
        if not spec.by_job_type:
            extra["key"] = key
        rows.append(spec.model.objects.create(store=store, label=label, position=position, **extra))
    return rows


def _job_type(spec: ChecklistSpec, job_type: str) -> str:
    if not spec.by_job_type:
        return ""
    if job_type not in JobType.values:
        raise ProcessError(_("Choose a kind of job."), field="job_type")
    return job_type


def _clean_label(spec: ChecklistSpec, label: str, rows: list, *, exclude: int | None = None) -> str:
    label = " ".join(label.split())
    if not label:
        raise ProcessError(_("Write the check."), rule=spec.rule, field="label")
    if len(label) > spec.label_max:
        raise ProcessError(_("A check has at most %(n)s characters.") % {"n": spec.label_max}, rule=spec.rule,
                           field="label")
    if any(r.label == label and r.active and r.pk != exclude for r in rows) or label in spec.common:
        raise ProcessError(_("“%(label)s” is already on the list.") % {"label": label}, rule=spec.rule,
                           field="label")
    return label


def checklist_own(*, spec: ChecklistSpec, store: Store, actor: User, job_type: str = "") -> list:
    """Make the default list the store's own, to edit it (nothing changes for the staff who use it)."""
    job_type = _job_type(spec, job_type)
    with transaction.atomic():
        return _locked_rows(spec, store, job_type)


def checklist_item_add(*, spec: ChecklistSpec, store: Store, actor: User, label: str, job_type: str = ""):
    """A new check at the end of the list; from then on it is asked (REP-15, QC-2, REC-5)."""
    job_type = _job_type(spec, job_type)
    with transaction.atomic():
        rows = _locked_rows(spec, store, job_type)
        label = _clean_label(spec, label, rows)
        extra = {"job_type": job_type} if spec.by_job_type else {"key": _new_key(rows)}
        item = spec.model.objects.create(store=store, label=label,
                                         position=max((r.position for r in rows), default=-1) + 1, **extra)
        settings_change_record(actor=actor, obj=item, changes={"label": ("", label), "active": ("", True)})
    return item


def _new_key(rows: list) -> str:
    taken = {r.key for r in rows}
    n = len(rows) + 1
    while f"item-{n}" in taken:
        n += 1
    return f"item-{n}"


def _item(spec: ChecklistSpec, store: Store, pk: int):
    item = spec.model.objects.select_for_update().filter(store=store, pk=pk).first()
    if item is None:
        raise ProcessError(_("This check is not on the store's list."), rule=spec.rule)
    return item


def checklist_item_rename(*, spec: ChecklistSpec, store: Store, actor: User, pk: int, label: str):
    """New words for a check; answers already given keep the words they were given under."""
    with transaction.atomic():
        item = _item(spec, store, pk)
        rows = checklist_rows(spec=spec, store=store, job_type=getattr(item, "job_type", ""))
        label = _clean_label(spec, label, rows, exclude=item.pk)
        old = item.label
        item.label = label
        item.save(update_fields=["label"])
        settings_change_record(actor=actor, obj=item, changes={"label": (old, label)})
    return item


def checklist_item_move(*, spec: ChecklistSpec, store: Store, actor: User, pk: int, up: bool):
    """One place up or down the list (the order the checks are asked in)."""
    with transaction.atomic():
        item = _item(spec, store, pk)
        rows = _locked_rows(spec, store, getattr(item, "job_type", ""))
        index = next(i for i, r in enumerate(rows) if r.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(rows):
            return item
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows):
            if row.position != position:
                old = row.position
                row.position = position
                row.save(update_fields=["position"])
                if row.pk == item.pk:
                    settings_change_record(actor=actor, obj=row, changes={"position": (old + 1, position + 1)})
    return item


def checklist_item_activate(*, spec: ChecklistSpec, store: Store, actor: User, pk: int, active: bool):
    """Deactivate a check (no longer asked; never deleted, see the module), or ask it again."""
    with transaction.atomic():
        item = _item(spec, store, pk)
        if item.active == active:
            return item
        if active:
            rows = checklist_rows(spec=spec, store=store, job_type=getattr(item, "job_type", ""))
            _clean_label(spec, item.label, rows, exclude=item.pk)
        item.active = active
        item.save(update_fields=["active"])
        settings_change_record(actor=actor, obj=item, changes={"active": (not active, active)})
    return item
