"""The store settings page (issue 18): the store's process settings, its opening hours per weekday and its closed
days; holidays close the slot finder and the workshop's capacity (issue 18, "holidays close the slot finder")."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.capacity import capacity_hours, has_room_now, workshop_day
from appointments.models import WorkshopDay
from appointments.offers import offer_times_find
from appointments.timetable import advisor_day, reception_slots
from dealership.hours import store_hours, store_hours_range
from dealership.models import ClosedDay, Role, SettingChange, Store, StoreHours, Trade
from dealership.readiness import store_readiness
from dealership.store_settings import DayHours, closed_day_add, closed_day_remove, store_hours_set
from tests.appointments.helpers import at, book, tomorrow
from tests.conftest import login
from tests.factories import LabourFactory, StoreFactory
from tests.refusals import refused_by, refused_saying

pytestmark = pytest.mark.usefixtures("english")

WEEK = {d: DayHours(time(8, 30), time(18, 0)) for d in range(7)}


def settings_post(store, **changes):
    values = {"name": store.name, "address": store.address, "phone": store.phone}
    for name in ("slot_minutes", "slots_before_buffer", "reception_target_minutes", "queue_patience_minutes",
                 "no_show_after_minutes", "offer_answer_hours", "appointment_capacity_percent",
                 "technician_hours_per_day", "labour_rate", "vat_rate_percent", "followup_due_min_days",
                 "followup_due_max_days", "followup_max_attempts", "complaint_days", "service_interval_km",
                 "service_interval_months", "reminder_days_before"):
        values[name] = str(getattr(store, name))
    if store.advisors_dispatch:
        values["advisors_dispatch"] = "on"
    values.update(changes)
    return values


def hours_post(week=None, **changes):
    data = {}
    for d, day in (week or WEEK).items():
        data[f"d{d}_opens"] = day.opens_at.strftime("%H:%M") if day.opens_at else ""
        data[f"d{d}_closes"] = day.closes_at.strftime("%H:%M") if day.closes_at else ""
        if day.closed:
            data[f"d{d}_closed"] = "on"
    data.update(changes)
    return data


def url(name, store, *args):
    return reverse(f"dealership:{name}", args=[store.pk, *args])


# --- one function for the hours -----------------------------------------------------------------

def test_a_store_without_hour_rows_is_open_every_day_from_its_own_hours(team):
    day = tomorrow()
    assert store_hours(team.store, day) == (team.store.opens_at, team.store.closes_at)
    slots = reception_slots(store=team.store, day=day)
    assert slots[0].time() == team.store.opens_at and len(slots) == 38  # 08:30–18:00 in 15-minute slots
    assert capacity_hours(store=team.store, trade=Trade.MECHANICAL, day=day) == capacity_hours(
        store=team.store, trade=Trade.MECHANICAL)


def test_the_hours_of_three_weeks_are_one_query(team, django_assert_num_queries):
    ClosedDay.objects.create(store=team.store, date=tomorrow(), name="国庆节")
    store = Store.objects.get(pk=team.store.pk)
    with django_assert_num_queries(1):
        days = store_hours_range(store, timezone.localdate(), 21)
        for day in range(21):
            reception_slots(store=store, day=timezone.localdate() + timedelta(days=day))
    assert dict(days)[tomorrow()] is None


def test_a_weekday_row_gives_that_weekday_its_own_hours(team, manager):
    week = dict(WEEK)
    week[tomorrow().weekday()] = DayHours(time(10, 0), time(12, 0))
    store_hours_set(actor=manager, store=team.store, week=week)
    slots = reception_slots(store=team.store, day=tomorrow())
    assert slots[0].time() == time(10, 0) and len(slots) == 8
    assert len(reception_slots(store=team.store, day=tomorrow() + timedelta(days=1))) == 38


# --- closed days close the slot finder, the booking and the capacity -----------------------------

@pytest.fixture(params=["weekday", "holiday"])
def closed_tomorrow(request, team, manager):
    if request.param == "weekday":
        week = dict(WEEK)
        week[tomorrow().weekday()] = DayHours(None, None, closed=True)
        store_hours_set(actor=manager, store=team.store, week=week)
    else:
        closed_day_add(actor=manager, store=team.store, day=tomorrow(), name="国庆节")
    return Store.objects.get(pk=team.store.pk)


def test_a_closed_day_offers_no_slot(team, closed_tomorrow):
    assert reception_slots(store=closed_tomorrow, day=tomorrow()) == []
    assert advisor_day(store=closed_tomorrow, advisor=team[Role.SERVICE_ADVISOR], day=tomorrow()) == []
    assert reception_slots(store=closed_tomorrow, day=tomorrow() + timedelta(days=1))


def test_sch1_a_booking_on_a_closed_day_is_refused_saying_so(team, closed_tomorrow):
    job = LabourFactory(store=team.store, standard_hours=Decimal("1.00"), trade=Trade.MECHANICAL)
    with refused_by("SCH-1", match="closed on") as refusal:
        book(team, at(tomorrow(), 9), labour=[job])
    assert tomorrow().strftime("%Y-%m-%d") in str(refusal.value)


def test_apt5_a_closed_day_has_no_workshop_capacity(team, closed_tomorrow):
    job = LabourFactory(store=team.store, standard_hours=Decimal("1.00"), trade=Trade.MECHANICAL)
    assert capacity_hours(store=closed_tomorrow, trade=Trade.MECHANICAL, day=tomorrow()) == 0
    assert workshop_day(store=closed_tomorrow, day=tomorrow(), trade=Trade.MECHANICAL).capacity_hours == 0
    assert not has_room_now(store=closed_tomorrow, day=tomorrow(), hours={Trade.MECHANICAL: job.standard_hours})


def test_closing_a_day_already_counted_takes_its_capacity_and_opening_it_again_gives_it_back(team, manager):
    row = workshop_day(store=team.store, day=tomorrow(), trade=Trade.MECHANICAL)
    assert row.capacity_hours > 0
    closed = closed_day_add(actor=manager, store=team.store, day=tomorrow(), name="盘点")
    assert WorkshopDay.objects.get(pk=row.pk).capacity_hours == 0
    closed_day_remove(actor=manager, store=team.store, closed=closed)
    assert WorkshopDay.objects.get(pk=row.pk).capacity_hours == row.capacity_hours


def test_the_slot_finder_skips_a_holiday(team, manager):
    job = LabourFactory(store=team.store, standard_hours=Decimal("1.00"), trade=Trade.MECHANICAL)
    appointment = book(team, at(tomorrow() + timedelta(days=3), 9), labour=[job])
    closed_day_add(actor=manager, store=team.store, day=tomorrow(), name="国庆节")
    appointment.store = Store.objects.get(pk=team.store.pk)
    times = offer_times_find(appointment=appointment, now=timezone.now())
    assert times and all(timezone.localtime(t.starts_at).date() != tomorrow() for t in times)


# --- the page --------------------------------------------------------------------------------------

def test_every_change_on_the_page_writes_the_log_with_old_and_new(team, manager):
    client = login(manager, "en")
    response = client.post(url("store_settings", team.store), settings_post(
        team.store, labour_rate="300.00", vat_rate_percent="6.00", slot_minutes="20", advisors_dispatch="on"))
    assert response.status_code == 302
    store = Store.objects.get(pk=team.store.pk)
    assert (store.labour_rate, store.vat_rate_percent, store.slot_minutes, store.advisors_dispatch) == (
        Decimal("300.00"), Decimal("6.00"), 20, True)
    log = {c.field: (c.old, c.new) for c in SettingChange.objects.filter(model="dealership.store")}
    assert log == {"labour_rate": ("280.00", "300.00"), "vat_rate_percent": ("13.00", "6.00"),
                   "slot_minutes": ("15", "20"), "advisors_dispatch": ("no", "yes")}
    assert SettingChange.objects.filter(model="dealership.store").first().actor == manager


def test_the_hours_and_closed_days_are_logged_and_confirm_the_checklist(team, manager):
    Store.objects.filter(pk=team.store.pk).update(hours_confirmed=False, labour_rate_confirmed=False)
    client = login(manager, "en")
    response = client.post(url("store_hours", team.store), hours_post(d6_closed="on", d0_opens="09:00"))
    assert response.status_code == 302
    rows = {r.weekday: r for r in StoreHours.objects.filter(store=team.store)}
    assert len(rows) == 7 and rows[6].closed and rows[0].opens_at == time(9, 0)
    changes = [(c.old, c.new) for c in SettingChange.objects.filter(model="dealership.storehours").order_by("id")]
    assert ("Monday 08:30–18:00", "Monday 09:00–18:00") in changes and ("Sunday 08:30–18:00", "Sunday closed") in changes
    day = tomorrow() + timedelta(days=7)
    assert client.post(url("store_closed_add", team.store), {"closed-date": day.isoformat(), "closed-name": "国庆节"}).status_code == 302
    closed = ClosedDay.objects.get(store=team.store)
    assert client.post(url("store_closed_remove", team.store, closed.pk)).status_code == 302
    assert not ClosedDay.objects.exists()
    assert [(c.old, c.new) for c in SettingChange.objects.filter(model="dealership.closedday").order_by("id")] == [
        ("", f"{day:%Y-%m-%d} 国庆节"), (f"{day:%Y-%m-%d} 国庆节", "")]
    client.post(url("store_settings", team.store), settings_post(Store.objects.get(pk=team.store.pk),
                                                                 labour_rate="290"))
    keys = {m.key for m in store_readiness(store=Store.objects.get(pk=team.store.pk))}
    assert not keys & {"hours", "labour_rate"}


def test_the_checklist_links_hours_and_labour_rate_to_the_page(team):
    Store.objects.filter(pk=team.store.pk).update(hours_confirmed=False, labour_rate_confirmed=False)
    urls = {m.key: m.url for m in store_readiness(store=team.store)}
    assert urls["hours"] == urls["labour_rate"] == url("store_settings", team.store)


@pytest.mark.parametrize("role", [Role.SERVICE_ADVISOR, Role.FOREMAN, Role.CASHIER])
def test_a_non_manager_is_refused_on_get_and_post(team, role):
    client = login(team[role])
    for name, args in (("store_settings", ()), ("store_hours", ()), ("store_closed_add", ())):
        assert client.get(url(name, team.store, *args)).status_code in (403, 405)
        assert client.post(url(name, team.store, *args), hours_post()).status_code == 403
    assert client.get(reverse("dealership:store_settings_home")).status_code == 403
    assert not SettingChange.objects.exists()


def test_a_manager_of_store_a_cannot_edit_store_b(team, other_team, manager):
    client = login(manager)
    other = other_team.store
    assert client.get(url("store_settings", other)).status_code == 404
    assert client.post(url("store_settings", other), settings_post(other, labour_rate="1")).status_code == 404
    assert client.post(url("store_hours", other), hours_post()).status_code == 404
    assert client.post(url("store_closed_add", other), {"closed-date": tomorrow().isoformat()}).status_code == 404
    closed = ClosedDay.objects.create(store=other, date=tomorrow())
    assert client.post(url("store_closed_remove", other, closed.pk)).status_code == 404
    assert client.post(url("store_closed_remove", team.store, closed.pk)).status_code == 404
    assert ClosedDay.objects.filter(pk=closed.pk).exists() and not SettingChange.objects.exists()
    assert Store.objects.get(pk=other.pk).labour_rate == other.labour_rate


def test_a_group_manager_opens_any_store_of_the_group_and_no_other(team, other_team, group_manager):
    client = login(group_manager)
    sister = StoreFactory(group=team.store.group)
    assert client.get(reverse("dealership:store_settings_home")).status_code == 200
    assert client.get(url("store_settings", sister)).status_code == 200
    assert client.post(url("store_settings", sister), settings_post(sister, labour_rate="310")).status_code == 302
    if other_team.store.group_id != team.store.group_id:
        assert client.get(url("store_settings", other_team.store)).status_code == 404


def test_a_manager_is_sent_to_their_own_store(team, manager):
    response = login(manager).get(reverse("dealership:store_settings_home"))
    assert response.status_code == 302 and response.url == url("store_settings", team.store)


@pytest.mark.parametrize("changes, field", [
    ({"vat_rate_percent": "500"}, "vat_rate_percent"),
    ({"labour_rate": "-1"}, "labour_rate"),
    ({"slot_minutes": "-5"}, "slot_minutes"),
    ({"technician_hours_per_day": "25"}, "technician_hours_per_day"),
    ({"followup_due_min_days": "9", "followup_due_max_days": "3"}, "followup_due_max_days"),
    ({"labour_rate": "abc"}, "labour_rate"),
])
def test_bad_settings_are_a_message_on_the_form(team, manager, changes, field):
    response = login(manager, "en").post(url("store_settings", team.store), settings_post(team.store, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not SettingChange.objects.exists()


def test_hours_closing_before_opening_are_a_message_on_the_form(team, manager):
    response = login(manager, "en").post(url("store_hours", team.store),
                                         hours_post(d2_opens="18:00", d2_closes="09:00"))
    assert response.status_code == 400
    assert response.context["hours_form"].errors["d2_closes"] == ["A day closes after it opens."]
    assert b"A day closes after it opens." in response.content
    assert not StoreHours.objects.exists()


def test_a_week_closed_every_day_and_a_past_or_doubled_closed_day_are_refused(team, manager):
    client = login(manager, "en")
    week = {d: DayHours(None, None, True) for d in range(7)}
    assert client.post(url("store_hours", team.store), hours_post(week)).status_code == 400
    past = timezone.localdate() - timedelta(days=1)
    assert client.post(url("store_closed_add", team.store), {"closed-date": past.isoformat()}).status_code == 400
    closed_day_add(actor=manager, store=team.store, day=tomorrow(), name="")
    with refused_saying(f"The store is already closed on {tomorrow():%Y-%m-%d}."):
        closed_day_add(actor=manager, store=team.store, day=tomorrow(), name="x")
    with refused_saying("The name is longer than 50 characters."):
        closed_day_add(actor=manager, store=team.store, day=tomorrow() + timedelta(days=1), name="节" * 51)
    response = client.post(url("store_closed_add", team.store), {"closed-date": "not a date"})
    assert response.status_code == 400 and "date" in response.context["closed_form"].errors


def test_a_past_closed_day_stays(team, manager):
    closed = ClosedDay.objects.create(store=team.store, date=timezone.localdate() - timedelta(days=3))
    assert login(manager).post(url("store_closed_remove", team.store, closed.pk)).status_code == 400
    assert ClosedDay.objects.filter(pk=closed.pk).exists()


def test_the_page_is_in_the_managers_settings_menu(team, manager):
    page = login(manager, "en").get(url("store_settings", team.store))
    assert page.status_code == 200
    assert reverse("dealership:store_settings_home").encode() in page.content
