"""Issue 18: the visits brought over from the old system (PastVisit) in the car's and the customer's history:
dated among the work orders, marked as from the old system, read-only, a page at a time."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dealership.models import PastVisit, Role, WorkOrder

from ..conftest import login
from ..factories import CustomerFactory, VehicleFactory

pytestmark = pytest.mark.django_db

LINES = [{"kind": "labour", "code": "BY01", "description": "更换机油机滤", "quantity": "1", "unit_price": "180.00",
          "amount": "180.00"},
         {"kind": "part", "code": "P-OIL-5W30", "description": "机油 5W-30", "quantity": "4", "unit_price": "80.00",
          "amount": "320.00"}]


def past_visit(car, number="OLD-0001", on=date(2025, 3, 1), **kwargs) -> PastVisit:
    fields = {"mileage": 30500, "advisor_name": "李顾问", "summary": "常规保养", "maintenance": True,
              "total": Decimal("500.00"), "lines": LINES, **kwargs}
    return PastVisit.objects.create(store=car.store, vehicle=car, customer=car.customer, old_number=number,
                                    visited_on=on, **fields)


@pytest.fixture
def car(store):
    return VehicleFactory(store=store, plate="粤A12345",
                          customer=CustomerFactory(store=store, name="王芳", mobile="13812345678"))


@pytest.fixture
def desk(team):
    return login(team[Role.SERVICE_ADVISOR])


def order_on(car, advisor, number, day):
    order = WorkOrder.objects.create(store=car.store, number=number, customer=car.customer, vehicle=car,
                                     advisor=advisor, total=Decimal("100.00"))
    WorkOrder.objects.filter(pk=order.pk).update(created_at=timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time().replace(hour=10))))
    return order


@pytest.mark.parametrize("name", ["dealership:car", "dealership:customer"])
def test_a_past_visit_shows_among_the_visits_by_its_date_marked_as_from_the_old_system(desk, car, advisor, name):
    newer = order_on(car, advisor, "NEW-1", date(2026, 5, 1))
    older = order_on(car, advisor, "NEW-0", date(2024, 5, 1))
    past = past_visit(car)
    response = desk.get(reverse(name, args=[car.pk if name == "dealership:car" else car.customer_id]))
    assert [v.kind for v in response.context["page"].object_list] == ["order", "past", "order"]
    assert [getattr(v, "number", None) or v.old_number for v in response.context["page"]] == [
        newer.number, past.old_number, older.number]
    html = response.content.decode()
    assert "OLD-0001" in html and "2025-03-01" in html and "30500" in html and "常规保养" in html
    assert 'data-testid="old-system"' in html and "历史系统" in html
    assert 'data-testid="past-lines"' in html and "更换机油机滤" in html and "¥320.00" in html
    assert "李顾问" in html


def test_a_past_visit_has_no_link_to_change_it(desk, car):
    past_visit(car)
    html = desk.get(reverse("dealership:car", args=[car.pk])).content.decode()
    start = html.index('data-testid="past-visit"')
    row = html[start:html.index("</details>", start)]
    assert "<form" not in row and "href" not in row.split("<details")[0].split("</td>", 1)[0]


def test_lines_the_old_system_wrote_badly_are_shown_as_they_can_be_never_a_server_error(desk, car):
    past_visit(car, lines=[{"description": "洗车", "amount": "免费"}, "junk", {"code": 7, "quantity": None}])
    past_visit(car, number="OLD-0002", lines={"not": "a list"})
    response = desk.get(reverse("dealership:car", args=[car.pk]))
    assert response.status_code == 200
    assert "洗车" in response.content.decode()


def test_another_stores_past_visits_are_not_shown(desk, car, other_team):
    theirs = VehicleFactory(store=other_team.store)
    past_visit(theirs, number="THEIRS-1")
    html = desk.get(reverse("dealership:car", args=[car.pk])).content.decode()
    assert "THEIRS-1" not in html
    assert login(other_team[Role.SERVICE_ADVISOR]).get(reverse("dealership:car", args=[car.pk])).status_code == 404


def add_past(car, n):
    PastVisit.objects.bulk_create(
        PastVisit(store=car.store, vehicle=car, customer=car.customer, old_number=f"BULK{k:05}",
                  visited_on=date(2020, 1, 1) + timedelta(days=k), mileage=1000 * k, lines=LINES,
                  total=Decimal("500.00")) for k in range(n))


@pytest.mark.parametrize("name", ["dealership:car", "dealership:customer"])
def test_a_car_with_200_past_visits_costs_no_more_queries_than_one_with_one(
        desk, car, advisor, name, django_assert_max_num_queries):
    url = reverse(name, args=[car.pk if name == "dealership:car" else car.customer_id])
    order_on(car, advisor, "NEW-1", date(2026, 5, 1))
    past_visit(car)
    with CaptureQueriesContext(connection) as few:
        assert desk.get(url).status_code == 200
    add_past(car, 200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = desk.get(url)
    page = response.context["page"]
    assert len(page.object_list) == 20 and page.paginator.count == 202
    assert b'data-testid="older-visits"' in response.content
    last = desk.get(url, {"page": 11}).context["page"].object_list
    assert [v.old_number for v in last] == ["BULK00001", "BULK00000"]
    assert page.object_list[0].kind == "order"
