"""Expecting a refusal: which rule refused, never only that something did.

A bare `pytest.raises(ProcessError)` passes for the wrong refusal (a missing
fixture, a stale page, another guard), so the tests expect a refusal through
one of these, and tests/test_refusals.py keeps the bare form out:

    with refused_by("REC-12"):                 # the rule of process-rules.md that refused
        ...
    with refused_by("REC-5", others=True):     # REC-5 among others (a guard collects them all)
        ...
    with refused_saying(_("Give a reason for the cancellation.")):  # not a process rule: no rule id,
        ...                                    # and exactly this message (or a re.Pattern to search)

Each yields pytest's ExceptionInfo, for what else a test checks on the error.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from dealership.errors import ProcessError


def rules_of(error: ProcessError) -> set[str]:
    """The rule ids an error carries (a GuardRefused joins several with ", ")."""
    return {rule.strip() for rule in error.rule.split(",") if rule.strip()}


@contextmanager
def refused_by(*rules: str, others: bool = False, error: type[ProcessError] = ProcessError,
               match: str | None = None) -> Iterator[pytest.ExceptionInfo]:
    """The block is refused by exactly `rules` (each may be "A, B"); with
    `others`, by them among others. `match` also searches the message."""
    expected = {rule.strip() for group in rules for rule in group.split(",") if rule.strip()}
    assert expected, "name the rule that should refuse"
    with pytest.raises(error) as info:
        yield info
    found = rules_of(info.value)
    if others:
        assert expected <= found, f"refused by {found or 'no rule'}, not {expected}: {info.value}"
    else:
        assert found == expected, f"refused by {found or 'no rule'}, not {expected}: {info.value}"
    if match is not None:
        assert re.search(match, str(info.value.message)), f"{info.value.message!r} does not match {match!r}"


@contextmanager
def refused_saying(message: str | re.Pattern, *, error: type[ProcessError] = ProcessError) -> Iterator[pytest.ExceptionInfo]:
    """A refusal that is no rule of process-rules.md (a stale page, a wrong
    role, a malformed value): it carries no rule id, and says `message`
    exactly (a compiled pattern: says something it matches)."""
    with pytest.raises(error) as info:
        yield info
    assert not info.value.rule, f"refused by {info.value.rule}: use refused_by"
    said = str(info.value.message)
    if isinstance(message, re.Pattern):
        assert message.search(said), f"{said!r} does not match {message.pattern!r}"
    else:
        assert said == str(message), f"{said!r} != {str(message)!r}"
