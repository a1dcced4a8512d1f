"""The customer's page, the car's page and the search that leads to them
(issue 18): what an advisor opens when a customer calls."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .access import ADVISORS, MANAGERS, role_required
from .history import car_find, customer_find, customer_search, sections, visits_page
from .models import Role, Vehicle
from .stilldue import still_due

# Those who talk to customers: at the desk, on the phone, at the till, on the follow-up call.
CUSTOMER_DESK = (Role.APPOINTMENT_AGENT, *ADVISORS, Role.CASHIER, Role.FOLLOWUP_AGENT, *MANAGERS)


@role_required(*CUSTOMER_DESK)
def search(request: HttpRequest) -> HttpResponse:
    """One box: mobile, plate, VIN or name. One match opens its page; several
    are listed a page at a time; none says so."""
    found = customer_search(user=request.user, query=request.GET.get("q", ""), page=request.GET.get("page"))
    only = found.only()
    if only is not None:
        return redirect("dealership:car" if isinstance(only, Vehicle) else "dealership:customer", only.pk)
    return render(request, "dealership/customer_search.html", {
        "found": found, "q": found.query, "page": found.customers,
        "show_store": request.user.is_group_manager})


@role_required(*CUSTOMER_DESK)
def customer(request: HttpRequest, pk: int) -> HttpResponse:
    person, cars = customer_find(user=request.user, pk=pk)
    due = still_due([c.pk for c in cars])
    return render(request, "dealership/customer.html", {
        "customer": person, "cars": cars, "still_due": [(c, due[c.pk]) for c in cars if due.get(c.pk)],
        "page": visits_page(person.work_orders.all(), person.past_visits.all(), request.GET.get("page")),
        "sections": sections(customer=person, vehicles=cars), "today": timezone.localdate(),
        "show_store": request.user.is_group_manager})


@role_required(*CUSTOMER_DESK)
def car(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = car_find(user=request.user, pk=pk)
    return render(request, "dealership/car.html", {
        "car": vehicle, "customer": vehicle.customer, "still_due": still_due([vehicle.pk]).get(vehicle.pk, []),
        "page": visits_page(vehicle.work_orders.all(), vehicle.past_visits.all(),
                            request.GET.get("page")),
        "sections": sections(customer=vehicle.customer, vehicles=[vehicle], car=vehicle),
        "today": timezone.localdate(), "show_store": request.user.is_group_manager})
