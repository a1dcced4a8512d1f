"""REC-11, REC-12 on the tablet: a signing refused for a missing delivery
time keeps both drawn signatures on their pads and says why once; once the
time is agreed, the same drawings sign the order without drawing again."""

import re

import pytest
from playwright.sync_api import expect

from dealership.models import Role, WorkOrder
from reception.models import Signature

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from ..reception.test_signing import prepare
from .conftest import TABLET, draw_signature
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INK = """(selector) => {
  const canvas = document.querySelector(selector);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 32) { ink += 1; } }
  return ink;
}"""
CUSTOMER, ADVISOR = "canvas[data-signature-for=id_customer_signature]", "canvas[data-signature-for=id_advisor_signature]"


def test_rec12_a_refused_signing_keeps_both_signatures_on_the_pads(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    catalogue = {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}
    order = prepare(new_order(team, VehicleFactory(store=store), catalogue), team[Role.SERVICE_ADVISOR], promised=False)

    page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR], TABLET)
    page.goto(f"{live_server.url}/reception/orders/{order.pk}/")
    page.check("#id_explained")
    draw_signature(page, CUSTOMER)
    draw_signature(page, ADVISOR)
    drawn = (page.evaluate(INK, CUSTOMER), page.evaluate(INK, ADVISOR))
    assert min(drawn) > 100
    page.click("form[action$='/sign/'] button[type=submit]")
    expect(page.locator("[data-testid=sign-errors]")).to_be_visible()

    # the refusal once (in the list of what is missing), the drawings still on the pads
    expect(page.locator("#section-sign")).to_contain_text("REC-11")
    assert len(re.findall(r"\(REC-11\)", page.locator("#section-sign").inner_text())) == 1
    expect(page.locator("#id_customer_signature")).to_have_value(re.compile(r"^data:image/png;base64,"))
    expect(page.locator("#id_advisor_signature")).to_have_value(re.compile(r"^data:image/png;base64,"))
    page.wait_for_function(f"() => ({INK})({CUSTOMER!r}) > 100 && ({INK})({ADVISOR!r}) > 100")
    page.locator("#section-sign").scroll_into_view_if_needed()
    shot(page, "signing-refused-signatures-kept")

    # the delivery time is agreed; the same drawings sign the order
    page.click("#section-details [data-fill-target]")
    page.click("form[action$='/details/'] button[type=submit]")
    expect(page.locator("#section-details [role=status]")).to_be_visible()
    expect(page.locator("[data-testid=missing]")).to_have_count(0)
    page.click("form[action$='/sign/'] button[type=submit]")
    page.wait_for_selector("a[href$='/print/?copy=customer']")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.SIGNED
    assert Signature.objects.filter(work_order=order).count() == 2
