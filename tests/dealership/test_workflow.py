"""The transition table and the one door (design.md, conventions habit 1)."""

import itertools
import re
from pathlib import Path

import pytest
from django.utils.translation import gettext as _

from dealership.errors import ConflictError, GuardRefused, OverrideNotAllowed, Refusal, TransitionNotAllowed
from dealership.models import WorkOrder, WorkOrderEvent
from dealership.services import Override, work_order_transition
from dealership.workflow import ALLOWED_TRANSITIONS, can_move
from dealership.workflow import path as way_between

from ..refusals import refused_by, refused_saying

S = WorkOrder.Status
ALL = list(S.values)


def test_every_status_has_a_row_in_the_table():
    assert set(ALLOWED_TRANSITIONS) == set(ALL)


def test_the_happy_path_and_the_rework_loop_are_allowed():
    path = [S.DRAFT, S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_PASSED, S.READY, S.SETTLED, S.DELIVERED, S.CLOSED]
    for a, b in itertools.pairwise(path):
        assert can_move(a, b)
    assert can_move(S.REPAIR_DONE, S.QC_FAILED) and can_move(S.QC_FAILED, S.IN_REPAIR)
    assert can_move(S.DRAFT, S.CANCELLED) and can_move(S.SIGNED, S.CANCELLED)


# The rule that refuses a move past a step: the step's guards, or the step itself
# (for the draft order of the fixture, signing lacks the walk-around, the promised
# time and whether the customer waits).
FIRST_STEP_RULE = {
    S.SIGNED: "REC-5, REC-11, REC-15", S.IN_REPAIR: "REP-1", S.REPAIR_DONE: "REP-15", S.QC_PASSED: "QC-1",
    S.READY: "QC-8, QC-13", S.SETTLED: "SET-14", S.DELIVERED: "SET-14",
}


def _force_status(order, status):
    # Test set-up only: put the row in a status without going through the door.
    WorkOrder.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()


@pytest.mark.parametrize("from_status, to_status", [
    (a, b) for a in ALL for b in ALL if not can_move(a, b)
])
def test_every_disallowed_move_is_refused(draft_order, advisor, from_status, to_status):
    """A move past a step names the rule of the first missing step; any other
    move (back, or between unconnected statuses) is no rule's, and says where
    the order stands."""
    _force_status(draft_order, from_status)
    events = WorkOrderEvent.objects.count()
    way = way_between(from_status, to_status)
    expected = refused_by(FIRST_STEP_RULE[way[1]], error=TransitionNotAllowed) if way else \
        refused_saying(re.compile(re.escape(str(S(from_status).label))), error=TransitionNotAllowed)
    with expected as exc:
        work_order_transition(work_order=draft_order, to=to_status, actor=advisor)
    assert str(S(from_status).label) in exc.value.message
    draft_order.refresh_from_db()
    assert draft_order.status == from_status
    assert WorkOrderEvent.objects.count() == events


@pytest.mark.parametrize("from_status, to_status, rule, cause", [
    (S.READY, S.DELIVERED, "SET-14", "not paid in full"),              # the bill (a live guard of settled)
    (S.REPAIR_DONE, S.READY, "QC-1", "quality inspection"),            # QC has not passed the car
    (S.QC_PASSED, S.SETTLED, "QC-8, QC-13", "record the wash"),        # the handover's guard: washed, parked
    (S.DRAFT, S.IN_REPAIR, "REC-11, REC-15, REC-5", "walk-around"),    # what signing still needs
    (S.SIGNED, S.REPAIR_DONE, "REP-1", "started the work"),
    (S.SETTLED, S.CLOSED, "SET-14", "not paid in full"),               # forced here unpaid: the money first
])
def test_a_move_past_a_missing_step_names_what_is_missing(draft_order, advisor, english, from_status, to_status,
                                                         rule, cause):
    """A forced action from a stale page (issue 16): the refusal names the guard or the step that is
    missing before the target, in the process's words, with its rule."""
    draft_order.promised_at = None
    draft_order.save(update_fields=["promised_at"])
    _force_status(draft_order, from_status)
    with refused_by(rule, error=TransitionNotAllowed) as exc:
        work_order_transition(work_order=draft_order, to=to_status, actor=advisor)
    assert cause in exc.value.message and "cannot become" not in exc.value.message


def test_closing_a_paid_order_not_yet_delivered_names_the_delivery_checklist(order_in, english):
    order = order_in(S.SETTLED)
    with refused_by("SET-14", error=TransitionNotAllowed, match="delivery checklist"):
        work_order_transition(work_order=order, to=S.CLOSED, actor=order.advisor)


@pytest.mark.parametrize("from_status, to_status, word", [
    (S.DELIVERED, S.DELIVERED, "already"),   # a second click, or a colleague was quicker
    (S.IN_REPAIR, S.SIGNED, "already"),      # the order has moved on since the page was loaded
    (S.CANCELLED, S.SIGNED, "cancelled"),
    (S.CLOSED, S.DELIVERED, "closed"),
])
def test_a_move_the_order_is_past_says_so(draft_order, advisor, english, from_status, to_status, word):
    _force_status(draft_order, from_status)
    with refused_saying(re.compile(word, re.IGNORECASE), error=TransitionNotAllowed) as exc:
        work_order_transition(work_order=draft_order, to=to_status, actor=advisor)
    assert "reload" in exc.value.message.lower()


def test_an_allowed_move_writes_one_event_with_who_and_from_to(draft_order, advisor):
    before = draft_order.version
    work_order_transition(work_order=draft_order, to=S.CANCELLED, actor=advisor, note="客户取消")
    event = WorkOrderEvent.objects.filter(work_order=draft_order, kind="status").last()
    assert (event.from_status, event.to_status, event.actor, event.note) == (S.DRAFT, S.CANCELLED, advisor, "客户取消")
    assert event.store_id == draft_order.store_id
    assert draft_order.version == before + 1


def test_a_guard_refusal_stops_the_move_with_its_rule(draft_order, advisor):
    def guard(order):
        return Refusal("REC-11", "没有报价")

    with refused_by("REC-11", error=GuardRefused):
        work_order_transition(work_order=draft_order, to=S.SIGNED, actor=advisor, guards=[guard])
    draft_order.refresh_from_db()
    assert draft_order.status == S.DRAFT


def test_only_a_manager_may_override_a_guard_and_the_override_is_recorded(draft_order, advisor, manager):
    def guard(order):
        return Refusal("SET-5", "refused")

    with refused_saying(_("Only an after-sales manager can override this."), error=OverrideNotAllowed):
        work_order_transition(work_order=draft_order, to=S.CANCELLED, actor=advisor, guards=[guard],
                              override=Override(by=advisor, reason="I say so"))
    with refused_saying(_("An override needs a reason."), error=OverrideNotAllowed):
        work_order_transition(work_order=draft_order, to=S.CANCELLED, actor=advisor, guards=[guard],
                              override=Override(by=manager, reason="  "))
    work_order_transition(work_order=draft_order, to=S.CANCELLED, actor=advisor, guards=[guard],
                          override=Override(by=manager, reason="客户投诉处理"))
    event = WorkOrderEvent.objects.filter(work_order=draft_order, to_status=S.CANCELLED).get()
    assert (event.override_by, event.override_reason, event.rule) == (manager, "客户投诉处理", "SET-5")


def test_a_stale_version_is_a_conflict_not_a_silent_overwrite(draft_order, advisor):
    stale = draft_order.version
    work_order_transition(work_order=draft_order, to=S.CANCELLED, actor=advisor)
    _force_status(draft_order, S.DRAFT)
    with refused_saying(_("Work order %(number)s was changed by someone else a moment ago. "
                          "Reload the page to see the latest version.") % {"number": draft_order.number},
                        error=ConflictError):
        work_order_transition(work_order=draft_order, to=S.CANCELLED, actor=advisor, expected_version=stale)


def test_no_code_outside_the_door_assigns_a_work_order_status():
    """Conventions habit 1: `.status =` on a work order appears only in the door."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/*.py"):
        if path.parts[-2] in {"tests", ".venv", "migrations"} or path.name == "services.py" and path.parts[-2] == "dealership":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\border\.status\s*=[^=]", line) or re.search(r"work_order\.status\s*=[^=]", line):
                offenders.append(f"{path.relative_to(root)}:{n}")
    assert offenders == []
