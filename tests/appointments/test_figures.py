"""The manager's appointment figures equal what the raw records say."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from appointments.arrivals import ticket_arrive, ticket_call, ticket_walk_in
from appointments.confirmations import confirmations_sweep
from appointments.figures import appointment_figures
from appointments.services import appointment_no_show, appointment_reschedule
from dealership.models import Customer, Role

from ..conftest import login
from .helpers import at, book


def test_the_figures_count_what_happened(team, catalogue, order_in, django_capture_on_commit_callbacks):
    Customer.objects.update(consent_to_messages=True)
    manager = team[Role.AFTERSALES_MANAGER]
    base = timezone.localdate() + timedelta(days=3)
    came = book(team, at(base, 9), labour=[catalogue["labour"]])
    missed = book(team, at(base, 10), labour=[catalogue["labour"]])
    moved = book(team, at(base, 11), labour=[catalogue["labour"]])
    Customer.objects.update(consent_to_messages=True)
    appointment_reschedule(appointment=moved, actor=team[Role.SERVICE_ADVISOR], starts_at=at(base, 14),
                           reason="技师请假", by_shop=True)
    with time_machine.travel(at(base, 8, 30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers after the sweep's commit
            confirmations_sweep()  # hour-before for 09:00 only
    with time_machine.travel(at(base, 9, 5), tick=False):
        ticket = ticket_arrive(appointment=came, actor=team[Role.APPOINTMENT_AGENT])
    with time_machine.travel(at(base, 9, 15), tick=False):  # ten minutes' wait: over the patience limit
        ticket_call(ticket=ticket, advisor=team[Role.SERVICE_ADVISOR])
        walk_in = ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate="粤A10001", name="甲")
    with time_machine.travel(at(base, 9, 17), tick=False):
        ticket_call(ticket=walk_in, advisor=team[Role.SERVICE_ADVISOR])
    with time_machine.travel(at(base, 13), tick=False):
        appointment_no_show(appointment=missed, actor=None)
    with time_machine.travel(at(base, 20), tick=False):
        figures = appointment_figures(user=manager)
    total = figures["total"]
    assert total.appointments == 3
    assert (total.arrived, total.no_shows) == (1, 1)
    assert total.no_show_rate == 50.0
    assert total.ready_at_arrival == 0 and total.readiness_rate == 0.0
    assert total.moved_by_shop == 1
    assert total.hour_before_due == 3 and total.hour_before_on_time == 1
    assert sorted(round(w) for w in total.waits) == [2, 10]
    assert total.waits_over_patience == 1 and total.over_patience_rate == 50.0
    with time_machine.travel(at(base, 20), tick=False):
        html = login(manager).get(reverse("appointments:figures")).content.decode()
    assert 'data-testid="by-week"' in html and str(team[Role.SERVICE_ADVISOR]) in html


def test_the_appointment_share_counts_signed_orders(team, catalogue, order_in):
    order_in("signed")  # a walk-in
    figures = appointment_figures(user=team[Role.AFTERSALES_MANAGER])
    assert figures["total"].orders == 1 and figures["total"].appointment_share == 0.0


def test_the_manager_changes_a_days_capacity(team):
    from appointments.capacity import workshop_day

    row = workshop_day(store=team.store, day=timezone.localdate() + timedelta(days=1), trade="mechanical")
    client = login(team[Role.AFTERSALES_MANAGER])
    client.post(reverse("appointments:capacity_set", args=[row.pk]), {"capacity_hours": "1.5", "note": "李师傅病假"})
    row.refresh_from_db()
    assert (row.capacity_hours, row.note) == (1.5, "李师傅病假")
    response = login(team[Role.SERVICE_ADVISOR]).post(reverse("appointments:capacity_set", args=[row.pk]),
                                                      {"capacity_hours": "9"})
    assert response.status_code == 403
    client.post(reverse("appointments:capacity_set", args=[row.pk]), {"capacity_hours": "-3"})
    row.refresh_from_db()
    assert row.capacity_hours == 1.5


def test_sch3_reception_time_is_measured_against_the_twelve_minute_aim(team, catalogue):
    """From the call at the desk to the two signatures (SCH-3)."""
    from reception.services import appointment_receive
    from tests.reception.test_signing import prepare, sign

    base = timezone.localdate() + timedelta(days=2)
    quick = book(team, at(base, 9), labour=[catalogue["labour"]])
    slow = book(team, at(base, 10), labour=[catalogue["labour"]])
    for appointment, minutes in [(quick, 10), (slow, 20)]:
        with time_machine.travel(appointment.starts_at, tick=False):
            appointment_receive(appointment=appointment, actor=team[Role.SERVICE_ADVISOR])
        with time_machine.travel(appointment.starts_at + timedelta(minutes=minutes), tick=False):
            order = prepare(appointment.work_order, team[Role.SERVICE_ADVISOR])
            sign(order, team[Role.SERVICE_ADVISOR])
    with time_machine.travel(at(base, 20), tick=False):
        total = appointment_figures(user=team[Role.AFTERSALES_MANAGER])["total"]
    assert sorted(round(m) for m in total.receptions) == [10, 20]
    assert total.average_reception == 15.0 and total.reception_over_target_rate == 50.0


def test_sch2_the_appointment_figures_count_a_customer_still_waiting_past_the_limit(team, catalogue):
    """The advisor's row too: their appointment customer waiting 20 minutes and not yet called is over the
    limit; a walk-in who left after 10 minutes counts for the store and the week."""
    from appointments.arrivals import ticket_left

    base = timezone.localdate() + timedelta(days=3)
    came = book(team, at(base, 9), labour=[catalogue["labour"]])
    with time_machine.travel(at(base, 8, 55), tick=False):
        ticket_arrive(appointment=came, actor=team[Role.APPOINTMENT_AGENT])
        walk_in = ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate="粤A10001", name="甲")
    with time_machine.travel(at(base, 9, 5), tick=False):
        ticket_left(ticket=walk_in, actor=team[Role.APPOINTMENT_AGENT])
    with time_machine.travel(at(base, 9, 15), tick=False):
        figures = appointment_figures(user=team[Role.AFTERSALES_MANAGER])
    total = figures["total"]
    assert sorted(round(w) for w in total.waits) == [10, 20]
    assert total.waits_over_patience == 2 and total.over_patience_rate == 100.0
    [(name, row)] = figures["advisors"]
    assert name == team[Role.SERVICE_ADVISOR].display_name and row.waits_over_patience == 1
