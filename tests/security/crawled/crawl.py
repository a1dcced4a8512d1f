"""Walk every page of the system as each role that may see it, and read the
forms on it: which URL each form posts to and which fields it sends, with the
values the page offers (options, hidden values, buttons). The form tests fuzz
what this finds, so a new form is fuzzed without being listed anywhere."""

import copy
import inspect
import re
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from dealership.models import Role

from ...cases import ARGS, PUBLIC, SESSION_ENDING, URLS, url_for
from ...conftest import login
from ...factories import UserFactory


@dataclass
class Form:
    action: str  # a path
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the values the page offers
    files: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type, "select" or "textarea"
    unbounded: set[str] = field(default_factory=set)  # text boxes without a maxlength (issue 16)

    def offer(self, name: str, value: str) -> None:
        values = self.fields.setdefault(name, [])
        if value not in values:
            values.append(value)

    def defaults(self) -> dict[str, str]:
        """What a person would send: the first real choice of each list, and
        something plausible in each empty box, so that a post gets past the
        form to the service behind it."""
        out = {}
        for name, values in self.fields.items():
            chosen = next((v for v in values if v), "")
            out[name] = chosen or PLAUSIBLE.get(self.kinds.get(name, "text"), "")
        return out

    @property
    def view_name(self) -> str | None:
        try:
            return resolve(self.action).view_name
        except Resolver404:
            return None


PLAUSIBLE = {
    "text": "测试", "textarea": "客户说明的情况", "number": "1", "date": (timezone.localdate() + timedelta(days=7)).isoformat(),
    "datetime-local": f"{timezone.localdate() + timedelta(days=7)}T10:00", "time": "10:00", "tel": "13800138000",
    "email": "test@example.cn", "search": "粤A12345",
}


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urlsplit(urljoin(self.page, a.get("action") or self.page))
            self.form = Form(action=action.path, method=(a.get("method") or "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        if tag == "option" and self.select:
            self.form.offer(self.select, a.get("value") or "")
            return
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            self.form.kinds.setdefault(name, kind)
            if kind == "file":
                self.form.files.add(name)
            elif kind in ("checkbox", "radio"):
                self.form.offer(name, a.get("value") or "on")
            else:
                self.form.offer(name, a.get("value") or "")
        elif tag == "button":
            self.form.offer(name, a.get("value") or "")
        elif tag == "select":
            self.form.kinds.setdefault(name, "select")
            self.select = name
            self.form.fields.setdefault(name, [])
        elif tag == "textarea":
            self.form.kinds.setdefault(name, "textarea")
            self.form.offer(name, "")
            if not a.get("maxlength"):
                self.form.unbounded.add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def page_forms(html: str, page: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def page_links(html: str) -> set[str]:
    """The project's own pages a page links to (not static files, downloads of
    uploads, or anchors)."""
    hrefs = {unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="(/[^"#]*)', html)}
    return {h for h in hrefs if not h.startswith(("/static/", "/media/"))}


def role_for(view) -> str:
    """The first role (not the group manager, unless only they may: moving staff between stores) that may use a
    view."""
    return next((r for r in Role.values if r in view.allowed_roles and r != Role.GROUP_MANAGER), Role.GROUP_MANAGER)


class Crawler:
    """Every signed-in page of the project, as every role that may use it."""

    def __init__(self, team, records, found: dict[str, Form] | None = None):
        self.team = team
        self.records = records
        self.clients: dict[str, Client] = {}
        self.found = found  # the forms of an earlier walk of the same records (conftest.py)
        self.links: set[tuple[str, str, str]] = set()  # (role, page, href) of every link the walk saw

    def client(self, role: str) -> Client:
        if role not in self.clients:
            person = (UserFactory(store=None, group=self.team.store.group, roles=[role])
                      if role == Role.GROUP_MANAGER else self.team[role])  # a team has none: the group's
            client = login(person)
            client.raise_request_exception = False  # a 500 is an answer to report, with what was sent
            self.clients[role] = client
        return self.clients[role]

    def views(self, every_order: bool = True):
        """(name, view, url) of every signed-in view; a view of one order once
        for each order of `records["orders"]` too (unless not `every_order`)."""
        for name, view in URLS:
            if name in PUBLIC or name in SESSION_ENDING:
                continue
            yield name, view, url_for(name, self.records)
            if every_order and ARGS.get(name) == ["order"]:
                for pk in self.records.get("orders", []):
                    yield name, view, url_for(name, {**self.records, "order": pk})

    def pages(self, every_role: bool = True, every_order: bool = True):
        """(role, url, response) of every page each allowed role (or only the
        first) can GET. A view that answered with a document (a PDF, a
        download) is fetched once only: it holds no form."""
        documents = set()
        for name, view, url in self.views(every_order):
            if name in documents:
                continue
            roles = sorted(view.allowed_roles - {Role.GROUP_MANAGER}) if every_role else [role_for(view)]
            for role in roles:
                response = self.client(role).get(url)
                if response.status_code == 405:
                    break
                yield role, url, response
                if response.status_code == 200 and "html" not in response.get("Content-Type", ""):
                    documents.add(name)
                    break

    def forms(self) -> dict[str, Form]:
        """The POST forms found on every page, one per view they post to
        (fields offered by several pages are merged); walked once."""
        if self.found is None:
            self.found = self.walk_forms()
        return copy.deepcopy(self.found)

    def walk_forms(self) -> dict[str, Form]:
        found: dict[str, Form] = {}
        for role, url, response in self.pages():
            if "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            self.links |= {(role, url, href) for href in page_links(html)}
            for form in page_forms(html, url):
                name = form.view_name
                if form.method != "post" or name is None or name in PUBLIC or name in SESSION_ENDING:
                    continue
                known = found.setdefault(name, Form(action=form.action, method="post"))
                for field_name, values in form.fields.items():
                    for value in values:
                        known.offer(field_name, value)
                    known.fields.setdefault(field_name, [])
                known.files |= form.files
                known.unbounded |= form.unbounded
                known.kinds = {**form.kinds, **known.kinds}
        return found



def takes_post(view) -> bool:
    """A view that reads a POST: `require_POST`, `request.method == "POST"`
    or `request.POST` in its source."""
    return "POST" in inspect.getsource(inspect.unwrap(view))
