"""Goods receipt (issue 19): a delivery is taken in once per delivery note,
each part goes where it is needed (APT-8 the appointment's shelf, REP-9 the
waiting requisition, else stock), differences from the order are recorded,
and the readiness list shows the part's supply state (APT-9, APT-10)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import PartReservation
from appointments.preparation import parts_reserve, readiness
from appointments.selectors import appointment_for_page
from dealership.models import Part, Role, StaffTask, WorkOrder
from supply.demand import needs_for, source
from supply.models import PartSupply, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine, StockMove, Supplier
from supply.receiving import ReceiptInput, receipt_record
from workshop.models import Requisition
from workshop.parts import part_request

from ..appointments.helpers import book, tomorrow
from ..concurrency import at_once
from ..conftest import Team
from ..factories import PartFactory, StoreFactory
from ..refusals import refused_saying
from ..workshop.helpers import working

P = PurchaseOrder.Status


def purchase_order(team, *parts, status=P.SENT, expected_on=None, number="PO-1", **need):
    """A sent order to the store's supplier: parts as (part, quantity) or (part, quantity, {need fields})."""
    supplier, _created = Supplier.objects.get_or_create(store=team.store, name="一汽配件中心")
    order = PurchaseOrder.objects.create(store=team.store, number=number, supplier=supplier, status=status,
                                         expected_on=expected_on or timezone.localdate(),
                                         created_by=team[Role.PARTS_CLERK])
    for item in parts:
        part, quantity, extra = (*item, {})[:3]
        PurchaseOrderLine.objects.create(store=team.store, order=order, part=part, quantity=Decimal(quantity),
                                         unit_cost=Decimal("300.00"), **extra)
    return order


def receive(team, order, *quantities, note="DN-001", actor=None):
    lines = list(order.lines.all())
    return receipt_record(actor=actor or team[Role.PARTS_CLERK], order=order, delivery_note=note,
                          lines=[ReceiptInput(line, q) for line, q in zip(lines, quantities, strict=True)])


@pytest.fixture
def empty(store):
    return PartFactory(store=store, on_hand=Decimal("0"), stock_value=Decimal("0"))


def short_reservation(team, part, catalogue, **kw):
    appointment = book(team, labour=[catalogue["labour"]], parts=[part], **kw)
    [short] = parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK], shelf="B-01")
    assert short.status == PartReservation.Status.SHORT
    return appointment, short


def test_apt8_a_part_ordered_for_an_appointment_goes_onto_its_shelf_on_receipt(team, empty, catalogue):
    appointment, short = short_reservation(team, empty, catalogue)
    order = purchase_order(team, (empty, 3, {"need_source": "appointment", "need_ref": short.pk}))
    receipt = receive(team, order, 3)
    short.refresh_from_db()
    assert short.status == PartReservation.Status.RESERVED
    empty.refresh_from_db()
    assert (empty.on_hand, empty.reserved) == (Decimal("3"), Decimal("1"))
    [line] = receipt.lines.all()
    assert [d["to"] for d in line.destinations] == ["shelf", "stock"]
    assert appointment.vehicle.plate in line.destinations[0]["label"]
    assert line.destinations[1]["quantity"] == "2"
    order.refresh_from_db()
    assert order.status == P.RECEIVED and order.closed_at is not None


def test_apt8_a_delivery_not_ordered_for_the_booking_still_fills_its_shelf(team, empty, catalogue):
    """The order was for the minimum stock; the appointment waiting for the part gets it first all the same."""
    _appointment, short = short_reservation(team, empty, catalogue)
    PartSupply.objects.create(store=team.store, part=empty, location="A-03-2")
    receive(team, purchase_order(team, (empty, 2)), 2)
    short.refresh_from_db()
    assert short.status == PartReservation.Status.RESERVED
    line = ReceiptLine.objects.get()
    assert line.destinations[-1] == {"to": "stock", "quantity": "1", "label": "A-03-2"}


def test_rep9_a_waiting_requisition_tells_the_technician_and_the_advisor(team, order_in, catalogue):
    part = catalogue["part"]
    order = order_in(WorkOrder.Status.SIGNED)
    working(order, team)
    Part.objects.filter(pk=part.pk).update(on_hand=0, stock_value=0)
    requisition = part_request(line=order.lines.get(kind="part"), quantity=1, technician=team[Role.TECHNICIAN])
    assert requisition.short_when_requested
    [need] = needs_for(team.store.pk, [part.pk])
    assert (need.source, need.ref, need.urgent) == ("requisition", requisition.pk, True)
    receipt = receive(team, purchase_order(team, (part, 2)), 2)
    [line] = receipt.lines.all()
    assert [(d["to"], d["quantity"]) for d in line.destinations] == [("workshop", "1"), ("stock", "1")]
    assert order.number in line.destinations[0]["label"]
    told = set(StaffTask.objects.filter(key__startswith=f"req-{requisition.pk}-arrived").values_list(
        "assignee", flat=True))
    assert told == {team[Role.TECHNICIAN].pk, order.advisor_id}
    assert Requisition.objects.get(pk=requisition.pk).status == Requisition.Status.OPEN  # the counter issues it


def test_a_part_nobody_waits_for_goes_into_stock_at_its_cost(team, empty):
    receipt = receipt_record(actor=team[Role.PARTS_CLERK], order=purchase_order(team, (empty, 4)),
                             delivery_note="DN-9", lines=[ReceiptInput(PurchaseOrderLine.objects.get(), 4, "280.50")])
    empty.refresh_from_db()
    assert (empty.on_hand, empty.stock_value) == (Decimal("4"), Decimal("1122.00"))
    assert PartSupply.objects.get(part=empty).last_cost == Decimal("280.50")
    assert receipt.lines.get().destinations == [{"to": "stock", "quantity": "4", "label": ""}]
    assert StockMove.objects.get(part=empty).kind == StockMove.Kind.RECEIPT


def test_mismatches_are_recorded_not_forced(team, empty, store):
    other = PartFactory(store=store, on_hand=0, stock_value=0)
    third = PartFactory(store=store, on_hand=0, stock_value=0)
    order = purchase_order(team, (empty, 4), (other, 2))
    first, second = order.lines.all()
    receipt = receipt_record(actor=team[Role.PARTS_CLERK], order=order, delivery_note="DN-1", lines=[
        ReceiptInput(first, 3), ReceiptInput(second, 5), ReceiptInput(None, 1, "50", part=third)])
    diffs = [line.difference for line in receipt.lines.order_by("id")]
    assert diffs == [ReceiptLine.Difference.FEWER, ReceiptLine.Difference.MORE, ReceiptLine.Difference.NOT_ORDERED]
    order.refresh_from_db()
    assert order.status == P.PARTLY_RECEIVED
    first.refresh_from_db()
    assert first.received == 3 and first.outstanding == 1
    receive(team, order, 1, 1, note="DN-2")  # the rest of the first line, one more of the second
    order.refresh_from_db()
    assert order.status == P.RECEIVED


def test_apt10_a_part_ordered_to_come_after_the_appointment_alerts_the_advisor_and_agent_that_day(
        team, empty, catalogue):
    appointment, short = short_reservation(team, empty, catalogue)
    [need] = [n for n in needs_for(team.store.pk, [empty.pk]) if n.source == "appointment"]
    # needed on the shelf the day before the visit (the day-before check, APT-9)
    assert need.needed_on == tomorrow() - timedelta(days=1) and appointment.vehicle.plate in need.label
    source("appointment").ordered(need, tomorrow() + timedelta(days=2), team[Role.PARTS_CLERK])
    alerted = set(StaffTask.objects.filter(key__contains=f"late-part-{short.pk}", done_at__isnull=True)
                  .values_list("assignee", flat=True))
    assert alerted == {appointment.advisor_id, team[Role.APPOINTMENT_AGENT].pk}
    assert all(t.created_at.date() == timezone.now().date() for t in StaffTask.objects.filter(key__contains="late"))


def test_apt10_a_part_due_before_the_appointment_alerts_nobody(team, empty, catalogue):
    _appointment, short = short_reservation(team, empty, catalogue, starts_at=None)
    [need] = [n for n in needs_for(team.store.pk, [empty.pk]) if n.source == "appointment"]
    source("appointment").ordered(need, timezone.localdate(), team[Role.PARTS_CLERK])
    assert not StaffTask.objects.filter(key__contains="late-part").exists()
    short.refresh_from_db()
    assert short.expected_on == timezone.localdate()


def test_apt9_the_readiness_list_shows_ordered_due_and_on_the_shelf(team, empty, catalogue):
    appointment, short = short_reservation(team, empty, catalogue)
    order = purchase_order(team, (empty, 1, {"need_source": "appointment", "need_ref": short.pk}),
                           expected_on=tomorrow() + timedelta(days=1), number="PO-77")

    def parts_item():
        page = appointment_for_page(user=team[Role.SERVICE_ADVISOR], pk=appointment.pk)
        return {i.key: i for i in readiness(page)}["parts"]

    item = parts_item()
    assert not item.done and "PO-77" in item.detail and item.late
    assert (tomorrow() + timedelta(days=1)).strftime("%m-%d") in item.detail
    receive(team, order, 1)
    item = parts_item()
    assert item.done and not item.late


def test_a_receipt_on_a_cancelled_or_draft_order_is_refused(team, empty):
    cancelled = purchase_order(team, (empty, 1), status=P.CANCELLED)
    with refused_saying(_("Order %(number)s is cancelled: nothing can be received against it.") % {
            "number": cancelled.number}):
        receive(team, cancelled, 1)
    draft = purchase_order(team, (empty, 1), status=P.DRAFT, number="PO-2")
    with refused_saying(_("Order %(number)s has not been sent to the supplier yet.") % {"number": "PO-2"}):
        receive(team, draft, 1)
    assert not Receipt.objects.exists() and not StockMove.objects.filter(part=empty).exists()


def test_a_delivery_note_is_received_once_and_the_refusal_says_by_whom(team, empty):
    order = purchase_order(team, (empty, 4))
    receive(team, order, 2, note="DN-7")
    with refused_saying(re.compile("DN-7")) as info:
        receive(team, order, 2, note=" DN-7 ", actor=team[Role.PARTS_MANAGER])
    assert str(team[Role.PARTS_CLERK]) in str(info.value)
    with refused_saying(re.compile("DN-7")):  # however it is typed: one note, one delivery
        receive(team, order, 2, note="dn - 7", actor=team[Role.PARTS_MANAGER])
    with refused_saying(_("Enter the supplier's delivery note number.")):
        receive(team, order, 2, note="  ")
    empty.refresh_from_db()
    assert empty.on_hand == 2 and Receipt.objects.count() == 1


@pytest.mark.parametrize("quantity", ["-1", "0", "1.5", "abc"])
def test_bad_quantities_are_refused_naming_the_part(team, empty, quantity):
    order = purchase_order(team, (empty, 4))
    with refused_saying(re.compile(re.escape(empty.number))) as info:
        receive(team, order, quantity)
    assert info.value.field == f"quantity_{order.lines.get().pk}"
    assert not Receipt.objects.exists()
    empty.refresh_from_db()
    assert empty.on_hand == 0


def test_only_the_parts_department_receives(team, empty):
    with refused_saying(_("Only the parts department receives deliveries.")):
        receive(team, purchase_order(team, (empty, 1)), 1, actor=team[Role.SERVICE_ADVISOR])


@pytest.mark.django_db(transaction=True)
def test_two_clerks_receiving_the_same_delivery_note_at_once_count_it_once():
    """Two clerks (two threads, two connections: PostgreSQL in CI) record the
    same delivery note at the same moment: one receipt, the stock counted once."""
    from ..factories import staff

    team = Team(StoreFactory())
    part = PartFactory(store=team.store, on_hand=0, stock_value=0)
    order = purchase_order(team, (part, 5))
    clerks = [team[Role.PARTS_CLERK], staff(Role.PARTS_CLERK, team.store)]

    def attempt(clerk):
        receive(team, order, 5, note="DN-100", actor=clerk)

    assert sorted(at_once(attempt, clerks)) == ["ok", "refused"]
    part.refresh_from_db()
    assert part.on_hand == 5 and Receipt.objects.filter(order=order).count() == 1
    assert PurchaseOrderLine.objects.get(order=order).received == 5


def test_the_clerk_receives_on_the_page_and_sees_where_each_part_goes(team, empty, catalogue):
    """APT-8 on the page: the receipt says the part goes onto the appointment's shelf, the rest into stock."""
    from django.urls import reverse

    from ..conftest import login

    appointment, short = short_reservation(team, empty, catalogue)
    PartSupply.objects.create(store=team.store, part=empty, location="A-03-2")
    order = purchase_order(team, (empty, 2, {"need_source": "appointment", "need_ref": short.pk}))
    clerk = login(team[Role.PARTS_CLERK], "en")
    listing = clerk.get(reverse("supply:receiving")).content.decode()
    assert order.number in listing and "due-soon" in listing
    line = order.lines.get()
    form = clerk.get(reverse("supply:receive", args=[order.pk])).content.decode()
    assert 'value="2"' in form
    response = clerk.post(reverse("supply:receive", args=[order.pk]), {
        "delivery_note": "DN-55", f"quantity_{line.pk}": "2", f"unit_cost_{line.pk}": "300.00"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Where each part goes" in html
    assert appointment.vehicle.plate in html and "A-03-2" in html and "Appointment shelf" in html
    assert order.number in clerk.get(reverse("supply:receipts")).content.decode()


def test_bad_input_on_the_page_gives_a_message_and_saves_nothing(team, empty):
    from django.urls import reverse

    from ..conftest import login

    order = purchase_order(team, (empty, 2))
    line = order.lines.get()
    clerk = login(team[Role.PARTS_CLERK], "en")
    response = clerk.post(reverse("supply:receive", args=[order.pk]), {
        "delivery_note": "DN-1", f"quantity_{line.pk}": "1.5", f"unit_cost_{line.pk}": "300"})
    assert response.status_code == 400 and "is counted in whole" in response.content.decode()
    response = clerk.post(reverse("supply:receive", args=[order.pk]), {
        "delivery_note": "", f"quantity_{line.pk}": "1"})
    assert response.status_code == 400 and "delivery note number" in response.content.decode()
    # 10 typed for the 2 ordered: asked, not booked, until the clerk says more came
    response = clerk.post(reverse("supply:receive", args=[order.pk]), {
        "delivery_note": "DN-1", f"quantity_{line.pk}": "10", f"unit_cost_{line.pk}": "300"})
    assert response.status_code == 400 and "More than the 2 still to come" in response.content.decode()
    assert not Receipt.objects.exists()
    response = clerk.post(reverse("supply:receive", args=[order.pk]), {
        "delivery_note": "DN-1", f"quantity_{line.pk}": "3", f"unit_cost_{line.pk}": "300", "more": "on"})
    assert response.status_code == 302
    assert Receipt.objects.get().lines.get().difference == ReceiptLine.Difference.MORE


def test_only_the_parts_department_may_post_a_receipt(team, empty):
    from django.urls import reverse

    from ..conftest import login

    order = purchase_order(team, (empty, 2))
    response = login(team[Role.SERVICE_ADVISOR]).post(reverse("supply:receive", args=[order.pk]), {
        "delivery_note": "DN-1", f"quantity_{order.lines.get().pk}": "2"})
    assert response.status_code == 403 and not Receipt.objects.exists()


def test_a_receipt_in_another_store_is_not_found(team, other_team, empty):
    from django.urls import reverse

    from ..conftest import login

    order = purchase_order(team, (empty, 2))
    response = login(other_team[Role.PARTS_CLERK]).post(reverse("supply:receive", args=[order.pk]), {
        "delivery_note": "DN-1", f"quantity_{order.lines.get().pk}": "2"})
    assert response.status_code == 404 and not Receipt.objects.exists()
