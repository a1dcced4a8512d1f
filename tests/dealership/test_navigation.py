"""The header's links per role: a role with more links than fit one row of a
1366 px laptop gets them grouped by stage in menus; nobody loses a link."""

import pytest

from dealership.models import Role
from dealership.navigation import FLAT_LIMIT, nav_for, nav_items

from ..conftest import Team
from ..factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


def links(entries: list[dict]) -> list[str]:
    return [link["url"] for entry in entries for link in entry.get("links", [entry])]


def test_it_groups_a_managers_many_links_in_menus_by_stage():
    manager = Team(StoreFactory())[Role.AFTERSALES_MANAGER]
    entries = nav_for(manager, "followup:complaints")
    assert len(entries) <= FLAT_LIMIT
    assert {e["id"] for e in entries if "links" in e} == {
        "menu-appointments", "menu-workshop", "menu-settlement", "menu-followup", "menu-settings"}
    followup = next(e for e in entries if e.get("id") == "menu-followup")
    assert followup["active"] and [i["active"] for i in followup["links"]] == [False, True, False]


@pytest.mark.parametrize("role", Role.values)
def test_every_role_keeps_each_of_its_links_once(role):
    store = StoreFactory()
    user = UserFactory(store=None if role == Role.GROUP_MANAGER else store, group=store.group, roles=[role])
    expected = [item.url_name for item in nav_items() if user.has_role(*item.roles)]
    entries = nav_for(user, "")
    assert len(links(entries)) == len(expected) == len(set(links(entries)))
    assert len(entries) <= FLAT_LIMIT
