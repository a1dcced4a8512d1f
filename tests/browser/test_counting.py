"""Issue 19, stock counts (盘点) on the tablet (800×1280): the parts clerk
starts a count of a shelf, counts blind (the system's figure is not shown),
submits; the parts manager reviews the differences valued at average cost
and books them with a reason."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dealership.models import Part, Role
from supply.models import PartSupply, StockCount, StockMove

from ..conftest import Team
from ..factories import PartFactory, StoreFactory
from .conftest import TABLET
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_counts_a_shelf_on_the_tablet_and_the_manager_books_the_differences(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    shelf = {"5Q0698151AD": ("前刹车片(套)", "5", "2000.00", "A-01-1"),
             "04E115561H": ("机油滤清器", "10", "300.00", "A-01-2"),
             "G052195M4": ("机油 5W-30", "20", "1000.00", "A-02-1")}
    for number, (name, on_hand, value, where) in shelf.items():
        unit = "升" if name.startswith("机油 ") else "个"
        part = PartFactory(store=store, number=number, name=name, unit=unit, on_hand=Decimal(on_hand),
                           stock_value=Decimal(value))
        PartSupply.objects.create(store=store, part=part, location=where)

    page = log_in(browser, live_server, team[Role.PARTS_CLERK], TABLET)
    page.goto(f"{live_server.url}/supply/counts/")
    page.fill("#id_location", "A-0")
    with page.expect_navigation():
        page.locator("[data-testid=count-start] button[type=submit]").click()
    lines = page.locator("[data-testid=count-line]")
    expect(lines).to_have_count(3)
    shot(page, "counting-1-tablet-blind")
    count = StockCount.objects.get()
    figures = {"5Q0698151AD": "4", "04E115561H": "10", "G052195M4": "18.5"}
    for number, figure in figures.items():
        row = lines.filter(has_text=number)
        row.locator("[data-testid=counted]").fill(figure)
        row.locator("[data-testid=counted]").press("Enter")
        expect(lines.filter(has_text=number).locator(".text-success")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert sorted(count.lines.values_list("counted", flat=True)) == [Decimal("4"), Decimal("10"), Decimal("18.5")]
    bad = lines.filter(has_text="5Q0698151AD").locator("[data-testid=counted]")
    bad.fill("3.5")  # brake pads are counted in whole sets
    bad.press("Enter")
    expect(lines.filter(has_text="5Q0698151AD").locator(".text-danger")).to_be_visible()
    shot(page, "counting-2-tablet-refused")
    fixed = lines.filter(has_text="5Q0698151AD").locator("[data-testid=counted]")
    fixed.fill("4")
    fixed.press("Enter")
    expect(lines.filter(has_text="5Q0698151AD").locator(".text-success")).to_be_visible()
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.click("[data-testid=submit-count]")
    expect(page.locator("[data-testid=count-status]")).to_contain_text("待审批")
    assert Part.objects.get(number="5Q0698151AD").on_hand == 5  # nothing booked yet

    boss = log_in(browser, live_server, team[Role.PARTS_MANAGER], TABLET)
    boss.goto(f"{live_server.url}/supply/counts/{count.pk}/")
    differences = boss.locator("[data-testid=differences] tbody tr")
    expect(differences).to_have_count(2)
    expect(boss.locator("[data-testid=total]")).to_have_text("-¥475.00")  # -400 pads, -75 oil
    shot(boss, "counting-3-manager-review")
    with boss.expect_navigation():
        boss.locator("[data-testid=approve] button[type=submit]").click()  # no reason: refused
    expect(boss.locator("[data-testid=approve] .invalid-feedback, [data-testid=approve] .alert")).not_to_have_count(0)
    boss.fill("#id_reason", "刹车片一套破损未登记;机油加注未出库")
    with boss.expect_navigation():
        boss.locator("[data-testid=approve] button[type=submit]").click()
    expect(boss.locator("[data-testid=count-status]")).to_contain_text("已入账")
    shot(boss, "counting-4-booked")
    pads, oil = Part.objects.get(number="5Q0698151AD"), Part.objects.get(number="G052195M4")
    assert (pads.on_hand, pads.stock_value) == (4, Decimal("1600.00"))
    assert (oil.on_hand, oil.stock_value) == (Decimal("18.5"), Decimal("925.00"))
    assert StockMove.objects.filter(kind=StockMove.Kind.ADJUST).count() == 2
