"""Suppliers, purchase suggestions and purchase orders (issue 19): what the
stages need, netted against free stock and what is on order, by supplier,
with the lead time that still makes it or not; orders drafted, sent and
cancelled, refused clearly."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from appointments.preparation import parts_reserve
from dealership.models import Role, WorkOrderLine
from supply import demand
from supply.models import PurchaseOrder, PurchaseOrderLine, Supplier
from supply.printing import purchase_order_pdf
from supply.purchasing import OrderLine, po_cancel, po_create, po_from_suggestions, po_line_set, po_send, suggestions
from supply.suppliers import part_supply_save, supplier_save
from workshop.models import Requisition

from ..appointments.helpers import at, book, tomorrow
from ..conftest import login
from ..factories import PartFactory
from ..refusals import refused_saying
from .helpers import listening_source, stage_source

PO = PurchaseOrder.Status


@pytest.fixture
def clerk(team):
    return team[Role.PARTS_CLERK]


@pytest.fixture
def maker(team, clerk):
    return supplier_save(actor=clerk, store=team.store, name="一汽大众备件中心", kind=Supplier.Kind.MAKER, lead_days=0)


def empty_part(team, **kw):
    return PartFactory(store=team.store, on_hand=Decimal(0), stock_value=Decimal(0), **kw)


def line_for(groups, part):
    return next(line for g in groups for line in g.lines if line.part.pk == part.pk)


def group_of(groups, part):
    return next(g for g in groups for line in g.lines if line.part.pk == part.pk)


def short_booking(team, monkeypatch, part, hour=9):
    appointment = book(team, at(tomorrow(), hour), parts=[part])
    parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK])
    assert appointment.reservations.get().status == "short"
    stage_source(monkeypatch, "appointment", team.store.pk, part.pk)
    return appointment


def test_apt8_aptx7_a_part_short_for_an_appointment_is_suggested_with_the_day_it_is_needed(team, maker, monkeypatch):
    """APT-8, APT-X7: the shelf of tomorrow's appointment is short: the part is suggested from the maker's
    parts centre (no usual supplier yet), needed today (on the shelf the day before the visit, for the day-before
    check), and a lead time of 0 days makes it."""
    pads = empty_part(team, name="前刹车片(套)")
    short_booking(team, monkeypatch, pads)
    groups = suggestions(team.store)
    line = line_for(groups, pads)
    assert group_of(groups, pads).supplier == maker
    assert line.quantity == 1 and line.needed_on == tomorrow() - timedelta(days=1) and line.in_time
    assert [share.short for share in line.needs] == [1]


def test_apt_x7_the_lead_time_that_cannot_make_the_appointment_is_flagged(team, clerk, maker, monkeypatch):
    """APT-X7: a supplier three days away cannot bring tomorrow's part: the line says too late."""
    pads = empty_part(team)
    short_booking(team, monkeypatch, pads)
    far = supplier_save(actor=clerk, store=team.store, name="本地配件商", kind=Supplier.Kind.LOCAL, lead_days=3)
    part_supply_save(actor=clerk, part=pads, supplier=far)
    groups = suggestions(team.store)
    assert group_of(groups, pads).supplier == far
    assert line_for(groups, pads).too_late


def test_rep9_a_requisition_waiting_for_stock_is_suggested_for_today_and_urgent(team, maker, monkeypatch, order_in):
    """REP-9: a technician waits at the counter for a part with no stock."""
    order = order_in("in_repair")
    bolts = empty_part(team, name="螺栓")
    line = order.lines.filter(kind=WorkOrderLine.Kind.PART).first()
    Requisition.objects.create(store=team.store, work_order=order, line=line, part=bolts, quantity=2,
                               requested_by=team[Role.TECHNICIAN], short_when_requested=True)
    stage_source(monkeypatch, "requisition", team.store.pk, bolts.pk)
    suggested = line_for(suggestions(team.store), bolts)
    assert suggested.quantity == 2 and suggested.needed_on == timezone.localdate() and suggested.urgent


def test_minimum_stock_is_ordered_up_to_the_order_quantity(team, clerk, maker):
    """Free stock 1 under a minimum of 4: 3 short, ordered by boxes of 10."""
    oil_filter = PartFactory(store=team.store, on_hand=Decimal(1), stock_value=Decimal(40), name="机油滤清器")
    part_supply_save(actor=clerk, part=oil_filter, supplier=maker, min_stock=4, order_quantity=10)
    line = line_for(suggestions(team.store), oil_filter)
    assert line.quantity == 10 and line.needs == [] and line.needed_on is None and line.in_time


def test_needs_are_netted_against_free_stock_and_open_orders(team, clerk, maker, monkeypatch):
    """APT-8: two booked visits need one each; one is in free stock, one on a sent order: nothing more to order."""
    pads = PartFactory(store=team.store, on_hand=Decimal(1), stock_value=Decimal(400))
    first = book(team, parts=[pads])
    parts_reserve(appointment=first, actor=clerk)  # takes the one in stock: reserved
    short_booking(team, monkeypatch, pads, hour=10)  # the second is short
    assert line_for(suggestions(team.store), pads).quantity == 1
    pads.refresh_from_db()
    pads.on_hand += 1  # one more came in (the stock is free again for the second)
    pads.save()
    assert not any(line.part.pk == pads.pk for g in suggestions(team.store) for line in g.lines)
    pads.on_hand -= 1
    pads.save()
    po_send(actor=clerk, po=po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(pads, 1)]))
    assert not any(line.part.pk == pads.pk for g in suggestions(team.store) for line in g.lines)


def test_an_order_from_the_suggestions_keeps_what_each_line_is_for(team, clerk, maker, monkeypatch):
    """APT-8: one line for the appointment's need (so the receipt puts it on that shelf) and the rest, the
    order quantity's rounding, for stock; the price defaults to the last purchase price."""
    pads = empty_part(team)
    appointment = short_booking(team, monkeypatch, pads)
    setting = part_supply_save(actor=clerk, part=pads, supplier=maker, order_quantity=2)
    setting.last_cost = Decimal("380.00")
    setting.save()
    po = po_from_suggestions(actor=clerk, store=team.store, supplier_id=maker.pk, part_ids=[pads.pk])
    lines = list(po.lines.order_by("id"))
    assert po.status == PO.DRAFT and po.number.startswith("PO" + timezone.localdate().strftime("%Y%m%d") + "-")
    assert [(ln.quantity, ln.needed_on, bool(ln.need_source)) for ln in lines] == [
        (1, tomorrow() - timedelta(days=1), True), (1, None, False)]
    assert lines[0].need_ref == appointment.reservations.get().pk or lines[0].need_source != "test-appointment"
    assert all(ln.unit_cost == Decimal("380.00") for ln in lines)
    # what is on the draft is on order: nothing more is suggested
    assert not any(line.part.pk == pads.pk for g in suggestions(team.store) for line in g.lines)


def test_apt10_sending_tells_each_need_the_day_its_part_comes(team, clerk, maker, monkeypatch):
    """APT-10: the source of each need hears the expected date when the order is sent (stage 1 warns the advisor
    of a part that comes after the appointment); an urgent order comes the same day."""
    maker.lead_days = 2
    maker.save()
    part = empty_part(team)
    heard = listening_source(monkeypatch, part.pk, needed_on=tomorrow())
    assert line_for(suggestions(team.store), part).too_late
    po = po_from_suggestions(actor=clerk, store=team.store, supplier_id=maker.pk, part_ids=[part.pk])
    sent = po_send(actor=clerk, po=po)
    assert sent.status == PO.SENT and sent.sent_by == clerk and sent.expected_on == timezone.localdate() + timedelta(2)
    [(need, on, actor)] = heard
    assert (need.ref, need.part_id, on, actor) == (1, part.pk, sent.expected_on, clerk)


def test_an_urgent_order_for_a_car_in_the_workshop_comes_the_same_day(team, clerk, maker, order_in):
    order = order_in("in_repair")
    maker.lead_days = 5
    maker.save()
    po = po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(empty_part(team), 1)],
                   urgent=True, work_order=order)
    assert po_send(actor=clerk, po=po).expected_on == timezone.localdate()


def test_an_urgent_order_needs_an_open_work_order_of_the_store(team, clerk, maker, order_in):
    part = empty_part(team)
    with refused_saying(_("An urgent order is for a car in the workshop: choose its work order.")):
        po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(part, 1)], urgent=True)
    closed = order_in("closed")
    with refused_saying(_("Work order %(number)s is %(status)s: no part is ordered for it any more.") % {
            "number": closed.number, "status": closed.get_status_display()}):
        po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(part, 1)], urgent=True,
                  work_order=closed)


def test_send_refusals_change_nothing(team, clerk, maker, monkeypatch):
    part = empty_part(team)
    po = po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(part, 1)])
    with refused_saying(_("Only the parts department of this store orders parts and keeps its suppliers.")):
        po_send(actor=team[Role.SERVICE_ADVISOR], po=po)
    po_send(actor=clerk, po=po)
    with refused_saying(_("Order %(number)s is %(status)s: only a draft is sent.") % {
            "number": po.number, "status": PO.SENT.label}):
        po_send(actor=clerk, po=po)
    # a source that refuses the news: the send is refused whole
    other = po_create(actor=clerk, store=team.store, supplier=maker, lines=[
        OrderLine(part, 1, need_source="test-refusing", need_ref=7)])

    def refuse(need, on, actor):
        from dealership.errors import ProcessError
        raise ProcessError("不行")

    monkeypatch.setitem(demand._SOURCES, "test-refusing", demand.Source("test-refusing", "x", lambda s, p: [],
                                                                          ordered=refuse))
    with refused_saying("不行"):
        po_send(actor=clerk, po=other)
    other.refresh_from_db()
    assert other.status == PO.DRAFT and other.sent_at is None and other.expected_on is None


def test_cancel_needs_a_reason_and_nothing_received(team, clerk, maker):
    part = empty_part(team)
    po = po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(part, 2)])
    with refused_saying(_("Give a reason for the cancellation.")):
        po_cancel(actor=clerk, po=po, reason="  ")
    po_send(actor=clerk, po=po)
    PurchaseOrderLine.objects.filter(order=po).update(received=1)  # as a receipt would
    with refused_saying(_("Parts of order %(number)s were already received: it cannot be cancelled.") % {
            "number": po.number}):
        po_cancel(actor=clerk, po=po, reason="供应商缺货")
    PurchaseOrderLine.objects.filter(order=po).update(received=0)
    cancelled = po_cancel(actor=clerk, po=po, reason="供应商缺货")
    assert cancelled.status == PO.CANCELLED and cancelled.cancel_reason == "供应商缺货"
    with refused_saying(_("Order %(number)s is %(status)s: it cannot be cancelled.") % {
            "number": po.number, "status": PO.CANCELLED.label}):
        po_cancel(actor=clerk, po=po, reason="再取消")


def test_bad_quantities_are_refused_clearly(team, clerk, maker):
    pads = empty_part(team, name="前刹车片(套)")
    oil = empty_part(team, name="机油", unit="升")
    with refused_saying(_("The quantity must be more than zero.")):
        po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(pads, Decimal(-1))])
    with refused_saying(_("%(part)s is counted in whole %(unit)s.") % {"part": "前刹车片(套)", "unit": "个"}):
        po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(pads, Decimal("1.5"))])
    po = po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(oil, Decimal("4.5"))])
    line = po.lines.get()
    with refused_saying(_("The purchase price cannot be below zero.")):
        po_line_set(actor=clerk, line=line, quantity=1, unit_cost=Decimal("-3"))
    with refused_saying(_("The minimum stock cannot be below zero.")):
        part_supply_save(actor=clerk, part=pads, supplier=maker, min_stock=-1)
    with refused_saying(_("%(part)s is counted in whole %(unit)s.") % {"part": "前刹车片(套)", "unit": "个"}):
        part_supply_save(actor=clerk, part=pads, supplier=maker, min_stock=Decimal("0.5"))
    with refused_saying(_("%(part)s is counted in whole %(unit)s.") % {"part": "前刹车片(套)", "unit": "个"}):
        part_supply_save(actor=clerk, part=pads, supplier=maker, order_quantity=Decimal("2.5"))
    with refused_saying(_("The lead time is between 0 and %(max)s days.") % {"max": 90}):
        supplier_save(actor=clerk, store=team.store, name="远方", lead_days=91)
    with refused_saying(_("There is already a supplier called %(name)s.") % {"name": "一汽大众备件中心"}):
        supplier_save(actor=clerk, store=team.store, name="一汽大众备件中心")


def test_suggestions_take_a_bounded_number_of_queries(team, clerk, maker, django_assert_max_num_queries):
    for n in range(12):
        part = PartFactory(store=team.store, on_hand=Decimal(0), stock_value=Decimal(0), name=f"件{n}")
        part_supply_save(actor=clerk, part=part, supplier=maker, min_stock=2)
    with django_assert_max_num_queries(8):
        groups = suggestions(team.store)
    assert sum(len(g.lines) for g in groups) == 12


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_purchase_order_prints_in_chinese(team, clerk, maker):
    part = empty_part(team, name="前刹车片(套)")
    po = po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(part, 2, Decimal("380"))])
    with translation.override("zh-hans"):
        text = pdf_text(purchase_order_pdf(po=po))
    for expected in [po.number, "前刹车片(套)", "一汽大众备件中心", "采购订单", "760.00"]:
        assert expected in text, expected
    response = login(clerk).get(reverse("supply:order_pdf", args=[po.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_pages_answer_bad_input_with_a_message_on_the_form(team, clerk, maker):
    """Fractional pieces, a negative minimum, a supplier's name taken: a message next to the field, nothing saved."""
    pads = empty_part(team, name="前刹车片(套)")
    client = login(clerk)
    response = client.post(reverse("supply:part_supply", args=[pads.pk]), {
        "supplier": maker.pk, "location": "A-1", "min_stock": "1.5", "order_quantity": "1"})
    assert response.status_code == 400
    assert (_("%(part)s is counted in whole %(unit)s.") % {"part": "前刹车片(套)", "unit": "个"}) in \
        response.content.decode()
    response = client.post(reverse("supply:supplier_new"), {"name": "一汽大众备件中心", "kind": "maker",
                                                             "lead_days": "2"})
    assert response.status_code == 400 and Supplier.objects.filter(store=team.store).count() == 1
    response = client.post(reverse("supply:order_new"), {"supplier": maker.pk, "part_number": pads.number,
                                                          "quantity": "-2"})
    assert response.status_code == 400 and not PurchaseOrder.objects.exists()
    response = client.post(reverse("supply:order_new"), {"supplier": maker.pk, "part_number": pads.number,
                                                          "quantity": "2", "urgent": "on", "work_order": "NO-1"})
    assert response.status_code == 400
    assert (_("No work order numbered %(number)s in this store.") % {"number": "NO-1"}) in response.content.decode()


def test_another_stores_order_is_not_found(team, clerk, maker, other_team):
    po = po_create(actor=clerk, store=team.store, supplier=maker, lines=[OrderLine(empty_part(team), 1)])
    stranger = login(other_team[Role.PARTS_CLERK])
    assert stranger.get(reverse("supply:order", args=[po.pk])).status_code == 404
    assert stranger.post(reverse("supply:order_send", args=[po.pk])).status_code == 404
    assert PurchaseOrder.objects.get(pk=po.pk).status == PO.DRAFT
