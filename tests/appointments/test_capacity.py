"""APT-5: bookings take workshop capacity by trade, within the share kept
for appointments; never beyond it unless the manager says why."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.capacity import CapacityFull, capacity_hours, workshop_day
from appointments.models import Appointment, WorkshopDay
from appointments.services import appointment_book
from dealership.models import Role, Trade
from dealership.services import Override

from ..concurrency import at_once
from ..conftest import Team, login
from ..factories import LabourFactory, StoreFactory, VehicleFactory, staff
from ..refusals import refused_by


def at(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def tomorrow():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def big_job(store):
    return LabourFactory(store=store, code="G900", name="发动机大修", standard_hours=Decimal("3.00"), trade=Trade.MECHANICAL)


def book(team, starts_at, ops, **kw):
    return appointment_book(store=team.store, actor=team[Role.APPOINTMENT_AGENT], vehicle=(v := VehicleFactory(store=team.store)),
                            customer=v.customer, advisor=kw.pop("advisor", team[Role.SERVICE_ADVISOR]),
                            starts_at=starts_at, customer_words="异响", pre_diagnosis="需拆检",
                            labour_operations=ops, **kw)


def test_apt5_capacity_is_technicians_times_hours_times_the_appointment_share(team):
    staff(Role.TECHNICIAN, team.store, trade=Trade.MECHANICAL)  # now two mechanics
    team.store.technician_hours_per_day = Decimal("8")
    team.store.appointment_capacity_percent = Decimal("40")
    assert capacity_hours(store=team.store, trade=Trade.MECHANICAL) == Decimal("6.40")
    assert capacity_hours(store=team.store, trade=Trade.BODY) == Decimal("0.00")


def test_apt5_a_day_without_room_is_refused_and_days_with_room_are_offered(team, big_job, tomorrow):
    """APT-X4 (refused): a booking beyond the workshop's capacity for appointments is refused by APT-5; nothing
    is booked and the day's booked hours stay as they were."""
    book(team, at(tomorrow, 9), [big_job])  # 3.0 of 3.2 h
    with refused_by("APT-5", error=CapacityFull) as exc:
        book(team, at(tomorrow, 10), [big_job], advisor=staff(Role.SERVICE_ADVISOR, team.store))
    assert exc.value.days_with_room[0] == tomorrow + timedelta(days=1)
    assert Appointment.objects.count() == 1
    assert workshop_day(store=team.store, day=tomorrow, trade=Trade.MECHANICAL).booked_hours == Decimal("3.00")


def test_apt5_only_the_manager_may_book_beyond_capacity_and_it_is_recorded(team, big_job, tomorrow):
    book(team, at(tomorrow, 9), [big_job])
    with refused_by("APT-5"):
        book(team, at(tomorrow, 10), [big_job], capacity_override=Override(team[Role.SERVICE_ADVISOR], "急"))
    with refused_by("APT-5"):
        book(team, at(tomorrow, 10), [big_job], capacity_override=Override(team[Role.AFTERSALES_MANAGER], " "))
    appointment = book(team, at(tomorrow, 10), [big_job],
                       capacity_override=Override(team[Role.AFTERSALES_MANAGER], "车队大客户,已安排加班"))
    assert appointment.capacity_override_by == team[Role.AFTERSALES_MANAGER]
    assert appointment.capacity_override_reason == "车队大客户,已安排加班"
    assert appointment.work_order.events.filter(rule="APT-5").exists()
    assert workshop_day(store=team.store, day=tomorrow, trade=Trade.MECHANICAL).booked_hours == Decimal("6.00")


def test_apt5_an_override_where_there_is_room_takes_capacity_normally(team, big_job, tomorrow):
    appointment = book(team, at(tomorrow, 9), [big_job],
                       capacity_override=Override(team[Role.AFTERSALES_MANAGER], "以防万一"))
    assert appointment.capacity_override_by is None


@pytest.mark.django_db(transaction=True)
def test_apt5_two_bookings_of_the_last_hours_at_once_cannot_both_succeed(tomorrow):
    team = Team(StoreFactory())
    job = LabourFactory(store=team.store, standard_hours=Decimal("2.00"))  # 2 of 3.2 h: room for one
    advisors = [staff(Role.SERVICE_ADVISOR, team.store) for _ in range(4)]
    def attempt(advisor):
        book(team, at(tomorrow, 9), [job], advisor=advisor)

    results = at_once(attempt, advisors)
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert WorkshopDay.objects.get(day=tomorrow, trade=Trade.MECHANICAL).booked_hours == Decimal("2.00")


def test_apt5_the_booking_screen_offers_the_days_with_room(team, big_job, tomorrow):
    book(team, at(tomorrow, 9), [big_job])
    advisor2 = staff(Role.SERVICE_ADVISOR, team.store)
    response = login(team[Role.APPOINTMENT_AGENT]).post(reverse("appointments:new"), {
        "car-plate": "粤A12345", "car-vin": "1M8GDM9AXKP042788", "car-make": "大众", "car-model": "迈腾",
        "car-customer_name": "张伟", "car-mobile": "13912345678", "car-board_display": "surname",
        "advisor": advisor2.pk, "day": tomorrow.isoformat(), "slot": "10:00", "customer_words": "异响",
        "pre_diagnosis": "拆检", "labour_operations": [big_job.pk]})
    html = response.content.decode()
    assert response.status_code == 200 and "APT-5" in html and 'data-testid="days-with-room"' in html


def test_apt4_the_estimate_adds_up_hours_and_yuan(team, big_job, catalogue):
    response = login(team[Role.APPOINTMENT_AGENT]).get(reverse("appointments:estimate"), {
        "labour_operations": [big_job.pk, catalogue["labour"].pk], "parts": [catalogue["part"].pk],
        "extra_price": "50"})
    html = response.content.decode()
    assert "¥1,290.00" in html and "4.00" in html  # 280 + 280 + 680 + 50; 3 h + 1 h


def test_apt10_a_capacity_cut_below_the_bookings_warns_the_advisors(team, big_job, tomorrow):
    from appointments.capacity import workshop_day_set

    book(team, at(tomorrow, 9), [big_job])
    workshop_day_set(store=team.store, day=tomorrow, trade=Trade.MECHANICAL, capacity=Decimal("1"),
                     note="李师傅病假", actor=team[Role.AFTERSALES_MANAGER])
    from dealership.models import StaffTask

    assert StaffTask.objects.filter(role=Role.SERVICE_ADVISOR, key__startswith="overbooked").exists()
    html = login(team[Role.SERVICE_ADVISOR]).get(reverse("appointments:list"),
                                                 {"day": tomorrow.isoformat()}).content.decode()
    assert 'data-testid="overbooked"' in html and "李师傅病假" in html


def test_apt5_a_job_larger_than_any_days_share_says_so(team, tomorrow):
    huge = LabourFactory(store=team.store, standard_hours=Decimal("5.00"))
    with refused_by("APT-5", error=CapacityFull) as exc:
        book(team, at(tomorrow, 9), [huge])
    assert exc.value.days_with_room == [] and "5.00" in str(exc.value)
