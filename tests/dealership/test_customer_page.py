"""Issue 18: the customer's page and the car's page, and the one search box
that leads to them (mobile, plate, VIN or name)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealership.models import Role, WorkOrder
from demo.builder import drive
from followup.models import FollowUpTask
from followup.services import complaint_record, followup_tasks_create_due
from inspection.models import DeferredWork

from ..conftest import login, new_order
from ..factories import CustomerFactory, VehicleFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("dealership:customer_search")


@pytest.fixture
def car(store):
    return VehicleFactory(store=store, plate="粤A12345", vin="LSVAU2180N2183294",
                          customer=CustomerFactory(store=store, name="王芳", mobile="13812345678"))


@pytest.fixture
def desk(team):
    return login(team[Role.SERVICE_ADVISOR])


def find(client, q):
    return client.get(SEARCH, {"q": q})


def test_it_opens_the_customer_page_for_a_mobile(desk, car):
    response = find(desk, "138 1234 5678")
    assert response.status_code == 302
    assert response.url == reverse("dealership:customer", args=[car.customer_id])


@pytest.mark.parametrize("typed", ["粤A12345", "粤a 12345", "粤A·12345", "A12345", "a12345"])
def test_it_opens_the_car_page_for_a_plate_with_or_without_its_province_character(desk, car, typed):
    response = find(desk, typed)
    assert response.status_code == 302
    assert response.url == reverse("dealership:car", args=[car.pk])


def test_it_opens_the_car_page_for_a_vin(desk, car):
    response = find(desk, car.vin.lower())
    assert response.url == reverse("dealership:car", args=[car.pk])


def test_it_opens_the_customer_page_for_a_whole_name(desk, car):
    assert find(desk, "王芳").url == reverse("dealership:customer", args=[car.customer_id])


def test_it_lists_every_customer_whose_name_starts_with_what_was_typed(desk, store, car):
    other = CustomerFactory(store=store, name="王伟")
    VehicleFactory(store=store, customer=other, plate="粤B54321")
    response = find(desk, "王")
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("dealership:customer", args=[car.customer_id]) in page
    assert reverse("dealership:customer", args=[other.pk]) in page
    assert "粤B·54321" in page or "粤B54321" in page  # each customer with their cars


def test_a_long_list_of_names_comes_a_page_at_a_time(desk, store):
    for k in range(45):
        CustomerFactory(store=store, name=f"李{k:02}")
    first = find(desk, "李")
    assert first.context["page"].paginator.count == 45
    assert len(first.context["page"].object_list) == 20
    assert len(desk.get(SEARCH, {"q": "李", "page": 3}).context["page"].object_list) == 5


def test_it_says_when_nothing_matches(desk, car):
    response = find(desk, "粤Z99999")
    assert response.status_code == 200
    assert b'data-testid="no-match"' in response.content


def test_garbage_is_no_server_error(desk, car):
    for typed in ["%", "'; drop table", "x" * 500, "1" * 30, "粤"]:
        assert find(desk, typed).status_code == 200


def test_another_stores_customer_is_not_found_and_their_pages_are_404(other_team, car):
    client = login(other_team[Role.SERVICE_ADVISOR])
    assert b'data-testid="no-match"' in find(client, "13812345678").content
    assert b'data-testid="no-match"' in find(client, "粤A12345").content
    assert client.get(reverse("dealership:customer", args=[car.customer_id])).status_code == 404
    assert client.get(reverse("dealership:car", args=[car.pk])).status_code == 404


def test_the_group_manager_finds_the_customer_of_any_store_of_the_group(group_manager, car):
    response = find(login(group_manager), "13812345678")
    assert response.url == reverse("dealership:customer", args=[car.customer_id])


@pytest.mark.parametrize("role", [Role.APPOINTMENT_AGENT, Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT,
                                  Role.CASHIER, Role.FOLLOWUP_AGENT, Role.AFTERSALES_MANAGER])
def test_the_people_who_talk_to_customers_open_the_pages(team, car, role):
    client = login(team[role])
    assert client.get(reverse("dealership:car", args=[car.pk])).status_code == 200
    assert client.get(reverse("dealership:customer", args=[car.customer_id])).status_code == 200
    assert b'data-testid="header-search"' in client.get(reverse("dealership:car", args=[car.pk])).content


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.GATE_GUARD, Role.PARTS_CLERK, Role.QC_INSPECTOR])
def test_the_others_are_refused(team, car, role):
    client = login(team[role])
    for url in (SEARCH, reverse("dealership:car", args=[car.pk]),
                reverse("dealership:customer", args=[car.customer_id])):
        assert client.get(url).status_code == 403


def test_the_header_has_no_search_for_those_who_may_not_use_it(team):
    assert b'data-testid="header-search"' not in login(team[Role.TECHNICIAN]).get(reverse("workshop:mine")).content


def test_anonymous_visitors_go_to_the_login_page(client, car):
    response = client.get(reverse("dealership:car", args=[car.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.fixture
def history(team, car, catalogue):
    """A delivered visit with its statement, follow-up call and a complaint, and work QC deferred."""
    delivered = drive(new_order(team, car, catalogue), WorkOrder.Status.DELIVERED)
    followup_tasks_create_due()
    complaint_record(work_order=delivered, description="等车时间太长了", actor=team[Role.FOLLOWUP_AGENT])
    DeferredWork.objects.create(store=team.store, work_order=delivered, vehicle=car, urgency="soon",
                                description="后轮胎胎纹接近磨损极限", estimate=Decimal("1960"),
                                recorded_by=team[Role.QC_INSPECTOR])
    return delivered


def test_the_car_page_shows_every_visit_with_its_statement_follow_up_and_what_is_still_due(desk, car, history):
    response = desk.get(reverse("dealership:car", args=[car.pk]))
    page = response.content.decode()
    assert history.number in page and reverse("dealership:order", args=[history.pk]) in page
    statement = history.statements.get(superseded=False)
    assert statement.number in page
    assert FollowUpTask.objects.filter(work_order=history).exists()
    [visit] = response.context["page"].object_list
    assert [str(n.label) for n in visit.notes] == ["结算单", "回访"]
    assert "后轮胎胎纹接近磨损极限" in page
    assert "等车时间太长了" in page
    assert "13812345678" in page  # the owner, to call


def test_the_customer_page_shows_contact_consents_cars_visits_and_complaints(desk, car, history):
    response = desk.get(reverse("dealership:customer", args=[car.customer_id]))
    page = response.content.decode()
    assert 'data-testid="consent"' in page
    assert reverse("dealership:car", args=[car.pk]) in page
    assert history.number in page
    assert "等车时间太长了" in page
    assert "后轮胎胎纹接近磨损极限" in page


def add_visits(car, advisor, n):
    WorkOrder.objects.bulk_create(
        WorkOrder(store=car.store, number=f"BULK{k:05}", customer=car.customer, vehicle=car, advisor=advisor,
                  total=Decimal("100.00")) for k in range(n))


@pytest.mark.parametrize("name", ["dealership:car", "dealership:customer"])
def test_a_customer_with_200_visits_costs_no_more_queries_than_one_with_one(
        desk, car, history, advisor, name, django_assert_max_num_queries):
    url = reverse(name, args=[car.pk if name == "dealership:car" else car.customer_id])
    with CaptureQueriesContext(connection) as few:
        assert desk.get(url).status_code == 200
    add_visits(car, advisor, 200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = desk.get(url)
    assert len(response.context["page"].object_list) == 20
    assert response.context["page"].paginator.count == 201
    assert b'data-testid="older-visits"' in response.content
    assert len(desk.get(url, {"page": 11}).context["page"].object_list) == 1
