"""Self-booking on the customer's phone (issue 20): the same rules as the staff
booking, known customers booked at once, everyone else a request in the queue,
the customer's link to change or cancel, and the reminders' links."""

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.links import answer_token
from appointments.models import Appointment, BookingRequest, MobileCode
from appointments.selfbooking import (
    Kind,
    Wish,
    answer_by,
    appointment_from_manage_token,
    code_send,
    manage_token,
    prefill_url,
    selfbook_time_check,
    selfbook_times,
)
from appointments.services import appointment_book, booking_request_handled
from dealership.hours import hours_forget
from dealership.models import ClosedDay, OutboundMessage, Role, StaffTask, StoreHours, User, WorkOrder
from followup.models import ServiceReminder
from followup.services import reminder_token

from ..conftest import login
from ..factories import LabourFactory, VehicleFactory, staff
from ..refusals import refused_by, refused_saying
from .selfbook_helpers import (
    ask,
    at,
    check_op,
    known_car,
    last_code,
    maintenance_op,
    public_client,
    slot_value,
)


@pytest.fixture
def op(team):
    return maintenance_op(team.store)


@pytest.fixture
def day():
    return timezone.localdate() + timedelta(days=1)


def staff_book(team, starts_at, labour, advisor=None):
    vehicle = VehicleFactory(store=team.store)
    return appointment_book(store=team.store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer,
                            vehicle=vehicle, advisor=advisor or team[Role.SERVICE_ADVISOR], starts_at=starts_at,
                            customer_words="保养", pre_diagnosis="常规保养", labour_operations=labour)


# --- the same refusals as the staff booking ------------------------------------------------------

def _closed_weekday(team, day, op):
    StoreHours.objects.create(store=team.store, weekday=day.weekday(), opens_at=time(8, 30), closes_at=time(18),
                              closed=True)
    return at(day, 9)


def _holiday(team, day, op):
    ClosedDay.objects.create(store=team.store, date=day, name="国庆节")
    return at(day, 9)


def _outside_hours(team, day, op):
    return at(day, 19)


def _off_grid(team, day, op):
    return at(day, 9, 7)


def _taken(team, day, op):
    staff_book(team, at(day, 9), [op])
    return at(day, 9)


def _buffer(team, day, op):
    quick = [LabourFactory(store=team.store, standard_hours=Decimal("0.10"))]
    for hh, mm in [(9, 0), (9, 15), (9, 30)]:
        staff_book(team, at(day, hh, mm), quick)
    return at(day, 9, 45)  # SCH-1: the fourth in a row is the buffer


def _beyond_capacity(team, day, op):
    big = LabourFactory(store=team.store, code="G900", standard_hours=Decimal("3.00"))
    staff_book(team, at(day, 14), [big])  # 3.0 of the 3.2 h kept for appointments
    return at(day, 10)


def _past(team, day, op):
    return at(timezone.localdate() - timedelta(days=1), 9)


def _refused(rule):
    """The staff booking's refusal of each case: a rule, or for a past time the plain message."""
    return refused_by(rule) if rule else refused_saying(_("The appointment time has already passed."))


@pytest.mark.parametrize("situation,rule", [
    (_closed_weekday, "SCH-1"), (_holiday, "SCH-1"), (_outside_hours, "SCH-1"), (_off_grid, "SCH-1"),
    (_taken, "SCH-1"), (_buffer, "SCH-1"), (_beyond_capacity, "APT-5"), (_past, None),
], ids=["closed_weekday", "holiday", "outside_hours", "off_grid", "taken", "buffer", "beyond_capacity", "past"])
def test_self_booking_refuses_every_slot_the_staff_booking_refuses(team, op, day, situation, rule):
    starts_at = situation(team, day, op)
    hours_forget(team.store)
    advisor = team[Role.SERVICE_ADVISOR]
    with _refused(rule):  # the staff booking refuses it …
        staff_book(team, starts_at, [op])
    # … the page does not offer it …
    offered = selfbook_times(store=team.store, day=timezone.localtime(starts_at).date(), kind=Kind.MAINTENANCE)
    assert starts_at not in [t.starts_at for t in offered]
    # … refuses it when posted anyway …
    with refused_by(rule or "SCH-1"):
        selfbook_time_check(store=team.store, slot=slot_value(starts_at, advisor), kind=Kind.MAINTENANCE)
    # … and the door refuses the customer online too (actor None: never the buffer, never beyond capacity)
    car = known_car(team.store)
    with _refused(rule):
        appointment_book(store=team.store, actor=None, customer=car.customer, vehicle=car, advisor=advisor,
                         starts_at=starts_at, customer_words="保养", pre_diagnosis="常规保养", labour_operations=[op])
    # … and through the page no code is sent for it
    response = ask(public_client(), team.store, slot=slot_value(starts_at, advisor), day=day, plate=car.plate,
                   mobile=car.customer.mobile)
    assert response.status_code == 400
    assert not MobileCode.objects.exists()


def test_the_page_offers_free_slots_and_leaves_the_buffer_out(team, op, day):
    quick = [LabourFactory(store=team.store, standard_hours=Decimal("0.10"))]
    for hh, mm in [(9, 0), (9, 15), (9, 30)]:
        staff_book(team, at(day, hh, mm), quick)
    offered = {timezone.localtime(t.starts_at).strftime("%H:%M")
               for t in selfbook_times(store=team.store, day=day, kind=Kind.MAINTENANCE)}
    assert "10:00" in offered and "08:30" in offered
    assert not offered & {"09:00", "09:15", "09:30", "09:45"}


# --- known customer with consent: booked at once -----------------------------------------------

def verify(client, store, car, starts_at, *, kind=Kind.MAINTENANCE, words="", mobile=None, advisor=None):
    advisor = advisor or User.objects.filter(store=store, staff_roles__role=Role.SERVICE_ADVISOR).first()
    mobile = mobile or car.customer.mobile
    response = ask(client, store, slot=slot_value(starts_at, advisor), day=timezone.localtime(starts_at).date(),
                   plate=car.plate if hasattr(car, "plate") else car, mobile=mobile, kind=kind, words=words)
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.post(response["Location"], {"code": last_code(mobile)})


def test_apt7_a_known_customer_with_consent_is_booked_at_once(team, op, day, outbox):
    car = known_car(team.store)
    client = public_client()
    response = verify(client, team.store, car, at(day, 10))
    assert response.status_code == 302 and "/book/my/" in response["Location"]
    appointment = Appointment.objects.get()
    assert appointment.vehicle == car and appointment.created_by is None
    assert appointment.starts_at == at(day, 10) and appointment.advisor == team[Role.SERVICE_ADVISOR]
    assert appointment.work_order.status == WorkOrder.Status.DRAFT
    assert [line.description for line in appointment.work_order.lines.all()] == [op.name]  # APT-4
    assert appointment.capacity_taken == {"mechanical": "0.50"}  # APT-5
    assert StaffTask.objects.filter(key=f"apt-{appointment.pk}-prepare", assignee=appointment.advisor).exists()
    page = client.get(response["Location"]).content.decode()
    assert str(appointment.advisor) in page  # APT-6
    assert "行驶证、保养手册" in page  # SCH-7: what to bring (the list of the confirmation messages)
    assert 'data-testid="booked"' in page
    sms = OutboundMessage.objects.get(key=f"selfbook-booked-{appointment.pk}")  # the link also comes by SMS
    assert sms.to == car.customer.mobile and "行驶证" in sms.body
    # the link names this appointment (a token made a second later differs in its timestamp: read it back instead)
    link_token = sms.body.split("/book/my/", 1)[1].split("/", 1)[0]
    assert appointment_from_manage_token(link_token) == appointment


def test_apt3_a_fault_booked_online_asks_the_advisor_to_pre_diagnose(team, op, day):
    check_op(team.store)
    car = known_car(team.store)
    verify(public_client(), team.store, car, at(day, 10), kind=Kind.FAULT, words="冷车启动有异响")
    appointment = Appointment.objects.get()
    assert "冷车启动有异响" in appointment.customer_words
    assert [line.description for line in appointment.work_order.lines.all()] == ["电脑故障诊断"]
    task = StaffTask.objects.get(key=f"apt-{appointment.pk}-prediagnose")
    assert task.assignee == appointment.advisor


def test_a_fault_needs_the_customers_words(team, op, day):
    car = known_car(team.store)
    response = ask(public_client(), team.store, slot=slot_value(at(day, 10), team[Role.SERVICE_ADVISOR]), day=day,
                   plate=car.plate, mobile=car.customer.mobile, kind=Kind.FAULT, words="  ")
    assert response.status_code == 400
    assert not MobileCode.objects.exists()


# --- unknown or unclear: a request in the agents' queue ------------------------------------------

@pytest.mark.parametrize("who", ["unknown", "no_consent", "other_car"])
def test_apt1_anyone_else_becomes_a_request_with_an_answer_by_time(team, op, day, who):
    if who == "unknown":
        plate, mobile = "粤B54321", "13700000001"
    elif who == "no_consent":
        car = known_car(team.store, consent=False)
        plate, mobile = car.plate, car.customer.mobile
    else:  # the number is a customer's, the plate another's
        known_car(team.store)
        plate, mobile = VehicleFactory(store=team.store).plate, "13812345678"
    response = verify(public_client(), team.store, plate, at(day, 10), mobile=mobile)
    assert response.status_code == 302 and "/book/request/" in response["Location"]
    assert not Appointment.objects.exists()
    request_ = BookingRequest.objects.get()
    assert request_.source == BookingRequest.Source.ONLINE and request_.mobile == mobile
    assert request_.due_at is not None and request_.due_at > timezone.now()
    task = StaffTask.objects.get(key=f"request-{request_.pk}-answer")
    assert task.role == Role.APPOINTMENT_AGENT and task.due_at == request_.due_at
    assert OutboundMessage.objects.filter(key=f"selfbook-request-{request_.pk}", to=mobile).exists()
    queue = login(team[Role.APPOINTMENT_AGENT]).get(reverse("appointments:list")).content.decode()
    assert request_.name in queue and 'data-testid="request-late"' not in queue
    with time_machine.travel(request_.due_at + timedelta(minutes=1)):
        queue = login(team[Role.APPOINTMENT_AGENT]).get(reverse("appointments:list")).content.decode()
    assert 'data-testid="request-late"' in queue


def test_apt1_the_agent_books_the_request_and_its_task_closes(team, op, day):
    verify(public_client(), team.store, "粤B54321", at(day, 10), mobile="13700000001")
    request_ = BookingRequest.objects.get()
    agent = login(team[Role.APPOINTMENT_AGENT])
    page = agent.get(reverse("appointments:new") + f"?request={request_.pk}")
    assert page.status_code == 200
    vehicle = VehicleFactory(store=team.store, plate="粤B54321")
    appointment = appointment_book(
        store=team.store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer, vehicle=vehicle,
        advisor=team[Role.SERVICE_ADVISOR], starts_at=at(day, 11), customer_words=request_.wish,
        pre_diagnosis="保养", labour_operations=[op])
    booking_request_handled(request_=request_, actor=team[Role.APPOINTMENT_AGENT], appointment=appointment)
    assert StaffTask.objects.get(key=f"request-{request_.pk}-answer").done_at is not None
    assert StaffTask.objects.filter(key=f"apt-{appointment.pk}-prepare").exists()  # APT-7 as for a phone booking


def test_a_time_taken_while_the_code_travelled_becomes_a_request(team, op, day):
    car = known_car(team.store)
    client = public_client()
    response = ask(client, team.store, slot=slot_value(at(day, 10), team[Role.SERVICE_ADVISOR]), day=day,
                   plate=car.plate, mobile=car.customer.mobile)
    staff_book(team, at(day, 10), [op])
    done = client.post(response["Location"], {"code": last_code(car.customer.mobile)})
    assert "/book/request/" in done["Location"]
    assert BookingRequest.objects.get().source == BookingRequest.Source.ONLINE


def test_the_answer_is_the_same_whether_or_not_the_number_is_a_customers(team, op, day):
    car = known_car(team.store)
    advisor = team[Role.SERVICE_ADVISOR]
    known = ask(public_client("198.51.100.1"), team.store, slot=slot_value(at(day, 10), advisor), day=day,
                plate=car.plate, mobile=car.customer.mobile)
    unknown = ask(public_client("198.51.100.2"), team.store, slot=slot_value(at(day, 10), advisor), day=day,
                  plate=car.plate, mobile="13700000009")
    assert known.status_code == unknown.status_code == 302
    def page(response, mobile):  # the page, without what differs by construction: the number, the tokens
        text = public_client().get(response["Location"]).content.decode()
        text = text.replace(f"{mobile[:3]}****{mobile[-4:]}", "NUMBER")
        return re.sub(r'(value|action)="[^"]*"', "", re.sub(r"/book/code/[^/]+/", "", text))
    assert page(known, car.customer.mobile) == page(unknown, "13700000009")


# --- the customer's link ---------------------------------------------------------------------------

def _booked(team, day):
    car = known_car(team.store)
    client = public_client()
    response = verify(client, team.store, car, at(day, 10))
    return client, response["Location"].split("?")[0], Appointment.objects.get()


def test_the_link_moves_the_appointment_to_another_free_time(team, op, day):
    client, url, appointment = _booked(team, day)
    response = client.post(url, {"slot": slot_value(at(day, 14), appointment.advisor), "move": "1"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == at(day, 14) and appointment.status == Appointment.Status.BOOKED


def test_the_link_refuses_a_move_to_a_buffer_or_taken_time(team, op, day):
    client, url, appointment = _booked(team, day)
    staff_book(team, at(day, 14), [op])
    response = client.post(url, {"slot": slot_value(at(day, 14), appointment.advisor), "move": "1"})
    assert response.status_code == 400 and 'data-testid="form-error"' in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == at(day, 10)


def test_the_link_cancels_the_appointment(team, op, day):
    client, url, appointment = _booked(team, day)
    assert client.post(url, {"cancel": "1"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and not appointment.closed_by_shop
    assert 'data-testid="closed"' in client.get(url).content.decode()
    again = client.post(url, {"cancel": "1"})
    assert again.status_code == 400


def test_a_forged_or_altered_link_is_not_found(team, op, day):
    _client, url, appointment = _booked(team, day)
    token = manage_token(appointment)
    assert public_client().get(reverse("appointments:selfbook_manage", args=[token[:-2] + "xx"])).status_code == 404
    assert public_client().get(reverse("appointments:selfbook_manage", args=["garbage"])).status_code == 404
    # a token of the staff answer link (another salt) does not open this page
    assert public_client().get(reverse("appointments:selfbook_manage",
                                       args=[answer_token(appointment)])).status_code == 404
    assert public_client().post(reverse("appointments:selfbook_manage", args=["garbage"]),
                                {"cancel": "1"}).status_code == 404


# --- the reminders' links (FU-9, SET-10) -----------------------------------------------------------

def test_fu9_the_reminder_link_opens_the_booking_page_with_the_car(team, op):
    car = known_car(team.store)
    reminder = ServiceReminder.objects.create(store=team.store, vehicle=car, kind=ServiceReminder.Kind.NEXT_SERVICE,
                                              key=f"next-{car.pk}-x", due_on=timezone.localdate())
    response = public_client().get(reverse("followup:reminder_book", args=[reminder_token(reminder)]))
    assert response.status_code == 302 and "?p=" in response["Location"]
    page = public_client().get(response["Location"]).content.decode()
    assert f'value="{car.plate}"' in page


def test_set10_the_deferred_work_reminder_fills_in_the_work(team, op):
    car = known_car(team.store)
    url = prefill_url(vehicle=car, kind=Kind.FAULT, words="左前刹车片剩3mm,建议更换")
    page = public_client().get(url).content.decode()
    assert "左前刹车片剩3mm" in page and f'value="{car.plate}"' in page
    assert re.search(r'value="fault"[^>]*checked', page)
    forged = url[:-3] + "abc"
    assert public_client().get(forged).status_code == 404
    other = VehicleFactory()  # another store's car: its token does not open this store's page
    foreign = prefill_url(vehicle=other).split("?")[1]
    assert public_client().get(reverse("appointments:selfbook", args=[team.store.code]) + "?" + foreign
                               ).status_code == 404


def test_an_unknown_store_code_is_not_found(db):
    assert public_client().get(reverse("appointments:selfbook", args=["NOPE"])).status_code == 404


def test_code_send_records_the_code_hashed(team, op, day):
    wish = Wish(kind=Kind.MAINTENANCE, plate="粤B54321", mobile="13700000001", name="张", mileage=1,
                slot=slot_value(at(day, 10), team[Role.SERVICE_ADVISOR]))
    row = code_send(store=team.store, wish=wish, client="1.2.3.4")
    code = last_code("13700000001")
    assert code not in row.code_hash and len(row.code_hash) == 64


def _page_queries(store) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert public_client().get(reverse("appointments:selfbook", args=[store.code])).status_code == 200
    return len(queries)


def test_the_page_reads_the_advisors_days_in_a_fixed_number_of_queries(team, op, day):
    small = _page_queries(team.store)
    for _i in range(4):
        advisor = staff(Role.SERVICE_ADVISOR, team.store)
        staff_book(team, at(timezone.localdate() + timedelta(days=1), 9), [op], advisor=advisor)
    assert _page_queries(team.store) == small


def test_apt1_the_answer_by_time_counts_opening_hours(team):
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    assert answer_by(store=team.store, now=at(monday, 10)) == at(monday, 12)
    assert answer_by(store=team.store, now=at(monday, 17, 30)) == at(monday + timedelta(days=1), 10)  # 8:30 + 1.5 h
    assert answer_by(store=team.store, now=at(monday, 20)) == at(monday + timedelta(days=1), 10, 30)
    ClosedDay.objects.create(store=team.store, date=monday + timedelta(days=1), name="节日")
    hours_forget(team.store)
    assert answer_by(store=team.store, now=at(monday, 20)) == at(monday + timedelta(days=2), 10, 30)


def test_apt1_a_request_is_due_before_the_time_the_customer_asked_for(team, op):
    """Asked at 17:30 for 09:00 next morning: the agent's two opening hours would end at 10:00, after the visit;
    the request is due half an hour before the time wanted instead."""
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    tuesday = monday + timedelta(days=1)
    with time_machine.travel(at(monday, 17, 30)):
        verify(public_client(), team.store, "粤B54321", at(tuesday, 9), mobile="13700000001")
    request_ = BookingRequest.objects.get()
    assert request_.due_at == at(tuesday, 8, 30)
    assert (request_.wanted_at, request_.wanted_advisor) == (at(tuesday, 9), team[Role.SERVICE_ADVISOR])
