"""The settings change log (issue 18): every settings page (staff, the store, the catalogue, checklists, message
texts) records each changed field here, with who, when, the old and the new value."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from .models import SettingChange, Store, User
from .textlimits import NOTES


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return str(value)


def settings_change_record(*, actor: User, obj: Model, changes: dict[str, tuple[Any, Any]],
                           store: Store | None = None) -> list[SettingChange]:
    """One log row per changed field (unchanged ones are skipped). `store` defaults to the record's own store (a
    store is its own); None is a change of the group."""
    if store is None:
        store = obj if isinstance(obj, Store) else getattr(obj, "store", None)
    rows = [SettingChange(store=store, actor=actor, model=obj._meta.label_lower, object_id=str(obj.pk),
                          object_text=str(obj)[:200], field=field, old=_text(old)[:NOTES],
                          new=_text(new)[:NOTES])
            for field, (old, new) in changes.items() if _text(old) != _text(new)]
    SettingChange.objects.bulk_create(rows)
    return rows
