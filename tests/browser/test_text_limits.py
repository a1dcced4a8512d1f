"""Issue 16 on the tablet: under a box with a limit, the characters left,
counted as one types; a text longer than the limit sent anyway comes back
refused, still in the box, and the counter says by how much it is over."""

import pytest
from playwright.sync_api import expect

from dealership.models import Role
from dealership.textlimits import DESCRIPTION

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from .conftest import TABLET
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rec4_the_description_box_counts_the_characters_left(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    order = new_order(team, VehicleFactory(store=store),
                      {"labour": LabourFactory(store=store), "part": PartFactory(store=store)})
    page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR], TABLET)
    page.goto(f"{live_server.url}/reception/orders/{order.pk}/")

    box = page.locator("#id_customer_words")
    counter = page.locator("#id_customer_words-left")
    expect(box).to_have_attribute("maxlength", str(DESCRIPTION))
    expect(counter).to_contain_text(str(DESCRIPTION - len("刹车有异响")))  # what is saved already counts
    box.fill("刹车异响，\n冷车时更明显")
    expect(counter).to_contain_text(str(DESCRIPTION - len("刹车异响，\n冷车时更明显")))
    box.fill("")
    box.press_sequentially("x" * 5)
    expect(counter).to_contain_text(str(DESCRIPTION - 5))

    # a box filled beyond its limit by a script (or an old browser) is refused by the server
    box.evaluate("(el, n) => { el.value = '长'.repeat(n); }", DESCRIPTION + 300)
    page.click("form[action$='/details/'] button[type=submit]")
    expect(page.locator("#section-details .invalid-feedback")).to_contain_text(str(DESCRIPTION))
    expect(page.locator("#id_customer_words-left")).to_contain_text("300")
    expect(page.locator("#id_customer_words-left")).to_have_class("form-text text-end text-limit text-danger")
    shot(page, "text_limit_refused")
    order.refresh_from_db()
    assert order.customer_words == "刹车有异响"

    # a paste longer than the room left is cut by the browser at the limit: the counter says how much was left out
    box = page.locator("#id_customer_words")
    box.fill("刹车")
    box.evaluate("""(el, n) => {
        const data = new DataTransfer();
        data.setData('text/plain', '长'.repeat(n));
        el.focus();
        el.setSelectionRange(el.value.length, el.value.length);
        el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", DESCRIPTION + 500)
    expect(page.locator("#id_customer_words-left")).to_contain_text(str(500 + len("刹车")))
    expect(page.locator("#id_customer_words-left")).to_contain_text("粘贴")
