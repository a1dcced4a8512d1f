"""Nothing lost (issue 10): every change to a work order, a payment or the
stock is on the timeline or in a ledger, and records are voided or
superseded, never deleted."""

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

from dealership.models import Role, WorkOrder, WorkOrderEvent
from settlement.models import Payment, Statement
from supply.models import StockMove

from ..cases import PROJECT_APPS
from ..conftest import login

S = WorkOrder.Status
E = WorkOrderEvent.Kind
ROOT = Path(__file__).resolve().parents[2]

# The only things the code ever deletes, and why each may go: a draft never
# agreed with the customer, whose removal leaves a note on the timeline; and
# the file of a monthly report rendered again (the row stays; the report is
# computed from the records, which stay); a role taken from a person,
# whose old roles the settings change log keeps; and a closed day still to
# come opened again, which the log keeps too.
DELETES = {
    ("reception/walkaround.py", "damage_mark_remove"): "a mark tapped by mistake on an unsigned walk-around",
    ("workshop/changes.py", "finding_remove_item"): "an item on an offer the customer has not yet decided",
    ("followup/report.py", "monthly_report_generate"): "the PDF file of a report rendered again for its month",
    ("dealership/staff.py", "_set_roles"): "a role taken from a person (the settings change log keeps the old roles)",
    ("dealership/store_settings.py", "closed_day_remove"): "a closed day still to come, opened again (the settings "
                                                            "change log keeps the day and its name)",
    ("dealership/messagetexts.py", "message_text_reset"): "a store's own message text, back to the default (the "
                                                         "settings change log keeps the text; what was sent is in "
                                                         "the outbox)",
    ("followup/compliance.py", "compliance_count"): "the counts of a month, counted again from the records "
                                                     "(which stay) and replaced",
    ("followup/compliance.py", "thresholds_set"): "a store's own threshold, back to the item's default (the "
                                                  "settings change log keeps the old one)",
    ("supply/purchasing.py", "po_line_remove"): "a line taken off a purchase order still a draft (never sent, "
                                                "nothing received)",
}


def test_the_timeline_tells_the_whole_story(order_in, catalogue):
    stock_before = catalogue["part"].on_hand
    order = order_in(S.CLOSED)
    events = list(order.events.order_by("at", "id"))

    # every status move, one after the other, each by someone
    moves = [e for e in events if e.kind == E.STATUS]
    assert [(e.from_status, e.to_status) for e in moves] == list(zip(
        ["", "draft", "signed", "in_repair", "repair_done", "qc_passed", "ready", "settled", "delivered"],
        ["draft", "signed", "in_repair", "repair_done", "qc_passed", "ready", "settled", "delivered", "closed"],
        strict=True))
    assert all(e.actor_id for e in moves)
    assert [e.at for e in events] == sorted(e.at for e in events)

    texts = [e.text for e in events]
    # every line added, every part issued (and the stock ledger agrees with the stock)
    for line in order.lines.all():
        assert any(line.description in t and e.kind == E.LINE for e, t in zip(events, texts, strict=True)), line
    issued = StockMove.objects.filter(work_order=order)
    assert issued.count() == 1 and sum(m.quantity for m in issued) == -1
    catalogue["part"].refresh_from_db()
    assert catalogue["part"].on_hand == stock_before + sum(m.quantity for m in issued)
    assert sum(1 for e in events if e.kind == E.LINE and "发料" in e.text) == issued.count()
    # the statement issued and every payment taken
    statement = Statement.objects.get(work_order=order)
    assert any(e.kind == E.PRINT and statement.number in t for e, t in zip(events, texts, strict=True))
    for payment in Payment.objects.filter(work_order=order):
        assert any(e.kind == E.PAYMENT and payment.receipt_number in t for e, t in zip(events, texts, strict=True))
    # the walk-around, the work report, the wash and the parking, the old part, the delivery check
    rules = {e.rule for e in events}
    assert {"REC-5", "REP-16", "QC-8", "QC-13", "SET-1", "SET-8"} <= rules


def test_the_order_page_shows_that_story(order_in, team):
    order = order_in(S.CLOSED)
    page = login(team[Role.AFTERSALES_MANAGER]).get(f"/orders/{order.pk}/").content.decode()
    for event in order.events.all():
        assert event.text.split("：")[0][:12] in page, event.text


def _calls_to_delete() -> set[tuple[str, str]]:
    """(file, function) of every `.delete(` in the project's code."""
    found = set()
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef):
                    continue
                for node in ast.walk(func):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "delete":
                        found.add((str(path.relative_to(ROOT)), func.name))
    return found


def test_records_are_never_deleted_but_unagreed_drafts():
    assert _calls_to_delete() == set(DELETES)


def test_no_record_can_take_its_history_with_it():
    """A row that others point at is protected: deleting an order, a
    customer or a user is refused by the database, it never cascades. The
    only cascades are a person's roles and a store's sequence counters, and
    an inspection's own check items."""
    cascades = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.fields:
            if isinstance(field, models.ForeignKey) and field.remote_field.on_delete is models.CASCADE:
                cascades.add(f"{model.__name__}.{field.name}")
    assert cascades == {"StaffRole.user", "StoreCounter.store", "InspectionItem.inspection"}


def test_a_damage_mark_taken_off_leaves_a_trace(team, draft_order):
    from demo.builder import all_checks_fine
    from reception.models import DamageMark
    from reception.services import walkaround_record
    from reception.walkaround import damage_mark_add, damage_mark_remove

    advisor = team[Role.SERVICE_ADVISOR]
    walkaround = walkaround_record(work_order=draft_order, actor=advisor, mileage=30500, fuel_level="50",
                                   checks=all_checks_fine(team.store))
    mark = damage_mark_add(walkaround=walkaround, actor=advisor, x=10, y=20, kind="dent")
    damage_mark_remove(mark=mark, actor=advisor)
    assert not DamageMark.objects.exists()
    last = draft_order.events.order_by("-id").first()
    assert last.actor == advisor and last.rule == "REC-5" and "10" in last.text and "20" in last.text
