"""The front-desk queue (APT-12, SCH-2): customers who arrived, with or
without an appointment, and how long they have waited to be called."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.messages import N_
from dealership.models import Role, Store, User
from dealership.services import staff_task_create
from dealership.validators import normalize_plate, validate_plate

from .doors import APPOINTMENT
from .models import Appointment, QueueTicket
from .preparation import missing
from .timetable import makes_buffer, reception_slots


def ticket_arrive(*, appointment: Appointment, actor: User) -> QueueTicket:
    """An appointment customer is here. The advisor is alerted at once (APT-12)
    and the preparation is recorded as it stood on arrival (REC-1, KPI)."""
    if appointment.status not in Appointment.ACTIVE:
        raise ProcessError(_("This appointment is %(status)s.") % {"status": appointment.get_status_display()})
    if timezone.localtime(appointment.starts_at).date() != timezone.localdate():
        raise ProcessError(_("This appointment is on %(day)s, not today: for an early visit, move it to today first.")
                           % {"day": timezone.localtime(appointment.starts_at).strftime("%m-%d")})
    now = timezone.now()
    try:
        with transaction.atomic():
            ticket = QueueTicket.objects.create(
                store_id=appointment.store_id, appointment=appointment, plate=appointment.vehicle.plate,
                name=appointment.customer.name, arrived_at=now, work_order=appointment.work_order)
            locked = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
            if locked.status == Appointment.Status.BOOKED:
                APPOINTMENT.move(locked, to=Appointment.Status.ARRIVED,
                                 fields={"arrived_at": now, "ready_at_arrival": not missing(appointment)}, actor=actor)
            staff_task_create(
                store=appointment.store_id, assignee=appointment.advisor, work_order=appointment.work_order,
                key=f"apt-{appointment.pk}-arrived", link=reverse("appointments:arrivals"), urgent=True,
                message=N_("Your %(when)s customer %(name)s (%(plate)s) has arrived"),
                params={"when": timezone.localtime(appointment.starts_at).strftime("%H:%M"),
                        "name": appointment.customer.name, "plate": appointment.vehicle.plate})
    except IntegrityError:
        ticket = QueueTicket.objects.get(appointment=appointment)
    return ticket


def ticket_walk_in(*, store: Store, actor: User, plate: str, name: str, note: str = "") -> QueueTicket:
    if not plate.strip() and not name.strip():
        raise ProcessError(_("Write the plate or the customer's name."))
    if plate.strip():
        try:  # the plate goes on to the work order: checked as the reception form checks it (REC-9)
            validate_plate(plate)
        except ValidationError as exc:
            raise ProcessError(exc.messages[0], rule="REC-9") from exc
    return QueueTicket.objects.create(store=store, plate=normalize_plate(plate)[:10], name=name.strip()[:50],
                                      note=note.strip()[:200], arrived_at=timezone.now())


def ticket_call(*, ticket: QueueTicket, advisor: User) -> QueueTicket:
    """The advisor calls the customer: the wait ends, reception begins (SCH-3)."""
    if not advisor.has_role(Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT):
        raise ProcessError(_("Only a service advisor calls a customer to reception."))
    QueueTicket.objects.filter(pk=ticket.pk, called_at__isnull=True, left_at__isnull=True).update(
        called_at=timezone.now(), called_by=advisor)
    ticket.refresh_from_db()
    if ticket.left_at:
        raise ProcessError(_("This customer has left."))
    return ticket


def ticket_left(*, ticket: QueueTicket, actor: User) -> None:
    QueueTicket.objects.filter(pk=ticket.pk, called_at__isnull=True).update(left_at=timezone.now())


@dataclass(frozen=True)
class Waiting:
    ticket: QueueTicket
    minutes: int
    over_patience: bool


def waiting_list(*, store: Store, now: datetime | None = None) -> list[Waiting]:
    """Customers waiting to be called, longest first; over the store's
    patience limit (8 minutes) they stand out (SCH-2)."""
    now = now or timezone.now()
    tickets = (QueueTicket.objects.filter(store=store, called_at__isnull=True, left_at__isnull=True,
                                          arrived_at__gte=now - timedelta(hours=12))
               .select_related("appointment__advisor").only(  # what the board shows (issue 9)
                   "store_id", "plate", "name", "note", "arrived_at", "appointment__starts_at",
                   *(f"appointment__advisor__{f}" for f in User.NAME_FIELDS))
               .order_by("arrived_at")[:100])
    out = []
    for ticket in tickets:
        minutes = int((now - ticket.arrived_at).total_seconds() // 60)
        out.append(Waiting(ticket, minutes, minutes >= store.queue_patience_minutes))
    return out


def free_advisors(*, store: Store, now: datetime | None = None) -> list[User]:
    """Advisors with no appointment in the next half hour and nobody they
    called in the last quarter: where a walk-in fits (SCH-3, SCH-4)."""
    now = now or timezone.now()
    busy = set(Appointment.objects.filter(store=store, status__in=Appointment.ACTIVE,
                                          starts_at__gte=now - timedelta(minutes=15),
                                          starts_at__lte=now + timedelta(minutes=30)).values_list("advisor_id", flat=True))
    busy |= set(QueueTicket.objects.filter(store=store, called_at__gte=now - timedelta(minutes=15))
                .values_list("called_by_id", flat=True))
    return list(User.objects.filter(store=store, is_active=True, staff_roles__role=Role.SERVICE_ADVISOR)
                .exclude(pk__in=busy).order_by("display_name").only(*User.NAME_FIELDS))


def advisors_in_buffer(*, store: Store, now: datetime | None = None) -> list[tuple[User, datetime]]:
    """Advisors whose next free slot, in progress or starting within the half
    hour, is their buffer (SCH-1): the slack after a run of appointments, where
    a walk-in or an urgent case fits (SCH-3, SCH-4). Two queries."""
    now = now or timezone.now()
    step = timedelta(minutes=store.slot_minutes)
    times = [t for t in reception_slots(store=store, day=timezone.localtime(now).date())
             if t + step > now and t <= now + timedelta(minutes=30)]
    if not times:
        return []
    reach = step * (store.slots_before_buffer + 1)  # far enough to see the whole run either side
    booked: dict[int, set[datetime]] = defaultdict(set)
    for advisor_id, starts_at in Appointment.objects.filter(
            store=store, status__in=Appointment.ACTIVE, starts_at__gte=times[0] - reach,
            starts_at__lte=times[-1] + reach).values_list("advisor_id", "starts_at"):
        booked[advisor_id].add(starts_at)
    out = []
    for advisor in (User.objects.filter(store=store, is_active=True, staff_roles__role=Role.SERVICE_ADVISOR)
                    .order_by("display_name").only(*User.NAME_FIELDS)):
        free = next((t for t in times if t not in booked[advisor.pk]), None)
        if free is not None and makes_buffer(store=store, starts_at=free, booked=booked[advisor.pk]):
            out.append((advisor, free))
    return out


def wait_known(*, arrived_at: datetime, called_at: datetime | None, left_at: datetime | None, limit: int,
               now: datetime) -> float | None:
    """SCH-2: the minutes a customer waited, once the wait's outcome is known
    (called, gone without being called, or still waiting past the patience
    limit); None while they still wait within the limit."""
    minutes = ((called_at or left_at or now) - arrived_at).total_seconds() / 60
    if called_at is None and left_at is None and minutes < limit:
        return None
    return minutes
