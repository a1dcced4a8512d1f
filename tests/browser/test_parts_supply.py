"""Issue 19 in the browser, the whole supply side for an appointment: two cars
are booked for tomorrow, each with a part that is out of stock. The parts
clerk tries to put them on the appointment shelf (APT-8): both are short
(APT-X7 would be an appointment without its parts). The clerk's home page and
the purchase suggestions show both; the brake pads come from the local
supplier the same day, the oxygen sensor from the maker's parts centre in
three days: too late, in red. The clerk orders both. The sensor's order
alerts the advisor and the appointment agent that very day (APT-10), so the
second visit can be moved instead of failing on arrival. The pads arrive;
the clerk receives them against the order and is told they go onto the first
appointment's shelf, where they are reserved at once; the advisor's readiness
list (APT-9) shows the parts ready for the first car, and the second car's
sensor ordered and due after the appointment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from appointments.models import PartReservation
from dealership.models import Role, StaffTask
from supply.models import PartSupply, PurchaseOrder, StockMove, Supplier

from ..appointments.helpers import at, book, tomorrow
from ..conftest import Team
from ..factories import LabourFactory, PartFactory, StoreFactory
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apt8_apt9_apt10_aptx7_a_short_part_is_ordered_received_and_shelved_for_its_appointment(
        browser, live_server, shot):
    team = Team(StoreFactory(name="天河4S店"))
    clerk, advisor = team[Role.PARTS_CLERK], team[Role.SERVICE_ADVISOR]
    local = Supplier.objects.create(store=team.store, name="本地汽配城", kind="local", lead_days=0)
    maker = Supplier.objects.create(store=team.store, name="厂家配件中心", kind="maker", lead_days=3)
    pads = PartFactory(store=team.store, number="BP-100", name="前刹车片(套)", on_hand=0, stock_value=0)
    sensor = PartFactory(store=team.store, number="OS-200", name="氧传感器", on_hand=0, stock_value=0)
    PartSupply.objects.create(store=team.store, part=pads, supplier=local, location="A-03-2",
                              last_cost=Decimal("300.00"))
    PartSupply.objects.create(store=team.store, part=sensor, supplier=maker, location="B-01-1",
                              last_cost=Decimal("520.00"))
    labour = LabourFactory(store=team.store)
    first = book(team, at(tomorrow(), 9), labour=[labour], parts=[pads])
    second = book(team, at(tomorrow(), 10), labour=[labour], parts=[sensor])
    first_plate, second_plate = first.vehicle.plate, second.vehicle.plate

    # 1. The clerk tries to put both on the appointment shelf: both are out of stock (APT-8, APT-X7).
    page = log_in(browser, live_server, clerk, DESKTOP)
    assert page.url.endswith("/supply/")  # the clerk's home is the supply page
    page.goto(f"{live_server.url}/appointments/parts/")
    for plate in (first_plate, second_plate):
        row = page.locator("[data-testid=parts-queue] tr", has_text=plate)
        row.locator("input[name=shelf]").fill("预约架-1")
        with page.expect_navigation():
            row.locator("form[action$='/reserve/'] button").click()
    assert set(PartReservation.objects.values_list("status", flat=True)) == {PartReservation.Status.SHORT}

    # 2. The home page and the suggestions show both; the sensor cannot come in time.
    page.goto(f"{live_server.url}/supply/")
    expect(page.locator("[data-testid=home-to-order]")).to_contain_text("前刹车片")
    expect(page.locator("[data-testid=home-to-order] tr", has_text="氧传感器")).to_contain_text("来不及")
    shot(page, "supply-1-home")
    page.click("main a[href='/supply/suggestions/']")
    local_group = page.locator("[data-testid=suggestion-group]", has_text="本地汽配城")
    maker_group = page.locator("[data-testid=suggestion-group]", has_text="厂家配件中心")
    expect(local_group.locator("[data-testid=suggestion-line]", has_text="前刹车片")).to_contain_text(first_plate)
    expect(maker_group.locator("[data-testid=suggestion-line]", has_text="氧传感器")).to_contain_text("来不及")
    shot(page, "supply-2-suggestions")

    # 3. The clerk orders both and sends the orders.
    for supplier in ("本地汽配城", "厂家配件中心"):
        page.goto(f"{live_server.url}/supply/suggestions/")
        with page.expect_navigation():
            page.locator("[data-testid=suggestion-group]", has_text=supplier).locator(
                "[data-testid=suggestion-order]").click()
        with page.expect_navigation():
            page.click("[data-testid=order-send]")
        expect(page.locator("[data-testid=order-status]")).to_contain_text("已发送")
    shot(page, "supply-3-sent")
    pads_order = PurchaseOrder.objects.get(supplier=local)
    assert pads_order.status == PurchaseOrder.Status.SENT and pads_order.expected_on == tomorrow() - timedelta(1)

    # 4. That same day, the advisor hears that the sensor comes after the appointment (APT-10).
    late = StaffTask.objects.filter(key__contains="late-part", done_at__isnull=True)
    assert {task.assignee_id for task in late} >= {advisor.pk, team[Role.APPOINTMENT_AGENT].pk}
    desk = log_in(browser, live_server, advisor, DESKTOP)
    expect(desk.locator("[data-testid=my-tasks]")).to_contain_text(second_plate)
    shot(desk, "supply-4-advisor-alerted")

    # 5. The pads arrive: the clerk receives them and is told where they go.
    page.goto(f"{live_server.url}/supply/receiving/")
    with page.expect_navigation():
        page.locator(f"[data-testid=order-{pads_order.number}] a").first.click()
    page.fill("#id_delivery_note", "SH-0001")
    with page.expect_navigation():
        page.click("[data-testid=receive-submit]")
    expect(page.locator("[data-testid=receipt-line-BP-100] [data-testid=goes-shelf]")).to_contain_text(first_plate)
    shot(page, "supply-5-received")
    assert PartReservation.objects.get(appointment=first).status == PartReservation.Status.RESERVED
    assert StockMove.objects.filter(part=pads, kind=StockMove.Kind.RECEIPT).count() == 1

    # 6. The advisor's readiness list: the first car's parts are ready; the second's sensor is due too late.
    desk.goto(f"{live_server.url}/appointments/{first.pk}/")
    parts_item = desk.locator("[data-testid=readiness] li", has_text="备件已放预约货架")
    expect(parts_item.locator(".text-bg-success")).to_be_visible()
    shot(desk, "supply-6-first-ready")
    desk.goto(f"{live_server.url}/appointments/{second.pk}/")
    detail = desk.locator("[data-testid=ready-parts-detail]")
    expect(detail).to_contain_text(PurchaseOrder.objects.get(supplier=maker).number)
    expect(desk.locator("[data-testid=readiness] li", has_text="备件已放预约货架")).to_contain_text("晚于预约")
    shot(desk, "supply-7-second-late")
