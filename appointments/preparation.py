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
    appointment = Appointment.objects.select_related("vehicle", "advisor").get(
        pk=reservation.appointment_id)
    if expected_on >= timezone.localtime(appointment.starts_at).date():
        # APT-10: the shop will not be ready; the advisor tells the customer now, not on arrival.
        staff_task_create(
            store=appointment.store_id, assignee=appointment.advisor, work_order=appointment.work_order,
            key=f"apt-{appointment.pk}-late-part-{reservation.pk}-{expected_on:%Y%m%d}",
            link=f"/appointments/{appointment.pk}/",
            message=N_("%(part)s for %(plate)s comes only on %(date)s, after the appointment: move it and tell the "
                       "customer"),
            params={"part": reservation.part.name, "plate": appointment.vehicle.plate,
                    "date": expected_on.strftime("%m-%d")})


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
    if short:
        parts_detail = "; ".join(
            _("%(part)s out of stock, expected %(date)s") % {
                "part": r.part.name, "date": r.expected_on.strftime("%m-%d") if r.expected_on else "?"}
            for r in short)
    elif unreserved:
        parts_detail = _("%(n)s part(s) not yet reserved") % {"n": len(unreserved)}
    else:
        parts_detail = ""
    items = [
        ReadinessItem("work_order", READINESS_LABELS["work_order"], bool(lines),
                      "" if lines else _("no items on the order")),
        ReadinessItem("parts", READINESS_LABELS["parts"], not short and not unreserved, parts_detail,
                      applies=bool(part_lines)),
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
