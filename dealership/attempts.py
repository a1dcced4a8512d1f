"""Refused attempts (issue 21): what a guard refused during one request.

A ProcessError names the rule that refused the action. While a request is
served, each one raised is noted here (a context variable, so threads and
async tasks do not mix); after the response, RefusedAttemptsMiddleware
writes them down in their own transaction: the view's transaction rolled
back with the refusal, the record of the attempt must not. Outside a
request (a Celery job, a management command, a test calling a service)
nothing is noted: an attempt is a person asking for something."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Noted:
    rule: str
    message: str
    work_order_id: int | None


_noted: ContextVar[list[Noted] | None] = ContextVar("refused_attempts", default=None)
_about: ContextVar[int | None] = ContextVar("refused_attempts_order", default=None)


def start() -> object:
    _about.set(None)
    return _noted.set([])


def stop(token: object) -> list[Noted]:
    noted = _noted.get() or []
    _noted.reset(token)  # type: ignore[arg-type]
    return noted


def about(work_order_id: int) -> None:
    """The work order the refused action was about, when the door knows it."""
    if _noted.get() is not None:
        _about.set(work_order_id)


def note(rules: str, message: str) -> None:
    """Called by ProcessError: `rules` is one rule ID or several joined with ", "."""
    noted = _noted.get()
    if noted is None or not rules:
        return
    for rule in (r.strip() for r in rules.split(",")):
        item = Noted(rule[:12], str(message)[:300], _about.get())
        if rule and item not in noted:
            noted.append(item)
