"""Issue 19 in the browser: the parts clerk receives a delivery against a
purchase order and is told where each part goes: onto the appointment shelf
of the booking it was ordered for (APT-8), the rest into stock at its
location; a bad quantity is refused on the form."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appointments.models import PartReservation
from appointments.preparation import parts_reserve
from dealership.models import Role
from supply.models import PartSupply, PurchaseOrder, PurchaseOrderLine, Supplier

from ..appointments.helpers import book
from ..conftest import Team
from ..factories import LabourFactory, PartFactory, StoreFactory
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apt8_the_clerk_receives_an_order_and_sees_where_each_part_goes(browser, live_server, shot):
    team = Team(StoreFactory(name="天河4S店"))
    pads = PartFactory(store=team.store, number="BP-100", name="前刹车片(套)", on_hand=0, stock_value=0)
    PartSupply.objects.create(store=team.store, part=pads, location="A-03-2")
    appointment = book(team, labour=[LabourFactory(store=team.store)], parts=[pads])
    [short] = parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK], shelf="预约架-1")
    supplier = Supplier.objects.create(store=team.store, name="一汽配件中心")
    order = PurchaseOrder.objects.create(store=team.store, number="PO-0001", supplier=supplier,
                                         status=PurchaseOrder.Status.SENT, expected_on=timezone.localdate(),
                                         created_by=team[Role.PARTS_CLERK])
    PurchaseOrderLine.objects.create(store=team.store, order=order, part=pads, quantity=3,
                                     unit_cost=Decimal("300.00"), need_source="appointment", need_ref=short.pk,
                                     need_label=f"预约 {appointment.vehicle.plate}")

    page = log_in(browser, live_server, team[Role.PARTS_CLERK], DESKTOP)
    page.goto(f"{live_server.url}/supply/receiving/")
    row = page.locator("[data-testid=order-PO-0001]")
    expect(row).to_have_class("due-soon")
    shot(page, "receiving-list")
    with page.expect_navigation():
        row.locator("a").click()
    form = page.locator("[data-testid=receive-form]")
    expect(form.locator(f"#id_quantity_{order.lines.get().pk}")).to_have_value("3")

    # a fraction of a part counted in pieces is refused on the form, nothing saved
    page.fill("#id_delivery_note", "SH-20261207-01")
    page.fill(f"#id_quantity_{order.lines.get().pk}", "1.5")
    with page.expect_navigation():
        page.click("[data-testid=receive-submit]")
    expect(page.locator("[data-testid=receive-form]")).to_contain_text("BP-100")
    shot(page, "receiving-refused")

    page.fill(f"#id_quantity_{order.lines.get().pk}", "3")
    with page.expect_navigation():
        page.click("[data-testid=receive-submit]")
    lines = page.locator("[data-testid=receipt-line-BP-100]")
    expect(lines.locator("[data-testid=goes-shelf]")).to_contain_text(appointment.vehicle.plate)
    expect(lines.locator("[data-testid=goes-shelf]")).to_contain_text("预约架-1")
    expect(lines.locator("[data-testid=goes-stock]")).to_contain_text("A-03-2")
    shot(page, "receiving-where-it-goes")
    short.refresh_from_db()
    assert short.status == PartReservation.Status.RESERVED
