"""The one table of allowed work order status moves (design.md, "The work
order is the spine"). Each move is carried out by exactly one function in the
stage app that owns it, through dealership.services.work_order_transition."""

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .doors import Door
from .errors import Refusal
from .models import WorkOrder

S = WorkOrder.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SIGNED, S.CANCELLED}),
    S.SIGNED: frozenset({S.IN_REPAIR, S.CANCELLED}),
    S.IN_REPAIR: frozenset({S.REPAIR_DONE}),
    S.REPAIR_DONE: frozenset({S.QC_PASSED, S.QC_FAILED, S.IN_REPAIR}),  # IN_REPAIR: more work approved at QC
    S.QC_FAILED: frozenset({S.IN_REPAIR}),
    S.QC_PASSED: frozenset({S.READY}),
    S.READY: frozenset({S.SETTLED}),
    S.SETTLED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Statuses in which the order's items may still be edited freely; after the
# signature only an approved change request adds to it (REP-2).
EDITABLE_STATUSES = frozenset({S.DRAFT})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


# --- why a move is refused ------------------------------------------------------------
# A page loaded a while ago may post a move the order cannot make from where it
# stands now (a gate pass for a car that is ready but not paid: settled comes
# between). The refusal then says what is missing, in the process's words:
# the first step on the way to the target that has not happened, explained by
# the guard of that step that refuses now (registered by the stage that owns
# the step), or else by what the step means.

@dataclass(frozen=True)
class Step:
    rule: str
    missing: str | Promise  # what is missing while an order has not reached the status


STEPS: dict[str, Step] = {
    S.SIGNED: Step("REC-12", gettext_lazy("The customer and the advisor have not signed the work order yet.")),
    S.IN_REPAIR: Step("REP-1", gettext_lazy("No technician has started the work yet.")),
    S.REPAIR_DONE: Step("REP-15", gettext_lazy("The repair is not finished and self-checked yet.")),
    S.QC_PASSED: Step("QC-1", gettext_lazy("The car has not passed the quality inspection yet.")),
    S.QC_FAILED: Step("QC-4", gettext_lazy("The car has not been through the quality inspection yet.")),
    S.READY: Step("QC-9", gettext_lazy("QC has not handed the car over to the advisor yet.")),
    S.SETTLED: Step("SET-14", gettext_lazy("The order is not paid in full.")),
    S.DELIVERED: Step("SET-14", gettext_lazy("The car has not been delivered yet (no gate pass).")),
    S.CLOSED: Step("FU-1", gettext_lazy("The follow-up with the customer is not done yet.")),
}
TERMINAL = frozenset(status for status, moves in ALLOWED_TRANSITIONS.items() if not moves)

StepGuard = Callable[[WorkOrder], Refusal | None]
_STEP_GUARDS: dict[str, list[StepGuard]] = {}


def step_guard(status: str) -> Callable[[StepGuard], StepGuard]:
    """Register a guard of the move into `status` (the stage app that owns
    the move does, so the core explains a refusal without importing it)."""
    def register(guard: StepGuard) -> StepGuard:
        _STEP_GUARDS.setdefault(status, []).append(guard)
        return guard
    return register


def path(from_status: str, to_status: str) -> list[str] | None:
    """The shortest way through the table, both ends included; None if there is none."""
    came_from: dict[str, str | None] = {from_status: None}
    queue = deque([from_status])
    while queue:
        status = queue.popleft()
        if status == to_status and status != from_status:
            break
        for nxt in sorted(ALLOWED_TRANSITIONS.get(status, ())):
            if nxt not in came_from:
                came_from[nxt] = status
                queue.append(nxt)
    if to_status not in came_from or to_status == from_status:
        return None
    way = [to_status]
    while came_from[way[-1]] is not None:
        way.append(came_from[way[-1]])
    return way[::-1]


def refused_move(order: WorkOrder, to_status: str) -> Refusal:
    """Why `order` cannot move to `to_status` now (the move is not in the table)."""
    number, status = order.number, order.get_status_display()
    way = path(order.status, to_status)
    if way is not None:  # a step on the way is missing: the first one
        step = way[1]
        refusals = [r for r in (guard(order) for guard in _STEP_GUARDS.get(step, ())) if r is not None]
        missing = Refusal(refusals[0].rule, str(refusals[0].message)) if refusals else \
            Refusal(STEPS[step].rule, str(STEPS[step].missing))
        return Refusal(missing.rule, _("Work order %(number)s is “%(status)s”. %(missing)s")
                       % {"number": number, "status": status, "missing": missing.message})
    if order.status == to_status or path(to_status, order.status) is not None:
        return Refusal("", _("Work order %(number)s is already “%(status)s”: it has moved on since this page was "
                             "loaded. Reload the page to see where it stands.") % {"number": number, "status": status})
    if order.status in TERMINAL:
        return Refusal("", _("Work order %(number)s is “%(status)s”: nothing more can be done on it. "
                             "Reload the page.") % {"number": number, "status": status})
    return Refusal("", _("A work order that is “%(from)s” cannot become “%(to)s”.")
                   % {"from": status, "to": WorkOrder.Status(to_status).label})



# The work order's door: the one way its status is written, always through
# dealership.services.work_order_transition (which locks, guards and records).
WORK_ORDER = Door(WorkOrder, table=ALLOWED_TRANSITIONS, refuse=refused_move)
