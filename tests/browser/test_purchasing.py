"""Issue 19 in the browser: the parts clerk opens the purchase suggestions, sees a part short of its minimum
stock and a part a booked appointment needs tomorrow that the supplier's lead time cannot bring in time (APT-X7,
in red), creates the order from the suggestions, sends it, and opens the printed order (the PDF its print link serves)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealership.models import Role
from supply import demand
from supply.demand import Need, Source
from supply.models import PurchaseOrder
from supply.suppliers import part_supply_save, supplier_save

from ..factories import PartFactory, StoreFactory, staff
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_orders_what_the_suggestions_show_and_prints_the_order(browser, live_server, shot, monkeypatch):
    store = StoreFactory(name="天河4S店")
    clerk = staff(Role.PARTS_CLERK, store, display_name="王备件")
    maker = supplier_save(actor=clerk, store=store, name="一汽大众备件中心", lead_days=2)
    oil_filter = PartFactory(store=store, name="机油滤清器", on_hand=Decimal(1), stock_value=Decimal(40))
    part_supply_save(actor=clerk, part=oil_filter, supplier=maker, location="A-01-2", min_stock=4,
                     order_quantity=10)
    pads = PartFactory(store=store, name="前刹车片(套)", on_hand=Decimal(0), stock_value=Decimal(0))
    tomorrow = timezone.localdate() + timedelta(days=1)
    # an appointment's short part (APT-X7), as stage 1's source lists it
    monkeypatch.setitem(demand._SOURCES, "test-appointment", Source(
        "test-appointment", "预约", lambda store_id, part_ids: [
            Need("test-appointment", 1, store.pk, pads.pk, Decimal(1), tomorrow, "预约 粤A12345 09:00")]))

    page = log_in(browser, live_server, clerk, DESKTOP)
    page.goto(f"{live_server.url}/supply/suggestions/")
    group = page.locator("[data-testid=suggestion-group]")
    expect(group).to_contain_text("一汽大众备件中心")
    expect(group).to_contain_text("机油滤清器")
    late = page.locator("[data-testid=suggestion-line]", has_text="前刹车片")
    expect(late).to_contain_text("来不及")
    expect(late).to_contain_text("预约 粤A12345 09:00")
    shot(page, "purchasing-suggestions")

    with page.expect_navigation():
        group.locator("[data-testid=suggestion-order]").click()
    expect(page.locator("[data-testid=order-status]")).to_contain_text("草稿")
    expect(page.locator("[data-testid=order-lines]")).to_contain_text("预约 粤A12345 09:00")
    shot(page, "purchasing-draft")
    with page.expect_navigation():
        page.click("[data-testid=order-send]")
    expect(page.locator("[data-testid=order-status]")).to_contain_text("已发送")
    shot(page, "purchasing-sent")

    po = PurchaseOrder.objects.get(store=store)
    assert po.status == "sent" and po.expected_on == timezone.localdate() + timedelta(days=2)
    assert sorted((line.part.name, line.quantity) for line in po.lines.select_related("part")) == [
        ("前刹车片(套)", 1), ("机油滤清器", 10)]
    href = page.locator("[data-testid=order-pdf]").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF")

    page.goto(f"{live_server.url}/supply/orders/")
    expect(page.locator("[data-testid=order-list]")).to_contain_text(po.number)
    shot(page, "purchasing-orders")
