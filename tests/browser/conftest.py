"""Browser tests drive Debian's Chromium through Playwright (no browser
download). Without Chromium they are skipped on a laptop; CI sets
REQUIRE_BROWSER=1, so there a missing browser fails instead."""

import os
import shutil
import time
from pathlib import Path

import pytest

from . import pagechecks

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-dev-shm-usage"]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
SCREENSHOTS = RESULTS / "screenshots"
DESKTOP = {"width": 1440, "height": 900}
TABLET = {"width": 800, "height": 1280}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    available = Path(CHROMIUM).exists() or shutil.which("chromium")
    for item in items:
        if "browser" in str(item.fspath) and "browser" not in item.keywords:
            item.add_marker(pytest.mark.browser)
    if available:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium); CI runs these")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def server_tap(live_server):
    return pagechecks.LiveServerTap(live_server)


@pytest.fixture(scope="session")
def axe_script():
    return pagechecks.axe_source()


@pytest.fixture(scope="session")
def nu_checker():
    checker = pagechecks.NuChecker()
    yield checker
    checker.close()


@pytest.fixture(autouse=True)
def page_checks(request, monkeypatch):
    """Every page a browser test visits is checked with axe and the Nu HTML
    Checker (tests/browser/pagechecks.py); the test fails on what they find."""
    if "browser" not in request.fixturenames or "live_server" not in request.fixturenames:
        yield None
        return
    browser, tap, script, nu = (request.getfixturevalue(n) for n in ("browser", "server_tap", "axe_script", "nu_checker"))
    recorder, contexts, new_context = pagechecks.Recorder(), [], browser.new_context

    def watched_context(**kwargs):
        context = new_context(**pagechecks.context_options(kwargs))
        pagechecks.watch_context(context, recorder, script)
        contexts.append(context)
        return context

    def watched_page(**kwargs):
        return watched_context(**kwargs).new_page()

    monkeypatch.setattr(browser, "new_context", watched_context)
    monkeypatch.setattr(browser, "new_page", watched_page)
    tap.recorder = recorder

    def verify() -> None:
        started = time.monotonic()
        pagechecks.finish_open_pages(contexts)
        tap.recorder = None
        in_page = sum(1 for s in recorder.served if s.checked and not s.fragment)
        pagechecks.replay_unchecked(new_context, request.getfixturevalue("live_server").url, recorder, script)
        replayed = time.monotonic()
        problems = recorder.findings + pagechecks.check_markup(recorder, nu, RESULTS / "markup" / request.node.name)
        documents = sum(1 for s in recorder.served if not s.fragment)
        print(f"page checks: {documents} documents and {len(recorder.served) - documents} htmx fragments;"
              f" axe in the page on {in_page} documents, finishing and loading again the others"
              f" {replayed - started:.1f} s; Nu HTML Checker {time.monotonic() - replayed:.1f} s")
        if problems:
            raise AssertionError("pages the test visited:\n" + "\n".join(dict.fromkeys(problems)))

    yield verify
    tap.recorder = None
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Checks the visited pages once the test itself has passed, as part of the test."""
    result = yield
    verify = getattr(item, "funcargs", {}).get("page_checks")
    if verify is not None:
        verify()
    return result


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


def draw_signature(page, selector: str) -> None:
    """Sign on a signature pad with the mouse (pointer events, as a finger would)."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + i * box["width"] / 14, y + (18 if i % 2 else -18), steps=4)
    page.mouse.up()


def answer_checklist(page, result: str = "ok") -> None:
    for radio in page.locator(f"[data-testid=walkaround-checklist] input[value={result}]").all():
        radio.check()


WEAR = {"tyre_fl": "6.5", "tyre_fr": "6.4", "tyre_rl": "7.0", "tyre_rr": "7.1", "pads_front": "9", "pads_rear": "8"}


def qc_answer(page, result: str = "pass", fail_first: bool = False) -> None:
    """The inspector answers every check on the tablet (the radios are big toggle buttons)."""
    rows = page.locator("[data-testid=qc-check]").all()
    for i, row in enumerate(rows):
        value = "fail" if fail_first and i == 0 else result
        row.locator(f"label[for$='_{value}']").click()
    for item, value in WEAR.items():
        page.fill(f"#id_wear_{item}", value)
