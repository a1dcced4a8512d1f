"""Writing catalogue rows from an import. The catalogue pages (dated prices, SET-3) will own how a price changes;
until then an import writes the fields of LabourOperation and Part here, one place to switch to their service."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from ..models import Store


def catalogue_upsert(*, store: Store, model: type[Model], key: str, fields: list[str],
                     rows: list[dict[str, Any]]) -> list[tuple[bool, bool]]:
    """Create or update the rows of `model` keyed by `key` in one batch; yields (created, changed) per row."""
    existing = {getattr(obj, key): obj for obj in model._default_manager.filter(
        store=store, **{f"{key}__in": {row[key] for row in rows}})}
    new, changed, names = [], [], set()
    outcome = []
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            new.append(model(store=store, **{key: row[key]}, **{f: row[f] for f in fields if f in row}))
            outcome.append((True, False))
            continue
        differ = [f for f in fields if f in row and getattr(obj, f) != row[f]]
        for f in differ:
            setattr(obj, f, row[f])
        if differ:
            changed.append(obj)
            names.update(differ)
        outcome.append((False, bool(differ)))
    model._default_manager.bulk_create(new)
    if changed:
        model._default_manager.bulk_update(changed, sorted(names))
    return outcome
