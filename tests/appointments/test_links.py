"""APT-11: the signed link a customer answers without logging in."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from appointments.links import SALT, answer_token
from appointments.models import BookingRequest
from dealership.models import Role, StaffTask

from .helpers import at, book


@pytest.fixture
def booked(team, catalogue):
    return book(team, at(timezone.localdate() + timedelta(days=2), 10), labour=[catalogue["labour"]])


def url(appointment_or_token):
    token = appointment_or_token if isinstance(appointment_or_token, str) else answer_token(appointment_or_token)
    return reverse("appointments:answer", args=[token])


def test_apt11_the_customer_confirms_through_the_link_without_logging_in(client, booked):
    page = client.get(url(booked))
    assert page.status_code == 200 and booked.vehicle.plate in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(url(booked), {"answer": "confirmed"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.customer_answer == "confirmed" and booked.customer_answered_at
    assert booked.work_order.events.filter(rule="APT-11").exists()


def test_apt11_the_link_answers_once(client, booked):
    client.post(url(booked), {"answer": "confirmed"})
    response = client.post(url(booked), {"answer": "cancel"})
    assert response.status_code == 400 and 'data-testid="answered"' in response.content.decode()
    booked.refresh_from_db()
    assert booked.customer_answer == "confirmed" and booked.status == "booked"


def test_apt11_a_forged_or_altered_link_finds_nothing(client, booked, team, catalogue):
    other = book(team, at(timezone.localdate() + timedelta(days=2), 11), labour=[catalogue["labour"]])
    token = answer_token(booked)
    payload, rest = token.split(":", 1)
    other_payload = signing.dumps({"a": other.pk, "s": other.store_id}, salt=SALT, compress=True).split(":", 1)[0]
    assert client.get(url(f"{other_payload}:{rest}")).status_code == 404  # someone else's id, this signature
    assert client.get(url(token[:-2] + "xx")).status_code == 404
    assert client.get(url(signing.dumps({"a": booked.pk, "s": booked.store_id}, salt="other"))).status_code == 404
    assert client.get(url("not-a-token")).status_code == 404


def test_apt11_an_old_link_expires(client, booked):
    token = answer_token(booked)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.get(url(token)).status_code == 404


def test_apt11_asking_to_reschedule_reaches_the_advisor_and_the_booking_queue(client, booked):
    client.post(url(booked), {"answer": "reschedule", "note": "下周一上午更方便"})
    booked.refresh_from_db()
    assert booked.customer_answer == "reschedule" and booked.status == "booked"
    assert StaffTask.objects.filter(assignee=booked.advisor, work_order=booked.work_order,
                                    key__contains="answer").exists()
    request = BookingRequest.objects.get()
    assert request.appointment == booked and request.wish == "下周一上午更方便" and request.handled_at is None


def test_apt11_cancelling_through_the_link_frees_the_slot_and_the_capacity(client, booked):
    from appointments.capacity import workshop_day

    client.post(url(booked), {"answer": "cancel"})
    booked.refresh_from_db()
    assert booked.status == "cancelled" and not booked.closed_by_shop
    day = timezone.localtime(booked.starts_at).date()
    assert workshop_day(store=booked.store, day=day, trade="mechanical").booked_hours == 0


def test_apt11_an_unknown_answer_is_a_message_not_an_error(client, booked):
    response = client.post(url(booked), {"answer": "<script>alert(1)</script>"})
    assert response.status_code == 400 and "<script>alert(1)" not in response.content.decode()


def test_apt1_a_request_stays_in_the_queue_until_someone_books_it(team, catalogue):
    from ..conftest import login

    agent = login(team[Role.APPOINTMENT_AGENT])
    agent.post(reverse("appointments:request_new"), {"name": "赵六", "mobile": "13700001111", "plate": "粤B12345",
                                                     "wish": "想做保养"})
    request = BookingRequest.objects.get()
    assert "赵六" in login(team[Role.SERVICE_ADVISOR]).get(reverse("appointments:list")).content.decode()
    page = agent.get(reverse("appointments:new"), {"request": request.pk}).content.decode()
    assert 'value="13700001111"' in page and 'value="赵六"' in page
    response = agent.post(reverse("appointments:new"), {
        "request": request.pk, "car-plate": "粤B12345", "car-vin": "1M8GDM9AXKP042788", "car-make": "丰田",
        "car-model": "卡罗拉", "car-customer_name": "赵六", "car-mobile": "13700001111", "car-board_display": "surname",
        "advisor": team[Role.SERVICE_ADVISOR].pk, "day": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "slot": "09:00", "customer_words": "保养", "pre_diagnosis": "常规保养",
        "labour_operations": [catalogue["labour"].pk]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.handled_at and request.handled_by == team[Role.APPOINTMENT_AGENT] and request.appointment


def test_apt1_a_bad_mobile_on_a_request_is_a_message(team):
    from ..conftest import login

    response = login(team[Role.APPOINTMENT_AGENT]).post(reverse("appointments:request_new"),
                                                        {"name": "赵六", "mobile": "123"}, follow=True)
    assert response.status_code == 200 and not BookingRequest.objects.exists()


def test_apt2_a_bad_plate_on_a_request_is_a_message(team):
    """A phone request's plate is checked as the reception form checks it (the same validator)."""
    from ..conftest import login

    response = login(team[Role.APPOINTMENT_AGENT]).post(reverse("appointments:request_new"),
                                                        {"name": "赵六", "mobile": "13700001111", "plate": "ABC123"},
                                                        follow=True)
    assert response.status_code == 200 and not BookingRequest.objects.exists()
    assert "“ABC123”" in response.content.decode()
