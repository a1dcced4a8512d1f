"""Shared fixtures: a store with one person in every role, a second store,
a customer with a car, and orders in any status (built through the real
services, see demo.builder.drive)."""

import os
from datetime import timedelta

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from dealership.models import Role, WorkOrderLine
from dealership.services import work_order_add_line, work_order_create
from demo.builder import drive

from .factories import PASSWORD, LabourFactory, PartFactory, StoreFactory, VehicleFactory, staff

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard keeps its figures in the cache, the printed PDFs theirs: each test starts without them."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["prints"].clear()
    yield
    cache.clear()


class Team:
    """One person in every role of a store, by role name."""

    def __init__(self, store):
        self.store = store
        self.people = {role: staff(role, store) for role in Role.values if role != Role.GROUP_MANAGER}

    def __getitem__(self, role: str):
        return self.people[role]


@pytest.fixture
def store(db):
    return StoreFactory()


@pytest.fixture
def team(store):
    return Team(store)


@pytest.fixture
def other_team(db):
    return Team(StoreFactory())


@pytest.fixture
def advisor(team):
    return team[Role.SERVICE_ADVISOR]


@pytest.fixture
def technician(team):
    return team[Role.TECHNICIAN]


@pytest.fixture
def inspector(team):
    return team[Role.QC_INSPECTOR]


@pytest.fixture
def cashier(team):
    return team[Role.CASHIER]


@pytest.fixture
def manager(team):
    return team[Role.AFTERSALES_MANAGER]


@pytest.fixture
def group_manager(store):
    from .factories import UserFactory

    return UserFactory(store=None, group=store.group, roles=[Role.GROUP_MANAGER])


@pytest.fixture
def vehicle(store):
    return VehicleFactory(store=store)


@pytest.fixture
def catalogue(store):
    return {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}


def new_order(team, vehicle, catalogue):
    advisor = team[Role.SERVICE_ADVISOR]
    order = work_order_create(store=team.store, customer=vehicle.customer, vehicle=vehicle, advisor=advisor,
                              actor=advisor, customer_words="刹车有异响", diagnosis="前刹车片磨损到极限")
    work_order_add_line(work_order=order, actor=advisor, labour_operation=catalogue["labour"],
                        source=WorkOrderLine.Source.RECEPTION)
    work_order_add_line(work_order=order, actor=advisor, part=catalogue["part"],
                        source=WorkOrderLine.Source.RECEPTION)
    order.refresh_from_db()
    return order


@pytest.fixture
def draft_order(team, vehicle, catalogue):
    return new_order(team, vehicle, catalogue)


@pytest.fixture
def order_in(team, vehicle, catalogue):
    """order_in("ready") -> a work order driven there through the services."""

    def make(status: str):
        return drive(new_order(team, vehicle, catalogue), status)

    return make


def login(user, language: str | None = None) -> Client:
    client = Client()
    # a request, as the login page gives it: django-axes checks the lockout on it
    assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def client_for():
    return login


@pytest.fixture
def future():
    return timezone.now() + timedelta(hours=4)


@pytest.fixture
def english():
    """Messages in English, to assert on their words."""
    from django.utils import translation

    with translation.override("en"):
        yield


def celery_reconnect() -> None:
    """Drop the Celery app's broker connections, so the next task sent uses the broker settings now in its conf.
    `app.close()` does that, and also takes the app out of Celery's active apps: the tasks of a module imported
    after it were then never registered, and a later test patching one (`appointments.tasks.sweep_confirmations`)
    failed with NotRegistered when it ran after the outbox tests. Put the app back."""
    from celery import _state

    from dealership import celery_app

    celery_app.close()
    _state._register_app(celery_app)
