"""The header as people meet it: on a 1366 px laptop it is one row for every
role, with no word broken across two lines; on the workshop's and QC's
800×1280 tablets it stays touch-friendly; the keyboard finds a skip link
first and sees where it is everywhere, also in the dark header."""

import pytest
from django.conf import settings

from dealership.models import Role

from ..conftest import Team, login
from ..factories import StoreFactory, UserFactory
from .conftest import TABLET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1366, "height": 768}

# Where each item of the header sits and on how many lines its words are drawn.
MEASURE = """() => {
  const nav = document.querySelector("nav.navbar");
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const items = [...nav.querySelectorAll(".navbar-brand, .nav-link, .btn, .navbar-text")].filter(shown);
  const lines = (e) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0).sort((a, b) => a.top - b.top);
    let count = 0, bottom = -Infinity;  // a rect starting below the last line's bottom starts a new line
    for (const r of rects) { if (r.top >= bottom - 1) { count++; bottom = r.bottom; } else { bottom = Math.max(bottom, r.bottom); } }
    return count;
  };
  return {height: nav.getBoundingClientRect().height, overflow: document.documentElement.scrollWidth - innerWidth,
          items: items.map((e) => ({text: e.innerText.trim(), lines: lines(e),
                                    middle: Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)}))};
}"""

# The focused element's ring, and its contrast with what is drawn just outside each side of it
# (WCAG 1.4.11 asks 3:1): most sides must stand out (a button in a group has a light neighbour).
FOCUS_RING = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      v = Number(v) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const backdrop = (x, y) => {
    const under = document.elementsFromPoint(x, y).find((o) => o !== e && !e.contains(o)) || document.body;
    for (let p = under; p; p = p.parentElement) {
      const c = getComputedStyle(p).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(c) && c !== "transparent") { return c; }
    }
    return "rgb(255, 255, 255)";
  };
  const ratio = (a, b) => { const [l, d] = [luminance(a), luminance(b)].sort((m, n) => n - m); return (l + 0.05) / (d + 0.05); };
  const box = e.getBoundingClientRect(), mx = box.left + box.width / 2, my = box.top + box.height / 2;
  const sides = [[box.left - 4, my], [box.right + 4, my], [mx, box.top - 4], [mx, box.bottom + 4]]
    .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight)
    .map(([x, y]) => ratio(s.outlineColor, backdrop(x, y)));
  return {what: e.outerHTML.slice(0, 80), style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          sides, standing_out: sides.filter((r) => r >= 3).length > sides.length / 2, dark: !!e.closest(".navbar"),
          browsers_own: !e.matches(":focus")};  // on a part the browser draws (a date input's calendar button)
}"""


def everyone(store):
    people = dict(Team(store).people)
    people[Role.GROUP_MANAGER] = UserFactory(store=None, group=store.group, roles=[Role.GROUP_MANAGER])
    for user in people.values():
        user.display_name = "欧阳晓明"  # a long name, as some are
        user.save()
    return people


def sign_in(context, live_server, user, language: str = "zh-hans") -> None:
    """A session as the login page gives it, without going through it once per role."""
    session = login(user).cookies[settings.SESSION_COOKIE_NAME].value
    context.clear_cookies()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
                         {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


def test_the_header_is_one_row_at_1366_px_for_every_role(browser, live_server, shot):
    store = StoreFactory(name="广州天河4S店")
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    problems = []
    people = everyone(store)
    # every role in Chinese, the default; in English (longer words) the roles with the most links
    for role, language in [*((role, "zh-hans") for role in people), (Role.AFTERSALES_MANAGER, "en"),
                           (Role.GROUP_MANAGER, "en"), (Role.SERVICE_ADVISOR, "en")]:
        sign_in(context, live_server, people[role], language)
        page.goto(f"{live_server.url}/")
        header = page.evaluate(MEASURE)
        role = f"{role} ({language})"
        middles = [item["middle"] for item in header["items"]]
        if max(middles) - min(middles) > 4 or header["height"] > 64:
            problems.append(f"{role}: the header is {header['height']:.0f} px high, items at {sorted(set(middles))}")
        problems += [f"{role}: “{item['text']}” is broken over {item['lines']} lines"
                     for item in header["items"] if item["lines"] > 1]
        if header["overflow"] > 0:
            problems.append(f"{role}: the page is {header['overflow']} px wider than the window")
        if role == f"{Role.AFTERSALES_MANAGER} (zh-hans)":
            shot(page, "header-manager-1366")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.QC_INSPECTOR])
def test_the_header_stays_touch_friendly_on_the_tablet(browser, live_server, role):
    user = everyone(StoreFactory())[role]
    context = browser.new_context(viewport=TABLET, locale="zh-CN")
    page = context.new_page()
    sign_in(context, live_server, user)
    page.goto(f"{live_server.url}/")
    toggler = page.locator("nav.navbar .navbar-toggler")
    box = toggler.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    toggler.click()
    page.locator("#mainnav.show").wait_for()
    targets = page.locator("#mainnav").locator(".nav-link, .btn").all()
    assert targets and all(t.bounding_box()["height"] >= 44 for t in targets if t.is_visible())
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    small = page.evaluate("""() => [...document.querySelectorAll("main .btn, main .form-control, main .form-select")]
      .filter((e) => e.getClientRects().length && e.getBoundingClientRect().height < 44).map((e) => e.outerHTML.slice(0, 80))""")
    assert small == []


def test_a_skip_link_comes_first_and_focus_is_visible_everywhere(browser, live_server, shot):
    store = StoreFactory()
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    sign_in(context, live_server, everyone(store)[Role.AFTERSALES_MANAGER])
    page.goto(f"{live_server.url}/followup/overview/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "跳到正文" and skip.get_attribute("href") == "#main"
    box = skip.bounding_box()
    assert box["width"] > 40 and box["height"] > 20 and box["y"] >= 0  # shown once focused
    shot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab through the header and into the page: every stop shows a ring that stands out from what is behind it.
    page.reload()
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUS_RING))
    assert any(stop["dark"] for stop in seen) and any(not stop["dark"] for stop in seen)
    invisible = [stop for stop in seen if not stop["browsers_own"]
                 and (stop["style"] in ("none", "hidden") or stop["width"] < 2 or not stop["standing_out"])]
    assert not invisible, "\n".join(str(stop) for stop in invisible)
