"""Writes of stage 2: check-in, walk-around, the work order and its signing."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.arrivals import ticket_arrive, ticket_call
from appointments.models import Appointment, QueueTicket
from appointments.preparation import not_ready_subject
from appointments.services import appointment_release_for_order
from dealership.errors import ConflictError, ProcessError, Refusal
from dealership.messages import N_, list_join
from dealership.messagetexts import message_render
from dealership.models import Customer, Role, Store, User, Vehicle, WorkOrder, WorkOrderEvent, WorkOrderLine
from dealership.notify import Draft, customer_messages_record, customer_messages_send
from dealership.services import (
    Guard,
    Override,
    staff_task_create,
    staff_tasks_close,
    vehicle_record_mileage,
    work_order_add_line,
    work_order_create,
    work_order_lock,
    work_order_note,
    work_order_recalculate,
    work_order_transition,
)
from dealership.textlimits import text_check
from dealership.workflow import EDITABLE_STATUSES, step_guard

from .links import status_context
from .models import Reception, Signature, WalkAround
from .signals import work_order_signed
from .signatures import signature_check
from .walkaround import checklist_items, completeness

MISSING = "missing"  # a refusal shown in the page's list of what is missing before signing, not by a field

def appointment_receive(*, appointment: Appointment, actor: User) -> WorkOrder:
    """The advisor calls the appointment customer and continues on the draft
    work order prepared at booking (REC-1). If the front desk did not mark the
    arrival, it is marked now."""
    if appointment.status not in Appointment.ACTIVE:
        raise ProcessError(_("This appointment is %(status)s.") % {"status": appointment.get_status_display()})
    ticket = ticket_arrive(appointment=appointment, actor=actor)
    if ticket.called_at is None:
        ticket_call(ticket=ticket, advisor=actor)
        work_order_note(work_order=appointment.work_order, actor=actor,
                        message=N_("Customer arrived for the appointment; reception started."))
    # the customer is here: waiting for them, preparing and the readiness alert are over (APT-9, APT-12)
    staff_tasks_close(work_order=appointment.work_order, keys=[f"apt-{appointment.pk}-arrived",
                                                               f"apt-{appointment.pk}-prepare"],
                      subjects=[not_ready_subject(appointment.pk)], actor=actor)
    return appointment.work_order


def walk_in_open(*, store: Store, actor: User, customer: Customer, vehicle: Vehicle,
                 customer_words: str, ticket: QueueTicket | None = None) -> WorkOrder:
    """Open a draft order for a customer who came without an appointment. A car
    with an appointment today, or with an order still open, is not opened a
    second time: the advisor continues on the one there is."""
    if not customer_words.strip():
        raise ProcessError(_("Record the customer's own description."), rule="REC-4")
    text_check(WorkOrder, rule="REC-4", customer_words=customer_words)
    booked = (Appointment.objects.filter(vehicle=vehicle, status=Appointment.Status.BOOKED,
                                         starts_at__date=timezone.localdate()).first())
    if booked:
        raise ProcessError(_("%(plate)s has an appointment today at %(time)s: receive it from the arrivals list.")
                           % {"plate": vehicle.plate, "time": timezone.localtime(booked.starts_at).strftime("%H:%M")},
                           rule="REC-1")
    open_order = (WorkOrder.objects.filter(vehicle=vehicle).exclude(
        status__in=[WorkOrder.Status.DELIVERED, WorkOrder.Status.CLOSED, WorkOrder.Status.CANCELLED])
        .exclude(appointment__status=Appointment.Status.BOOKED).first())
    if open_order:
        raise ProcessError(_("%(plate)s already has work order %(number)s open (%(status)s); continue on that one.")
                           % {"plate": vehicle.plate, "number": open_order.number,
                              "status": open_order.get_status_display()})
    order = work_order_create(store=store, customer=customer, vehicle=vehicle, advisor=actor,
                              actor=actor, origin=WorkOrder.Origin.WALK_IN,
                              customer_words=customer_words.strip())
    if ticket is None:  # not queued at the desk: arrived and called now
        now = timezone.now()
        ticket = QueueTicket.objects.create(store=store, plate=vehicle.plate, name=customer.name, arrived_at=now)
    if ticket.called_at is None:
        ticket_call(ticket=ticket, advisor=actor)
    QueueTicket.objects.filter(pk=ticket.pk).update(work_order=order, plate=vehicle.plate, name=customer.name)
    return order


def _locked_editable(order: WorkOrder, expected_version: int | None) -> WorkOrder:
    locked = work_order_lock(work_order_id=order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("Work order %(number)s was changed by someone else a moment ago. "
                              "Reload the page to see the latest version.") % {"number": locked.number})
    if locked.status not in EDITABLE_STATUSES:
        raise ProcessError(_("Work order %(number)s is signed: changes go through a change request.")
                           % {"number": locked.number}, rule="REP-2")
    return locked


def work_order_update_details(*, work_order: WorkOrder, actor: User, customer_words: str,
                              diagnosis: str, promised_at: datetime | None,
                              customer_waits: bool | None, expected_version: int | None = None,
                              beyond_complaint: str | None = None) -> WorkOrder:
    """The customer's words (REC-4), the diagnosis with the faults the customer
    had not noticed (REC-6), the promised time (REC-11) and whether the
    customer waits (REC-15)."""
    text_check(WorkOrder, rule="REC-4", customer_words=customer_words, diagnosis=diagnosis)
    text_check(Reception, rule="REC-6", beyond_complaint=beyond_complaint)
    with transaction.atomic():
        order = _locked_editable(work_order, expected_version)
        order.customer_words = customer_words.strip()
        order.diagnosis = diagnosis.strip()
        order.promised_at = promised_at
        order.customer_waits = customer_waits
        order.version += 1
        order.save(update_fields=["customer_words", "diagnosis", "promised_at", "customer_waits",
                                  "version", "updated_at"])
        if beyond_complaint is not None:
            Reception.objects.update_or_create(work_order=order, defaults={
                "store_id": order.store_id, "beyond_complaint": beyond_complaint.strip()})
    return order


def reception_greet(*, work_order: WorkOrder, actor: User) -> Reception:
    """REC-3: the advisor greeted the customer and introduced themselves."""
    reception, _created = Reception.objects.get_or_create(work_order=work_order,
                                                          defaults={"store_id": work_order.store_id})
    if reception.greeted_at is None:
        Reception.objects.filter(pk=reception.pk).update(greeted_at=timezone.now(), greeted_by=actor)
        reception.refresh_from_db()
    return reception


def walkaround_record(*, work_order: WorkOrder, actor: User, mileage: int, mileage_reason: str = "",
                      checks: list[dict] | None = None, mileage_confirm: bool = False, **fields) -> WalkAround:
    """Record the walk-around (REC-5, REC-7) and the mileage, which never goes
    below the last reading without a reason."""
    text_check(WalkAround, rule="REC-7", **{k: v for k, v in fields.items() if k in ("exterior_notes", "belongings")})
    with transaction.atomic():
        order = _locked_editable(work_order, None)
        if order.mileage_in != mileage:
            vehicle_record_mileage(vehicle=order.vehicle, km=mileage, actor=actor,
                                   reason=mileage_reason, work_order=order, confirm_jump=mileage_confirm)
            WorkOrder.objects.filter(pk=order.pk).update(mileage_in=mileage)
        WorkOrder.objects.filter(pk=order.pk).update(version=F("version") + 1)
        walkaround, created = WalkAround.objects.update_or_create(
            work_order=order,
            defaults={"store_id": order.store_id, "mileage": mileage, "completed_by": actor,
                      **({"checks": checks} if checks is not None else {}), **fields},
        )
        work_order_note(work_order=order, actor=actor, rule="REC-5",
                        message=N_("Walk-around recorded.") if created else N_("Walk-around updated."))
    return walkaround


def work_order_decline_line(*, line: WorkOrderLine, actor: User) -> None:
    """The customer does not want an item of the draft quote: it stays on the
    order as declined (nothing is deleted)."""
    with transaction.atomic():
        order = _locked_editable(line.work_order, None)
        WorkOrderLine.objects.filter(pk=line.pk, work_order=order).update(
            approval=WorkOrderLine.Approval.DECLINED)
        staff_tasks_close(work_order=order, keys=[f"warranty-line-{line.pk}"], actor=actor)
        work_order_recalculate(work_order=order)
        work_order_note(work_order=order, actor=actor, kind=WorkOrderEvent.Kind.LINE,
                        message=N_("Customer declined: %(desc)s"), params={"desc": line.description})


def sign_refusals(order: WorkOrder) -> list[Refusal]:
    """What still stands between this order and the signatures."""
    refusals = []
    walkaround = WalkAround.objects.filter(work_order=order).first()
    if walkaround is None:
        refusals.append(Refusal("REC-5", _("Do the walk-around with the customer first.")))
    else:
        check = completeness(walkaround, checklist_items(store=order.store))
        if not check.complete:
            refusals.append(Refusal("REC-5", _("Finish the walk-around: %(missing)s.")
                                    % {"missing": list_join(check.missing)}))
    if not order.customer_words.strip():
        refusals.append(Refusal("REC-9", _("Record the customer's description.")))
    if not order.diagnosis.strip():
        refusals.append(Refusal("REC-6", _("Record the diagnosis.")))
    if not order.lines.filter(approval=WorkOrderLine.Approval.APPROVED).exists():
        refusals.append(Refusal("REC-11", _("The order has no repair items, so there is no quote.")))
    if order.promised_at is None:
        refusals.append(Refusal("REC-11", _("Agree a delivery time with the customer.")))
    elif order.promised_at <= timezone.now():
        refusals.append(Refusal("REC-11", _("The promised delivery time is in the past.")))
    if order.customer_waits is None:
        refusals.append(Refusal("REC-15", _("Record whether the customer waits or leaves.")))
    if order.expert_requests.filter(answered_at__isnull=True).exists():
        refusals.append(Refusal("REC-6", _("A question to the expert or the pre-check bay is still open.")))
    return refusals


@step_guard(WorkOrder.Status.SIGNED)
def _ready_to_sign(order: WorkOrder) -> Refusal | None:
    """All of sign_refusals as one refusal (shown in the page's list of what is missing)."""
    refusals = sign_refusals(order)
    return Refusal(", ".join(sorted({r.rule for r in refusals})),
                   " ".join(str(r.message) for r in refusals), field=MISSING) if refusals else None


def work_order_sign(*, work_order: WorkOrder, actor: User, customer_signed_name: str,
                    explained: bool, customer_signature: str = "", advisor_signature: str = "",
                    device: str = "", expected_version: int | None = None,
                    override: Override | None = None) -> WorkOrder:
    """Customer and advisor sign the explained order on the tablet (REC-10,
    REC-12); the drawn signatures are kept with the time and the device. The
    signed order is frozen and the workshop may start."""
    # Each refusal names where the page shows it: the list of what is missing
    # (MISSING), or the field it is about, so it is said once, in its place.
    def explained_guard(order: WorkOrder) -> Refusal | None:
        return None if explained else Refusal("REC-10", _("Explain the order and the work to the customer first."),
                                              field="explained")

    def name_guard(order: WorkOrder) -> Refusal | None:
        return None if customer_signed_name.strip() else Refusal(
            "REC-12", _("Write the customer's name as signed."), field="customer_signed_name")

    drawn = {}

    def pad_guard(signer: str, data_url: str, label: str, field: str) -> Guard:
        def guard(order: WorkOrder) -> Refusal | None:
            try:
                drawn[signer] = signature_check(data_url)
            except ProcessError as exc:
                return Refusal("REC-12", f"{label}: {exc.message}", field=field)
            return None
        return guard

    def keep_signatures(order: WorkOrder) -> None:
        for signer, image in drawn.items():
            Signature.objects.create(store_id=order.store_id, work_order=order, signer=signer, image=image,
                                     name=customer_signed_name.strip() if signer == Signature.Signer.CUSTOMER
                                     else str(actor), device=device[:200])
        work_order_signed.send(sender=WorkOrder, work_order=order)  # the workshop makes its jobs (REP-1)
        status_link_record(order)

    now = timezone.now()
    order = work_order_transition(
        work_order=work_order, to=WorkOrder.Status.SIGNED, actor=actor,
        guards=[_ready_to_sign, explained_guard, name_guard,
                pad_guard(Signature.Signer.CUSTOMER, customer_signature, _("The customer"), "customer_signature"),
                pad_guard(Signature.Signer.ADVISOR, advisor_signature, _("The advisor"), "advisor_signature")],
        changes={"customer_signed_name": customer_signed_name.strip(), "customer_signed_at": now,
                 "advisor_signed_at": now},
        message=N_("Signed by the customer (%(name)s) and the advisor."), params={"name": customer_signed_name.strip()},
        expected_version=expected_version, override=override, after=keep_signatures,
    )
    appointment = Appointment.objects.filter(work_order=order).first()
    keys = [f"expert-{pk}-answered" for pk in order.expert_requests.values_list("pk", flat=True)]
    if appointment:
        keys += [f"apt-{appointment.pk}-prepare", f"apt-{appointment.pk}-arrived"]
    staff_tasks_close(work_order=order, keys=keys, actor=actor)
    return order


def status_link_record(order: WorkOrder) -> None:
    """Issue 20: the link to the car's live status page, put in the outbox with the signing and sent after
    commit; without consent to messages nothing is sent (the printed copy carries the link)."""
    subject, body = message_render(store=order.store, name="car_status", context=status_context(order))
    drafts = customer_messages_record([Draft(order.store_id, order.customer, f"wo-{order.pk}-status", subject, body,
                                             order.pk)])
    if drafts:
        transaction.on_commit(lambda: customer_messages_send(drafts))


def work_order_cancel(*, work_order: WorkOrder, actor: User, reason: str) -> WorkOrder:
    """Cancel before work starts (from draft or signed), always with a reason;
    nothing is deleted. An appointment behind the order is cancelled too."""
    if not reason.strip():
        raise ProcessError(_("Give the reason for cancelling."))

    def cancel_appointment(order: WorkOrder) -> None:
        appointment_release_for_order(work_order=order, reason=reason.strip(), actor=actor)

    return work_order_transition(work_order=work_order, to=WorkOrder.Status.CANCELLED, actor=actor,
                                 changes={"cancel_reason": reason.strip()}, after=cancel_appointment,
                                 message=N_("Cancelled."), note=reason.strip())


def reception_line_add(*, work_order: WorkOrder, actor: User, labour_operation=None, part=None,
                       quantity=None, description: str = "", unit_price=None, hours=None,
                       warranty: bool = False, kind: str = "") -> WorkOrderLine:
    """REC-8: a repair item from the catalogue at its published price, or a
    free-text item priced by the advisor (recorded as who priced it). A
    warranty item costs the customer nothing and goes to the warranty
    assessor."""
    if labour_operation is None and part is None and not actor.has_role(Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER):
        raise ProcessError(_("Only a service advisor prices an item that is not in the catalogue."))
    line = work_order_add_line(work_order=work_order, actor=actor, source=WorkOrderLine.Source.RECEPTION,
                               labour_operation=labour_operation, part=part,
                               quantity=quantity or Decimal("1"), description=description.strip(),
                               unit_price=unit_price, hours=hours, warranty=warranty, kind=kind)
    if warranty:
        staff_task_create(store=work_order.store_id, role=Role.WARRANTY_ASSESSOR, work_order=work_order,
                          key=f"warranty-line-{line.pk}", link=f"/orders/{work_order.pk}/",
                          message=N_("Assess the warranty item %(item)s on %(number)s"),
                          params={"item": line.description, "number": work_order.number})
    return line
