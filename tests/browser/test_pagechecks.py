"""The checks every browser test gets (pagechecks.py) find what they are for:
axe's serious findings on a page the browser shows, also on one the test left
before axe was done, and the Nu HTML Checker's errors with where they are."""

from . import pagechecks
from .conftest import DESKTOP

BAD_PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bad</title></head>
<body><main><p style="color: #aaa; background: #fff">Hard to read</p>
<svg role="img" width="20" height="20"><rect width="20" height="20"/></svg></main></body></html>"""


def serve(context, url: str, body: bytes) -> None:
    context.route(url, lambda route: route.fulfill(status=200, body=body, content_type="text/html; charset=utf-8"))


def test_axe_reports_a_pages_serious_findings(browser, axe_script):
    recorder = pagechecks.Recorder()
    context = browser.new_context(**pagechecks.context_options({"viewport": DESKTOP}))
    pagechecks.watch_context(context, recorder, axe_script)
    serve(context, "http://pagecheck.test/bad/", BAD_PAGE)
    page = context.new_page()
    page.goto("http://pagecheck.test/bad/")
    pagechecks.finish_open_pages([context])
    context.close()
    found = "\n".join(recorder.findings)
    assert "axe serious color-contrast" in found and "axe serious svg-img-alt" in found and "/bad/" in found


def test_a_page_left_before_axe_was_done_is_checked_again_from_its_html(browser, axe_script):
    recorder = pagechecks.Recorder()
    recorder.record(url="/left/", status=200, body=BAD_PAGE, fragment=False, viewport="800x1280")
    pagechecks.replay_unchecked(browser.new_context, "http://pagecheck.test", recorder, axe_script)
    assert recorder.served[0].checked
    assert any("color-contrast" in f and "/left/" in f for f in recorder.findings)


def test_the_nu_checker_gives_each_error_with_its_page_and_line(nu_checker, tmp_path):
    recorder = pagechecks.Recorder()
    recorder.record(url="/page/", status=200, fragment=False, viewport="", body=(
        b'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>t</title></head><body>\n'
        b'<div id="a" hx-get="/x/"></div>\n<div id="a"></div></body></html>'))
    recorder.record(url="/rows/", status=200, fragment=True, viewport="", body=b'<tr><td colspan="2">x</td></tr>')
    problems = pagechecks.check_markup(recorder, nu_checker, tmp_path / "markup")
    assert any("“hx-get” not allowed" in p and "on /page/ line 2" in p for p in problems)
    assert any("Duplicate ID “a”" in p and "on /page/ line 3" in p for p in problems)
    assert any("Table column 2" in p and "/rows/ (htmx fragment) line 1" in p for p in problems)
