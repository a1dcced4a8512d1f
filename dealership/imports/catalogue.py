"""Writing catalogue rows from an import through the catalogue's own services (dealership.catalogue): a new
item gets its published price, a different price on an item that exists is a price change from today (SET-3, so
orders already quoted keep theirs, REC-8), and every change is in the settings change log, as on the pages. The
services cost a few queries a row: a catalogue is thousands of rows, not the hundred thousand of customers."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from ..catalogue import catalogue_item_set_active, labour_operation_save, part_save
from ..models import LabourOperation, Store, User


def catalogue_upsert(*, store: Store, model: type[Model], actor: User,
                     rows: list[dict[str, Any]]) -> list[tuple[bool, bool]]:
    """Create or update each row of `model` (keyed by code or part number); (created, changed) per row."""
    key = "code" if model is LabourOperation else "number"
    existing = {getattr(obj, key): obj for obj in model._default_manager.filter(
        store=store, **{f"{key}__in": {row[key] for row in rows}})}
    fields = ("name", "trade", "job_type", "standard_hours", "documentation_url", "special_tools") \
        if model is LabourOperation else ("name", "unit")
    outcome = []
    for row in rows:
        # a column the file leaves out keeps what the item has (or the model's default for a new one)
        item = existing.get(row[key])
        values = {f: getattr(item, f) if item else model._meta.get_field(f).get_default() for f in fields}
        values.update({k: v for k, v in row.items() if k != "active"})
        if model is LabourOperation:
            item, changed = labour_operation_save(actor=actor, store=store, reason=_("import"), **values)
        else:
            item, changed = part_save(actor=actor, store=store, reason=_("import"), **values)
        if "active" in row and item.active != row["active"]:
            catalogue_item_set_active(actor=actor, item=item, active=row["active"])
            changed = True
        outcome.append((row[key] not in existing, changed and row[key] in existing))
    return outcome
