"""REP-9: parts are drawn against the order's lines; the counter issues from
the appointment shelf first; stock never goes below zero."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from appointments.models import PartReservation
from appointments.preparation import parts_reserve
from dealership.models import Part, Role, WorkOrder, WorkOrderLine
from supply.models import StockMove
from workshop.models import OldPart, Requisition
from workshop.parts import issued_quantity, old_part_record, part_request, part_return, requisition_issue

from ..concurrency import at_once
from ..conftest import Team, login, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from ..refusals import refused_by, refused_saying
from .helpers import working

S = WorkOrder.Status


@pytest.fixture
def in_repair(order_in, team):
    order = order_in(S.SIGNED)
    working(order, team)
    order.refresh_from_db()
    return order


def part_line(order):
    return order.lines.get(kind="part")


def test_rep9_a_requisition_names_a_part_line_of_the_order(in_repair, team):
    with refused_by("REP-9"):
        part_request(line=in_repair.lines.get(kind="labour"), quantity=1, technician=team[Role.TECHNICIAN])
    requisition = part_request(line=part_line(in_repair), quantity=1, technician=team[Role.TECHNICIAN])
    assert (requisition.line, requisition.status) == (part_line(in_repair), Requisition.Status.OPEN)


def test_rep2_a_part_not_approved_or_beyond_the_order_needs_the_customer_first(in_repair, team):
    line = part_line(in_repair)
    with refused_by("REP-2"):
        part_request(line=line, quantity=line.quantity + 1, technician=team[Role.TECHNICIAN])
    WorkOrderLine.objects.filter(pk=line.pk).update(approval="pending")
    line.refresh_from_db()
    with refused_by("REP-2"):
        part_request(line=line, quantity=1, technician=team[Role.TECHNICIAN])


def test_rep9_issue_moves_stock_and_writes_the_ledger(in_repair, team):
    line = part_line(in_repair)
    before = Part.objects.get(pk=line.part_id).on_hand
    requisition = requisition_issue(requisition=part_request(line=line, quantity=1, technician=team[Role.TECHNICIAN]),
                                    clerk=team[Role.PARTS_CLERK])
    assert requisition.status == Requisition.Status.ISSUED and not requisition.from_shelf
    assert Part.objects.get(pk=line.part_id).on_hand == before - 1
    move = requisition.issue_move
    assert (move.quantity, move.kind, move.line) == (Decimal("-1"), "issue", line)
    assert issued_quantity(line) == 1
    with refused_saying(_("This requisition is already %(status)s.") % {"status": Requisition.Status.ISSUED.label}):
        requisition_issue(requisition=requisition, clerk=team[Role.PARTS_CLERK])  # not twice


def test_apt8_rep9_stock_reserved_for_another_order_is_not_issued(in_repair, team, catalogue):
    from tests.appointments.helpers import book

    line = part_line(in_repair)
    Part.objects.filter(pk=line.part_id).update(on_hand=1, reserved=0)
    other = book(team, labour=[catalogue["labour"]], parts=[catalogue["part"]])
    parts_reserve(appointment=other, actor=team[Role.PARTS_CLERK], shelf="A-1")  # the last one, for tomorrow
    requisition = part_request(line=line, quantity=1, technician=team[Role.TECHNICIAN])
    with refused_by("REP-9"):
        requisition_issue(requisition=requisition, clerk=team[Role.PARTS_CLERK])
    assert Part.objects.get(pk=line.part_id).on_hand == 1


def test_apt8_the_orders_own_shelf_is_used_first(team, catalogue):
    import time_machine

    from tests.appointments.helpers import book
    from tests.reception.test_signing import prepare, sign

    appointment = book(team, labour=[catalogue["labour"]], parts=[catalogue["part"]])
    parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK], shelf="A-2")
    order = appointment.work_order
    with time_machine.travel(appointment.starts_at, tick=True):
        sign(prepare(order, team[Role.SERVICE_ADVISOR]), team[Role.SERVICE_ADVISOR])
        working(order, team)
        requisition = requisition_issue(
            requisition=part_request(line=part_line(order), quantity=1, technician=team[Role.TECHNICIAN]),
            clerk=team[Role.PARTS_CLERK])
    assert requisition.from_shelf
    assert PartReservation.objects.get(appointment=appointment).status == PartReservation.Status.ISSUED
    assert Part.objects.get(pk=catalogue["part"].pk).reserved == 0


@pytest.mark.django_db(transaction=True)
def test_rep9_two_clerks_issuing_the_last_part_at_once_cannot_both_succeed():
    from demo.builder import drive

    team = Team(StoreFactory())
    part = PartFactory(store=team.store, on_hand=Decimal("1"))
    catalogue = {"labour": LabourFactory(store=team.store, standard_hours=Decimal("0.2")), "part": part}
    requisitions = []
    for _i in range(3):
        order = drive(new_order(team, VehicleFactory(store=team.store), catalogue), S.SIGNED)
        requisitions.append(part_request(line=order.lines.get(kind="part"), quantity=1,
                                         technician=team[Role.TECHNICIAN]))
    def attempt(requisition):
        requisition_issue(requisition=requisition, clerk=team[Role.PARTS_CLERK])

    results = at_once(attempt, requisitions)
    assert sorted(results) == ["ok", "refused", "refused"]
    part.refresh_from_db()
    assert part.on_hand == 0


def test_rep9_unused_parts_go_back_and_never_more_than_issued(in_repair, team):
    line = part_line(in_repair)
    requisition_issue(requisition=part_request(line=line, quantity=1, technician=team[Role.TECHNICIAN]),
                      clerk=team[Role.PARTS_CLERK])
    before = Part.objects.get(pk=line.part_id).on_hand
    with refused_by("REP-9", match=_("At most %(qty)s can come back: that is what was issued.") % {"qty": "1"}):
        part_return(line=line, quantity=2, actor=team[Role.PARTS_CLERK])
    part_return(line=line, quantity=1, actor=team[Role.PARTS_CLERK], note="未使用")
    assert Part.objects.get(pk=line.part_id).on_hand == before + 1 and issued_quantity(line) == 0


def test_set8_old_parts_are_recorded_with_the_customers_wish(in_repair, team):
    old = old_part_record(work_order=in_repair, actor=team[Role.TECHNICIAN], description="旧刹车片", wish="take")
    assert (old.description, old.wish) == ("旧刹车片", OldPart.Wish.TAKE)
    with refused_by("SET-8", match=_("Choose what happens to the old part.")):
        old_part_record(work_order=in_repair, actor=team[Role.TECHNICIAN], description="x", wish="sell")


def test_the_parts_counter_page_issues_a_requisition(in_repair, team):
    requisition = part_request(line=part_line(in_repair), quantity=1, technician=team[Role.TECHNICIAN])
    client = login(team[Role.PARTS_CLERK])
    assert in_repair.vehicle.plate in client.get(reverse("workshop:parts_counter")).content.decode()
    client.post(reverse("workshop:issue", args=[requisition.pk]))
    requisition.refresh_from_db()
    assert requisition.status == Requisition.Status.ISSUED


@pytest.mark.parametrize("quantity", ["0", "-1", "0.001", "1e-30", "0.5", "NaN"])
def test_rep9_a_return_is_a_sensible_quantity_of_a_counted_part(in_repair, team, quantity):
    line = part_line(in_repair)
    assert line.part.counted  # pads come in sets
    requisition = requisition_issue(requisition=part_request(line=line, quantity=1, technician=team[Role.TECHNICIAN]),
                                    clerk=team[Role.PARTS_CLERK])
    before = Part.objects.get(pk=line.part_id).on_hand
    moves = StockMove.objects.count()
    clerk = login(team[Role.PARTS_CLERK], "en")
    response = clerk.post(reverse("workshop:return_part", args=[requisition.pk]), {"quantity": quantity}, follow=True)
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert Part.objects.get(pk=line.part_id).on_hand == before and StockMove.objects.count() == moves


def test_rep9_measured_parts_come_back_in_part(team, catalogue):
    oil = PartFactory(store=team.store, number="OIL-5W30", name="机油 5W-30", unit="升", price=Decimal("68"),
                      on_hand=Decimal("40"))
    order = new_order(team, VehicleFactory(store=team.store), {**catalogue, "part": oil})
    from demo.builder import drive

    order = drive(order, S.SIGNED)
    working(order, team)
    line = order.lines.get(kind="part")
    requisition_issue(requisition=part_request(line=line, quantity=line.quantity, technician=team[Role.TECHNICIAN]),
                      clerk=team[Role.PARTS_CLERK])
    part_return(line=line, quantity=Decimal("0.5"), actor=team[Role.PARTS_CLERK], note="剩余半升")
    assert issued_quantity(line) == line.quantity - Decimal("0.5")
    page = login(team[Role.PARTS_CLERK]).get(reverse("workshop:parts_counter")).content.decode()
    assert f"{(line.quantity - Decimal('0.5')).normalize():f} 升" in page  # still out for the order


def test_apt8_rep9_stock_below_what_is_reserved_is_a_message_not_a_server_error(in_repair, team, english):
    """The stock was counted below what the appointment shelf holds (set outside the services: no service
    lets it happen, see test_apt8_no_stock_move_leaves_less_stock_than_is_reserved): issuing says so."""
    line = part_line(in_repair)
    Part.objects.filter(pk=line.part_id).update(on_hand=1, reserved=3)
    requisition = part_request(line=line, quantity=1, technician=team[Role.TECHNICIAN])
    with refused_by("APT-8") as refused:
        requisition_issue(requisition=requisition, clerk=team[Role.PARTS_CLERK])
    assert "count" in refused.value.message.lower() and "3" in refused.value.message
    response = login(team[Role.PARTS_CLERK], language="en").post(reverse("workshop:issue", args=[requisition.pk]),
                                                                 follow=True)
    assert response.status_code == 200 and "APT-8" in response.content.decode()
    assert Part.objects.get(pk=line.part_id).on_hand == 1
    requisition.refresh_from_db()
    assert requisition.status == Requisition.Status.OPEN


def test_apt8_no_stock_move_leaves_less_stock_than_is_reserved(team, catalogue):
    """Every path that changes the stock or the reservations (reserve, retry, issue from the shelf or from
    free stock, return, receive, release) keeps the stock at or above what is reserved (APT-8, REP-9)."""
    import time_machine

    from appointments.preparation import reservation_retry
    from appointments.services import appointment_cancel
    from supply.ledger import stock_move
    from tests.appointments.helpers import at, book, tomorrow
    from tests.factories import staff
    from tests.reception.test_signing import prepare, sign
    from workshop.jobs import job_clock_on

    from .helpers import dispatched

    part = catalogue["part"]
    clerk = team[Role.PARTS_CLERK]
    Part.objects.filter(pk=part.pk).update(on_hand=2, reserved=0)

    def holds() -> None:
        stock = Part.objects.get(pk=part.pk)
        assert stock.on_hand >= stock.reserved >= 0, (stock.on_hand, stock.reserved)

    first = book(team, at(tomorrow(), 9), labour=[catalogue["labour"]], parts=[part])
    second = book(team, at(tomorrow(), 10), labour=[catalogue["labour"]], parts=[part])
    third = book(team, at(tomorrow(), 10, 30), labour=[catalogue["labour"]], parts=[part])
    for appointment in (first, second, third):
        parts_reserve(appointment=appointment, actor=clerk)
        holds()
    assert Part.objects.get(pk=part.pk).reserved == 2  # the third is short
    short = PartReservation.objects.get(appointment=third)
    assert not reservation_retry(reservation=short, actor=clerk)
    stock_move(part_id=part.pk, quantity=Decimal("1"), kind=StockMove.Kind.RECEIPT, actor=clerk, unit_cost=Decimal(10))
    holds()
    assert reservation_retry(reservation=short, actor=clerk)
    holds()

    walk_in = new_order(team, VehicleFactory(store=team.store), catalogue)  # no reservation: free stock only
    sign(prepare(walk_in, team[Role.SERVICE_ADVISOR]), team[Role.SERVICE_ADVISOR])
    working(walk_in, team)
    with refused_by("REP-9"):  # all three are on the shelf: nothing free
        requisition_issue(requisition=part_request(line=part_line(walk_in), quantity=1,
                                                   technician=team[Role.TECHNICIAN]), clerk=clerk)
    holds()

    appointment_cancel(appointment=second, actor=team[Role.SERVICE_ADVISOR], reason="客户改期", by_shop=False)
    holds()
    with time_machine.travel(first.starts_at, tick=True):
        sign(prepare(first.work_order, team[Role.SERVICE_ADVISOR]), team[Role.SERVICE_ADVISOR])
        [job] = dispatched(first.work_order, team, technician=staff(Role.TECHNICIAN, team.store))
        job_clock_on(job=job, technician=job.technician)
        line = part_line(first.work_order)
        requisition_issue(requisition=part_request(line=line, quantity=1, technician=job.technician), clerk=clerk)
        holds()
        part_return(line=line, quantity=Decimal("1"), actor=clerk)
        holds()
    stock = Part.objects.get(pk=part.pk)
    assert (stock.on_hand, stock.reserved) == (3, 1)  # three in the store, one on the third's shelf
