"""APT-12, SCH-2…SCH-4: the front-desk queue, the advisor alerted, waits
over the patience limit standing out, walk-ins in the same queue."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.arrivals import advisors_in_buffer, free_advisors, ticket_arrive, ticket_walk_in, waiting_list
from appointments.models import Appointment, QueueTicket
from dealership.models import Role, StaffTask, WorkOrder

from ..conftest import login
from ..refusals import refused_by, refused_saying
from .helpers import at, book


def test_apt12_the_advisor_is_alerted_when_the_appointment_customer_arrives(team, catalogue):
    appointment = book(team, labour=[catalogue["labour"]])
    with time_machine.travel(appointment.starts_at - timedelta(minutes=5), tick=False):
        ticket = ticket_arrive(appointment=appointment, actor=team[Role.APPOINTMENT_AGENT])
        assert ticket_arrive(appointment=appointment, actor=team[Role.APPOINTMENT_AGENT]).pk == ticket.pk  # once
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ARRIVED and ticket.called_at is None
    assert appointment.ready_at_arrival is False  # nothing prepared yet: counted
    assert StaffTask.objects.filter(assignee=appointment.advisor, key=f"apt-{appointment.pk}-arrived").exists()


def test_apt12_an_arrival_is_marked_only_on_the_appointments_day(team, catalogue):


    appointment = book(team, labour=[catalogue["labour"]])
    day = timezone.localtime(appointment.starts_at).strftime("%m-%d")
    with refused_saying(_("This appointment is on %(day)s, not today: for an early visit, move it to today first.")
                        % {"day": day}):
        ticket_arrive(appointment=appointment, actor=team[Role.APPOINTMENT_AGENT])


def test_sch2_a_customer_waiting_longer_than_the_patience_limit_stands_out(team):
    ticket = ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate="粤A12345", name="王")
    with time_machine.travel(ticket.arrived_at + timedelta(minutes=7), tick=False):
        [waiting] = waiting_list(store=team.store)
        assert (waiting.minutes, waiting.over_patience) == (7, False)
    with time_machine.travel(ticket.arrived_at + timedelta(minutes=9), tick=False):
        [waiting] = waiting_list(store=team.store)
        assert waiting.over_patience
        html = login(team[Role.SERVICE_ADVISOR]).get(reverse("appointments:arrivals")).content.decode()
    assert 'class="late"' in html and "9" in html


def test_sch2_the_patience_limit_is_a_store_setting(team):
    team.store.queue_patience_minutes = 3
    team.store.save()
    ticket = ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate="粤A12345", name="王")
    with time_machine.travel(ticket.arrived_at + timedelta(minutes=4), tick=False):
        assert waiting_list(store=team.store)[0].over_patience


def test_a_walk_in_from_the_queue_is_called_and_received(team):
    advisor = team[Role.SERVICE_ADVISOR]
    ticket = ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate="粤B54321", name="李女士",
                            note="空调不凉")
    client = login(advisor)
    response = client.post(reverse("appointments:call", args=[ticket.pk]))
    assert response.status_code == 302 and f"ticket={ticket.pk}" in response.url
    ticket.refresh_from_db()
    assert ticket.called_by == advisor
    page = client.get(response.url).content.decode()
    assert 'value="粤B54321"' in page and "空调不凉" in page
    client.post(reverse("reception:walk_in"), {
        "ticket": ticket.pk, "car-plate": "粤B54321", "car-vin": "1M8GDM9AXKP042788", "car-make": "丰田",
        "car-model": "凯美瑞", "car-customer_name": "李娜", "car-title": "ms", "car-mobile": "13800001111",
        "car-board_display": "surname", "customer_words": "空调不凉"})
    ticket.refresh_from_db()
    assert ticket.work_order == WorkOrder.objects.get()


def test_apt12_receiving_an_appointment_ends_its_wait(team, catalogue):
    appointment = book(team, labour=[catalogue["labour"]])
    with time_machine.travel(appointment.starts_at - timedelta(minutes=5), tick=False):
        ticket_arrive(appointment=appointment, actor=team[Role.APPOINTMENT_AGENT])
        login(team[Role.SERVICE_ADVISOR]).post(reverse("reception:receive", args=[appointment.pk]))
    ticket = QueueTicket.objects.get(appointment=appointment)
    assert ticket.called_at is not None and ticket.called_by == team[Role.SERVICE_ADVISOR]
    assert waiting_list(store=team.store) == []


def test_sch4_walk_ins_go_to_advisors_free_now(team, catalogue):
    from ..factories import staff

    busy = team[Role.SERVICE_ADVISOR]
    free = staff(Role.SERVICE_ADVISOR, team.store)
    tomorrow = timezone.localdate() + timedelta(days=1)
    book(team, at(tomorrow, 9), labour=[catalogue["labour"]], advisor=busy)
    now = at(tomorrow, 8, 40)
    assert free in free_advisors(store=team.store, now=now) and busy not in free_advisors(store=team.store, now=now)
    assert busy in free_advisors(store=team.store, now=at(tomorrow, 11))


def test_the_front_desk_marks_an_arrival_from_the_board(team, catalogue):
    appointment = book(team, at(timezone.localdate() + timedelta(days=1), 9), labour=[catalogue["labour"]])
    with time_machine.travel(appointment.starts_at - timedelta(minutes=10), tick=False):
        response = login(team[Role.APPOINTMENT_AGENT]).post(reverse("appointments:arrive", args=[appointment.pk]))
    assert response.status_code == 302
    assert QueueTicket.objects.filter(appointment=appointment).exists()


def test_a_walk_in_ticket_needs_a_plate_or_a_name(team):
    response = login(team[Role.APPOINTMENT_AGENT]).post(reverse("appointments:walk_in_ticket"), {"note": "问路"})
    assert response.status_code == 400 and not QueueTicket.objects.exists()


def test_sch1_sch3_the_board_shows_the_advisor_whose_buffer_is_next(team, catalogue):
    """The document's case on the arrivals board: at 9:40, with 9:00, 9:15 and 9:30 booked, the advisor's 9:45 is
    their buffer, where a walk-in fits; another advisor with nothing booked has no buffer (they are simply free)."""
    import re
    from decimal import Decimal

    from ..factories import LabourFactory, VehicleFactory, staff

    advisor = team[Role.SERVICE_ADVISOR]
    idle = staff(Role.SERVICE_ADVISOR, team.store)
    tomorrow = timezone.localdate() + timedelta(days=1)
    job = [LabourFactory(store=team.store, standard_hours=Decimal("0.10"))]
    for hh, mm in [(9, 0), (9, 15), (9, 30)]:
        book(team, at(tomorrow, hh, mm), labour=job, vehicle=VehicleFactory(store=team.store))
    with time_machine.travel(at(tomorrow, 9, 40), tick=False):
        assert advisors_in_buffer(store=team.store) == [(advisor, at(tomorrow, 9, 45))]
        html = login(team[Role.APPOINTMENT_AGENT]).get(reverse("appointments:arrivals")).content.decode()
    buffers = re.search(r'data-testid="buffers">(.*?)</div>', html, re.S).group(1)
    assert f"{advisor} 09:45" in buffers and str(idle) not in buffers
    with time_machine.travel(at(tomorrow, 8, 40), tick=False):  # before the run: nobody's buffer is near
        assert advisors_in_buffer(store=team.store) == []


def test_rec9_the_walk_in_form_refuses_a_plate_that_is_not_a_chinese_plate(team):
    """The arrivals board's walk-in form checks the plate as the reception form
    does (dealership.validators): the plate goes on to the work order (REC-9)."""
    client = login(team[Role.APPOINTMENT_AGENT])
    response = client.post(reverse("appointments:walk_in_ticket"), {"plate": "ABC123", "name": "王", "note": ""})
    assert response.status_code == 400
    assert response.context["ticket_form"].errors["plate"][0].startswith("“ABC123”")
    assert not QueueTicket.objects.exists()
    response = client.post(reverse("appointments:walk_in_ticket"), {"plate": " 粤a·12345 ", "name": "", "note": ""})
    assert response.status_code == 302
    assert QueueTicket.objects.get().plate == "粤A12345"
    client.post(reverse("appointments:walk_in_ticket"), {"plate": "", "name": "李女士", "note": ""})
    assert QueueTicket.objects.count() == 2  # the name alone is still enough


def test_rec9_a_walk_in_ticket_with_a_wrong_plate_is_refused_by_the_service_too(team):


    with refused_by("REC-9"):
        ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate="ABC123", name="王")
    assert not QueueTicket.objects.exists()
