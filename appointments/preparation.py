"""Preparing an appointment (APT-7…APT-9, SCH-5): parts on the appointment
shelf, and the readiness checklist the advisor watches."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealership.errors import ProcessError
from dealership.messages import N_
from dealership.models import Part, Role, User, WorkOrderLine
from dealership.services import staff_task_create, staff_tasks_close
from supply.models import PurchaseOrder, PurchaseOrderLine

from .doors import PART_RESERVATION
from .models import Appointment, PartReservation

R = PartReservation.Status


def _part_lines(appointment: Appointment) -> list[WorkOrderLine]:
    return [line for line in appointment.work_order.lines.all()
            if line.kind == WorkOrderLine.Kind.PART and line.approval == WorkOrderLine.Approval.APPROVED]


def _try_reserve(part_id: int, quantity) -> bool:
    """Take the quantity from free stock (on hand minus reserved) in one
    conditional UPDATE: two clerks cannot reserve the last one twice."""
    return Part.objects.filter(pk=part_id, on_hand__gte=F("reserved") + quantity).update(
        reserved=F("reserved") + quantity) == 1


def parts_reserve(*, appointment: Appointment, actor: User, shelf: str = "") -> list[PartReservation]:
    """APT-8: put every part of the appointment's order on the appointment
    shelf. Reserved stock is no longer free for anyone else. A part out of
    stock is recorded as short: a risk on the appointment until it comes."""
    if not actor.has_role(Role.PARTS_CLERK):
        raise ProcessError(_("Only the parts department reserves parts."))
    if appointment.status not in Appointment.ACTIVE:
        raise ProcessError(_("This appointment is %(status)s.") % {"status": appointment.get_status_display()})
    made = []
    with transaction.atomic():
        done = set(PartReservation.objects.filter(appointment=appointment).values_list("line_id", flat=True))
        for line in _part_lines(appointment):
            if line.pk in done:
                continue
            reserved = _try_reserve(line.part_id, line.quantity)
            made.append(PartReservation.objects.create(
                store_id=appointment.store_id, appointment=appointment, line=line, part_id=line.part_id,
                quantity=line.quantity, status=R.RESERVED if reserved else R.SHORT, shelf=shelf.strip(),
                reserved_by=actor))
        if not PartReservation.objects.filter(appointment=appointment, status=R.SHORT).exists():
            staff_tasks_close(work_order=appointment.work_order, keys=[f"apt-{appointment.pk}-parts"], actor=actor)
    return made


def reservation_retry(*, reservation: PartReservation, actor: User) -> bool:
    """The part came in: try the short reservation again."""
    with transaction.atomic():
        locked = PartReservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status != R.SHORT:
            return locked.status == R.RESERVED
        if not _try_reserve(locked.part_id, locked.quantity):
            return False
        PART_RESERVATION.move(locked, to=R.RESERVED)
        appointment = locked.appointment
        if not PartReservation.objects.filter(appointment=appointment, status=R.SHORT).exists():
            staff_tasks_close(work_order=appointment.work_order, keys=[f"apt-{appointment.pk}-parts"], actor=actor)
    return True


def reservation_expect(*, reservation: PartReservation, expected_on: date, actor: User) -> None:
    if expected_on < timezone.localdate():
        raise ProcessError(_("The expected date is in the past."))
    PartReservation.objects.filter(pk=reservation.pk, status=R.SHORT).update(expected_on=expected_on)
    appointment = Appointment.objects.select_related("vehicle", "advisor", "created_by").get(
        pk=reservation.appointment_id)
    if expected_on >= timezone.localtime(appointment.starts_at).date():
        # APT-10: the shop will not be ready; the advisor and the appointment agent hear it now, the day the part
        # is ordered, so the visit is moved and the customer told, not on arrival.
        key = f"apt-{appointment.pk}-late-part-{reservation.pk}-{expected_on:%Y%m%d}"
        alert = {"store": appointment.store_id, "work_order": appointment.work_order, "urgent": True,
                 "link": f"/appointments/{appointment.pk}/",
                 "message": N_("%(part)s for %(plate)s comes only on %(date)s, after the appointment: move it and "
                               "tell the customer"),
                 "params": {"part": reservation.part.name, "plate": appointment.vehicle.plate,
                            "date": expected_on.strftime("%m-%d")}}
        staff_task_create(assignee=appointment.advisor, key=key, **alert)
        agent = appointment.created_by
        if agent is not None and agent.has_role(Role.APPOINTMENT_AGENT) and agent.pk != appointment.advisor_id:
            staff_task_create(assignee=agent, key=f"{key}-agent", **alert)
        elif agent is None or not agent.has_role(Role.APPOINTMENT_AGENT):  # booked by the advisor: the agents of the store hear it
            staff_task_create(role=Role.APPOINTMENT_AGENT, key=f"{key}-agent", **alert)


def reservations_release(*, appointment: Appointment) -> None:
    """Give the shelf's parts back to free stock (cancelled, no-show), and ask
    the parts department to take them off the appointment shelf."""
    with transaction.atomic():
        shelved = []
        for reservation in PartReservation.objects.select_for_update().select_related("part").filter(
                appointment=appointment, status__in=[R.RESERVED, R.SHORT]):
            if reservation.status == R.RESERVED:
                Part.objects.filter(pk=reservation.part_id).update(reserved=F("reserved") - reservation.quantity)
                shelved.append(f"{reservation.part.number} × {format(reservation.quantity.normalize(), 'f')}"
                               + (f" ({reservation.shelf})" if reservation.shelf else ""))
            PART_RESERVATION.move(reservation, to=R.RELEASED, fields={"released_at": timezone.now()})
        if shelved:
            staff_task_create(store=appointment.store_id, role=Role.PARTS_CLERK, work_order=appointment.work_order,
                              key=f"apt-{appointment.pk}-unshelve", link="/appointments/parts/",
                              message=N_("Put back to stock from the appointment shelf: %(parts)s"),
                              params={"parts": "; ".join(shelved)})


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    label: str
    done: bool
    detail: str = ""
    applies: bool = True
    late: bool = False  # a part due after the appointment (APT-10): it stands out


SUPPLY_ATTR = "supply_lines"


def supply_attach(appointments: list[Appointment]) -> None:
    """The purchase order lines ordered for the short reservations of these
    appointments (issue 19), in one query for the page: readiness() shows
    each part's supply state from them."""
    short = [r for a in appointments for r in a.reservations.all() if r.status == R.SHORT]
    if not short:
        return
    by_reservation: dict[int, list[PurchaseOrderLine]] = {}
    for line in (PurchaseOrderLine.objects.filter(need_source="appointment", need_ref__in=[r.pk for r in short])
                 .exclude(order__status__in=[PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.CANCELLED])
                 .select_related("order").only("need_ref", "quantity", "received", "order__number",
                                               "order__expected_on", "order__status").order_by("id")):
        by_reservation.setdefault(line.need_ref, []).append(line)
    for reservation in short:
        setattr(reservation, SUPPLY_ATTR, by_reservation.get(reservation.pk, []))


def _supply_state(reservation: PartReservation, day: date) -> tuple[str, bool]:
    """A short part's state for the advisor (APT-9): ordered (which order, due
    when), received; and whether it comes after the appointment (APT-10)."""
    lines = getattr(reservation, SUPPLY_ATTR, None)
    if lines is None:  # not attached (a single appointment read on its own)
        lines = list(PurchaseOrderLine.objects.filter(need_source="appointment", need_ref=reservation.pk).exclude(
            order__status__in=[PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.CANCELLED]).select_related("order"))
    name = reservation.part.name
    if not lines:
        return _("%(part)s out of stock, expected %(date)s") % {
            "part": name, "date": reservation.expected_on.strftime("%m-%d") if reservation.expected_on else "?"}, (
            reservation.expected_on is not None and reservation.expected_on >= day)
    open_lines = [line for line in lines if line.received < line.quantity]
    if not open_lines:
        return _("%(part)s received, not yet on the shelf") % {"part": name}, False
    line = open_lines[0]
    due = line.order.expected_on
    late = due is not None and due >= day
    if due is None:
        return _("%(part)s ordered on %(order)s") % {"part": name, "order": line.order.number}, False
    text = (_("%(part)s ordered on %(order)s, due %(date)s: after the appointment") if late
            else _("%(part)s ordered on %(order)s, due %(date)s"))
    return text % {"part": name, "order": line.order.number, "date": due.strftime("%m-%d")}, late


READINESS_LABELS = {
    "work_order": gettext_lazy("Work order"),
    "parts": gettext_lazy("Parts on the appointment shelf"),
    "expert": gettext_lazy("Technical expert"),
    "technician": gettext_lazy("Technician and bay"),
    "tools": gettext_lazy("Equipment and tools"),
    "docs": gettext_lazy("Service documentation"),
    "file": gettext_lazy("Customer file pulled"),
}


def readiness(appointment: Appointment) -> list[ReadinessItem]:
    """APT-9: what is prepared and what is missing. Reads the prefetched
    lines and reservations (see selectors.appointments_on)."""
    lines = [line for line in appointment.work_order.lines.all() if line.approval == WorkOrderLine.Approval.APPROVED]
    part_lines = [line for line in lines if line.kind == WorkOrderLine.Kind.PART]
    reservations = {r.line_id: r for r in appointment.reservations.all() if r.status in (R.RESERVED, R.SHORT)}
    short = [r for r in reservations.values() if r.status == R.SHORT]
    unreserved = [line for line in part_lines if line.pk not in reservations]
    parts_late = False
    if short:
        day = timezone.localtime(appointment.starts_at).date()
        states = [_supply_state(r, day) for r in short]
        parts_detail = "; ".join(text for text, _late in states)
        parts_late = any(late for _text, late in states)
    elif unreserved:
        parts_detail = _("%(n)s part(s) not yet reserved") % {"n": len(unreserved)}
    else:
        parts_detail = ""
    items = [
        ReadinessItem("work_order", READINESS_LABELS["work_order"], bool(lines),
                      "" if lines else _("no items on the order")),
        ReadinessItem("parts", READINESS_LABELS["parts"], not short and not unreserved, parts_detail,
                      applies=bool(part_lines), late=parts_late),
        ReadinessItem("expert", READINESS_LABELS["expert"], appointment.expert_id is not None,
                      "" if appointment.expert_id else _("not yet asked"), applies=appointment.needs_expert),
        ReadinessItem("technician", READINESS_LABELS["technician"],
                      bool(appointment.technician_id and appointment.bay)),
        ReadinessItem("tools", READINESS_LABELS["tools"], appointment.tools_ready_at is not None),
        ReadinessItem("docs", READINESS_LABELS["docs"], appointment.docs_ready_at is not None),
        ReadinessItem("file", READINESS_LABELS["file"], appointment.file_pulled_at is not None),
    ]
    return [i for i in items if i.applies]


def not_ready_subject(appointment_id: int) -> str:
    """The one open "not ready" task of an appointment (APT-9, APT-11): the
    day-before and hour-before checks update it; it closes when the check
    finds everything ready or the appointment ends (received, cancelled,
    no-show)."""
    return f"apt-{appointment_id}-not-ready"


def missing(appointment: Appointment) -> list[ReadinessItem]:
    return [i for i in readiness(appointment) if not i.done]


def preparation_update(*, appointment: Appointment, actor: User, technician: User | None, bay: str,
                       needs_expert: bool, expert: User | None, tools: bool, docs: bool, file: bool) -> None:
    """The advisor records the preparation (APT-9, SCH-5)."""
    if appointment.status not in Appointment.ACTIVE:
        raise ProcessError(_("This appointment is %(status)s.") % {"status": appointment.get_status_display()})
    now = timezone.now()

    def stamp(flag: bool, current):
        return (current or now) if flag else None

    Appointment.objects.filter(pk=appointment.pk).update(
        technician=technician, bay=bay.strip(), needs_expert=needs_expert, expert=expert if needs_expert else None,
        tools_ready_at=stamp(tools, appointment.tools_ready_at), docs_ready_at=stamp(docs, appointment.docs_ready_at),
        file_pulled_at=stamp(file, appointment.file_pulled_at))
