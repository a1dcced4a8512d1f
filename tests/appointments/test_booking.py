"""Stage 1 in the foundation: the timetable, booking and its preparation."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from appointments.services import appointment_book
from appointments.timetable import reception_slots
from dealership.errors import ProcessError
from dealership.models import Role, StaffTask, WorkOrder

from ..concurrency import at_once
from ..conftest import login
from ..factories import LabourFactory, StoreFactory, VehicleFactory


def at(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def book(team, vehicle, starts_at, **kw):
    defaults = dict(store=team.store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer,
                    vehicle=vehicle, advisor=team[Role.SERVICE_ADVISOR], starts_at=starts_at,
                    customer_words="早上启动有异响", pre_diagnosis="可能是皮带老化,建议检查更换")
    defaults.update(kw)
    if "labour_operations" not in kw and "parts" not in kw:
        defaults["labour_operations"] = [LabourFactory(store=team.store)]
    return appointment_book(**defaults)


@pytest.mark.django_db
def test_sch1_slots_run_three_then_one_buffer(tomorrow):
    store = StoreFactory(opens_at=time(9, 0), closes_at=time(11, 0))
    slots = reception_slots(store=store, day=tomorrow)
    assert [(s.starts_at.strftime("%H:%M"), s.is_buffer) for s in slots[:6]] == [
        ("09:00", False), ("09:15", False), ("09:30", False), ("09:45", True), ("10:00", False), ("10:15", False)]
    assert [s.starts_at.strftime("%H:%M") for s in slots if not s.is_buffer][:4] == ["09:00", "09:15", "09:30", "10:00"]


@pytest.mark.django_db
def test_sch1_the_timetable_follows_other_store_settings(tomorrow):
    store = StoreFactory(opens_at=time(8, 0), closes_at=time(10, 0), slot_minutes=20, slots_before_buffer=2)
    slots = reception_slots(store=store, day=tomorrow)
    assert [(s.starts_at.strftime("%H:%M"), s.is_buffer) for s in slots] == [
        ("08:00", False), ("08:20", False), ("08:40", True), ("09:00", False), ("09:20", False), ("09:40", True)]


def test_apt7_a_booking_prepares_the_draft_order_and_tells_advisor_and_parts(team, vehicle, catalogue, tomorrow):
    appointment = book(team, vehicle, at(tomorrow, 9, 0), labour_operations=[catalogue["labour"]],
                       parts=[catalogue["part"]])
    order = appointment.work_order
    assert order.status == WorkOrder.Status.DRAFT and order.origin == WorkOrder.Origin.APPOINTMENT
    assert order.total == catalogue["labour"].price + catalogue["part"].price
    assert {line.source for line in order.lines.all()} == {"appointment"}
    tasks = StaffTask.objects.filter(work_order=order)
    assert tasks.filter(assignee=team[Role.SERVICE_ADVISOR]).exists()
    assert tasks.filter(role=Role.PARTS_CLERK).exists()


def test_apt2_a_booking_needs_the_customers_own_words(team, vehicle, tomorrow):
    with pytest.raises(ProcessError) as exc:
        book(team, vehicle, at(tomorrow, 9, 0), customer_words="  ")
    assert exc.value.rule == "APT-2"


def test_apt3_a_booking_needs_a_pre_diagnosis(team, vehicle, tomorrow):
    with pytest.raises(ProcessError) as exc:
        book(team, vehicle, at(tomorrow, 9, 0), pre_diagnosis="")
    assert exc.value.rule == "APT-3"


def test_apt4_a_booking_needs_an_item_so_the_customer_hears_an_estimate(team, vehicle, tomorrow):
    with pytest.raises(ProcessError) as exc:
        book(team, vehicle, at(tomorrow, 9, 0), labour_operations=[], parts=[])
    assert exc.value.rule == "APT-4"


def test_a_car_with_an_appointment_ahead_is_not_booked_twice(team, vehicle, tomorrow):
    book(team, vehicle, at(tomorrow, 9, 0))
    with pytest.raises(ProcessError, match=vehicle.plate):
        book(team, vehicle, at(tomorrow, 14, 0))


def test_sch1_a_taken_slot_is_refused(team, vehicle, tomorrow):
    book(team, vehicle, at(tomorrow, 9, 0))
    with pytest.raises(ProcessError) as exc:
        book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 0))
    assert exc.value.rule == "SCH-1"


def test_sch1_a_time_that_is_not_a_slot_or_is_past_is_refused(team, vehicle, tomorrow):
    with pytest.raises(ProcessError):
        book(team, vehicle, at(tomorrow, 9, 7))
    with pytest.raises(ProcessError):
        book(team, vehicle, at(tomorrow, 23, 0))
    with pytest.raises(ProcessError):
        book(team, vehicle, timezone.now() - timedelta(hours=1))


def test_sch1_the_buffer_is_not_offered_for_ordinary_bookings(team, vehicle, tomorrow):
    # default store opens 08:30: 08:30, 08:45, 09:00, then 09:15 is the buffer
    with pytest.raises(ProcessError) as exc:
        book(team, vehicle, at(tomorrow, 9, 15))
    assert exc.value.rule == "SCH-1"


def test_sch4_an_advisor_may_place_a_larger_case_in_the_buffer_with_a_reason(team, vehicle, tomorrow):
    with pytest.raises(ProcessError):  # the appointment agent may not
        book(team, vehicle, at(tomorrow, 9, 15), use_buffer=True, buffer_reason="事故车定损")
    with pytest.raises(ProcessError):  # nor without a reason
        book(team, vehicle, at(tomorrow, 9, 15), actor=team[Role.SERVICE_ADVISOR], use_buffer=True)
    appointment = book(team, vehicle, at(tomorrow, 9, 15), actor=team[Role.SERVICE_ADVISOR],
                       use_buffer=True, buffer_reason="事故车定损")
    assert appointment.in_buffer and appointment.buffer_reason == "事故车定损"


@pytest.mark.django_db(transaction=True)
def test_sch1_two_people_booking_the_same_slot_at_once_cannot_both_succeed(tomorrow):
    from ..conftest import Team

    team = Team(StoreFactory())
    cars = [VehicleFactory(store=team.store) for _ in range(4)]
    def attempt(vehicle):
        book(team, vehicle, at(tomorrow, 10, 0))

    results = at_once(attempt, cars)
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert Appointment.objects.filter(starts_at=at(tomorrow, 10, 0)).count() == 1
    assert WorkOrder.objects.count() == 1  # the refused bookings left nothing behind


def _form_data(team, tomorrow, **overrides):
    data = {
        "car-plate": "粤A12345", "car-vin": "1M8GDM9AXKP042788", "car-make": "大众", "car-model": "迈腾",
        "car-customer_name": "张伟", "car-title": "mr", "car-mobile": "13912345678", "car-board_display": "surname",
        "advisor": team[Role.SERVICE_ADVISOR].pk, "day": tomorrow.isoformat(), "slot": "09:00",
        "customer_words": "刹车异响", "pre_diagnosis": "刹车片磨损",
        "labour_operations": [LabourFactory(store=team.store).pk],
    }
    data.update(overrides)
    return data


def test_apt4_apt6_the_booking_screen_tells_what_to_tell_the_customer(team, catalogue, tomorrow):
    client = login(team[Role.APPOINTMENT_AGENT])
    response = client.post(reverse("appointments:new"),
                           _form_data(team, tomorrow, labour_operations=[catalogue["labour"].pk]), follow=True)
    assert Appointment.objects.get().work_order.total == catalogue["labour"].price
    assert response.status_code == 200
    appointment = Appointment.objects.get()
    told = response.content.decode()
    assert str(team[Role.SERVICE_ADVISOR]) in told        # APT-6: who will receive them
    assert "刹车片磨损" in told                             # APT-4: the diagnosis
    assert "280.00" in told                                 # APT-4: the estimate
    assert appointment.starts_at == at(tomorrow, 9, 0)


@pytest.mark.parametrize("field, value, message", [
    ("car-plate", "粤12345", "plate"),
    ("car-vin", "1M8GDM9A1KP042788", "check digit"),
    ("car-mobile", "12345", "11 digits"),
    ("day", "2020-01-01", "past"),
    ("day", "not-a-date", "date"),
    ("slot", "09:07", "choice"),
    ("customer_words", "", "required"),
    ("advisor", "999999", "choice"),
    ("extra_price", "-50", "greater than or equal to 0"),
    ("slot", "23:30", "choice"),
])
def test_the_booking_form_refuses_bad_input_with_a_message(team, tomorrow, field, value, message):
    client = login(team[Role.APPOINTMENT_AGENT], language="en")
    extra = {"extra_description": "诊断费"} if field == "extra_price" else {}
    response = client.post(reverse("appointments:new"), _form_data(team, tomorrow, **{field: value}, **extra))
    assert response.status_code == 200
    assert message in response.content.decode().lower() or message in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_slot_taken_meanwhile_is_a_message_on_the_form_not_an_error(team, tomorrow):
    book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 0))
    client = login(team[Role.APPOINTMENT_AGENT])
    response = client.post(reverse("appointments:new"), _form_data(team, tomorrow))
    assert response.status_code == 200
    assert "SCH-1" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_the_slot_overview_shows_taken_and_buffer_slots(team, vehicle, tomorrow):
    book(team, vehicle, at(tomorrow, 9, 0))
    client = login(team[Role.APPOINTMENT_AGENT])
    response = client.get(reverse("appointments:slots"),
                          {"advisor": team[Role.SERVICE_ADVISOR].pk, "day": tomorrow.isoformat()})
    html = response.content.decode()
    assert 'class="slot taken">09:00' in html and 'class="slot buffer">09:15' in html


def test_sch1_a_taken_slot_is_refused_next_to_the_slot_field(team, tomorrow):
    """The service's refusal names the field it is about: the page shows it under the time, where the
    person looks, and the slot list reloaded by htmx keeps the field marked (issue 16)."""
    book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 0))
    client = login(team[Role.APPOINTMENT_AGENT])
    response = client.post(reverse("appointments:new"), _form_data(team, tomorrow))
    form = response.context["form"]
    assert "SCH-1" in form.errors["slot"][0] and not form.non_field_errors()
    html = response.content.decode()
    assert 'hx-vals=\'{"slot_refused": "1"}\'' in html
    assert '<option value="" selected>' in html or '<option value="">' in html  # never the first time by default
    reloaded = client.get(reverse("appointments:slots"), {"advisor": team[Role.SERVICE_ADVISOR].pk,
                                                          "day": tomorrow.isoformat(), "slot": "", "slot_refused": "1"})
    assert 'class="select form-select is-invalid" id="id_slot"' in reloaded.content.decode()


def test_sch4_a_buffer_refusal_goes_to_the_top_for_someone_who_cannot_see_the_buffer_fields(team, tomorrow):
    client = login(team[Role.APPOINTMENT_AGENT])
    response = client.post(reverse("appointments:new"), _form_data(team, tomorrow, slot="09:15"))
    form = response.context["form"]
    assert "SCH-1" in form.errors["slot"][0]  # the buffer slot itself: next to the time
    response = client.post(reverse("appointments:new"), _form_data(team, tomorrow, slot="09:15", use_buffer="on",
                                                                   buffer_reason="急"))
    assert "SCH-4" in response.context["form"].non_field_errors()[0]  # no buffer fields on the agent's page
