"""One door for every status change (conventions, habit 1; issue 17).

Each stateful model declares its transition table next to it (a class
attribute `TRANSITIONS`, built with `transitions()`; the work order's is
`dealership.workflow.ALLOWED_TRANSITIONS`), and its services move it through a
`Door` declared once for the model:

- `move(obj, to=...)` moves one row the caller holds (locked with
  `select_for_update`, or its own): it checks the move against the table,
  writes the status with the other fields of the move, and writes the
  model's audit row where it has one (`record`);
- `claim(queryset, to=...)` moves the rows of a queryset with one
  conditional `UPDATE ... WHERE status IN (<statuses that may move there>)`
  and returns how many it moved: the claim of jobs safe to run twice, and
  batch moves kept in one statement.

This module is the only one that writes a status (`scripts/lint_doors.py`
fails on any other write; creating a row with its first status is fine)."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import Refusal, TransitionNotAllowed

FIELD = "status"

# Each status and the statuses it may move to. A status that may "move" to
# itself says so (a job reassigned while paused stays paused); a final one maps
# to the empty set, so a table names every status of its model.
Transitions = Mapping[str, frozenset[str]]
Recorder = Callable[..., object]  # (obj, from_status, **context): writes the audit row of a move
Refuser = Callable[[Any, str], Refusal]  # (obj, to): why the move is refused, in the process's words


def transitions(table: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """A transition table from plain sets (to declare one on a model)."""
    return {str(status): frozenset(str(to) for to in moves) for status, moves in table.items()}


class Door:
    """The allowed status moves of one model, and the one way to make them."""

    def __init__(self, model: type[models.Model], *, table: Transitions | None = None,
                 record: Recorder | None = None, refuse: Refuser | None = None, rule: str = "",
                 noun: str | Promise | None = None) -> None:
        self.model = model
        self.table: Transitions = table if table is not None else model.TRANSITIONS  # type: ignore[attr-defined]
        self.record = record
        self.refuse = refuse
        self.rule = rule  # the process rule a refused move breaks, where one applies
        self.noun = noun if noun is not None else model._meta.verbose_name
        statuses = {str(value) for value, _label in model._meta.get_field(FIELD).flatchoices}
        named = set(self.table) | {to for moves in self.table.values() for to in moves}
        if named - statuses or statuses - set(self.table):
            raise ValueError(f"{model.__name__}: the transition table must name each status once as a key "
                             f"(unknown: {sorted(named - statuses)}, missing: {sorted(statuses - set(self.table))})")

    def __repr__(self) -> str:
        return f"Door({self.model.__name__})"

    def allows(self, from_status: str, to: str) -> bool:
        return to in self.table.get(from_status, frozenset())

    def sources(self, to: str) -> frozenset[str]:
        """The statuses from which a row may move to `to`."""
        return frozenset(status for status, moves in self.table.items() if to in moves)

    def check(self, obj: models.Model, to: str) -> None:
        """Raise TransitionNotAllowed unless `obj` may move to `to` from where it stands."""
        from_status = getattr(obj, FIELD)
        if self.allows(from_status, to):
            return
        if self.refuse is not None:
            refusal = self.refuse(obj, to)
            raise TransitionNotAllowed(str(refusal.message), rule=refusal.rule)
        raise TransitionNotAllowed(
            _("The %(thing)s cannot go from “%(from)s” to “%(to)s”: reload the page to see where it stands.")
            % {"thing": self.noun, "from": self._label(from_status), "to": self._label(to)}, rule=self.rule)

    def move(self, obj: models.Model, *, to: str, fields: Mapping[str, Any] | None = None, whole: bool = False,
             **context: Any) -> str:
        """Move `obj` (a row the caller holds: locked, or its own) to `to` and
        write `fields` with it; returns the status it came from. `whole` saves
        the whole row (changes the caller made to the instance as well);
        otherwise one UPDATE writes the status and `fields` (expressions such as
        F() included: they are written, not copied to the instance). `context`
        goes to the model's recorder (actor, reason...), which writes its audit
        row."""
        if not isinstance(obj, self.model):
            raise TypeError(f"{self!r} cannot move a {type(obj).__name__}")
        if context and self.record is None:
            raise TypeError(f"{self!r} records nothing; unexpected {sorted(context)}")
        self.check(obj, to)
        from_status = getattr(obj, FIELD)
        fields = dict(fields or {})
        if whole:
            for name, value in fields.items():
                setattr(obj, name, value)
            setattr(obj, FIELD, to)
            obj.save()
        else:
            self.model._default_manager.filter(pk=obj.pk).update(**{FIELD: to}, **fields)
            setattr(obj, FIELD, to)
            for name, value in fields.items():
                if not hasattr(value, "resolve_expression"):
                    setattr(obj, name, value)
        if self.record is not None:
            self.record(obj, from_status, **context)
        return from_status

    def claim(self, queryset: models.QuerySet, *, to: str, fields: Mapping[str, Any] | None = None) -> int:
        """Move the rows of `queryset` that may move to `to` (the others stay
        as they are) with one conditional UPDATE, writing `fields` with it;
        returns how many moved. Keep the caller's own status filter where it
        is narrower than the table (a pause claims a running job only)."""
        if queryset.model is not self.model:
            raise TypeError(f"{self!r} cannot move {queryset.model.__name__} rows")
        if self.record is not None:  # each move of such a model writes its row: one locked row at a time
            raise TypeError(f"{self!r} records each move: use move() on a locked row")
        sources = self.sources(to)
        if not sources:
            raise TransitionNotAllowed(_("Nothing can become “%(to)s”.") % {"to": self._label(to)}, rule=self.rule)
        return queryset.filter(**{f"{FIELD}__in": sources}).update(**{FIELD: to}, **dict(fields or {}))

    def _label(self, status: str) -> str:
        return str(dict(self.model._meta.get_field(FIELD).flatchoices).get(status, status))
