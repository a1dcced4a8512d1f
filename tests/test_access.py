"""Role and store scoping on every view, generated from the URL configuration:
a new view without a role rule, or without a case here, fails this test."""

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from dealership.models import Role, WorkOrder

from .cases import ARGS, PUBLIC, SESSION_ENDING, URLS, build_records, url_for
from .conftest import login
from .factories import UserFactory


@pytest.fixture
def records(team):
    return build_records(team)


def test_every_view_declares_the_roles_that_may_use_it():
    missing = [name for name, view in URLS if name not in PUBLIC and not hasattr(view, "allowed_roles")]
    assert missing == []


def test_every_view_with_arguments_has_a_case_in_this_test():
    uncovered = []
    for name, _ in URLS:
        if name in PUBLIC or name in ARGS:
            continue
        try:
            reverse(name)
        except Exception:
            uncovered.append(name)
    assert uncovered == []


def request(client, name, url):
    get = client.get(url)
    if get.status_code == 405:  # a POST-only view
        return client.post(url, {})
    return get


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.GROUP_MANAGER])
def test_each_role_is_refused_every_view_it_may_not_use(team, records, role):
    client = login(team[role])
    wrong = []
    for name, view in URLS:
        if name in PUBLIC:
            continue
        allowed = role in view.allowed_roles
        status = request(client, name, url_for(name, records)).status_code
        if name in SESSION_ENDING:  # it ended the session: sign in again for the next views
            client = login(team[role])
        if allowed == (status == 403):
            wrong.append(f"{name}: {status} for {'allowed' if allowed else 'refused'} role")
    assert wrong == []


def test_anonymous_visitors_are_sent_to_the_login_page(records, client):
    for name, _ in URLS:
        if name in PUBLIC:
            continue
        response = client.get(url_for(name, records))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


def test_staff_of_another_store_get_404_for_every_record(team, other_team, records):
    """Store isolation: each URL that names a record, tried by the other
    store's person in a role that may use the view."""
    wrong = []
    for name, view in URLS:
        if name not in ARGS or all(k.startswith("=") for k in ARGS[name]):
            continue  # no record in the URL (a rule code, a table name): scoped like a list
        role = next((r for r in Role.values if r in view.allowed_roles and r != Role.GROUP_MANAGER),
                    Role.GROUP_MANAGER)
        # a view for group managers only (moving staff between stores): tried by the other group's
        person = (UserFactory(store=None, group=other_team.store.group, roles=[role])
                  if role == Role.GROUP_MANAGER else other_team[role])
        status = request(login(person), name, url_for(name, records)).status_code
        if status != 404:
            wrong.append(f"{name} as {role}: {status}")
    assert wrong == []


def test_lists_show_only_the_users_store(team, other_team, records):
    order = WorkOrder.objects.get(pk=records["order"])
    mine = login(team[Role.SERVICE_ADVISOR]).get(reverse("dealership:orders")).content.decode()
    theirs = login(other_team[Role.SERVICE_ADVISOR]).get(reverse("dealership:orders")).content.decode()
    assert order.number in mine and order.number not in theirs
    queue = login(other_team[Role.FOLLOWUP_AGENT]).get(reverse("followup:queue")).content.decode()
    assert order.vehicle.plate not in queue
    for pk in (records["appointment"], records["offered"]):
        appointment = Appointment.objects.get(pk=pk)
        appointments = login(other_team[Role.APPOINTMENT_AGENT]).get(
            reverse("appointments:list"), {"day": timezone.localtime(appointment.starts_at).date().isoformat()})
        assert appointment.vehicle.plate not in appointments.content.decode()


def test_a_group_manager_sees_every_store_of_the_group(group_manager, records, other_team):
    client = login(group_manager)
    assert client.get(reverse("dealership:order", args=[records["order"]])).status_code == 200
    overview = client.get(reverse("followup:overview")).content.decode()
    assert WorkOrder.objects.get(pk=records["order"]).store.name in overview


def test_a_group_manager_of_another_group_sees_nothing(records):
    from .factories import GroupFactory, UserFactory

    outsider = UserFactory(store=None, group=GroupFactory(), roles=[Role.GROUP_MANAGER])
    assert login(outsider).get(reverse("dealership:order", args=[records["order"]])).status_code == 404


def test_each_role_lands_on_its_own_home_page(team):
    expected = {
        Role.SERVICE_ADVISOR: "reception:desk", Role.TECHNICIAN: "workshop:mine", Role.QC_INSPECTOR: "inspection:queue",
        Role.CASHIER: "settlement:queue", Role.FOLLOWUP_AGENT: "followup:queue",
        Role.AFTERSALES_MANAGER: "followup:overview", Role.APPOINTMENT_AGENT: "appointments:list",
        Role.GATE_GUARD: "settlement:gate", Role.PARTS_CLERK: "supply:home", Role.PARTS_MANAGER: "supply:home",
    }
    for role, url_name in expected.items():
        response = login(team[role]).get(reverse("home"))
        assert response.status_code == 302 and response.url == reverse(url_name), role
