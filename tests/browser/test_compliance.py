"""Issue 21 in the browser: the after-sales manager records a spot check on
an order (REP-X4 not kept), asks for a recount, and opens the compliance
page: all 58 must-avoid items are there, the worst five at the top, and a
measured figure (FU-X8) and an audited one (REP-X4) each open the cases
behind them."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dealership.models import Role, WorkOrder
from demo.builder import drive
from followup.models import ComplianceRun, SpotCheckAnswer
from followup.standard import ITEMS

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}
SEEN = "拧紧力矩凭经验,没有查维修手册"


def test_fu_x8_rep_x4_rec_x9_figures_on_the_compliance_page_open_their_cases(browser, live_server, shot):
    """FU-X8 (measured): a car delivered to a customer who takes no messages is a case, one whose customer
    does is not. REP-X4 (audited): counted once the manager's spot check says "not kept". REC-X9 (measured):
    a signed order with no promised time, planted after the spot check's own count, shows once the manager
    presses "count again now"."""
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    catalogue = {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}
    phone_only = VehicleFactory(store=store, plate="粤A10001")
    reachable = VehicleFactory(store=store, plate="粤A10002")
    reachable.customer.consent_to_messages = True
    reachable.customer.save(update_fields=["consent_to_messages"])
    assert phone_only.customer.consent_to_messages is False
    case = drive(new_order(team, phone_only, catalogue), WorkOrder.Status.DELIVERED)
    clean = drive(new_order(team, reachable, catalogue), WorkOrder.Status.DELIVERED)

    # 1. The manager spot-checks the first order from its page: REP-X4 not kept, with what they saw.
    manager = log_in(browser, live_server, team[Role.AFTERSALES_MANAGER], LAPTOP)
    manager.goto(live_server.url + reverse("dealership:order", args=[case.pk]))
    with manager.expect_navigation():
        manager.click(f"#spot-checks a[href='{reverse('followup:spot_check', args=[case.pk])}']")
    manager.check("input[name='answer_REP-X4'][value=not_kept]")
    manager.fill("#id_note_REP-X4", SEEN)
    manager.fill("#id_note", "车间抽查,2号工位")
    shot(manager, "c1-spot-check")
    with manager.expect_navigation():
        manager.click("[data-testid=spot-check] button[type=submit]")
    expect(manager.locator("[data-testid=spot-checks]")).to_contain_text(SEEN)
    assert SpotCheckAnswer.objects.get(spot_check__work_order=case).kept is False
    counted = ComplianceRun.objects.filter(trigger="spot check", finished_at__isnull=False).count()
    assert counted == 1  # the spot check counted the store's month again (Celery runs eagerly in tests)

    # 2. A third order signed without a promised time (the REC-11 guard does not let the desk do it: planted),
    # after that count; the manager's "count again now" brings it in.
    unpromised = drive(new_order(team, VehicleFactory(store=store, plate="粤A10003"), catalogue),
                       WorkOrder.Status.SIGNED)
    WorkOrder.objects.filter(pk=unpromised.pk).update(promised_at=None)
    manager.goto(live_server.url + reverse("followup:compliance"))
    expect(manager.locator("[data-code='REC-X9']")).to_contain_text("(0/2)")
    with manager.expect_navigation():
        manager.click(f"form[action='{reverse('followup:compliance_recount')}'] button[type=submit]")
    assert ComplianceRun.objects.filter(trigger="manager", finished_at__isnull=False).count() == 1

    # 3. The page after the recount: all 58 items, the worst five, the figures.
    codes = manager.locator("td[data-code]").evaluate_all("cells => cells.map(c => c.dataset.code)")
    assert len(ITEMS) == 58
    assert sorted(codes) == sorted(item.code for item in ITEMS)
    expect(manager.locator("[data-code='REC-X9']")).to_contain_text("(1/3)")
    expect(manager.locator("[data-code='FU-X8']")).to_contain_text("50.0% (1/2)")
    expect(manager.locator("[data-code='REP-X4']")).to_contain_text("100.0% (1/1)")
    worst = manager.locator("[data-testid=worst] li")
    expect(worst.first).to_be_visible()
    assert worst.count() <= 5
    for code in ("FU-X8", "REP-X4", "REC-X9"):
        expect(manager.locator("[data-testid=worst]")).to_contain_text(code)
    shot(manager, "c2-compliance")

    # 4. The measured figure opens the cases behind it: the phone-only customer's order, not the other.
    with manager.expect_navigation():
        manager.click("[data-code='FU-X8'] a")
    assert reverse("followup:compliance_cases", args=["FU-X8"]) in manager.url
    cases = manager.locator("[data-testid=cases]")
    expect(cases).to_contain_text(case.number)
    expect(cases).not_to_contain_text(clean.number)
    shot(manager, "c3-cases-fu-x8")

    # 5. Back on the page, the audited figure opens the spot check with what the manager saw.
    with manager.expect_navigation():
        manager.click("main a[href$='#FU-X8']")  # back to process compliance, at the row
    with manager.expect_navigation():
        manager.click("[data-code='REP-X4'] a")
    assert reverse("followup:compliance_cases", args=["REP-X4"]) in manager.url
    cases = manager.locator("[data-testid=cases]")
    expect(cases).to_contain_text(SEEN)
    expect(cases).to_contain_text(case.number)
    shot(manager, "c4-cases-rep-x4")
