"""Parts against the order (REP-9): a requisition always names a part line of
the order that the customer approved; the parts counter issues from the
appointment shelf first, else from free stock; every move is in the ledger;
stock never goes below zero, even with two clerks at the last one."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.doors import PART_RESERVATION
from appointments.models import PartReservation
from dealership.doors import Door
from dealership.errors import ProcessError
from dealership.messages import N_, quantity_text
from dealership.models import Part, Role, User, WorkOrder, WorkOrderEvent, WorkOrderLine
from dealership.services import staff_task_create, staff_tasks_close, work_order_note
from supply.ledger import NotEnoughStock, quantity_check, stock_move
from supply.models import StockMove

from .models import OldPart, Requisition

R = Requisition.Status
REQUISITION = Door(Requisition, rule="REP-9", noun=gettext_lazy("parts requisition"))
OPEN_ORDER = (WorkOrder.Status.SIGNED, WorkOrder.Status.IN_REPAIR, WorkOrder.Status.QC_FAILED,
              WorkOrder.Status.REPAIR_DONE)


def issued_quantity(line: WorkOrderLine) -> Decimal:
    """Parts issued for a line, less those returned (the ledger's sum)."""
    total = StockMove.objects.filter(line=line, kind__in=[StockMove.Kind.ISSUE, StockMove.Kind.RETURN]).aggregate(
        q=Sum("quantity"))["q"] or Decimal(0)
    return -total


def issued_by_line(*, work_order_ids: list[int]) -> dict[int, Decimal]:
    """Net quantity issued per line for these orders, in one query."""
    rows = (StockMove.objects.filter(work_order_id__in=work_order_ids, line__isnull=False,
                                     kind__in=[StockMove.Kind.ISSUE, StockMove.Kind.RETURN])
            .values("line_id").annotate(q=Sum("quantity")))
    return {row["line_id"]: -row["q"] for row in rows}


def part_request(*, line: WorkOrderLine, quantity: Decimal, technician: User) -> Requisition:
    """REP-9: parts are drawn against an approved part line of the order. A
    part not on the order needs a change the customer approves first."""
    if not technician.has_role(Role.TECHNICIAN, Role.FOREMAN):
        raise ProcessError(_("Only the workshop requests parts."))
    order = line.work_order
    if line.kind != WorkOrderLine.Kind.PART or line.part_id is None:
        raise ProcessError(_("A requisition names a part line of the work order."), rule="REP-9")
    if line.approval != WorkOrderLine.Approval.APPROVED:
        raise ProcessError(_("The customer has not approved this part: report a finding to the advisor."), rule="REP-2")
    if order.status not in OPEN_ORDER:
        raise ProcessError(_("Work order %(number)s is %(status)s.") % {
            "number": order.number, "status": order.get_status_display()})
    quantity = quantity_check(line.part, quantity)
    with transaction.atomic():
        WorkOrderLine.objects.select_for_update().filter(pk=line.pk).first()  # two taps at once count once
        open_requested = Requisition.objects.filter(line=line, status=R.OPEN).aggregate(q=Sum("quantity"))["q"] or 0
        if issued_quantity(line) + open_requested + quantity > line.quantity:
            raise ProcessError(_("More than the order's %(qty)s: a larger quantity needs the customer's approval.")
                               % {"qty": format(line.quantity.normalize(), "f")}, rule="REP-2")
        part = Part.objects.only("on_hand", "reserved").get(pk=line.part_id)
        on_shelf = PartReservation.objects.filter(line=line, status=PartReservation.Status.RESERVED,
                                                  quantity__gte=quantity).exists()
        requisition = Requisition.objects.create(store_id=order.store_id, work_order=order, line=line,
                                                 part_id=line.part_id, quantity=quantity, requested_by=technician,
                                                 short_when_requested=not on_shelf and part.available < quantity)
        staff_task_create(store=order.store_id, role=Role.PARTS_CLERK, work_order=order,
                          key=f"req-{requisition.pk}", link="/workshop/parts/",
                          message=N_("Issue %(part)s × %(qty)s for %(plate)s"),
                          params={"part": line.description, "qty": format(quantity.normalize(), "f"),
                                  "plate": order.vehicle.plate})
    return requisition


def requisition_issue(*, requisition: Requisition, clerk: User) -> Requisition:
    """Issue from this order's appointment shelf if it was reserved (APT-8),
    otherwise from free stock; stock reserved for other orders is not
    touched. One conditional UPDATE per move keeps stock from going negative
    when two clerks issue the last one at the same moment."""
    if not clerk.has_role(Role.PARTS_CLERK):
        raise ProcessError(_("Only the parts counter issues parts."))
    with transaction.atomic():
        locked = Requisition.objects.select_for_update().select_related("line", "part", "work_order").get(
            pk=requisition.pk)
        if locked.status != R.OPEN:
            raise ProcessError(_("This requisition is already %(status)s.") % {"status": locked.get_status_display()})
        quantity = locked.quantity
        reservation = PartReservation.objects.select_for_update().filter(
            line=locked.line, status=PartReservation.Status.RESERVED).first()
        from_shelf = reservation is not None and reservation.quantity >= quantity
        try:
            move = stock_move(part_id=locked.part_id, quantity=-quantity, kind=StockMove.Kind.ISSUE, actor=clerk,
                              from_shelf=quantity if from_shelf else Decimal(0), work_order=locked.work_order,
                              line=locked.line)
        except NotEnoughStock as short:
            part = short.part
            if part.on_hand < part.reserved:
                # No move leaves less stock than is reserved (the ledger checks each); only a count that found
                # fewer than the shelf promised can. The shelf is then short of what it promises: the counter
                # must count before anything is issued.
                raise ProcessError(_("Count %(part)s: the stock says %(on_hand)s, less than the %(reserved)s "
                                     "reserved on the appointment shelf. Nothing is issued until the stock is "
                                     "corrected.") % {"part": part.name, "on_hand": quantity_text(part.on_hand),
                                                      "reserved": quantity_text(part.reserved)}, rule="APT-8") from None
            raise ProcessError(_("Not enough free stock of %(part)s: %(free)s free (%(reserved)s reserved for other "
                                 "orders).") % {"part": part.name, "free": quantity_text(max(part.available, 0)),
                                                "reserved": quantity_text(part.reserved)}, rule="REP-9") from None
        if from_shelf and reservation.quantity == quantity:
            PART_RESERVATION.move(reservation, to=PartReservation.Status.ISSUED)
        elif from_shelf:  # part of what is on the shelf
            PartReservation.objects.filter(pk=reservation.pk).update(quantity=F("quantity") - quantity)
        REQUISITION.move(locked, to=R.ISSUED,
                         fields={"issued_by": clerk, "issued_at": timezone.now(), "from_shelf": from_shelf,
                                 "issue_move": move})
        work_order_note(work_order=locked.work_order, actor=clerk, kind=WorkOrderEvent.Kind.LINE,
                        message=N_("Issued %(part)s × %(qty)s"),
                        params={"part": locked.line.description, "qty": format(quantity.normalize(), "f")})
        staff_tasks_close(work_order=locked.work_order, keys=[f"req-{locked.pk}"], actor=clerk)
    requisition.refresh_from_db()
    return requisition


def part_return(*, line: WorkOrderLine, quantity: Decimal, actor: User, note: str = "") -> StockMove:
    """Unused parts go back to stock, never more than were issued."""
    if not actor.has_role(Role.PARTS_CLERK):
        raise ProcessError(_("Returns are taken back at the parts counter."))
    if line.part_id is None:
        raise ProcessError(_("Only parts from stock come back to stock."))
    quantity = quantity_check(line.part, quantity)
    with transaction.atomic():
        WorkOrderLine.objects.select_for_update().get(pk=line.pk)
        if quantity > issued_quantity(line):
            raise ProcessError(_("At most %(qty)s can come back: that is what was issued.")
                               % {"qty": format(issued_quantity(line).normalize(), "f")}, rule="REP-9")
        # back at the cost it went out at (the average of its issues), so the stock's value is what it was
        issued = StockMove.objects.filter(line=line, kind=StockMove.Kind.ISSUE).aggregate(
            q=Sum("quantity"), v=Sum("value"))
        cost = (issued["v"] / issued["q"]) if issued["q"] else None
        move = stock_move(part_id=line.part_id, quantity=quantity, kind=StockMove.Kind.RETURN, actor=actor,
                          unit_cost=cost, work_order=line.work_order, line=line, note=note)
        work_order_note(work_order=line.work_order, actor=actor, kind=WorkOrderEvent.Kind.LINE,
                        message=N_("Returned to stock %(part)s × %(qty)s"),
                        params={"part": line.description, "qty": format(quantity.normalize(), "f")})
    return move


def old_part_record(*, work_order: WorkOrder, actor: User, description: str, wish: str,
                    line: WorkOrderLine | None = None) -> OldPart:
    """An old part taken off the car, and what the customer wants done with it
    (shown at settlement, SET-8)."""
    if not description.strip():
        raise ProcessError(_("Say which old part."))
    if wish not in OldPart.Wish.values:
        raise ProcessError(_("Choose what happens to the old part."), rule="SET-8")
    return OldPart.objects.create(store_id=work_order.store_id, work_order=work_order, line=line,
                                  description=description.strip()[:100], wish=wish, recorded_by=actor)

