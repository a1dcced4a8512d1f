"""The customer's page and the car's page (issue 18): what an advisor opens
when a customer calls.

The core reads what it holds (the customer, the cars, the visits, what is
still due); each later stage adds what it records through two registries
filled from its AppConfig.ready(), so the core names no stage (design.md,
"Layout"; docs/decisions.md, "Go-live (issue 18)"):

- `register_visit_notes`: per visit, a few words with a link (the statement,
  the follow-up call's outcome), for one page of visits in one query each;
- `register_section`: a block of its own on the page (complaints, reminders),
  bounded by the stage.

The visits are the work orders of this system and the past visits brought
over from the old one (`PastVisit`), in one list by date, a page at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils.functional import Promise

from .access import get_scoped_or_404, scoped
from .models import Customer, PastVisit, User, Vehicle, WorkOrder
from .validators import PROVINCES, normalize_mobile, normalize_plate, normalize_vin

VISITS_PAGE = 20      # visits shown at once; the rest a page further
RESULTS_PAGE = 20     # search results shown at once
CAR_MATCHES = 20      # cars a plate or VIN can match (one per store of the group)
QUERY_LENGTH = 50     # what the search reads of what was typed
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class VisitNote:
    """A few words a stage adds to one visit's row, with a link where there is a page."""

    label: str | Promise
    text: str
    url: str = ""
    warn: bool = False


@dataclass(frozen=True)
class Section:
    """A stage's block on the customer's or the car's page: a heading and its own template."""

    key: str
    title: str | Promise
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 0


NotesProvider = Callable[[list[int]], dict[int, list[VisitNote]]]
# (customer, the cars shown, the car when it is the car's page)
SectionProvider = Callable[..., "Section | None"]
_NOTES: list[NotesProvider] = []
_SECTIONS: list[SectionProvider] = []


def register_visit_notes(provider: NotesProvider) -> NotesProvider:
    """`provider(order_ids)` -> {order id: [VisitNote]}: bounded by the ids (one page of visits)."""
    if provider not in _NOTES:
        _NOTES.append(provider)
    return provider


def register_section(provider: SectionProvider) -> SectionProvider:
    """`provider(*, customer, vehicles, car)` -> Section or None (nothing to show)."""
    if provider not in _SECTIONS:
        _SECTIONS.append(provider)
    return provider


def visit_notes(order_ids: list[int]) -> dict[int, list[VisitNote]]:
    merged: dict[int, list[VisitNote]] = {}
    if not order_ids:
        return merged
    for provider in _NOTES:
        for order_id, notes in provider(order_ids).items():
            merged.setdefault(order_id, []).extend(notes)
    return merged


def sections(*, customer: Customer, vehicles: list[Vehicle], car: Vehicle | None = None) -> list[Section]:
    found = [provider(customer=customer, vehicles=vehicles, car=car) for provider in _SECTIONS]
    return sorted((s for s in found if s is not None), key=lambda s: (s.order, s.key))


# --- the search ------------------------------------------------------------------------------------

@dataclass
class SearchResult:
    query: str
    cars: list[Vehicle]
    customers: Page | None

    @property
    def total(self) -> int:
        return len(self.cars) + (self.customers.paginator.count if self.customers else 0)

    def only(self) -> Customer | Vehicle | None:
        """The one record found, when there is exactly one (the page goes straight to it)."""
        if self.total != 1:
            return None
        return self.cars[0] if self.cars else self.customers.object_list[0]


def plate_candidates(typed: str) -> list[str]:
    """The plates a typed plate may mean: as typed, and when the province
    character was left out (slow to type on a phone keyboard), each province."""
    plate = normalize_plate(typed)
    if not 5 <= len(plate) <= 8:
        return []
    if plate.isascii() and len(plate) <= 7:
        return [plate, *(p + plate for p in PROVINCES)]
    return [plate]


def customer_search(*, user: User, query: str, page: Any = 1) -> SearchResult:
    """One box: a mobile, a plate (with or without its province character),
    a VIN, or the start of a name. Each branch is an indexed lookup (mobile,
    plate, VIN, name prefix), in the user's store (a group manager: the group)."""
    query = (query or "")[:QUERY_LENGTH].strip()
    if not query:
        return SearchResult(query, [], None)
    car_match = Q()
    if plates := plate_candidates(query):
        car_match |= Q(plate__in=plates)
    vin = normalize_vin(query)
    if len(vin) == 17:
        car_match |= Q(vin=vin)
    cars = list(scoped(Vehicle.objects.filter(car_match), user).select_related("customer", "store")
                .order_by("plate", "id")[:CAR_MATCHES]) if car_match else []
    customer_match = Q()
    mobile = normalize_mobile(query)
    if _MOBILE.match(mobile):
        customer_match |= Q(mobile=mobile)
    elif not query.isdigit() and not cars:
        customer_match |= Q(name__startswith=query)
    customers = None
    if customer_match:
        qs = (scoped(Customer.objects.filter(customer_match), user).select_related("store")
              .order_by("name", "id"))
        customers = Paginator(qs, RESULTS_PAGE).get_page(page)
        # the cars of the page shown only (one query for the page)
        by_customer: dict[int, list[Vehicle]] = {}
        for v in Vehicle.objects.filter(customer__in=[c.pk for c in customers.object_list]).order_by("plate"):
            by_customer.setdefault(v.customer_id, []).append(v)
        for c in customers.object_list:
            c.cars = by_customer.get(c.pk, [])
    return SearchResult(query, cars, customers)


# --- the pages -------------------------------------------------------------------------------------

PAST_LINES_SHOWN = 50  # lines of one past visit shown when it is opened


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


def past_lines(lines: Any) -> list[dict[str, Any]]:
    """A past visit's lines as the old system had them (dealership.models.past), read defensively: a file of
    another system's making may leave a field out or put text where an amount was."""
    if not isinstance(lines, list):
        return []
    return [{"kind": str(line.get("kind", "")), "code": str(line.get("code", "")),
             "description": str(line.get("description", "")), "quantity": _decimal(line.get("quantity")),
             "unit_price": _decimal(line.get("unit_price")), "amount": _decimal(line.get("amount"))}
            for line in lines[:PAST_LINES_SHOWN] if isinstance(line, dict)]


def visits_page(orders: QuerySet[WorkOrder], past: QuerySet[PastVisit], page: Any) -> Page:
    """One page of visits, newest first, each with what the stages add to it.

    The visits brought over from the old system (`past`) come in the same list
    by their date (a work order before a past visit of the same day): one UNION
    query picks the page's (id, kind), then one query per kind reads the page's
    rows, so the count stays the same however many visits there are. Each row
    carries `kind`: "order" or "past"."""
    keys = (orders.order_by().annotate(kind=Value("order", output_field=CharField()), day=TruncDate("created_at"))
            .values_list("pk", "kind", "day")
            .union(past.order_by().annotate(kind=Value("past", output_field=CharField()), day=F("visited_on"))
                   .values_list("pk", "kind", "day"), all=True)
            .order_by("-day", "kind", "-pk"))
    visits = Paginator(keys, VISITS_PAGE).get_page(page)
    picked = list(visits.object_list)
    wanted = {kind: [pk for pk, k, _day in picked if k == kind] for kind in ("order", "past")}
    rows: dict[tuple[str, int], Any] = {}
    if wanted["order"]:
        rows |= {("order", o.pk): o for o in WorkOrder.objects.filter(pk__in=wanted["order"])
                 .select_related("vehicle", "advisor")}
    if wanted["past"]:
        rows |= {("past", v.pk): v for v in PastVisit.objects.filter(pk__in=wanted["past"]).select_related("vehicle")}
    notes = visit_notes(wanted["order"])
    visits.object_list = []
    for pk, kind, _day in picked:
        row = rows[(kind, pk)]
        row.kind = kind
        row.notes = notes.get(pk, []) if kind == "order" else []
        if kind == "past":
            row.shown_lines = past_lines(row.lines)
        visits.object_list.append(row)
    return visits


def customer_find(*, user: User, pk: int) -> tuple[Customer, list[Vehicle]]:
    """The customer (another store's: 404) and their cars."""
    customer = get_scoped_or_404(Customer.objects.select_related("store"), user, pk=pk)
    return customer, list(customer.vehicles.order_by("plate", "id"))


def car_find(*, user: User, pk: int) -> Vehicle:
    """The car (another store's: 404) with its owner."""
    return get_scoped_or_404(Vehicle.objects.select_related("customer", "store"), user, pk=pk)
