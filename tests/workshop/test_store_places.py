"""Bays and parking spots on the store's settings sub-pages (issue 18): list, add, rename, deactivate, each change
logged; managers of the store only."""

import pytest
from django.urls import reverse

from dealership.models import Role, SettingChange, Trade
from inspection.models import ParkingSpot
from workshop.models import Bay

from ..conftest import login

pytestmark = pytest.mark.usefixtures("english")


def test_a_manager_adds_renames_and_deactivates_a_bay_and_the_log_keeps_each_change(team, manager):
    client = login(manager, "en")
    page = reverse("workshop:bays", args=[team.store.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"new-name": "A9", "new-trade": Trade.BODY})
    assert response.status_code == 302
    bay = Bay.objects.get(store=team.store, name="A9")
    assert bay.trade == Trade.BODY and bay.active
    edit = reverse("workshop:bay_edit", args=[team.store.pk, bay.pk])
    assert client.post(edit, {f"p{bay.pk}-name": "B9", f"p{bay.pk}-trade": Trade.BODY}).status_code == 302
    bay.refresh_from_db()
    assert bay.name == "B9" and not bay.active
    log = [(c.field, c.old, c.new) for c in SettingChange.objects.filter(model="workshop.bay").order_by("id")]
    assert log == [("name", "", "A9"), ("trade", "", "Body and paint"), ("name", "A9", "B9"), ("active", "yes", "no")]
    assert b"B9" in client.get(page).content


def test_a_doubled_or_empty_name_is_a_message_on_the_form(team, manager):
    client = login(manager, "en")
    page = reverse("inspection:spots", args=[team.store.pk])
    assert client.post(page, {"new-name": "P1"}).status_code == 302
    response = client.post(page, {"new-name": "P1"})
    assert response.status_code == 400 and b"P1 already exists in this store." in response.content
    assert client.post(page, {"new-name": "  "}).status_code == 400
    spot = ParkingSpot.objects.create(store=team.store, name="P2")
    edit = reverse("inspection:spot_edit", args=[team.store.pk, spot.pk])
    response = client.post(edit, {f"p{spot.pk}-name": "P1", f"p{spot.pk}-active": "on"})
    assert response.status_code == 400
    assert ParkingSpot.objects.get(pk=spot.pk).name == "P2"


def test_only_the_stores_managers_keep_its_places(team, other_team, manager):
    spot = ParkingSpot.objects.create(store=team.store, name="P7")
    for role in (Role.SERVICE_ADVISOR, Role.QC_INSPECTOR, Role.FOREMAN):
        client = login(team[role])
        assert client.get(reverse("inspection:spots", args=[team.store.pk])).status_code == 403
        assert client.post(reverse("inspection:spots", args=[team.store.pk]), {"new-name": "X"}).status_code == 403
    other = login(other_team[Role.AFTERSALES_MANAGER])
    assert other.get(reverse("inspection:spots", args=[team.store.pk])).status_code == 404
    assert other.post(reverse("inspection:spot_edit", args=[other_team.store.pk, spot.pk]),
                      {f"p{spot.pk}-name": "X"}).status_code == 404
    assert ParkingSpot.objects.get(pk=spot.pk).name == "P7" and not ParkingSpot.objects.filter(name="X").exists()


def test_the_store_settings_page_links_its_places(team, manager):
    content = login(manager, "en").get(reverse("dealership:store_settings", args=[team.store.pk])).content
    assert reverse("workshop:bays", args=[team.store.pk]).encode() in content
    assert reverse("inspection:spots", args=[team.store.pk]).encode() in content
