"""APT-10, APT-X9: when the shop cannot keep an appointment, the customer is
offered new times at once, picks one through the signed link (booked with
the booking service's guards) or declines, and an appointment agent is asked
to call, exactly once, when no answer comes in time."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from appointments.capacity import workshop_day, workshop_day_set
from appointments.figures import appointment_figures
from appointments.links import answer_token
from appointments.models import Appointment, AppointmentChange, BookingRequest, RebookingOffer
from appointments.offers import offer_answer_by, offer_times_live, offers_sweep
from appointments.services import appointment_cancel, offer_take
from dealership.models import Customer, OutboundMessage, Role, StaffTask
from dealership.notify import LocmemBackend

from ..conftest import login
from ..factories import staff
from ..refusals import refused_by
from .helpers import at, book

K = AppointmentChange.Kind


pytestmark = pytest.mark.usefixtures("outbox")  # tests/appointments/conftest.py


@pytest.fixture
def booked(team, catalogue):
    """An appointment three days ahead at 10:00 for a customer who agreed to messages."""
    day = timezone.localdate() + timedelta(days=3)
    appointment = book(team, at(day, 10), labour=[catalogue["labour"]])
    Customer.objects.filter(pk=appointment.customer_id).update(consent_to_messages=True)
    appointment.customer.refresh_from_db()
    return appointment


@pytest.fixture
def cancelled(booked, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked, actor=team[Role.SERVICE_ADVISOR], reason="技师病假", by_shop=True)
    return RebookingOffer.objects.select_related("appointment").get(appointment=booked)


def link(appointment, action=""):
    return reverse(f"appointments:answer{action}", args=[answer_token(appointment)])


def call_tasks(appointment):
    return StaffTask.objects.filter(key=f"apt-{appointment.pk}-cancel-call", role=Role.APPOINTMENT_AGENT)


def test_apt10_the_shops_cancellation_offers_new_times_and_the_link(booked, team, outbox,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        appointment_cancel(appointment=booked, actor=team[Role.SERVICE_ADVISOR], reason="技师病假", by_shop=True)
    # recorded in the outbox with the cancellation, sent only after commit
    record = OutboundMessage.objects.get(key=f"apt-{booked.pk}-cancel")
    assert record.status == OutboundMessage.Status.SENDING and outbox == []
    with django_capture_on_commit_callbacks(execute=True):  # the outbox's delivery, after the wake-up's own commit
        for callback in callbacks:
            callback()
    offer = RebookingOffer.objects.get(appointment=booked)
    times = offer_times_live(offer=offer)
    assert len(offer.slots) == 3 and len(times) == 3
    assert len(outbox) == 1
    body = outbox[0].body
    assert "抱歉" in body and "/appointments/a/" in body and "技师病假" not in body  # the reason stays inside
    for time in times:
        assert timezone.localtime(time.starts_at).strftime("%m-%d") in body
        assert timezone.localtime(time.starts_at).strftime("%H:%M") in body
    assert OutboundMessage.objects.get(pk=record.pk).status == OutboundMessage.Status.SENT
    change = AppointmentChange.objects.get(appointment=booked, kind=K.CANCELLED)
    assert change.by_shop and change.customer_told_at is not None
    assert not call_tasks(booked).exists()  # the customer has time to answer first


def test_apt10_the_new_times_fit_the_timetable_and_the_workshop(booked, team, catalogue):
    """Never on the day the shop could not keep, never on a day without
    workshop room for the job, the same advisor first, one per half-day."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    workshop_day_set(store=team.store, day=tomorrow, trade="mechanical", capacity=0, note="培训",
                     actor=team[Role.AFTERSALES_MANAGER])
    appointment_cancel(appointment=booked, actor=team[Role.SERVICE_ADVISOR], reason="技师病假", by_shop=True)
    times = offer_times_live(offer=RebookingOffer.objects.get(appointment=booked))
    days = [timezone.localtime(t.starts_at).date() for t in times]
    assert tomorrow not in days and timezone.localtime(booked.starts_at).date() not in days
    assert all(t.advisor == booked.advisor for t in times)
    assert len({(d, timezone.localtime(t.starts_at).hour < 12) for d, t in zip(days, times, strict=True)}) == 3


def test_apt10_another_advisor_of_the_same_trade_when_the_advisor_is_full(booked, team, catalogue):
    advisor = booked.advisor
    advisor.trade = "mechanical"
    advisor.save()
    colleague = staff(Role.SERVICE_ADVISOR, team.store, trade="mechanical")
    staff(Role.SERVICE_ADVISOR, team.store, trade="body")  # not a suitable advisor
    booked.refresh_from_db()
    appointment_cancel(appointment=booked, actor=team[Role.SERVICE_ADVISOR], reason="技师病假", by_shop=True)
    offer = RebookingOffer.objects.get(appointment=booked)
    with mock.patch("appointments.offers.advisor_day", side_effect=lambda *, store, advisor, day, now: [] if
                    advisor.pk == booked.advisor_id else _real_advisor_day(store=store, advisor=advisor, day=day,
                                                                           now=now)):
        times = offer_times_live(offer=offer)
    assert times and {t.advisor for t in times} == {colleague}


def _real_advisor_day(**kw):
    from appointments.timetable import advisor_day

    return advisor_day(**kw)


def test_apt10_answering_with_a_time_books_it(client, cancelled, catalogue):
    old = cancelled.appointment
    chosen = offer_times_live(offer=cancelled)[1]
    response = client.post(link(old, "_new_time"), {"time": chosen.value})
    assert response.status_code == 302
    cancelled.refresh_from_db()
    new = cancelled.new_appointment
    assert cancelled.status == RebookingOffer.Status.BOOKED and cancelled.answered_by is None
    assert new.status == Appointment.Status.BOOKED and new.starts_at == chosen.starts_at
    assert (new.vehicle, new.advisor) == (old.vehicle, chosen.advisor)
    assert [line.labour_operation for line in new.work_order.lines.all()] == [catalogue["labour"]]
    day = timezone.localtime(new.starts_at).date()
    assert workshop_day(store=old.store, day=day, trade="mechanical").booked_hours == catalogue["labour"].standard_hours
    change = AppointmentChange.objects.get(appointment=old, kind=K.OFFER_TAKEN)
    assert change.new_starts_at == chosen.starts_at and change.actor is None
    with time_machine.travel(timezone.now(), tick=False):  # a signed link carries the second it was made
        page = client.get(link(old)).content.decode()
        assert 'data-testid="new-appointment"' in page and link(new) in page


def test_apt10_a_time_taken_meanwhile_is_refused_with_a_message(client, cancelled, team, catalogue):
    old = cancelled.appointment
    first = offer_times_live(offer=cancelled)[0]
    book(team, first.starts_at, advisor=first.advisor, labour=[catalogue["labour"]])  # someone else books it
    with refused_by("SCH-1"):
        offer_take(offer=cancelled, choice=first.value, actor=None)
    response = client.post(link(old, "_new_time"), {"time": first.value})
    page = response.content.decode()
    assert response.status_code == 400 and 'data-testid="offer-error"' in page
    assert first.value not in page and page.count('data-testid="new-time"') == 3  # the rest, topped up
    assert RebookingOffer.objects.get(pk=cancelled.pk).status == RebookingOffer.Status.OPEN
    assert Appointment.objects.filter(vehicle=old.vehicle, status=Appointment.Status.BOOKED).count() == 0


def test_apt10_a_time_not_offered_cannot_be_forced(client, cancelled):
    old = cancelled.appointment
    response = client.post(link(old, "_new_time"), {"time": "203001010900-1"})
    assert response.status_code == 400
    assert not Appointment.objects.filter(vehicle=old.vehicle, status=Appointment.Status.BOOKED).exists()


def test_apt10_the_sweep_asks_an_agent_to_call_once_after_the_set_time(cancelled):
    old = cancelled.appointment
    assert cancelled.answer_by > cancelled.made_at  # the arithmetic: test_apt10_the_answer_time_counts_…
    with time_machine.travel(cancelled.answer_by - timedelta(minutes=1), tick=False):
        assert offers_sweep().calls == 0
    assert not call_tasks(old).exists()
    with time_machine.travel(cancelled.answer_by + timedelta(minutes=1), tick=False):
        assert offers_sweep().calls == 1
        assert offers_sweep().calls == 0  # the sweep run twice, or by two workers
    with time_machine.travel(cancelled.answer_by + timedelta(minutes=2), tick=False):
        from appointments.tasks import sweep_offers

        assert sweep_offers() == {"sent": 0, "calls": 0}
    task = call_tasks(old).get()
    assert task.done_at is None and task.link == reverse("appointments:detail", args=[old.pk])
    assert "回复" in task.text or "答复" in task.text
    assert AppointmentChange.objects.filter(appointment=old, kind=K.CALL_DUE).count() == 1


def test_apt10_the_answer_time_counts_opening_hours_and_ends_before_the_old_time(team):
    """Opening 08:30–18:00, 2 hours: a cancellation at 17:30 waits until 10:00
    next morning; at 10:00 the customer of 11:30 is called at 10:30."""
    store = team.store
    day = timezone.localdate() + timedelta(days=2)
    assert offer_answer_by(store=store, start=at(day, 17, 30), cancelled_time=at(day + timedelta(days=3), 9)) \
        == at(day + timedelta(days=1), 10)
    assert offer_answer_by(store=store, start=at(day, 20), cancelled_time=at(day + timedelta(days=3), 9)) \
        == at(day + timedelta(days=1), 10, 30)
    assert offer_answer_by(store=store, start=at(day, 9), cancelled_time=at(day + timedelta(days=3), 9)) \
        == at(day, 11)
    assert offer_answer_by(store=store, start=at(day, 10), cancelled_time=at(day, 11, 30)) == at(day, 10, 30)
    assert offer_answer_by(store=store, start=at(day, 10), cancelled_time=at(day, 10, 45)) == at(day, 10)
    # an early appointment cancelled late: the call is due before closing, not an hour before opening
    assert offer_answer_by(store=store, start=at(day, 17, 30), cancelled_time=at(day + timedelta(days=1), 8, 30)) \
        == at(day, 18)


def test_apt10_answering_closes_the_call_task(client, cancelled):
    old = cancelled.appointment
    with time_machine.travel(cancelled.answer_by + timedelta(minutes=1), tick=False):
        offers_sweep()
    assert call_tasks(old).get().done_at is None
    client.post(link(old, "_new_time"), {"time": offer_times_live(offer=cancelled)[0].value})
    assert call_tasks(old).get().done_at is not None
    with time_machine.travel(cancelled.answer_by + timedelta(hours=1), tick=False):
        assert offers_sweep().calls == 0


def test_apt10_an_answered_offer_makes_no_call_task(client, cancelled):
    old = cancelled.appointment
    client.post(link(old, "_no_new_time"), {"note": "下周六上午"})
    with time_machine.travel(cancelled.answer_by + timedelta(minutes=1), tick=False):
        assert offers_sweep().calls == 0
    assert not call_tasks(old).exists()


def test_apt10_declining_puts_the_wish_in_the_booking_queue(client, cancelled):
    old = cancelled.appointment
    response = client.post(link(old, "_no_new_time"), {"note": "下周六上午"})
    assert response.status_code == 302
    cancelled.refresh_from_db()
    assert cancelled.status == RebookingOffer.Status.DECLINED and cancelled.answer_note == "下周六上午"
    request = BookingRequest.objects.get(appointment=old)
    assert request.wish == "下周六上午" and request.handled_at is None
    assert AppointmentChange.objects.filter(appointment=old, kind=K.OFFER_DECLINED).exists()
    assert 'data-testid="declined"' in client.get(link(old)).content.decode()
    response = client.post(link(old, "_new_time"), {"time": "x"})  # answered: no second answer
    assert response.status_code == 400


def test_apt10_the_message_goes_once_even_when_the_wake_up_is_lost(booked, team, outbox,
                                                                   django_capture_on_commit_callbacks):
    with mock.patch("appointments.tasks.send_offer.delay", side_effect=OSError("broker down")), \
            django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked, actor=team[Role.SERVICE_ADVISOR], reason="技师病假", by_shop=True)
    assert outbox == []  # the broker is down: the cancellation still stands, the message waits
    with django_capture_on_commit_callbacks(execute=True):  # the sweep queues it; the outbox delivers it after commit
        assert offers_sweep().sent == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert offers_sweep().sent == 0
    assert len(outbox) == 1
    assert RebookingOffer.objects.get(appointment=booked).told_at is not None


def test_apt10_a_failed_message_asks_an_agent_to_call_at_once(booked, team, outbox,
                                                              django_capture_on_commit_callbacks):
    LocmemBackend.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked, actor=team[Role.SERVICE_ADVISOR], reason="技师病假", by_shop=True)
    assert outbox == [] and call_tasks(booked).count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        assert offers_sweep().calls == 0
    assert call_tasks(booked).count() == 1


def test_apt10_the_agent_books_a_new_time_on_the_phone(cancelled, team):
    old = cancelled.appointment
    agent = login(team[Role.APPOINTMENT_AGENT])
    page = agent.get(reverse("appointments:detail", args=[old.pk])).content.decode()
    assert 'data-testid="offer"' in page
    chosen = offer_times_live(offer=cancelled)[0]
    response = agent.post(reverse("appointments:offer_book", args=[old.pk]), {"time": chosen.value})
    cancelled.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("appointments:detail",
                                                                  args=[cancelled.new_appointment_id])
    assert cancelled.answered_by == team[Role.APPOINTMENT_AGENT]


def test_apt10_a_booking_made_by_hand_answers_the_offer(cancelled, team, catalogue):
    old = cancelled.appointment
    new = book(team, at(timezone.localdate() + timedelta(days=5), 14), labour=[catalogue["labour"]],
               vehicle=old.vehicle)
    cancelled.refresh_from_db()
    assert cancelled.status == RebookingOffer.Status.BOOKED and cancelled.new_appointment == new


def test_apt10_a_shop_cancellation_counts_once_in_the_figures(cancelled, team):
    old = cancelled.appointment
    offer_take(offer=cancelled, choice=offer_times_live(offer=cancelled)[0].value, actor=None)
    total = appointment_figures(user=team[Role.AFTERSALES_MANAGER])["total"]
    assert (total.cancelled_by_shop, total.moved_by_shop) == (1, 0)
    assert AppointmentChange.objects.filter(appointment=old).count() == 2


def test_apt10_the_cancel_form_refuses_a_post_without_an_explicit_choice(booked, team):
    client = login(team[Role.SERVICE_ADVISOR])
    page = client.get(reverse("appointments:detail", args=[booked.pk])).content.decode()
    assert 'name="reason_kind"' in page and "checked" not in page.split('name="reason_kind"', 1)[1][:200]
    response = client.post(reverse("appointments:cancel", args=[booked.pk]), {"reason": "技师病假"})
    assert response.status_code == 400 and "请选择取消原因" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED


def test_apt10_the_cancel_form_with_the_shops_reason_offers_new_times(booked, team):
    client = login(team[Role.SERVICE_ADVISOR])
    response = client.post(reverse("appointments:cancel", args=[booked.pk]),
                           {"reason": "技师病假", "reason_kind": "shop"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED and booked.closed_by_shop
    assert RebookingOffer.objects.filter(appointment=booked).exists()


def test_apt10_the_customers_own_cancellation_offers_nothing(booked, team):
    client = login(team[Role.APPOINTMENT_AGENT])
    response = client.post(reverse("appointments:cancel", args=[booked.pk]),
                           {"reason": "客户出差", "reason_kind": "customer"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED and not booked.closed_by_shop
    assert not RebookingOffer.objects.exists() and not OutboundMessage.objects.exists()


def test_apt10_the_offer_pages_refuse_other_stores_and_roles(cancelled, other_team, team):
    old = cancelled.appointment
    url = reverse("appointments:offer_book", args=[old.pk])
    assert login(other_team[Role.APPOINTMENT_AGENT]).post(url, {"time": "x"}).status_code == 404
    assert login(team[Role.TECHNICIAN]).post(url, {"time": "x"}).status_code == 403


def test_apt10_the_reschedule_form_asks_whose_reason_too(team, booked):
    """Moving an appointment, like cancelling it, names whose reason it is by
    an explicit choice (the tick was on by default)."""
    client = login(team[Role.SERVICE_ADVISOR])
    page = client.get(reverse("appointments:detail", args=[booked.pk])).content.decode()
    assert 'name="reason_kind" value="shop"' in page and "checked" not in page.split('name="reason_kind"')[1][:80]
    day = timezone.localtime(booked.starts_at).date() + timedelta(days=1)
    data = {"day": day.isoformat(), "slot": "10:00", "reason": "技师请假"}
    response = client.post(reverse("appointments:reschedule", args=[booked.pk]), data)
    assert "reason_kind" in response.context["reschedule_form"].errors
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).date() != day
    client.post(reverse("appointments:reschedule", args=[booked.pk]), {**data, "reason_kind": "customer"})
    booked.refresh_from_db()
    assert timezone.localtime(booked.starts_at).date() == day
    assert not booked.changes.latest("at").by_shop


def test_a_new_time_typed_years_ahead_is_refused_on_the_form(team, booked):
    """9999-12-31 (the fuzzing of the forms found it: the opening hours could not be read so far ahead) gets
    a message on the form; the appointment keeps its time."""
    from datetime import date

    from dealership.hours import store_hours

    assert store_hours(booked.store, date.max) is not None and store_hours(booked.store, date.min) is not None
    client = login(team[Role.SERVICE_ADVISOR], language="en")
    before = booked.starts_at
    response = client.post(reverse("appointments:reschedule", args=[booked.pk]), {
        "day": "9999-12-31", "slot": "09:00", "reason": "x", "reason_kind": "shop"})
    assert response.status_code == 400 and "within the next year" in response.content.decode()
    booked.refresh_from_db()
    assert booked.starts_at == before


def test_apt10_the_customers_link_shows_while_it_can_be_answered(cancelled, team, catalogue):
    """A shop-cancelled appointment keeps its customer's link on the page (the
    link offers the new times); one the customer cancelled does not."""
    advisor = login(team[Role.SERVICE_ADVISOR])
    with time_machine.travel(timezone.now(), tick=False):  # a signed link carries the second it was made
        page = advisor.get(reverse("appointments:detail", args=[cancelled.appointment.pk])).content.decode()
        assert link(cancelled.appointment) in page
    other = book(team, at(timezone.localdate() + timedelta(days=4), 11), labour=[catalogue["labour"]])
    appointment_cancel(appointment=other, actor=team[Role.SERVICE_ADVISOR], reason="客户出差", by_shop=False)
    page = advisor.get(reverse("appointments:detail", args=[other.pk])).content.decode()
    assert link(other) not in page


def test_apt10_the_customers_page_writes_nothing_when_read(client, cancelled):
    """Anyone with the link may load it: reading the times it offers creates
    no workshop day (a day without one has nothing booked yet)."""
    from appointments.models import WorkshopDay

    WorkshopDay.objects.filter(booked_hours=0, note="").delete()  # the days nobody booked: as on a fresh store
    before = WorkshopDay.objects.count()
    page = client.get(link(cancelled.appointment))
    assert page.status_code == 200 and WorkshopDay.objects.count() == before
