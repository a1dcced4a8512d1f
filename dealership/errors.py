"""Errors that services raise when the process refuses an action. Views turn
them into a message on the page; they never become a server error."""

from collections.abc import Sequence
from dataclasses import dataclass

from . import attempts


@dataclass(frozen=True)
class Refusal:
    """One GUARD rule that refused: its ID in process-rules.md and why."""

    rule: str
    message: str
    field: str = ""  # the form field it is about, when there is one

    def __str__(self) -> str:
        return f"{self.message} ({self.rule})" if self.rule else str(self.message)


class ProcessError(Exception):
    """Base class: the action was refused, and the message says why."""

    def __init__(self, message: str, *, rule: str = "", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.field = field  # the form field it is about, when there is one: the view shows it there
        self._note()

    def _note(self) -> None:
        attempts.note(self.rule, self.message)  # a person's refused attempt, counted for issue 21

    def __str__(self) -> str:
        return f"{self.message} ({self.rule})" if self.rule else str(self.message)


class TransitionNotAllowed(ProcessError):
    pass


class GuardRefused(ProcessError):
    def __init__(self, refusals: Sequence[Refusal]) -> None:
        self.refusals = list(refusals)
        super().__init__("; ".join(str(r.message) for r in self.refusals),
                         rule=", ".join(r.rule for r in self.refusals if r.rule))

    def _note(self) -> None:
        for refusal in self.refusals:
            attempts.note(refusal.rule, refusal.message)

    @property
    def messages(self) -> list[str]:
        return [str(r) for r in self.refusals]


class OverrideNotAllowed(ProcessError):
    pass


class MileageJump(ProcessError):
    """A reading far above the last one: probably a typo, so it is confirmed."""


class ConflictError(ProcessError):
    """Someone else changed the record since it was loaded."""
