"""The one table of allowed work order status moves (design.md, "The work
order is the spine"). Each move is carried out by exactly one function in the
stage app that owns it, through dealership.services.work_order_transition."""

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
# A car is physically with the shop in these statuses.
ON_SITE_STATUSES = frozenset({S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED,
                              S.READY, S.SETTLED})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())
