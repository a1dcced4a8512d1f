"""Changes the customer approves (REP-2…REP-4): the technician reports a
finding (REP-3), the advisor prices it and re-estimates the delivery time,
the customer decides each item by phone or through a signed link (REP-4).
Approved items join the order; declined ones stay on it as declined; until
then nothing of it can be worked on, issued or billed (REP-2)."""

from datetime import datetime
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dealership.doors import Door
from dealership.errors import ProcessError
from dealership.links import public_url, record_from_token, record_token
from dealership.messages import N_
from dealership.messagetexts import (
    CustomerMessage,
    gettext_template,
    message_render,
    register_message,
    sample,
    variables,
)
from dealership.models import LabourOperation, Part, Role, Store, User, WorkOrder, WorkOrderEvent, WorkOrderLine
from dealership.notify import customer_message_send
from dealership.services import (
    staff_task_create,
    staff_tasks_close,
    work_order_add_line,
    work_order_lock,
    work_order_note,
    work_order_recalculate,
)
from dealership.textlimits import text_check
from reception.walkaround import photo_check

from .jobs import jobs_for_signed_order
from .models import Finding, FreeFix, Job

F_ = Finding.Status
FINDING = Door(Finding, rule="REP-4", noun=gettext_lazy("finding"))
A = WorkOrderLine.Approval
SALT = "workshop.approve.v1"
MAX_AGE_SECONDS = 7 * 24 * 3600


def finding_report(*, work_order: WorkOrder, actor: User, description: str, photo: UploadedFile | None = None,
                   job: Job | None = None, source: str = Finding.Source.WORKSHOP) -> Finding:
    """REP-3: report at once; the advisor is alerted."""
    if not description.strip():
        raise ProcessError(_("Describe what you found."))
    text_check(Finding, rule="REP-3", description=description)
    photo_type = photo_check(photo) if photo else ""
    with transaction.atomic():
        finding = Finding(store_id=work_order.store_id, work_order=work_order, job=job, source=source,
                          description=description.strip(), reported_by=actor, photo_type=photo_type)
        if photo:
            finding.photo.save("finding", photo, save=False)
        finding.save()
        work_order_note(work_order=work_order, actor=actor, rule="REP-3", message=N_("Finding reported."),
                        note=description.strip())
        staff_task_create(store=work_order.store_id, assignee=work_order.advisor, work_order=work_order,
                          key=f"finding-{finding.pk}", link=reverse("workshop:finding", args=[finding.pk]),
                          urgent=True,  # the car waits on the lift for the price and the customer's answer
                          message=N_("%(plate)s: a finding to price and agree with the customer: %(what)s"),
                          params={"plate": work_order.vehicle.plate, "what": description.strip()[:30]})
    return finding


def finding_price(*, finding: Finding, actor: User, labour: list[tuple[LabourOperation, Decimal]] = (),
                  parts: list[tuple[Part, Decimal]] = (), free: list[tuple[str, Decimal, str]] = (),
                  new_promised_at: datetime | None = None) -> Finding:
    """REP-4: the advisor prices the finding from the catalogue (items wait for
    the customer) and re-estimates the delivery time."""
    if not actor.has_role(Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER):
        raise ProcessError(_("The service advisor prices findings."))
    if finding.status not in (F_.REPORTED, F_.PRICED):
        raise ProcessError(_("This finding is already decided."))
    if not (labour or parts or free):
        raise ProcessError(_("Add at least one item to offer the customer."))
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.status not in (F_.REPORTED, F_.PRICED):
            raise ProcessError(_("This finding is already decided."))
        order = finding.work_order
        current = WorkOrder.objects.filter(pk=order.pk).values_list("promised_at", flat=True).first()
        promise = _new_promise(new_promised_at, current=current, offered=locked.new_promised_at)
        for op, qty in labour:
            line = work_order_add_line(work_order=order, actor=actor, labour_operation=op, quantity=qty,
                                       source=WorkOrderLine.Source.CHANGE, approval=A.PENDING,
                                       allow_after_signing=True)
            WorkOrderLine.objects.filter(pk=line.pk).update(finding_id=finding.pk)
        for part, qty in parts:
            line = work_order_add_line(work_order=order, actor=actor, part=part, quantity=qty,
                                       source=WorkOrderLine.Source.CHANGE, approval=A.PENDING,
                                       allow_after_signing=True)
            WorkOrderLine.objects.filter(pk=line.pk).update(finding_id=finding.pk)
        for description, price, kind in free:
            line = work_order_add_line(work_order=order, actor=actor, description=description, unit_price=price,
                                       kind=kind, source=WorkOrderLine.Source.CHANGE, approval=A.PENDING,
                                       allow_after_signing=True)
            WorkOrderLine.objects.filter(pk=line.pk).update(finding_id=finding.pk)
        FINDING.move(locked, to=F_.PRICED,
                     fields={"priced_by": actor, "priced_at": timezone.now(), "new_promised_at": promise})
    finding.refresh_from_db()
    return finding


def _same_minute(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def _new_promise(asked: datetime | None, *, current: datetime | None, offered: datetime | None) -> datetime | None:
    """The delivery time to offer with the finding. The form comes filled with
    the time already offered (or the order's own), so an unchanged field
    changes nothing, even for a car already late; a new time must be ahead."""
    if asked is None or _same_minute(asked, offered):
        return offered
    if _same_minute(asked, current):
        return None
    if asked <= timezone.now():
        raise ProcessError(_("The new delivery time must be in the future."), rule="REP-4")
    return asked


def finding_remove_item(*, finding: Finding, line: WorkOrderLine, actor: User) -> Finding:
    """Take an item off the offer before the customer decides (added by
    mistake). It was never agreed, so it goes; the timeline keeps the trace."""
    if not actor.has_role(Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER):
        raise ProcessError(_("The service advisor prices findings."))
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.status not in (F_.REPORTED, F_.PRICED):
            raise ProcessError(_("This finding is already decided."))
        removed = WorkOrderLine.objects.filter(pk=line.pk, finding_id=locked.pk, approval=A.PENDING).delete()[0]
        if not removed:
            raise ProcessError(_("That item is not on this offer any more."))
        if not WorkOrderLine.objects.filter(finding_id=locked.pk).exists():
            FINDING.move(locked, to=F_.REPORTED)
        work_order_note(work_order=locked.work_order, actor=actor, kind=WorkOrderEvent.Kind.LINE, rule="REP-4",
                        message=N_("Taken off the offer before the customer decided: %(desc)s"),
                        params={"desc": line.description})
    finding.refresh_from_db()
    return finding


def finding_lines(finding: Finding) -> list[WorkOrderLine]:
    return list(WorkOrderLine.objects.filter(work_order=finding.work_order, finding_id=finding.pk).order_by("id"))


def finding_decide(*, finding: Finding, decisions: dict[int, bool], via: str, note: str = "",
                   actor: User | None = None) -> Finding:
    """REP-4: the customer's decision on each item. By phone the advisor
    records who said what; through the link there is no staff actor."""
    if via == Finding.Via.PHONE and not note.strip():
        raise ProcessError(_("Write down what the customer said on the phone."), rule="REP-4")
    text_check(Finding, rule="REP-4", decided_note=note)
    with transaction.atomic():
        order = work_order_lock(work_order_id=finding.work_order_id)
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.status != F_.PRICED:
            raise ProcessError(_("This finding is not waiting for the customer."))
        lines = finding_lines(locked)
        if set(decisions) != {line.pk for line in lines}:
            raise ProcessError(_("Decide every item."))
        approved = [line for line in lines if decisions[line.pk]]
        for line in lines:
            WorkOrderLine.objects.filter(pk=line.pk, approval=A.PENDING).update(
                approval=A.APPROVED if decisions[line.pk] else A.DECLINED)
        work_order_recalculate(work_order=order)
        changes = {}
        if approved and locked.new_promised_at:
            changes["promised_at"] = locked.new_promised_at
            WorkOrder.objects.filter(pk=order.pk).update(**changes)
        FINDING.move(locked, to=F_.DECIDED, fields={"decided_at": timezone.now(), "decided_via": via,
                                                    "decided_note": note.strip(), "decided_by": actor})
        work_order_note(
            work_order=order, actor=actor, rule="REP-4",
            message=N_("The customer approved %(approved)s of %(total)s items (%(via)s)."),
            params={"approved": len(approved), "total": len(lines), "via": Finding.Via(via).label},
            note=note.strip())
        staff_tasks_close(work_order=order, keys=[f"finding-{locked.pk}"], actor=actor)
        jobs_for_signed_order(work_order=order)
        notify = locked.job.technician if locked.job and locked.job.technician else locked.reported_by
        staff_task_create(store=order.store_id, assignee=notify, work_order=order,
                          key=f"finding-{locked.pk}-decided", link="/workshop/",
                          message=N_("%(plate)s: the customer decided your finding (%(approved)s of %(total)s approved)"),
                          params={"plate": order.vehicle.plate, "approved": len(approved), "total": len(lines)})
    finding.refresh_from_db()
    return finding


def approval_token(finding: Finding) -> str:
    return record_token(finding, salt=SALT, key="f")


def finding_from_token(token: str) -> Finding:
    return record_from_token(token, salt=SALT, max_age=MAX_AGE_SECONDS, key="f", queryset=Finding.objects.select_related(
        "work_order__store", "work_order__vehicle", "work_order__customer", "work_order__advisor"))


def finding_send_link(*, finding: Finding, actor: User):
    """Ask the customer through a signed link showing the finding, the photo
    and the price of each item; without consent to messages, phone instead."""
    if finding.status != F_.PRICED:
        raise ProcessError(_("Price the finding first."))
    order = finding.work_order
    subject, body = message_render(store=order.store, name="finding_ask", context=finding_ask_context(finding))
    return customer_message_send(store=order.store_id, customer=order.customer, key=f"finding-{finding.pk}-ask",
                                 subject=subject, body=body, work_order=order)


def free_fix_record(*, work_order: WorkOrder, technician: User, description: str, job: Job | None = None) -> FreeFix:
    """REP-10: a small fault fixed free of charge, recorded."""
    if not description.strip():
        raise ProcessError(_("Say what you fixed."))
    fix = FreeFix.objects.create(store_id=work_order.store_id, work_order=work_order, job=job,
                                 description=description.strip()[:200], technician=technician)
    work_order_note(work_order=work_order, actor=technician, rule="REP-10", message=N_("Fixed free of charge."),
                    note=description.strip())
    return fix


def finding_ask_context(finding: Finding) -> dict:
    order = finding.work_order
    return {"store": order.store, "name": order.customer.salutation(), "plate": order.vehicle.plate,
            "link": public_url("workshop:approve", approval_token(finding))}


def _finding_preview(store: Store) -> dict | None:
    finding = (Finding.objects.filter(store=store).select_related(
        "work_order__store", "work_order__vehicle", "work_order__customer").order_by("-id").first())
    return finding_ask_context(finding) if finding else None


register_message(CustomerMessage(
    name="finding_ask", label=gettext_lazy("Extra work found: the customer's approval"),
    stage=gettext_lazy("Workshop"), order=310, variables=variables("store", "name", "plate", "link"),
    sample=sample("store", "name", "plate", "link"),
    subject=gettext_template(gettext_noop("%(store)s: your approval for %(plate)s")),
    body=gettext_template(gettext_noop("Dear %(name)s, during the work on %(plate)s we found something that needs "
                                       "your decision: %(link)s")),
    preview=_finding_preview))
