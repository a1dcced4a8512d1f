"""Stage 1 in the foundation: the timetable, booking and its preparation."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import Appointment
from appointments.services import appointment_book, appointment_cancel, appointment_reschedule
from appointments.timetable import advisor_day
from dealership.errors import ProcessError
from dealership.models import Role, StaffTask, WorkOrder

from ..concurrency import at_once
from ..conftest import login
from ..factories import LabourFactory, StoreFactory, VehicleFactory
from ..refusals import refused_by, refused_saying


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


def times(slots, **flags):
    """The HH:MM of the slots whose flags match (e.g. is_buffer=True)."""
    return [s.starts_at.strftime("%H:%M") for s in slots if all(getattr(s, k) == v for k, v in flags.items())]


@pytest.fixture
def quick(team):
    """A short job, so a morning of bookings stays within the workshop's capacity (APT-5 is not tested here)."""
    return [LabourFactory(store=team.store, standard_hours=Decimal("0.10"))]


def test_sch1_the_documents_case_9_00_9_15_9_30_then_10_00(team, quick, tomorrow):
    """The source document's case, in its own times: first customer at 9:00, then 9:15 and 9:30; the fourth not
    at 9:45 but at 10:00. The store opens at 8:30, so a grid counted from opening (9:15 a buffer) plays no part."""
    assert team.store.opens_at == time(8, 30)
    advisor = team[Role.SERVICE_ADVISOR]
    for hh, mm in [(9, 0), (9, 15), (9, 30)]:
        book(team, VehicleFactory(store=team.store), at(tomorrow, hh, mm), labour_operations=quick)
    slots = advisor_day(store=team.store, advisor=advisor, day=tomorrow)
    assert times(slots, taken=True) == ["09:00", "09:15", "09:30"]
    assert times(slots, is_buffer=True) == ["08:45", "09:45"]  # either side of the run of three
    with refused_by("SCH-1"):
        book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 45), labour_operations=quick)
    fourth = book(team, VehicleFactory(store=team.store), at(tomorrow, 10, 0), labour_operations=quick)
    assert not fourth.in_buffer
    slots = advisor_day(store=team.store, advisor=advisor, day=tomorrow)
    assert times(slots, taken=True) == ["09:00", "09:15", "09:30", "10:00"]
    assert times(slots, is_buffer=True) == ["08:45", "09:45"]


def test_sch1_a_run_from_opening_makes_the_fourth_slot_the_buffer(team, quick, tomorrow):
    for hh, mm in [(8, 30), (8, 45), (9, 0)]:
        book(team, VehicleFactory(store=team.store), at(tomorrow, hh, mm), labour_operations=quick)
    slots = advisor_day(store=team.store, advisor=team[Role.SERVICE_ADVISOR], day=tomorrow)
    assert times(slots, is_buffer=True) == ["09:15"]
    assert [s.bookable for s in slots[4:6]] == [True, True]  # 09:30 and 09:45 are free


def test_sch1_a_slot_that_would_join_two_runs_into_four_is_the_buffer(team, quick, tomorrow):
    """Booked in any order: 9:45 first, then 9:00 and 9:15; 9:30 would make 9:00…9:45 four in a row."""
    for hh, mm in [(9, 45), (9, 0), (9, 15)]:
        book(team, VehicleFactory(store=team.store), at(tomorrow, hh, mm), labour_operations=quick)
    slots = advisor_day(store=team.store, advisor=team[Role.SERVICE_ADVISOR], day=tomorrow)
    assert times(slots, is_buffer=True) == ["09:30"]
    with refused_by("SCH-1"):
        book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 30), labour_operations=quick)


def test_sch1_nothing_booked_nothing_is_a_buffer(team, tomorrow):
    slots = advisor_day(store=team.store, advisor=team[Role.SERVICE_ADVISOR], day=tomorrow)
    assert times(slots)[:4] == ["08:30", "08:45", "09:00", "09:15"] and times(slots)[-1] == "17:45"
    assert times(slots, is_buffer=True) == []


@pytest.mark.django_db
def test_sch1_the_buffer_follows_other_store_settings(tomorrow):
    """Twenty-minute slots and a buffer after two: 8:20 and 8:40 booked make 8:00 and 9:00 buffers."""
    from ..conftest import Team

    team = Team(StoreFactory(opens_at=time(8, 0), closes_at=time(10, 0), slot_minutes=20, slots_before_buffer=2))
    job = [LabourFactory(store=team.store, standard_hours=Decimal("0.10"))]
    for hh, mm in [(8, 20), (8, 40)]:
        book(team, VehicleFactory(store=team.store), at(tomorrow, hh, mm), labour_operations=job)
    slots = advisor_day(store=team.store, advisor=team[Role.SERVICE_ADVISOR], day=tomorrow)
    assert times(slots) == ["08:00", "08:20", "08:40", "09:00", "09:20", "09:40"]
    assert times(slots, is_buffer=True) == ["08:00", "09:00"]
    with refused_by("SCH-1"):
        book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 0), labour_operations=job)


def test_sch1_the_buffer_belongs_to_each_advisor(team, quick, tomorrow):
    from ..factories import staff

    other = staff(Role.SERVICE_ADVISOR, team.store)
    for hh, mm in [(9, 0), (9, 15), (9, 30)]:
        book(team, VehicleFactory(store=team.store), at(tomorrow, hh, mm), labour_operations=quick)
    book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 45), labour_operations=quick, advisor=other)
    assert times(advisor_day(store=team.store, advisor=other, day=tomorrow), is_buffer=True) == []


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
    """APT-X2 (refused): a booking without the customer's own description of the fault is refused by APT-2,
    and nothing is booked: no appointment, no draft order."""
    with refused_by("APT-2"):
        book(team, vehicle, at(tomorrow, 9, 0), customer_words="  ")
    assert not Appointment.objects.filter(vehicle=vehicle).exists()
    assert not WorkOrder.objects.filter(vehicle=vehicle).exists()


def test_apt3_a_booking_needs_a_pre_diagnosis(team, vehicle, tomorrow):
    """APT-X3 (refused): a booking without a pre-diagnosis is refused by APT-3, and nothing is booked."""
    with refused_by("APT-3"):
        book(team, vehicle, at(tomorrow, 9, 0), pre_diagnosis="")
    assert not Appointment.objects.filter(vehicle=vehicle).exists()
    assert not WorkOrder.objects.filter(vehicle=vehicle).exists()


def test_apt4_a_booking_needs_an_item_so_the_customer_hears_an_estimate(team, vehicle, tomorrow):
    with refused_by("APT-4"):
        book(team, vehicle, at(tomorrow, 9, 0), labour_operations=[], parts=[])


def test_a_car_with_an_appointment_ahead_is_not_booked_twice(team, vehicle, tomorrow):
    book(team, vehicle, at(tomorrow, 9, 0))
    with refused_saying(_("%(plate)s already has an appointment on %(when)s; reschedule that one instead.")
                        % {"plate": vehicle.plate, "when": f"{tomorrow:%m-%d} 09:00"}):
        book(team, vehicle, at(tomorrow, 14, 0))


def test_sch1_a_taken_slot_is_refused(team, vehicle, tomorrow):
    book(team, vehicle, at(tomorrow, 9, 0))
    with refused_by("SCH-1"):
        book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 0))


def test_sch1_a_time_that_is_not_a_slot_or_is_past_is_refused(team, vehicle, tomorrow):
    with refused_by("SCH-1"):
        book(team, vehicle, at(tomorrow, 9, 7))
    with refused_by("SCH-1"):
        book(team, vehicle, at(tomorrow, 23, 0))
    with refused_saying(_("The appointment time has already passed.")):
        book(team, vehicle, timezone.now() - timedelta(hours=1))


def run_of_three(team, quick, day):
    """The document's case: the advisor's first three customers at 9:00, 9:15 and 9:30."""
    return [book(team, VehicleFactory(store=team.store), at(day, hh, mm), labour_operations=quick)
            for hh, mm in [(9, 0), (9, 15), (9, 30)]]


def test_sch1_the_buffer_is_not_offered_for_ordinary_bookings(team, vehicle, quick, tomorrow):
    run_of_three(team, quick, tomorrow)
    with refused_by("SCH-1") as exc:
        book(team, vehicle, at(tomorrow, 9, 45), labour_operations=quick)
    assert exc.value.rule == "SCH-1" and "09:45" in str(exc.value)
    with refused_by("SCH-4") as exc:  # ticking the box is not enough for the appointment agent
        book(team, vehicle, at(tomorrow, 9, 45), labour_operations=quick, use_buffer=True, buffer_reason="急")


def test_sch4_an_advisor_may_place_a_larger_case_in_the_buffer_with_a_reason(team, vehicle, quick, tomorrow):
    run_of_three(team, quick, tomorrow)
    with refused_by("SCH-4"):  # the appointment agent may not
        book(team, vehicle, at(tomorrow, 9, 45), use_buffer=True, buffer_reason="事故车定损")
    with refused_by("SCH-4"):  # nor without a reason
        book(team, vehicle, at(tomorrow, 9, 45), actor=team[Role.SERVICE_ADVISOR], use_buffer=True)
    appointment = book(team, vehicle, at(tomorrow, 9, 45), actor=team[Role.SERVICE_ADVISOR],
                       use_buffer=True, buffer_reason="事故车定损")
    assert appointment.in_buffer and appointment.buffer_reason == "事故车定损"


def test_sch1_an_urgent_case_in_the_buffer_moves_the_buffer_to_the_next_slot(team, vehicle, quick, tomorrow):
    """The urgent case is a customer too: after 9:00…9:45 the advisor has no slack left, so 10:00 is kept free."""
    run_of_three(team, quick, tomorrow)
    book(team, vehicle, at(tomorrow, 9, 45), actor=team[Role.SERVICE_ADVISOR], labour_operations=quick,
         use_buffer=True, buffer_reason="事故车定损")
    slots = advisor_day(store=team.store, advisor=team[Role.SERVICE_ADVISOR], day=tomorrow)
    assert times(slots, is_buffer=True) == ["08:45", "10:00"]
    with refused_by("SCH-1"):
        book(team, VehicleFactory(store=team.store), at(tomorrow, 10, 0), labour_operations=quick)


def test_sch1_a_slot_that_is_not_a_buffer_is_not_recorded_as_one(team, vehicle, quick, tomorrow):
    appointment = book(team, vehicle, at(tomorrow, 9, 0), actor=team[Role.SERVICE_ADVISOR], labour_operations=quick,
                       use_buffer=True, buffer_reason="以防万一")
    assert not appointment.in_buffer and appointment.buffer_reason == ""


def test_sch1_a_cancelled_booking_no_longer_counts_in_the_run(team, quick, tomorrow):
    first, *_rest = run_of_three(team, quick, tomorrow)
    appointment_cancel(appointment=first, actor=team[Role.APPOINTMENT_AGENT], reason="客户有事", by_shop=False)
    assert times(advisor_day(store=team.store, advisor=team[Role.SERVICE_ADVISOR], day=tomorrow),
                 is_buffer=True) == []


def test_sch1_a_move_that_would_make_a_run_of_four_is_refused_like_a_booking(team, vehicle, quick, tomorrow):
    """The guard is in the reschedule service too: the agent cannot move a customer into the buffer, an advisor
    can (the urgent path); a move within the run frees its old time first."""
    run_of_three(team, quick, tomorrow)
    later = book(team, vehicle, at(tomorrow, 11, 0), labour_operations=quick)
    with refused_by("SCH-1"):
        appointment_reschedule(appointment=later, actor=team[Role.APPOINTMENT_AGENT], starts_at=at(tomorrow, 9, 45),
                               reason="客户想早点来", by_shop=False)
    assert Appointment.objects.get(pk=later.pk).starts_at == at(tomorrow, 11, 0)
    moved = appointment_reschedule(appointment=later, actor=team[Role.SERVICE_ADVISOR], starts_at=at(tomorrow, 9, 45),
                                   reason="急修", by_shop=False)
    assert moved.in_buffer and moved.buffer_reason == "急修"


def test_sch1_moving_the_last_of_the_run_on_by_a_slot_frees_its_old_time_as_the_buffer(team, quick, tomorrow):
    *_first, third = run_of_three(team, quick, tomorrow)
    moved = appointment_reschedule(appointment=third, actor=team[Role.APPOINTMENT_AGENT],
                                   starts_at=at(tomorrow, 9, 45), reason="客户晚到一刻钟", by_shop=False)
    assert not moved.in_buffer
    slots = advisor_day(store=team.store, advisor=team[Role.SERVICE_ADVISOR], day=tomorrow)
    assert times(slots, taken=True) == ["09:00", "09:15", "09:45"] and times(slots, is_buffer=True) == ["09:30"]


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


@pytest.mark.django_db(transaction=True)
def test_sch1_two_people_making_a_run_of_four_at_once_cannot_both_succeed(tomorrow):
    """9:00 and 9:15 are booked; one person books 8:45 and another 9:30 at the same moment. Either alone is a run
    of three; both would be four in a row. The guard reads the run under the advisor's lock, so one is refused."""
    from ..conftest import Team

    team = Team(StoreFactory())
    job = [LabourFactory(store=team.store, standard_hours=Decimal("0.10"))]
    for hh, mm in [(9, 0), (9, 15)]:
        book(team, VehicleFactory(store=team.store), at(tomorrow, hh, mm), labour_operations=job)
    wanted = [(at(tomorrow, 8, 45), VehicleFactory(store=team.store)), (at(tomorrow, 9, 30), VehicleFactory(store=team.store))]
    refusals = []

    def attempt(item):
        try:
            book(team, item[1], item[0], labour_operations=job)
        except ProcessError as exc:
            refusals.append(exc.rule)
            raise

    results = at_once(attempt, wanted)
    assert sorted(results) == ["ok", "refused"] and refusals == ["SCH-1"]
    booked = sorted(Appointment.objects.filter(status__in=Appointment.ACTIVE).values_list("starts_at", flat=True))
    assert len(booked) == 3 and booked[-1] - booked[0] == timedelta(minutes=30)


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


def test_sch1_the_slot_list_shows_the_documents_case(team, quick, tomorrow):
    """The booking screen's slot list: 9:00, 9:15 and 9:30 taken, 9:45 the buffer (not offered to the agent),
    10:00 free and offered."""
    run_of_three(team, quick, tomorrow)
    client = login(team[Role.APPOINTMENT_AGENT])
    html = client.get(reverse("appointments:slots"),
                      {"advisor": team[Role.SERVICE_ADVISOR].pk, "day": tomorrow.isoformat()}).content.decode()
    assert all(f'class="slot taken">{t}' in html for t in ("09:00", "09:15", "09:30"))
    assert 'class="slot buffer">09:45' in html and 'class="slot buffer">08:45' in html
    assert 'class="slot free" data-time="10:00"' in html and 'class="slot free" data-time="08:30"' in html
    assert '<option value="10:00">' in html and '<option value="09:45">' not in html
    html = login(team[Role.SERVICE_ADVISOR]).get(reverse("appointments:slots"), {
        "advisor": team[Role.SERVICE_ADVISOR].pk, "day": tomorrow.isoformat()}).content.decode()
    assert '<option value="09:45">09:45 · ' in html  # the advisor may place an urgent case there


def test_sch1_the_slot_list_reads_the_day_in_a_fixed_number_of_queries(team, quick, tomorrow):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(team[Role.APPOINTMENT_AGENT])
    params = {"advisor": team[Role.SERVICE_ADVISOR].pk, "day": tomorrow.isoformat()}

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("appointments:slots"), params).status_code == 200
        return len(ctx.captured_queries)

    book(team, VehicleFactory(store=team.store), at(tomorrow, 9, 0), labour_operations=quick)
    count()  # the first look creates the day's workshop rows
    small = count()
    for hh in (10, 11, 13, 14, 15, 16):
        for mm in (0, 15, 30):
            book(team, VehicleFactory(store=team.store), at(tomorrow, hh, mm), labour_operations=quick)
    assert count() == small


def test_sch1_sch6_the_welcome_boards_show_the_documents_times(team, quick, tomorrow):
    from appointments.printing import welcome_boards_pdf

    from ..printing.test_pdf import pdf_text

    booked = [*run_of_three(team, quick, tomorrow),
              book(team, VehicleFactory(store=team.store), at(tomorrow, 10, 0), labour_operations=quick)]
    text = pdf_text(welcome_boards_pdf(store=team.store, day=tomorrow, appointments=booked))
    assert [t for t in ("09:00", "09:15", "09:30", "09:45", "10:00") if t in text] == ["09:00", "09:15", "09:30",
                                                                                      "10:00"]


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


def test_sch4_a_buffer_refusal_goes_to_the_top_for_someone_who_cannot_see_the_buffer_fields(team, quick, tomorrow):
    run_of_three(team, quick, tomorrow)  # 9:45 is the advisor's buffer
    client = login(team[Role.APPOINTMENT_AGENT])
    response = client.post(reverse("appointments:new"), _form_data(team, tomorrow, slot="09:45"))
    form = response.context["form"]
    assert "SCH-1" in form.errors["slot"][0]  # the buffer slot itself: next to the time
    response = client.post(reverse("appointments:new"), _form_data(team, tomorrow, slot="09:45", use_buffer="on",
                                                                   buffer_reason="急"))
    assert "SCH-4" in response.context["form"].non_field_errors()[0]  # no buffer fields on the agent's page
