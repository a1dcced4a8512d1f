"""Writes of stage 6: the follow-up sweep, calls and survey answers,
complaints and their handling, corrective actions, service reminders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.models import BookingRequest
from appointments.selfbooking import Kind as SelfBookKind
from appointments.selfbooking import prefill_url
from dealership.doors import Door
from dealership.errors import ProcessError
from dealership.links import public_url, record_from_token, record_token
from dealership.messages import N_, message_params
from dealership.messagetexts import (
    CustomerMessage,
    gettext_template,
    message_render,
    register_message,
    sample,
    variables,
)
from dealership.models import Channel, OutboundMessage, Role, StaffTask, Store, User, Vehicle, WorkOrder
from dealership.notify import customer_message_send, outcome_hook
from dealership.services import staff_task_create, work_order_transition
from dealership.sweeps import in_stores
from dealership.textlimits import text_check
from inspection.models import DeferredWork
from settlement.models import GatePass

from . import standard
from .compliance import threshold_task_close
from .forms import OWNER_ROLES
from .models import Complaint, ComplaintEvent, CorrectiveAction, Dimension, FollowUpCall, FollowUpTask, ServiceReminder
from .pastservice import counted_past_maintenance, past_maintenance_due

SWEEP_BATCH = 2000
RETRY_AFTER = timedelta(hours=4)
MIN_RETRY_GAP = timedelta(minutes=30)  # tries closer together are one try, not two
LOW_SCORE = 2  # an overall score this low through the survey is handled as a complaint
SURVEY_SALT = "followup.survey.v1"
REMINDER_SALT = "followup.reminder.v1"
LINK_MAX_AGE = 30 * 24 * 3600
MANAGER_ROLES = (Role.AFTERSALES_MANAGER, Role.GROUP_MANAGER)
SCORED = [d for d in Dimension.values if d != Dimension.OVERALL]
FOLLOW_UP_TASK = Door(FollowUpTask, rule="FU-1")  # the table is FollowUpTask.TRANSITIONS


def followup_tasks_create_due(*, batch: int = SWEEP_BATCH, store_ids: list[int] | None = None) -> int:
    """FU-1: a call task for every delivered order, due within the store's
    window after delivery. Exactly once per order, however often and however
    concurrently it runs: the task's one-to-one key refuses a second row."""
    created = 0
    while True:
        passes = list(
            in_stores(GatePass.objects.filter(work_order__status=WorkOrder.Status.DELIVERED,
                                              work_order__followup_task__isnull=True), store_ids)
            .select_related("store").order_by("id")[:batch]
        )
        if not passes:
            return created
        before = FollowUpTask.objects.filter(work_order_id__in=[p.work_order_id for p in passes]).count()
        FollowUpTask.objects.bulk_create(
            [FollowUpTask(store_id=p.store_id, work_order_id=p.work_order_id,
                          due_from=p.issued_at + timedelta(days=p.store.followup_due_min_days),
                          due_by=p.issued_at + timedelta(days=p.store.followup_due_max_days))
             for p in passes],
            ignore_conflicts=True,
        )
        after = FollowUpTask.objects.filter(work_order_id__in=[p.work_order_id for p in passes]).count()
        created += after - before
        if len(passes) < batch:
            return created


def _check_scores(scores: Mapping[str, int | None]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for dimension in Dimension.values:
        value = scores.get(dimension)
        if value is not None and value not in (1, 2, 3, 4, 5):
            raise ProcessError(_("Scores go from 1 to 5."), rule="FU-2")
        out[dimension] = value
    if out[Dimension.OVERALL] is None:
        raise ProcessError(_("Record the customer's overall satisfaction."), rule="FU-2")
    return out


def _answer(task: FollowUpTask, *, agent: User | None, channel: str, scores: Mapping[str, int | None],
            customer_words: str, complaint: bool) -> FollowUpCall:
    """A reached customer's answer: it closes the task and the work order,
    and a complaint goes to the manager to classify and assign."""
    scores = _check_scores(scores)
    if not customer_words.strip():
        raise ProcessError(_("Write down what the customer said, in full, satisfied or not."), rule="FU-2")
    call = FollowUpCall.objects.create(
        store_id=task.store_id, task=task, agent=agent, channel=channel, reached=True,
        satisfaction=scores[Dimension.OVERALL], customer_words=customer_words.strip(), complaint=complaint,
        **{d: scores[d] for d in SCORED})
    FOLLOW_UP_TASK.move(task, to=FollowUpTask.Status.DONE,
                        fields={"attempts": task.attempts + (1 if agent else 0), "done_at": timezone.now(),
                                "next_try_at": None})
    work_order_transition(work_order=task.work_order, to=WorkOrder.Status.CLOSED, actor=agent,
                          message=N_("Follow-up done: satisfaction %(s)s/5."), params={"s": scores[Dimension.OVERALL]})
    if complaint:
        complaint_record(work_order=task.work_order, description=customer_words, actor=agent, call=call)
    return call


def followup_call_record(*, task: FollowUpTask, agent: User, reached: bool, channel: str,
                         scores: Mapping[str, int | None] | None = None, customer_words: str = "",
                         complaint: bool = False, satisfaction: int | None = None) -> FollowUpCall:
    """Record a call (FU-2, FU-9). Reached: the scores and the customer's
    words, in full, satisfied or not. Not reached: an attempt, tried again
    later; after the store's number of tries the survey link goes by SMS."""
    if not agent.has_role(Role.FOLLOWUP_AGENT):
        raise ProcessError(_("Only a follow-up agent can record a call."))
    if channel not in Channel.values:
        raise ProcessError(_("Choose the channel."))
    text_check(FollowUpCall, rule="FU-2", customer_words=customer_words)
    scores = dict(scores or {})
    if satisfaction is not None:
        scores.setdefault(Dimension.OVERALL, satisfaction)
    send_survey = False
    with transaction.atomic():
        locked = FollowUpTask.objects.select_for_update().select_related("work_order", "store").get(pk=task.pk)
        if locked.status == FollowUpTask.Status.DONE:
            raise ProcessError(_("This follow-up is already done."))
        if reached:
            call = _answer(locked, agent=agent, channel=channel, scores=scores, customer_words=customer_words,
                           complaint=complaint)
        else:
            last = locked.calls.filter(reached=False).order_by("-at").values_list("at", flat=True).first()
            if last and timezone.now() - last < MIN_RETRY_GAP:
                raise ProcessError(_("The last try was at %(at)s: try again after %(next)s, so that the tries are "
                                     "spread over the day.") % {
                    "at": timezone.localtime(last).strftime("%H:%M"),
                    "next": timezone.localtime(last + MIN_RETRY_GAP).strftime("%H:%M")}, rule="FU-1")
            call = FollowUpCall.objects.create(store_id=locked.store_id, task=locked, agent=agent, channel=channel,
                                               reached=False, customer_words=customer_words.strip())
            locked.attempts += 1
            locked.next_try_at = timezone.now() + RETRY_AFTER
            send_survey = locked.attempts >= locked.store.followup_max_attempts and locked.survey_sent_at is None
            locked.save(update_fields=["attempts", "next_try_at"])
        if send_survey:
            survey_send(task_id=locked.pk)  # recorded with the call, sent after commit (issue 20)
    task.refresh_from_db()
    return call


# --- the survey link (FU-9) ---------------------------------------------------------------

def survey_token(task: FollowUpTask) -> str:
    return record_token(task, salt=SURVEY_SALT, key="t")


def task_from_survey_token(token: str) -> FollowUpTask:
    return record_from_token(token, salt=SURVEY_SALT, max_age=LINK_MAX_AGE, key="t", queryset=(
        FollowUpTask.objects.select_related("work_order__store", "work_order__vehicle", "work_order__customer")))


def survey_send(*, task_id: int) -> None:
    """The customer could not be reached by phone: a short survey by SMS,
    once (the message key), recorded in the caller's transaction and sent
    after commit; the task records when it went (_survey_sent)."""
    task = FollowUpTask.objects.select_related("work_order__customer", "work_order__vehicle", "store").get(pk=task_id)
    order = task.work_order
    subject, body = message_render(store=task.store, name="survey", context=survey_context(task))
    customer_message_send(store=task.store_id, customer=order.customer, key=f"survey-{task.pk}",
                          subject=subject, body=body, work_order=order, purpose="survey", ref=task.pk)


@outcome_hook("survey", calls_on_failure=True)  # the follow-up agent has the call task already
def _survey_sent(message: OutboundMessage) -> None:
    if message.status == OutboundMessage.Status.SENT:
        FollowUpTask.objects.filter(pk=message.ref, survey_sent_at__isnull=True).update(survey_sent_at=message.sent_at)


def survey_answer(*, task: FollowUpTask, scores: Mapping[str, int | None], customer_words: str,
                  complaint: bool) -> FollowUpCall:
    """The customer answers through the link: the same scores as a call, once."""
    text_check(FollowUpCall, rule="FU-2", customer_words=customer_words)
    with transaction.atomic():
        locked = FollowUpTask.objects.select_for_update().select_related("work_order").get(pk=task.pk)
        if locked.status == FollowUpTask.Status.DONE:
            raise ProcessError(_("Thank you: this survey was already answered."))
        low = (scores.get(Dimension.OVERALL) or 5) <= LOW_SCORE
        return _answer(locked, agent=None, channel=Channel.SMS, scores=scores, customer_words=customer_words,
                       complaint=complaint or low)


# --- complaints (FU-7) ------------------------------------------------------------------

def _complaint_event(complaint: Complaint, actor: User | None, message: str, params: dict | None = None,
                     note: str = "") -> None:
    ComplaintEvent.objects.create(store_id=complaint.store_id, complaint=complaint, actor=actor, message=message,
                                  params=message_params(**(params or {})), note=note)


def _complaint_moved(complaint: Complaint, from_status: str, *, actor: User | None, message: str,
                     params: dict | None = None, note: str = "") -> None:
    _complaint_event(complaint, actor, message, params, note)


COMPLAINT = Door(Complaint, record=_complaint_moved, rule="FU-7")  # each move on the complaint's timeline


def complaint_record(*, work_order: WorkOrder, description: str, actor: User | None,
                     call: FollowUpCall | None = None) -> Complaint:
    if not description.strip():
        raise ProcessError(_("Write down the complaint in the customer's words."), rule="FU-2")
    text_check(Complaint, rule="FU-2", description=description)
    complaint = Complaint.objects.create(store_id=work_order.store_id, work_order=work_order, call=call,
                                         description=description.strip(), recorded_by=actor)
    _complaint_event(complaint, actor, N_("Complaint recorded."))
    staff_task_create(store=work_order.store_id, role=Role.AFTERSALES_MANAGER, work_order=work_order,
                      key=f"complaint-{complaint.pk}", link=f"/followup/complaints/{complaint.pk}/",
                      message=N_("Classify and assign the complaint about %(plate)s"),
                      params={"plate": work_order.vehicle.plate})
    return complaint


def _locked_complaint(complaint: Complaint, actor: User) -> Complaint:
    if not actor.is_group_manager and actor.store_id != complaint.store_id:
        raise ProcessError(_("That complaint belongs to another store."))
    return Complaint.objects.select_for_update(of=("self",)).select_related("work_order__vehicle", "store").get(pk=complaint.pk)


def complaint_assign(*, complaint: Complaint, manager: User, stage: str, category: str, department: str,
                     owner: User, due_at: datetime | None = None) -> Complaint:
    """Classified and handed to the people responsible, with a due date (FU-7)."""
    if not manager.has_role(*MANAGER_ROLES):
        raise ProcessError(_("The after-sales manager assigns complaints."), rule="FU-7")
    if stage not in Complaint.Stage.values or category not in Complaint.Category.values \
            or department not in Complaint.Department.values:
        raise ProcessError(_("Classify the complaint: stage, category and department."), rule="FU-7")
    if owner.store_id != complaint.store_id:
        raise ProcessError(_("The responsible person must work in the complaint's store."))
    if not owner.has_role(*OWNER_ROLES):
        raise ProcessError(_("%(owner)s cannot open complaints: choose an advisor, the foreman, a clerk or a "
                             "manager.") % {"owner": owner}, rule="FU-7")
    with transaction.atomic():
        locked = _locked_complaint(complaint, manager)
        if locked.status == Complaint.Status.CLOSED:
            raise ProcessError(_("This complaint is closed."))
        due = due_at or timezone.now() + timedelta(days=locked.store.complaint_days)
        if locked.owner_id and locked.owner_id != owner.pk:  # reassigned: the old owner's task goes
            StaffTask.objects.filter(store_id=locked.store_id, key=f"complaint-{locked.pk}-owner-{locked.owner_id}",
                                     done_at__isnull=True).update(done_at=timezone.now(), done_by=manager)
        locked.stage, locked.category, locked.department, locked.owner, locked.due_at = (
            stage, category, department, owner, due)
        COMPLAINT.move(locked, to=Complaint.Status.ASSIGNED, whole=True,
                       actor=manager, message=N_("Assigned to %(owner)s (%(department)s), due %(due)s."),
                       params={"owner": str(owner), "department": locked.get_department_display(),
                               "due": timezone.localtime(due).strftime("%Y-%m-%d")})
        staff_task_create(store=locked.store_id, assignee=owner, work_order=locked.work_order,
                          key=f"complaint-{locked.pk}-owner-{owner.pk}", link=f"/followup/complaints/{locked.pk}/",
                          due_at=due,
                          message=N_("Handle the complaint about %(plate)s"),
                          params={"plate": locked.work_order.vehicle.plate})
        StaffTask.objects.filter(store_id=locked.store_id, key=f"complaint-{locked.pk}",
                                 done_at__isnull=True).update(done_at=timezone.now(), done_by=manager)
    return locked


def complaint_handle(*, complaint: Complaint, actor: User, handling: str) -> Complaint:
    """The responsible person writes what was done; the customer is called back next."""
    if not handling.strip():
        raise ProcessError(_("Write what was done about the complaint."), rule="FU-7")
    text_check(Complaint, rule="FU-7", handling=handling)
    with transaction.atomic():
        locked = _locked_complaint(complaint, actor)
        if locked.status not in (Complaint.Status.ASSIGNED, Complaint.Status.HANDLED):
            raise ProcessError(_("Assign the complaint first."), rule="FU-7")
        if actor.pk != locked.owner_id and not actor.has_role(*MANAGER_ROLES):
            raise ProcessError(_("Only the responsible person or the manager handles this complaint."))
        COMPLAINT.move(locked, to=Complaint.Status.HANDLED, fields={"handling": handling.strip()},
                       actor=actor, message=N_("Handled."), note=handling.strip())
        staff_task_create(store=locked.store_id, role=Role.FOLLOWUP_AGENT, work_order=locked.work_order,
                          key=f"complaint-{locked.pk}-callback", link=f"/followup/complaints/{locked.pk}/",
                          message=N_("Call %(plate)s back about their complaint"),
                          params={"plate": locked.work_order.vehicle.plate})
    return locked


def complaint_close(*, complaint: Complaint, actor: User, callback_result: str, satisfied: bool) -> Complaint:
    """Closed once the customer was called back and their answer written down."""
    if not actor.has_role(Role.FOLLOWUP_AGENT, *MANAGER_ROLES):
        raise ProcessError(_("The follow-up agent or the manager closes a complaint after the call back."))
    if not callback_result.strip():
        raise ProcessError(_("Write down what the customer said on the call back."), rule="FU-7")
    text_check(Complaint, rule="FU-7", callback_result=callback_result)
    with transaction.atomic():
        locked = _locked_complaint(complaint, actor)
        if locked.status != Complaint.Status.HANDLED:
            raise ProcessError(_("The complaint is closed after it was handled and the customer called back."),
                               rule="FU-7")
        COMPLAINT.move(locked, to=Complaint.Status.CLOSED,
                       fields={"callback_result": callback_result.strip(), "satisfied_after": satisfied,
                               "closed_at": timezone.now()},
                       actor=actor, message=N_("Closed after the call back."), note=callback_result.strip())
        StaffTask.objects.filter(store_id=locked.store_id, key__startswith=f"complaint-{locked.pk}",
                                 done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)
    return locked


def complaints_escalate_overdue(*, now: datetime | None = None, store_ids: list[int] | None = None) -> int:
    """Complaints past their due date, not closed, go to the after-sales
    manager, once each (the escalation stamp and the task key)."""
    now = now or timezone.now()
    escalated = 0
    for complaint in (in_stores(Complaint.objects.filter(due_at__lt=now, escalated_at__isnull=True), store_ids)
                      .exclude(status=Complaint.Status.CLOSED).select_related("work_order__vehicle")[:SWEEP_BATCH]):
        if Complaint.objects.filter(pk=complaint.pk, escalated_at__isnull=True).update(escalated_at=now) != 1:
            continue
        _complaint_event(complaint, None, N_("Overdue: escalated to the after-sales manager."))
        staff_task_create(store=complaint.store_id, role=Role.AFTERSALES_MANAGER, work_order=complaint.work_order,
                          key=f"complaint-{complaint.pk}-escalated", link=f"/followup/complaints/{complaint.pk}/",
                          due_at=complaint.due_at,
                          message=N_("Overdue complaint about %(plate)s"),
                          params={"plate": complaint.work_order.vehicle.plate})
        escalated += 1
    return escalated


# --- corrective and preventive measures (FU-6) --------------------------------------------------

def action_create(*, manager: User, kind: str, title: str, owner: User, due_on: date,
                  complaints: list[Complaint] = (), trend: str = "", item: str = "",
                  item_month: date | None = None) -> CorrectiveAction:
    if not manager.has_role(*MANAGER_ROLES) or manager.store_id is None:
        raise ProcessError(_("The after-sales manager sets corrective and preventive measures."), rule="FU-6")
    if not title.strip():
        raise ProcessError(_("Say what the measure is."), rule="FU-6")
    if not complaints and not trend.strip():
        raise ProcessError(_("Tie the measure to complaints or to a trend in the figures."), rule="FU-6")
    if item and (item not in standard.BY_CODE or item_month is None):
        raise ProcessError(_("The must-avoid item this measure answers is not known."), rule="FU-6")
    if any(c.store_id != manager.store_id for c in complaints) or owner.store_id != manager.store_id:
        raise ProcessError(_("The complaints and the owner must be of your store."))
    with transaction.atomic():
        action = CorrectiveAction.objects.create(store_id=manager.store_id, kind=kind, title=title.strip(),
                                                 trend=trend.strip(), owner=owner, due_on=due_on, created_by=manager,
                                                 item=item, item_month=item_month.replace(day=1) if item else None)
        action.complaints.set(complaints)
        for complaint in complaints:
            _complaint_event(complaint, manager, N_("Measure set: %(title)s"), {"title": action.title})
        staff_task_create(store=action.store_id, assignee=owner, key=f"action-{action.pk}",
                          link=f"/followup/actions/#action-{action.pk}",
                          due_at=datetime.combine(due_on, time(23, 59), tzinfo=timezone.get_current_timezone()),
                          message=N_("Measure to carry out by %(due)s: %(title)s"),
                          params={"due": due_on.isoformat(), "title": action.title})
    return action


def action_done(*, action: CorrectiveAction, actor: User, evidence: str) -> CorrectiveAction:
    if actor.pk != action.owner_id and not actor.has_role(*MANAGER_ROLES):
        raise ProcessError(_("The owner or the manager checks off a measure."))
    if not evidence.strip():
        raise ProcessError(_("Say what shows the measure was carried out."), rule="FU-6")
    text_check(CorrectiveAction, rule="FU-6", evidence=evidence)
    updated = CorrectiveAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
        evidence=evidence.strip(), done_at=timezone.now())
    if updated != 1:
        raise ProcessError(_("This measure is already checked off."))
    StaffTask.objects.filter(store_id=action.store_id, key=f"action-{action.pk}", done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor)
    action.refresh_from_db()
    if action.item:  # issue 21: the item above its threshold has its measure, done with evidence
        threshold_task_close(store_id=action.store_id, item=action.item, month=action.item_month, actor=actor)
    return action


# --- service reminders (FU-9) -------------------------------------------------------------

DEFERRED_DUE_DAYS = {DeferredWork.Urgency.SAFETY: 7, DeferredWork.Urgency.SOON: 60}


def reminder_token(reminder: ServiceReminder) -> str:
    return record_token(reminder, salt=REMINDER_SALT, key="r")


def reminder_from_token(token: str) -> ServiceReminder:
    return record_from_token(token, salt=REMINDER_SALT, max_age=LINK_MAX_AGE * 3, key="r",
                             queryset=ServiceReminder.objects.select_related("vehicle__customer", "store"))


def reminders_send_due(*, today: date | None = None, batch: int = SWEEP_BATCH,
                       store_ids: list[int] | None = None) -> int:
    """Before the next service that settlement recorded, and for deferred
    work coming due: each reminder once (its key), each through the
    notification backend with a signed link that asks for a booking."""
    today = today or timezone.localdate()
    due: list[tuple[Vehicle, str, str, date, str, int | None]] = []
    for vehicle in (in_stores(Vehicle.objects.filter(next_service_on__isnull=False, next_service_on__gte=today,
                                                     next_service_on__lte=today + timedelta(days=60)), store_ids)
                    .exclude(Exists(counted_past_maintenance().filter(vehicle=OuterRef("pk"))))  # a later one
                    .select_related("store", "customer").order_by("next_service_on", "id")[:batch]):
        if vehicle.next_service_on - timedelta(days=vehicle.store.reminder_days_before) <= today:
            due.append((vehicle, ServiceReminder.Kind.NEXT_SERVICE,
                        f"next-{vehicle.pk}-{vehicle.next_service_on:%Y%m%d}", vehicle.next_service_on, "",
                        vehicle.next_service_km))
    for vehicle, on, km in past_maintenance_due(today=today, batch=batch, store_ids=store_ids):  # issue 18: the old system's history
        due.append((vehicle, ServiceReminder.Kind.NEXT_SERVICE, f"next-{vehicle.pk}-{on:%Y%m%d}", on, "", km))
    for item in (in_stores(DeferredWork.objects.filter(status=DeferredWork.Status.OPEN,
                                                       urgency__in=list(DEFERRED_DUE_DAYS),
                                                       at__gte=timezone.now() - timedelta(days=365)), store_ids)
                 .select_related("vehicle__store", "vehicle__customer").order_by("at", "id")[:batch]):
        on = timezone.localtime(item.at).date() + timedelta(days=DEFERRED_DUE_DAYS[item.urgency])
        if on <= today:
            due.append((item.vehicle, ServiceReminder.Kind.DEFERRED, f"deferred-{item.pk}", on, item.description,
                        None))
    sent = 0
    for vehicle, kind, key, on, what, km in due:
        try:
            with transaction.atomic():
                reminder = ServiceReminder.objects.create(store_id=vehicle.store_id, vehicle=vehicle, kind=kind,
                                                          key=key, due_on=on)
        except IntegrityError:
            continue  # already reminded (another sweep got there first, or an earlier day)
        sent += _reminder_deliver(reminder, vehicle, what, km)
    return sent


def _reminder_deliver(reminder: ServiceReminder, vehicle: Vehicle, what: str, km: int | None = None) -> int:
    name = "reminder_service" if reminder.kind == ServiceReminder.Kind.NEXT_SERVICE else "reminder_deferred"
    subject, body = message_render(store=vehicle.store, name=name,
                                   context=reminder_context(reminder, vehicle, what, km))
    record = customer_message_send(store=vehicle.store_id, customer=vehicle.customer, key=f"reminder-{reminder.key}",
                                   subject=subject, body=body, purpose="reminder", ref=reminder.pk)
    if record is None:
        ServiceReminder.objects.filter(pk=reminder.pk).update(result="no consent: call")
        staff_task_create(store=vehicle.store_id, role=Role.APPOINTMENT_AGENT, key=f"reminder-call-{reminder.pk}",
                          message=N_("Call %(plate)s to book: service reminder"), params={"plate": vehicle.plate})
        return 0
    ServiceReminder.objects.filter(pk=reminder.pk).update(result=record.status)  # queued: _reminder_outcome follows
    return 1


@outcome_hook("reminder", calls_on_failure=True)
def _reminder_outcome(message: OutboundMessage) -> None:
    """The delivery's word on a reminder: when it went, or that it failed for good."""
    if message.status == OutboundMessage.Status.SENT:
        ServiceReminder.objects.filter(pk=message.ref).update(sent_at=message.sent_at, result=message.status)
    elif message.status == OutboundMessage.Status.FAILED:
        ServiceReminder.objects.filter(pk=message.ref).update(result=message.status)


def reminder_book(*, reminder: ServiceReminder, wish: str = "") -> BookingRequest:
    """The customer taps the link: a booking request in the agents' queue, once."""
    with transaction.atomic():
        locked = ServiceReminder.objects.select_for_update().select_related("vehicle__customer").get(pk=reminder.pk)
        existing = BookingRequest.objects.filter(store_id=locked.store_id, source=BookingRequest.Source.REMINDER,
                                                 wish__startswith=f"[{locked.key}]").first()
        if existing:
            return existing
        customer = locked.vehicle.customer
        request = BookingRequest.objects.create(
            store_id=locked.store_id, source=BookingRequest.Source.REMINDER, name=customer.name,
            mobile=customer.mobile, plate=locked.vehicle.plate, wish=f"[{locked.key}] {wish.strip()}"[:300])
        locked.booked_at = timezone.now()
        locked.save(update_fields=["booked_at"])
    return request


def reminder_booking_url(reminder: ServiceReminder) -> str:
    """FU-9, SET-10: the reminder's link opens the store's self-booking page
    (appointments.selfbooking) with the car filled in, and for deferred work
    what the workshop found, signed so it cannot be changed on the way."""
    kind, words = SelfBookKind.MAINTENANCE, ""
    if reminder.kind == ServiceReminder.Kind.DEFERRED:
        kind = SelfBookKind.FAULT
        found = reminder.key.removeprefix("deferred-")
        if found.isdigit():
            words = DeferredWork.objects.filter(pk=int(found), vehicle_id=reminder.vehicle_id).values_list(
                "description", flat=True).first() or ""
    return prefill_url(vehicle=reminder.vehicle, kind=kind, words=words)


# --- the customer messages of stage 6, for the message texts page (issue 18) -------------------------------

def survey_context(task: FollowUpTask) -> dict:
    order = task.work_order
    return {"store": task.store, "name": order.customer.salutation(), "plate": order.vehicle.plate,
            "link": public_url("followup:survey", survey_token(task))}


def reminder_context(reminder: ServiceReminder, vehicle: Vehicle, what: str = "", km: int | None = None) -> dict:
    """`km`: the mileage the service is due at when it is not the car's own plan (a past maintenance, issue 18)."""
    return {"store": vehicle.store, "name": vehicle.customer.salutation(), "plate": vehicle.plate,
            "date": reminder.due_on.isoformat(), "km": km or vehicle.next_service_km or "", "what": what,
            "link": public_url("followup:reminder_book", reminder_token(reminder))}


def _survey_preview(store: Store) -> dict | None:
    task = (FollowUpTask.objects.filter(store=store).select_related(
        "store", "work_order__customer", "work_order__vehicle").order_by("-id").first())
    return survey_context(task) if task else None


def _reminder_preview(kind: str):
    def preview(store: Store) -> dict | None:
        reminder = (ServiceReminder.objects.filter(store=store, kind=kind)
                    .select_related("vehicle__store", "vehicle__customer").order_by("-id").first())
        if reminder is None:
            return None
        what = ""
        if kind == ServiceReminder.Kind.DEFERRED:
            what = ", ".join(DeferredWork.objects.filter(vehicle=reminder.vehicle).order_by("-id")
                             .values_list("description", flat=True)[:3])
        return reminder_context(reminder, reminder.vehicle, what)
    return preview


_REMINDER_SUBJECT = N_("Service reminder for %(plate)s")
register_message(CustomerMessage(
    name="survey", label=gettext_lazy("Survey after the visit (customer not reached by phone)"),
    stage=gettext_lazy("Follow-up"), order=600, variables=variables("store", "name", "plate", "link"),
    sample=sample("store", "name", "plate", "link"),
    subject=gettext_template(N_("How was your visit?")),
    body=gettext_template(N_("%(store)s: dear %(name)s, how was your visit with %(plate)s? Two minutes: %(link)s")),
    preview=_survey_preview))
register_message(CustomerMessage(
    name="reminder_service", label=gettext_lazy("Reminder: next service due"), stage=gettext_lazy("Follow-up"),
    order=610, variables=variables("store", "name", "plate", "link", date=gettext_lazy("the date it is due"),
                                   km=gettext_lazy("the mileage it is due at")),
    sample=sample("store", "name", "plate", "link", date="2027-03-01", km=40000),
    subject=gettext_template(_REMINDER_SUBJECT),
    body=gettext_template(N_("%(store)s: dear %(name)s, %(plate)s is due for service by %(date)s or %(km)s km. "
                             "Book here: %(link)s")),
    preview=_reminder_preview(ServiceReminder.Kind.NEXT_SERVICE)))
register_message(CustomerMessage(
    name="reminder_deferred", label=gettext_lazy("Reminder: deferred work coming due"),
    stage=gettext_lazy("Follow-up"), order=620,
    variables=variables("store", "name", "plate", "link", what=gettext_lazy("the work the car needs")),
    sample=sample("store", "name", "plate", "link", what="更换后刹车片"),
    subject=gettext_template(_REMINDER_SUBJECT),
    body=gettext_template(N_("%(store)s: dear %(name)s, at your last visit we found that %(plate)s needs: %(what)s. "
                             "Book here: %(link)s")),
    preview=_reminder_preview(ServiceReminder.Kind.DEFERRED)))
