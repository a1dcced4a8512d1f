"""One build and one walk for the tests that post every form the crawler
finds (test_forms.py, test_isolation.py), and the links test (test_links.py).

Two stores of one group, each with a record of every kind and an order at
every stop of the process (tests/cases.py), are built once, and the crawler
walks store A's pages as every role once: each test used to build and walk
them again, which took about a fifth of their time. The state is kept in a
transaction around this folder's tests, and each test runs in a savepoint of
it that is rolled back afterwards (pytest-django's `db`), so each starts
from the same records as if it had built them itself, and with its own
signed-in clients."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from dealership.models import Store

from ...cases import build_records
from ...conftest import Team
from ...factories import StoreFactory
from .crawl import Crawler, Form
from .test_isolation import cross_store_references, references


@dataclass(frozen=True)
class Crawled:
    team: Team  # store A
    records: dict  # a record of every kind in store A
    neighbour: Store  # store B
    references: list[str]  # the ids that name store B's records
    forms: dict[str, Form]  # the POST forms found on store A's pages
    links: frozenset[tuple[str, str, str]]  # (role, page, href): the links each role saw on store A's pages


@pytest.fixture(scope="package")
def crawled(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        team = Team(StoreFactory())
        records = build_records(team, every_status=True)
        neighbour = Team(StoreFactory(group=team.store.group))  # the same group: the closest other store
        theirs = build_records(neighbour, plate="粤Z99999", mobile="13799999999", every_status=True)
        assert cross_store_references() == []  # the records themselves are each in their store
        walker = Crawler(team, records)
        forms = walker.walk_forms()
        yield Crawled(team, records, neighbour.store, references(neighbour, theirs), forms, frozenset(walker.links))
        transaction.set_rollback(True)


@pytest.fixture
def crawler(crawled, db):
    """Store A's crawler, with the forms the walk found and clients of its own."""
    return Crawler(crawled.team, crawled.records, found=crawled.forms)
