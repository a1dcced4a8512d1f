"""Store isolation beyond the URL (issue 10): staff of one store cannot reach
another store's records through a form field, a filter or an export.

Two stores of one group, each with a record of every kind (tests/cases.py).
The URL matrix (tests/test_access.py) already proves that a record of the
other store named in a URL is a 404. Here:

- every form of the system (found by the crawler, tests/security/crawled/crawl.py) is
  posted by store A's staff with each record-id field replaced by the ids of
  store B's records; afterwards no row of the database may point across stores
  (an order of A with B's advisor, a job of A assigned to B's technician, a
  payment of A on B's order…), and the answer shows nothing of B;
- every page, filter and export is read by store A's staff with each of its
  filters (and the common parameter names) set to B's ids, plates and order
  numbers: nothing of B's appears (PDFs read as text)."""

import functools
import io
import re
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.apps import apps
from django.db.models import F, ForeignKey, ManyToManyField
from django.urls import resolve
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from dealership.models import Role, StaffRole, Store, User, Vehicle, WorkOrder

from ...cases import PROJECT_APPS
from ...conftest import Team
from ..test_fuzz import PARAMS
from .crawl import page_forms
from .test_forms import declared_forms


def store_path(model) -> str | None:
    """How a row of `model` reaches its store: its own `store`, or through a
    required link to a model that has one (a line through its order)."""
    fields = {f.name: f for f in model._meta.get_fields()}
    if isinstance(fields.get("store"), ForeignKey) and fields["store"].related_model is Store:
        return "store"
    for f in model._meta.fields:
        if isinstance(f, ForeignKey) and not f.null and f.related_model is not Store:
            target = {g.name: g for g in f.related_model._meta.get_fields()}.get("store")
            if isinstance(target, ForeignKey) and target.related_model is Store:
                return f"{f.name}__store"
    return None


def cross_store_references() -> list[str]:
    """Every link from a row of one store to a row of another store."""
    found = []
    for model in apps.get_models():
        own = store_path(model)
        if model._meta.app_label not in PROJECT_APPS or own is None:
            continue
        for f in [*model._meta.fields, *model._meta.many_to_many]:
            if not isinstance(f, ForeignKey | ManyToManyField) or f.related_model in (Store,) or f.name == "store":
                continue
            theirs = store_path(f.related_model)
            if theirs is None:
                continue
            other = f"{f.name}__{theirs}"
            rows = (model._default_manager.filter(**{f"{own}__isnull": False, f"{other}__isnull": False})
                    .exclude(**{own: F(other)}).values_list("pk", flat=True)[:5])
            if rows:
                found.append(f"{model.__name__}.{f.name}: rows {list(rows)} point at another store")
    return found


def markers(store) -> set[str]:
    """Strings that belong to `store` only: its order numbers and plates, the
    walk-in's plate and the booking request's mobile (tests/cases.py)."""
    return ({n for n in WorkOrder.objects.filter(store=store).values_list("number", flat=True)}
            | {p for p in Vehicle.objects.filter(store=store).values_list("plate", flat=True)} | {"粤Z99999", "13799999999"})


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        return xlsx_text(content)  # a zip: its text is compressed
    if response.get("Content-Type", "").startswith("application/pdf") and content.startswith(b"%PDF"):
        try:
            return pdf_text(content)
        except PdfReadError:  # a file stored as a PDF that is not one (the test's monthly report)
            pass
    return content.decode(errors="replace")


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)


@functools.lru_cache(maxsize=32)
def pdf_text(content: bytes) -> str:
    """Read once for the same bytes: the month's report, asked for with each of store B's ids in every
    parameter, is mostly the same document, and reading it takes half as long as rendering it."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def references(neighbour: Team, records: dict) -> list[str]:
    """The ids a field or filter of store A could be given to name store B's
    records: one record of each kind (tests/cases.py), its staff, its catalogue
    and the store itself."""
    from dealership.models import LabourOperation, Part

    ids = {pk for key, pk in records.items() if isinstance(pk, int)} | set(records.get("orders", []))
    ids |= {user.pk for user in neighbour.people.values()} | {neighbour.store.pk}
    ids |= set(Part.objects.filter(store=neighbour.store).values_list("pk", flat=True)[:1])
    ids |= set(LabourOperation.objects.filter(store=neighbour.store).values_list("pk", flat=True)[:1])
    return [str(pk) for pk in sorted(ids)]


@pytest.fixture
def two_stores(crawled, crawler):
    """Store A's crawler, store B and the ids of B's records (built once for the folder, conftest.py)."""
    return crawler, crawled.neighbour, crawled.references


def leaked(response, theirs: set[str]) -> set[str]:
    if response.status_code != 200:
        return set()
    body = text_of(response)
    return {m for m in theirs if m in body}


def store_models():
    return [(m, store_path(m)) for m in apps.get_models()
            if m._meta.app_label in PROJECT_APPS and store_path(m) is not None]


def ids_to_try(offered: list[str], store, neighbour, references: list[str]) -> list[str]:
    """For a field whose page offers record ids (a select of advisors, a
    hidden order id): records of the other store of each kind the
    offered ids can be (of its staff, everyone in the roles offered). For a field the page offers nothing for: every
    reference of the other store."""
    pks = {int(v) for v in offered if re.fullmatch(r"\d{1,18}", v)}
    if not any(offered):
        return references
    if not pks:  # a date, a status, a search: not a record
        return []
    out = set()
    for model, path in store_models():
        ours = model._default_manager.filter(pk__in=pks, **{path: store})
        if ours.count() != len(pks):
            continue
        theirs = model._default_manager.filter(**{path: neighbour})
        if model is User:  # its staff in the same roles (a technician is refused where a cashier is)
            theirs = theirs.filter(staff_roles__role__in=StaffRole.objects.filter(user__in=ours).values("role"))
        out.update(theirs.values_list("pk", flat=True)[:1 if model is not User else 20])
    return [str(pk) for pk in sorted(out)]


def test_no_form_field_filter_page_or_export_reaches_another_stores_record(two_stores):
    """One test for both: the reads come after the posts, so a record of
    store B that a post slipped into store A's data is looked for on the
    pages too."""
    forms = no_form_field_reaches_another_stores_record(*two_stores)
    pages = no_filter_page_or_export_shows_another_stores_record(*two_stores)
    assert forms > 500 and pages > 800  # posts and reads made


def no_form_field_reaches_another_stores_record(crawler, neighbour, ids) -> int:
    theirs = markers(neighbour)
    forms = {**declared_forms(crawler.records), **crawler.forms()}
    views = {name: view for name, view, _ in crawler.views()}
    problems = []
    tried = 0
    for name, form in sorted(forms.items()):
        client = crawler.client(next((r for r in sorted(views[name].allowed_roles) if r in crawler.team.people),
                                     Role.GROUP_MANAGER))  # moving staff: only the group's manager
        base = form.defaults()
        record_fields = [f for f, values in form.fields.items()
                         if not values or any(re.fullmatch(r"\d+", v) for v in values)]
        tries = [base]  # as the page offers it: a record of the other store among the choices is caught here
        for field in record_fields:
            tries += [{**base, field: pk} for pk in ids_to_try(form.fields[field], crawler.team.store, neighbour, ids)]
        for data in tries:
            response = client.post(form.action, data)
            tried += 1
            if response.status_code >= 500:
                problems.append(f"{name} {data}: {response.status_code}")
            if leaked(response, theirs):
                problems.append(f"{name} {data} shows {leaked(response, theirs)}")
        problems += [f"after {name}: {p}" for p in cross_store_references()]
        if problems:
            break
    assert "\n".join(problems) == ""
    return tried  # every record field of every form, with ids of the other store


def filters_by_page(pages) -> dict[str, dict[str, set[str]]]:
    """The query parameters each page is given somewhere, with the values
    given: by the links to it on every page (`?request=12` on the booking
    requests list leads to the booking screen) and by the filter forms that
    submit to it."""
    found: dict[str, dict[str, set[str]]] = {}
    for _role, url, response in pages:
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for href in re.findall(r'href="([^"]+)"', html):
            target = urlsplit(urljoin(url, unescape(href)))
            for name, values in parse_qs(target.query, keep_blank_values=True).items():
                found.setdefault(target.path, {}).setdefault(name, set()).update(values)
        for form in page_forms(html, url):
            if form.method == "get":
                for name, values in form.fields.items():
                    found.setdefault(form.action, {}).setdefault(name, set()).update(values)
    return found


def no_filter_page_or_export_shows_another_stores_record(crawler, neighbour, ids) -> int:
    """Each filter a page is given gets the other store's records of the kind
    its values name (and its plates, numbers, mobile); each list page and
    export also gets every reference of the other store in every common
    parameter at once."""
    theirs = markers(neighbour)
    order = WorkOrder.objects.filter(store=neighbour).first()
    texts = ["粤Z99999", "13799999999", order.number, order.vehicle.plate]
    pages = list(crawler.pages(every_role=False, every_order=False))
    given = filters_by_page(pages)
    problems = []
    tried = 0
    for role, url, _response in pages:
        own = given.get(urlsplit(url).path, {})
        client = crawler.client(role)
        tries = []
        if resolve(urlsplit(url).path).kwargs == {}:  # a list, a figure or an export
            tries += [{f: value for f in [*PARAMS, *own]} for value in [*ids, *texts]]
        for f, values in sorted(own.items()):
            tries += [{f: value} for value in [*ids_to_try(sorted(values), crawler.team.store, neighbour, ids), *texts]]
        for query in tries:
            answer = client.get(url, query)
            tried += 1
            others = theirs - set(query.values())  # what was typed may be shown back (the search box keeps it)
            problems += [f"{url}?{query} as {role}: shows {m}" for m in leaked(answer, others)]
    assert "\n".join(problems) == ""
    return tried
