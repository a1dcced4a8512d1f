"""Self-booking on the customer's phone (issue 20; APT-1…APT-7, SCH-1, SCH-7).

The page offers only the times the staff booking would accept: the same
timetable (advisor_day: SCH-1, the buffer never offered), the same workshop
room (has_room_now: APT-5, the share kept for appointments), the same opening
hours and closed days (dealership.hours). The choice is then booked through
the one door, services.appointment_book, with actor None ("the customer
online"), which checks everything again under the advisor's lock.

The mobile number is proved by a one-time code (models.MobileCode, kept in the
database: see docs/selfbooking.md). Only a known customer who agreed to
messages, whose verified mobile is theirs and whose car the plate is, is
booked at once; anyone else becomes a booking request in the agents' queue,
to be answered within REQUEST_ANSWER_HOURS (APT-1). The answer on the page is
the same either way until the number is proved."""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealership.errors import ProcessError
from dealership.hours import store_closed_reason, store_hours_range
from dealership.links import public_url, record_from_token, record_token
from dealership.messages import N_
from dealership.models import Customer, JobType, LabourOperation, Role, Store, User, Vehicle
from dealership.notify import number_message_send
from dealership.services import staff_task_create
from dealership.validators import normalize_mobile, normalize_plate

from .capacity import has_room_now, hours_by_trade
from .models import Appointment, BookingRequest, MobileCode
from .offers import OfferedTime
from .services import appointment_book, appointment_cancel, appointment_reschedule
from .timetable import day_slots, is_reception_time

CODE_MINUTES = 10          # a code is good this long
MAX_TRIES = 5              # wrong tries before the code is dead
NUMBER_GAP_SECONDS = 60    # one code per number per minute
NUMBER_PER_HOUR = 5        # and five an hour
CLIENT_PER_HOUR = 20       # codes asked from one client address in an hour
DAYS_AHEAD = 14            # how far ahead the page offers times
REQUEST_ANSWER_HOURS = 2   # an online request is answered within this (APT-1)
LINK_SALT = "appointments.selfbook.v1"
REQUEST_SALT = "appointments.selfbook.request.v1"
CODE_SALT = "appointments.selfbook.code.v1"
PREFILL_SALT = "appointments.selfbook.prefill.v1"
LINK_MAX_AGE = 60 * 24 * 3600
CODE_LINK_MAX_AGE = 30 * 60
PREFILL_MAX_AGE = 120 * 24 * 3600


class Kind(models.TextChoices):
    MAINTENANCE = "maintenance", gettext_lazy("Maintenance")
    FAULT = "fault", gettext_lazy("A fault (tell us what happens)")
    BODY = "body", gettext_lazy("Body and paint")
    RECALL = "recall", gettext_lazy("A recall or service campaign")


NEEDS_WORDS = {Kind.FAULT, Kind.BODY}
PRE_DIAGNOSE = {Kind.FAULT, Kind.BODY}  # APT-3: the advisor looks at these before the day


@dataclass(frozen=True)
class Wish:
    """What the customer filled in, kept in the code's row until the number is proved."""

    kind: str
    plate: str
    mobile: str
    name: str
    mileage: int
    slot: str
    advisor_id: int | None = None
    vin: str = ""
    words: str = ""
    consent: bool = False  # the customer ticked "send me messages" (a request carries it to the agent's form)

    def as_json(self) -> dict:
        return {"kind": self.kind, "plate": self.plate, "mobile": self.mobile, "name": self.name,
                "mileage": self.mileage, "slot": self.slot, "advisor_id": self.advisor_id, "vin": self.vin,
                "words": self.words, "consent": self.consent}

    @classmethod
    def from_json(cls, data: dict) -> "Wish":
        return cls(**{k: data.get(k) for k in ("kind", "plate", "mobile", "name", "mileage", "slot",
                                                 "advisor_id", "vin", "words")}, consent=bool(data.get("consent")))


# --- what the page offers (the same rules as the staff booking) --------------------------------

def selfbook_advisors(*, store: Store) -> list[User]:
    return list(User.objects.filter(store=store, is_active=True, staff_roles__role=Role.SERVICE_ADVISOR)
                .distinct().order_by("display_name", "pk"))


def selfbook_days(*, store: Store, today: date | None = None) -> list[date]:
    """The days the store is open from today on (closed weekdays and holidays left out)."""
    today = today or timezone.localdate()
    return [day for day, hours in store_hours_range(store, today, DAYS_AHEAD + 1) if hours is not None]


def selfbook_labour(*, store: Store, kind: str) -> LabourOperation | None:
    """The estimate line of an online booking (APT-4), from the store's own
    catalogue: maintenance → its shortest maintenance job; body → its
    shortest body-and-paint job; a fault or a recall → a check (the shortest
    job whose name says diagnosis or check, else the shortest electrical or
    engine job). The advisor changes it after the pre-diagnosis. None when
    the catalogue has nothing that fits: the booking becomes a request."""
    ops = LabourOperation.objects.filter(store=store, active=True).order_by("standard_hours", "code")
    if kind == Kind.MAINTENANCE:
        return ops.filter(job_type=JobType.MAINTENANCE).first()
    if kind == Kind.BODY:
        return ops.filter(job_type=JobType.BODY_PAINT).first()
    checks = ops.exclude(job_type__in=[JobType.MAINTENANCE, JobType.BODY_PAINT])
    return (checks.filter(Q(name__icontains="诊断") | Q(name__icontains="检查") | Q(name__icontains="diagnos")
                          | Q(name__icontains="check")).first()
            or checks.filter(job_type__in=[JobType.ELECTRICAL, JobType.ENGINE]).first())


def _hours(store: Store, kind: str) -> dict[str, Decimal]:
    op = selfbook_labour(store=store, kind=kind)
    return hours_by_trade([op]) if op else {}


def appointment_hours(appointment: Appointment) -> dict[str, Decimal]:
    """The workshop hours an appointment holds, by trade (what a move must find room for)."""
    return {t: Decimal(h) for t, h in (appointment.capacity_taken or {}).items()}


def selfbook_times(*, store: Store, day: date, kind: str, advisor: User | None = None,
                   advisors: list[User] | None = None, now: datetime | None = None,
                   hours: dict[str, Decimal] | None = None) -> list[OfferedTime]:
    """The free times of the day for the visit: none when the store is closed
    or the workshop has no room for the job's hours that day (APT-5); for one
    advisor their bookable slots (SCH-1: never the buffer, a taken or past
    slot); for "any" advisor each time once, with the first advisor free then."""
    now = now or timezone.now()
    if not has_room_now(store=store, day=day, hours=_hours(store, kind) if hours is None else hours):
        return []
    chosen = [advisor] if advisor else (advisors if advisors is not None else selfbook_advisors(store=store))
    booked = _booked_by_advisor(store=store, day=day, advisors=chosen)
    found: dict[datetime, OfferedTime] = {}
    for person in chosen:
        for slot in day_slots(store=store, day=day, booked=booked.get(person.pk, set()), now=now):
            if slot.bookable and slot.starts_at not in found:
                found[slot.starts_at] = OfferedTime(slot.starts_at, person)
    return [found[t] for t in sorted(found)]


def _booked_by_advisor(*, store: Store, day: date, advisors: list[User]) -> dict[int, set[datetime]]:
    """timetable.booked_times for several advisors in one query (the page asks for all of them)."""
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    booked: dict[int, set[datetime]] = {}
    for advisor_id, starts_at in Appointment.objects.filter(
            store=store, advisor__in=[a.pk for a in advisors], status__in=Appointment.ACTIVE, starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1)).values_list("advisor_id", "starts_at"):
        booked.setdefault(advisor_id, set()).add(starts_at)
    return booked


def _parse_slot(value: str) -> tuple[datetime, int]:
    try:
        moment, advisor = value.split("-")
        local = datetime.strptime(moment, "%Y%m%d%H%M").replace(tzinfo=timezone.get_current_timezone())
        return local, int(advisor)
    except (ValueError, TypeError):
        raise ProcessError(_("Choose one of the times shown."), rule="SCH-1", field="slot") from None


def selfbook_time_check(*, store: Store, slot: str, kind: str, advisor_id: int | None = None) -> OfferedTime:
    """The time chosen, if the page may offer it now; refused as the staff
    booking would refuse it (closed day, not a slot, past, taken, buffer,
    workshop full), with the reason."""
    starts_at, advisor_pk = _parse_slot(slot)
    if advisor_id and advisor_id != advisor_pk:
        raise ProcessError(_("Choose one of the times shown."), rule="SCH-1", field="slot")
    advisor = next((a for a in selfbook_advisors(store=store) if a.pk == advisor_pk), None)
    if advisor is None:
        raise ProcessError(_("Choose one of the times shown."), rule="SCH-1", field="slot")
    day = starts_at.date()
    if starts_at <= timezone.now():
        raise ProcessError(_("That time has already passed: choose another."), rule="SCH-1", field="slot")
    reason = store_closed_reason(store, day)
    if reason is not None:
        raise ProcessError(_("The store is closed on %(day)s: choose another day.") % {"day": day.strftime("%Y-%m-%d")},
                           rule="SCH-1", field="slot")
    if day > timezone.localdate() + timedelta(days=DAYS_AHEAD):
        raise ProcessError(_("Choose one of the times shown."), rule="SCH-1", field="slot")
    if not is_reception_time(store=store, starts_at=starts_at):
        raise ProcessError(_("That time is not a reception time of this store: choose one of the times shown."),
                           rule="SCH-1", field="slot")
    if not has_room_now(store=store, day=day, hours=_hours(store, kind)):
        raise ProcessError(_("The workshop is fully booked on %(day)s: choose another day.")
                           % {"day": day.strftime("%m-%d")}, rule="APT-5", field="slot")
    chosen = next((t for t in selfbook_times(store=store, day=day, kind=kind, advisor=advisor)
                   if t.starts_at == starts_at), None)
    if chosen is None:
        raise ProcessError(_("That time is not free any more: choose another."), rule="SCH-1", field="slot")
    return chosen


# --- the one-time code ---------------------------------------------------------------------------

def _digest(mobile: str, code: str) -> str:
    return salted_hmac(CODE_SALT, f"{mobile}:{code}", algorithm="sha256").hexdigest()


def _serialise(*names: str) -> None:
    """Limits are counted and the new code written under a lock per number
    and per address, so two requests at once cannot both pass the count.
    PostgreSQL: transaction-level advisory locks; SQLite: the transaction
    already holds the write lock from BEGIN (IMMEDIATE, see settings)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in sorted(names):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"selfbook:{name}"])


def code_send(*, store: Store, wish: Wish, client: str) -> MobileCode:
    """Send a fresh code to the number (recorded now, sent after commit by
    dealership.notify). The answer is the same whether or not the number is a
    customer's. Refused when the number had one in the last minute or five in
    the hour, or the client address asked for twenty in the hour; earlier codes
    of the number die."""
    mobile = normalize_mobile(wish.mobile)
    client = (client or "unknown")[:45]
    now = timezone.now()
    code = f"{secrets.randbelow(10 ** 6):06d}"
    with transaction.atomic():
        _serialise(f"m:{mobile}", f"c:{client}")
        recent = MobileCode.objects.filter(created_at__gte=now - timedelta(hours=1))
        if recent.filter(mobile=mobile, created_at__gte=now - timedelta(seconds=NUMBER_GAP_SECONDS)).exists():
            raise ProcessError(_("A code was sent to this number less than a minute ago. Please wait a moment, "
                                 "then ask again."), field="mobile")
        if recent.filter(mobile=mobile).count() >= NUMBER_PER_HOUR:
            raise ProcessError(_("Too many codes were asked for this number. Please try again in an hour or call "
                                 "the store."), field="mobile")
        if recent.filter(client=client).count() >= CLIENT_PER_HOUR:
            raise ProcessError(_("Too many codes were asked from this connection. Please try again later or call "
                                 "the store."))
        MobileCode.objects.filter(mobile=mobile, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        row = MobileCode.objects.create(store=store, mobile=mobile, client=client, code_hash=_digest(mobile, code),
                                        payload={**wish.as_json(), "mobile": mobile},
                                        expires_at=now + timedelta(minutes=CODE_MINUTES))
        with translation.override(settings.LANGUAGE_CODE):
            number_message_send(
                store=store, to=mobile, key=f"selfbook-code-{row.pk}", subject=_("Your booking code"),
                body=_("%(code)s is your code to book at %(store)s. It is good for %(minutes)s minutes. "
                       "If you did not ask for it, ignore this message.")
                % {"code": code, "store": store.name, "minutes": CODE_MINUTES})
    return row


def code_token(row: MobileCode) -> str:
    return record_token(row, salt=CODE_SALT, key="c")


def code_from_token(token: str) -> MobileCode:
    return record_from_token(token, salt=CODE_SALT, max_age=CODE_LINK_MAX_AGE, key="c",
                             queryset=MobileCode.objects.select_related("store"))


def code_verify(*, row: MobileCode, code: str) -> MobileCode:
    """The code proves the number once: refused when wrong (each wrong try
    counted; after MAX_TRIES the code is dead), expired or already used. The
    conditional UPDATE that marks it used is the lock: of two tries with the
    right code at once, one wins."""
    now = timezone.now()
    row.refresh_from_db()
    if row.used_at is not None:
        raise ProcessError(_("This code has already been used. Ask for a new code."), field="code")
    if row.tries >= MAX_TRIES:
        raise ProcessError(_("Too many wrong tries: this code no longer works. Ask for a new code."), field="code")
    if row.expires_at <= now:
        raise ProcessError(_("This code has expired. Ask for a new code."), field="code")
    # full-width digits from a Chinese keyboard are digits (NFKC); anything else that is not 6 ASCII digits is a slip
    typed = "".join(ch for ch in unicodedata.normalize("NFKC", (code or "")[:20]) if not ch.isspace())
    if not (typed.isascii() and typed.isdigit() and len(typed) == 6):  # a slip of the thumb, not a guess: no try is used up
        raise ProcessError(_("The code is 6 digits."), field="code")
    if not (typed.isdigit() and len(typed) == 6 and constant_time_compare(_digest(row.mobile, typed), row.code_hash)):
        MobileCode.objects.filter(pk=row.pk, used_at__isnull=True).update(tries=F("tries") + 1)
        left = MAX_TRIES - row.tries - 1
        if left <= 0:
            raise ProcessError(_("Too many wrong tries: this code no longer works. Ask for a new code."),
                               field="code")
        raise ProcessError(_("That code is not right. %(n)s tries left.") % {"n": left}, field="code")
    if MobileCode.objects.filter(pk=row.pk, used_at__isnull=True, tries__lt=MAX_TRIES,
                                 expires_at__gt=now).update(used_at=now) != 1:
        raise ProcessError(_("This code has already been used. Ask for a new code."), field="code")
    row.refresh_from_db()
    return row


# --- after the number is proved -----------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    appointment: Appointment | None = None
    request: BookingRequest | None = None
    note: str = ""  # why it became a request when the customer had chosen a time


def _known_car(store: Store, wish: Wish) -> tuple[Customer, Vehicle] | None:
    """The car, when the verified number is its owner's and they agreed to messages."""
    vehicle = (Vehicle.objects.filter(store=store, plate=normalize_plate(wish.plate), customer__mobile=wish.mobile,
                                      customer__consent_to_messages=True)
               .select_related("customer").first())
    return (vehicle.customer, vehicle) if vehicle else None


def _words(wish: Wish) -> str:
    kind = Kind(wish.kind).label
    text = f"[{kind}] {wish.words.strip()}".strip()
    if wish.mileage:
        text += " " + _("(%(km)s km)") % {"km": wish.mileage}
    return text[:1000]


def _pre_diagnosis(wish: Wish, op: LabourOperation) -> str:
    if wish.kind == Kind.RECALL:
        return _("Recall or campaign: check the maker's campaigns for this VIN; booked online with %(op)s.") % {
            "op": op.name}
    if wish.kind in PRE_DIAGNOSE:
        return _("Booked online: the advisor pre-diagnoses from the customer's words (to do); first estimate %(op)s.") \
            % {"op": op.name}
    return _("Booked online: %(op)s at %(km)s km.") % {"op": op.name, "km": wish.mileage or "?"}


def selfbook_ask(*, store: Store, wish: Wish, client: str) -> MobileCode:
    """The page's "send me a code": the time is checked first (no code for a
    time that cannot be booked), then the code is sent."""
    selfbook_time_check(store=store, slot=wish.slot, kind=wish.kind, advisor_id=wish.advisor_id)
    return code_send(store=store, wish=wish, client=client)


def selfbook_finish(*, row: MobileCode) -> Outcome:
    """APT-1…APT-7 after the code: a known customer's car is booked at once
    through appointment_book (the advisor asked to pre-diagnose a fault or
    body case: APT-3); anyone else, or a time taken meanwhile, becomes a
    booking request with an answer-by time in the agents' queue."""
    wish = Wish.from_json(row.payload)
    store = row.store
    known = _known_car(store, wish)
    op = selfbook_labour(store=store, kind=wish.kind)
    note = ""
    if known and op:
        customer, vehicle = known
        try:
            chosen = selfbook_time_check(store=store, slot=wish.slot, kind=wish.kind, advisor_id=wish.advisor_id)
            with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
                appointment = appointment_book(
                    store=store, actor=None, customer=customer, vehicle=vehicle, advisor=chosen.advisor,
                    starts_at=chosen.starts_at, customer_words=_words(wish), pre_diagnosis=_pre_diagnosis(wish, op),
                    labour_operations=[op])
                if wish.kind in PRE_DIAGNOSE:
                    staff_task_create(
                        store=store.pk, assignee=appointment.advisor, work_order=appointment.work_order,
                        key=f"apt-{appointment.pk}-prediagnose", link=reverse("appointments:detail",
                                                                              args=[appointment.pk]),
                        message=N_("Pre-diagnose the online booking of %(plate)s: read the customer's words, "
                                   "call them if needed"), params={"plate": vehicle.plate})
                MobileCode.objects.filter(pk=row.pk).update(appointment_id_done=appointment.pk)
                number_message_send(
                    store=store, to=wish.mobile, key=f"selfbook-booked-{appointment.pk}",
                    subject=_("Your appointment"),
                    body=_("%(store)s: %(plate)s is booked for %(when)s; %(advisor)s will receive you. Please bring "
                           "the driving licence, the service booklet, all keys, and the wheel-lock key. To change or "
                           "cancel: %(link)s")
                    % {"store": store.name, "plate": vehicle.plate, "advisor": appointment.advisor,
                       "when": timezone.localtime(appointment.starts_at).strftime("%m-%d %H:%M"),
                       "link": manage_url(appointment)})
            return Outcome(appointment=appointment)
        except ProcessError as exc:  # taken meanwhile, a visit already booked…: the agent sorts it out with them
            note = str(exc)[:200]
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        request = _request_create(store=store, wish=wish, note=note)
        MobileCode.objects.filter(pk=row.pk).update(request_id_done=request.pk)
        number_message_send(
            store=store, to=wish.mobile, key=f"selfbook-request-{request.pk}", subject=_("Your booking request"),
            body=_("%(store)s: we have your booking request for %(plate)s and will call you by %(when)s. "
                   "Your request: %(link)s")
            % {"store": store.name, "plate": request.plate,
               "when": timezone.localtime(request.due_at).strftime("%m-%d %H:%M"),
               "link": public_url("appointments:selfbook_request", request_token(request))})
    return Outcome(request=request, note=note)


def answer_by(*, store: Store, now: datetime) -> datetime:
    """APT-1: REQUEST_ANSWER_HOURS of the store's opening hours from now (a
    request made at 17:30 is answered the next open morning, not at 19:30)."""
    left = timedelta(hours=REQUEST_ANSWER_HOURS)
    tz = timezone.get_current_timezone()
    for day, hours in store_hours_range(store, timezone.localtime(now).date(), DAYS_AHEAD + 1):
        if hours is None:
            continue
        opens, closes = (datetime.combine(day, t, tzinfo=tz) for t in hours)
        start = max(opens, now)
        if start >= closes:
            continue
        if closes - start >= left:
            return start + left
        left -= closes - start
    return now + timedelta(hours=REQUEST_ANSWER_HOURS)  # no open day ahead: the clock hours


REQUEST_BEFORE_WANTED = timedelta(minutes=30)


def _request_create(*, store: Store, wish: Wish, note: str) -> BookingRequest:
    starts_at, advisor_pk = _parse_slot(wish.slot)
    advisor = User.objects.filter(pk=advisor_pk, store=store).first()
    parts = [str(Kind(wish.kind).label), _("wants %(when)s") % {"when": timezone.localtime(starts_at).strftime("%m-%d %H:%M")}]
    if wish.advisor_id and advisor:
        parts.append(_("with %(advisor)s") % {"advisor": advisor})
    if wish.mileage:
        parts.append(f"{wish.mileage} km")
    if wish.vin:
        parts.append(f"VIN {wish.vin}")
    if note:
        parts.append(note)
    if wish.words:
        parts.append(f"“{wish.words.strip()}”")
    # answered within the set time, and in any case before the time the customer asked for (half an hour ahead,
    # so the call can still agree it): a request at 17:30 for 09:00 tomorrow is not due at 09:14
    now = timezone.now()
    due = min(answer_by(store=store, now=now), max(now, starts_at - REQUEST_BEFORE_WANTED))
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        request = BookingRequest.objects.create(
            store=store, source=BookingRequest.Source.ONLINE, name=wish.name[:50], mobile=wish.mobile,
            plate=normalize_plate(wish.plate)[:10], wish=" · ".join(parts)[:300], due_at=due,
            wanted_at=starts_at, wanted_advisor=advisor, vin=wish.vin[:17], consent=wish.consent)
        staff_task_create(
            store=store.pk, role=Role.APPOINTMENT_AGENT, key=f"request-{request.pk}-answer", due_at=due,
            link=reverse("appointments:new") + f"?request={request.pk}",
            message=N_("Answer the online booking request of %(name)s (%(plate)s)"),
            params={"name": request.name, "plate": request.plate})
    return request


# --- the customer's link: change or cancel -----------------------------------------------------

def manage_token(appointment: Appointment) -> str:
    return record_token(appointment, salt=LINK_SALT, key="a")


def manage_url(appointment: Appointment) -> str:
    return public_url("appointments:selfbook_manage", manage_token(appointment))


def appointment_from_manage_token(token: str) -> Appointment:
    return record_from_token(token, salt=LINK_SALT, max_age=LINK_MAX_AGE, key="a",
                             queryset=Appointment.objects.select_related("store", "customer", "vehicle", "advisor"))


def request_token(request: BookingRequest) -> str:
    return record_token(request, salt=REQUEST_SALT, key="q")


def request_from_token(token: str) -> BookingRequest:
    return record_from_token(token, salt=REQUEST_SALT, max_age=LINK_MAX_AGE, key="q",
                             queryset=BookingRequest.objects.select_related("store"))


def _still_open(appointment: Appointment) -> None:
    if appointment.status != Appointment.Status.BOOKED or appointment.starts_at <= timezone.now():
        raise ProcessError(_("This appointment can no longer be changed here; please call the store."))


def selfbook_move(*, appointment: Appointment, slot: str) -> Appointment:
    """The customer picks another time through their link: checked as on the
    booking page, moved through appointment_reschedule (never into a buffer)."""
    _still_open(appointment)
    starts_at, advisor_pk = _parse_slot(slot)
    advisor = next((a for a in selfbook_advisors(store=appointment.store) if a.pk == advisor_pk), None)
    if advisor is None:
        raise ProcessError(_("Choose one of the times shown."), rule="SCH-1", field="slot")
    if starts_at <= timezone.now():
        raise ProcessError(_("That time has already passed: choose another."), rule="SCH-1", field="slot")
    free = [t.starts_at for t in selfbook_times(store=appointment.store, day=starts_at.date(), kind=Kind.MAINTENANCE,
                                                advisor=advisor, hours=appointment_hours(appointment))]
    if starts_at not in free:
        raise ProcessError(_("That time is not free any more: choose another."), rule="SCH-1", field="slot")
    with translation.override(settings.LANGUAGE_CODE):
        return appointment_reschedule(appointment=appointment, actor=None, starts_at=starts_at, advisor=advisor,
                                      reason=_("Moved by the customer online"), by_shop=False)


def selfbook_cancel(*, appointment: Appointment) -> Appointment:
    """The customer cancels through their link: the slot, capacity and parts go back at once."""
    _still_open(appointment)
    with translation.override(settings.LANGUAGE_CODE):
        return appointment_cancel(appointment=appointment, actor=None, by_shop=False,
                                  reason=_("Cancelled by the customer online"))


# --- the reminders' links (FU-9, SET-10) -------------------------------------------------------

def prefill_url(*, vehicle: Vehicle, kind: str = Kind.MAINTENANCE, words: str = "") -> str:
    """The booking page of the car's store with the car and the work filled in,
    signed so the text cannot be changed on the way."""
    token = signing.dumps({"s": vehicle.store_id, "v": vehicle.pk, "k": kind, "w": words[:200]},
                          salt=PREFILL_SALT, compress=True)
    return reverse("appointments:selfbook", args=[vehicle.store.code]) + "?p=" + token


def prefill_read(token: str, *, store: Store) -> dict:
    """The prefilled fields, or 404 for a forged, altered or expired token or one of another store."""
    try:
        data = signing.loads(token[:2000], salt=PREFILL_SALT, max_age=PREFILL_MAX_AGE)
        if int(data["s"]) != store.pk:
            raise Http404
        vehicle = Vehicle.objects.get(pk=int(data["v"]), store=store)
    except (signing.BadSignature, KeyError, TypeError, ValueError, Vehicle.DoesNotExist):
        raise Http404 from None
    kind = data.get("k") if data.get("k") in Kind.values else Kind.MAINTENANCE
    return {"plate": vehicle.plate, "kind": kind, "words": str(data.get("w") or "")[:200]}
