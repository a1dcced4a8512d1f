"""APT-7…APT-9, SCH-5: parts on the appointment shelf, the readiness
checklist, and the customer file."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from appointments.models import Appointment, PartReservation
from appointments.preparation import parts_reserve, readiness, reservation_retry
from appointments.selectors import appointment_for_page
from appointments.services import appointment_cancel
from dealership.models import Part, Role, StaffTask

from ..conftest import Team, login
from ..factories import LabourFactory, PartFactory, StoreFactory
from ..refusals import refused_saying
from .helpers import at, book, tomorrow

R = PartReservation.Status


@pytest.fixture
def pads(store):
    return PartFactory(store=store, on_hand=Decimal("1"))


def test_apt8_reserved_parts_are_no_longer_free_for_others(team, pads, catalogue):
    first = book(team, labour=[catalogue["labour"]], parts=[pads])
    second = book(team, at(tomorrow(), 10), labour=[catalogue["labour"]], parts=[pads])
    clerk = team[Role.PARTS_CLERK]
    [mine] = parts_reserve(appointment=first, actor=clerk, shelf="A-03")
    assert (mine.status, mine.shelf) == (R.RESERVED, "A-03")
    pads.refresh_from_db()
    assert (pads.on_hand, pads.reserved, pads.available) == (Decimal("1"), Decimal("1"), Decimal("0"))
    [theirs] = parts_reserve(appointment=second, actor=clerk)
    assert theirs.status == R.SHORT  # the last one is on the first customer's shelf


def test_apt8_a_shortage_is_a_risk_on_the_appointment_with_its_expected_date(team, pads, catalogue):
    from datetime import timedelta

    from django.utils import timezone

    from appointments.preparation import reservation_expect

    Part.objects.filter(pk=pads.pk).update(on_hand=0)
    appointment = book(team, labour=[catalogue["labour"]], parts=[pads])
    [short] = parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK])
    reservation_expect(reservation=short, expected_on=timezone.localdate() + timedelta(days=2),
                       actor=team[Role.PARTS_CLERK])
    items = {i.key: i for i in readiness(appointment_for_page(user=team[Role.SERVICE_ADVISOR], pk=appointment.pk))}
    assert not items["parts"].done and "expected" in items["parts"].detail or "预计" in items["parts"].detail
    Part.objects.filter(pk=pads.pk).update(on_hand=5)  # the delivery came
    assert reservation_retry(reservation=short, actor=team[Role.PARTS_CLERK])
    items = {i.key: i for i in readiness(appointment_for_page(user=team[Role.SERVICE_ADVISOR], pk=appointment.pk))}
    assert items["parts"].done


def test_apt7_the_parts_task_closes_when_everything_is_reserved(team, pads, catalogue):
    appointment = book(team, labour=[catalogue["labour"]], parts=[pads])
    task = StaffTask.objects.get(work_order=appointment.work_order, role=Role.PARTS_CLERK)
    assert task.done_at is None
    parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK])
    task.refresh_from_db()
    assert task.done_at is not None


def test_apt8_only_the_parts_department_reserves(team, pads, catalogue):
    appointment = book(team, labour=[catalogue["labour"]], parts=[pads])
    with refused_saying(_("Only the parts department reserves parts.")):
        parts_reserve(appointment=appointment, actor=team[Role.SERVICE_ADVISOR])


def test_apt8_a_cancelled_appointment_gives_its_parts_back(team, pads, catalogue):
    appointment = book(team, labour=[catalogue["labour"]], parts=[pads])
    parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK])
    appointment_cancel(appointment=appointment, actor=team[Role.SERVICE_ADVISOR], reason="客户改主意", by_shop=False)
    pads.refresh_from_db()
    assert pads.reserved == 0
    assert PartReservation.objects.get(appointment=appointment).status == R.RELEASED


@pytest.mark.django_db(transaction=True)
def test_apt8_two_clerks_reserving_the_last_part_at_once_cannot_both_get_it():
    team = Team(StoreFactory())
    part = PartFactory(store=team.store, on_hand=Decimal("1"))
    job = LabourFactory(store=team.store, standard_hours=Decimal("0.5"))
    appointments = [book(team, at(tomorrow(), 8 + i), labour=[job], parts=[part]) for i in range(1, 5)]
    clerks = [team[Role.PARTS_CLERK]] * len(appointments)
    barrier = threading.Barrier(len(appointments))
    statuses: list[str] = []

    def attempt(appointment, clerk):
        try:
            barrier.wait()
            statuses.extend(r.status for r in parts_reserve(appointment=appointment, actor=clerk))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(appointments, clerks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [R.RESERVED, R.SHORT, R.SHORT, R.SHORT]
    part.refresh_from_db()
    assert part.reserved == Decimal("1")


def test_apt9_the_readiness_checklist_names_what_is_missing(team, catalogue):
    appointment = book(team, labour=[catalogue["labour"]], parts=[catalogue["part"]])
    page = appointment_for_page(user=team[Role.SERVICE_ADVISOR], pk=appointment.pk)
    missing = {i.key for i in readiness(page) if not i.done}
    assert missing == {"parts", "technician", "tools", "docs", "file"}
    client = login(team[Role.SERVICE_ADVISOR])
    response = client.post(reverse("appointments:prepare", args=[appointment.pk]), {
        "technician": team[Role.TECHNICIAN].pk, "bay": "3号工位", "needs_expert": "on",
        "expert": team[Role.TECHNICAL_EXPERT].pk, "tools": "on", "docs": "on", "file": "on"})
    assert response.status_code == 302
    parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK])
    page = appointment_for_page(user=team[Role.SERVICE_ADVISOR], pk=appointment.pk)
    assert [i.key for i in readiness(page) if not i.done] == []
    assert {i.key for i in readiness(page)} >= {"expert"}


def test_apt9_the_advisors_day_view_shows_readiness_at_a_glance(team, catalogue):
    appointment = book(team, labour=[catalogue["labour"]])
    html = login(team[Role.SERVICE_ADVISOR]).get(reverse("appointments:list"),
                                                 {"day": tomorrow().isoformat()}).content.decode()
    assert appointment.vehicle.plate in html and "1 / 5" in html  # only the work order is ready


def test_sch5_the_customer_file_shows_earlier_visits(team, catalogue, order_in, vehicle):
    earlier = order_in("delivered")
    appointment = book(team, labour=[catalogue["labour"]], vehicle=earlier.vehicle)
    html = login(team[Role.SERVICE_ADVISOR]).get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert earlier.number in html


def test_the_parts_clerk_sees_the_appointments_that_need_parts(team, catalogue):
    with_parts = book(team, labour=[catalogue["labour"]], parts=[catalogue["part"]])
    without = book(team, at(tomorrow(), 10), labour=[catalogue["labour"]])
    html = login(team[Role.PARTS_CLERK]).get(reverse("appointments:parts")).content.decode()
    assert with_parts.vehicle.plate in html and without.vehicle.plate not in html
    assert Appointment.objects.count() == 2


def test_apt10_a_part_expected_after_the_appointment_alerts_the_advisor(team, pads, catalogue):
    from datetime import timedelta

    from appointments.preparation import reservation_expect

    Part.objects.filter(pk=pads.pk).update(on_hand=0)
    appointment = book(team, labour=[catalogue["labour"]], parts=[pads])
    [short] = parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK])
    reservation_expect(reservation=short, expected_on=tomorrow() + timedelta(days=3), actor=team[Role.PARTS_CLERK])
    assert StaffTask.objects.filter(assignee=appointment.advisor, key__contains="late-part").exists()


def test_apt8_released_shelf_parts_are_put_back_by_the_parts_department(team, pads, catalogue):
    appointment = book(team, labour=[catalogue["labour"]], parts=[pads])
    parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK], shelf="A-03")
    appointment_cancel(appointment=appointment, actor=team[Role.SERVICE_ADVISOR], reason="改天", by_shop=False)
    task = StaffTask.objects.get(key=f"apt-{appointment.pk}-unshelve")
    assert task.role == Role.PARTS_CLERK and "A-03" in task.params["parts"]


def test_apt8_reserving_needs_the_shelf_place(team, pads, catalogue):
    appointment = book(team, labour=[catalogue["labour"]], parts=[pads])
    login(team[Role.PARTS_CLERK]).post(reverse("appointments:reserve", args=[appointment.pk]), {"shelf": " "})
    assert not PartReservation.objects.exists()
