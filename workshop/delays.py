"""REP-8: the advisor watches progress and tells the customer of a change at
once. A car that will not be ready by the promised time gets a new time: the
order keeps it, the timeline says who agreed it and why, and the customer
hears the new time (a message, or a call task for the advisor when the
customer has not agreed to messages)."""

from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from dealership.access import ADVISORS, MANAGERS
from dealership.errors import ProcessError
from dealership.messagetexts import (
    CustomerMessage,
    gettext_template,
    message_render,
    recent_order,
    register_message,
    sample,
    variables,
)
from dealership.models import Store, User, WorkOrder
from dealership.notify import Draft, customer_messages_record, customer_messages_send
from dealership.services import staff_task_create, work_order_lock, work_order_note

S = WorkOrder.Status


class DelayCause(models.TextChoices):
    """REP-8: why the car is late, in words for the customer (the status page and the message show it); the
    advisor's own note stays on the order's timeline."""
    PARTS = "parts", gettext_lazy("A part is late")
    MORE_WORK = "more_work", gettext_lazy("More work was found")
    DIAGNOSIS = "diagnosis", gettext_lazy("The fault takes longer to find")
    WORKSHOP = "workshop", gettext_lazy("The workshop is running late")
    QUALITY = "quality", gettext_lazy("A quality check asked for more work")


def delay_cause_label(cause: str) -> str:
    """The customer's words for a recorded cause ("" for one recorded before causes were asked)."""
    return str(DelayCause(cause).label) if cause in DelayCause.values else ""
# While the car is in the workshop or QC: once it is ready, the customer is told that instead.
DELAYABLE = (S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def work_order_delay_tell(*, work_order: WorkOrder, actor: User, new_promised_at: datetime,
                          reason: str = "", cause: str = "") -> WorkOrder:
    """REP-8: move the promised time later and tell the customer the new time.
    The message is put in the outbox with the change, and sent after commit."""
    if not actor.has_role(*ADVISORS, *MANAGERS):
        raise ProcessError(_("Only an advisor tells the customer of a delay."))
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        if order.status not in DELAYABLE:
            raise ProcessError(_("Work order %(number)s is “%(status)s”: a new delivery time is agreed while the car "
                                 "is in the workshop.") % {"number": order.number,
                                                            "status": order.get_status_display()}, rule="REP-8")
        if cause and cause not in DelayCause.values:
            raise ProcessError(_("Choose why the car is late."), rule="REP-8", field="cause")
        if new_promised_at <= timezone.now():
            raise ProcessError(_("The new delivery time must be in the future."), rule="REP-8",
                               field="new_promised_at")
        if order.promised_at and new_promised_at <= order.promised_at:
            raise ProcessError(_("A delay moves the delivery later than the time promised (%(when)s).")
                               % {"when": _when(order.promised_at)}, rule="REP-8", field="new_promised_at")
        old = order.promised_at
        WorkOrder.objects.filter(pk=order.pk).update(promised_at=new_promised_at, version=F("version") + 1)
        told = order.customer.consent_to_messages  # by message; else the advisor is given the call
        event = work_order_note(work_order=order, actor=actor, rule="REP-8", note=reason.strip(),
                                message=N_("New delivery time %(when)s (was %(old)s); the customer is told.") if told
                                else N_("New delivery time %(when)s (was %(old)s); the advisor calls the customer."),
                                params={"when": _when(new_promised_at), "old": _when(old) if old else "—",
                                        "cause": cause})
        subject, body = message_render(store=order.store, name="delay",
                                       context=delay_context(order, old=old, new=new_promised_at, cause=cause))
        drafts = customer_messages_record([Draft(order.store_id, order.customer, f"wo-{order.pk}-delay-{event.pk}",
                                                 subject, body, order.pk)])
        if drafts:
            transaction.on_commit(lambda: customer_messages_send(drafts))
        else:  # no consent to messages: the advisor calls
            staff_task_create(store=order.store_id, assignee=order.advisor, work_order=order, urgent=True,
                              key=f"delay-call-{event.pk}", link=reverse("dealership:order", args=[order.pk]),
                              message=N_("Call %(name)s: %(plate)s will be ready at %(when)s, not as promised"),
                              params={"name": order.customer.name, "plate": order.vehicle.plate,
                                      "when": _when(new_promised_at)})
    work_order.refresh_from_db()
    return work_order


def delay_context(order: WorkOrder, *, old: datetime | None, new: datetime, cause: str = "") -> dict:
    return {"store": order.store, "name": order.customer.salutation(), "plate": order.vehicle.plate,
            "old": _when(old) if old else "—", "when": _when(new), "advisor": str(order.advisor),
            "phone": order.store.phone,  # lazy: in the message's language, as the template renders it
            "why": DelayCause(cause).label if cause in DelayCause.values
            else gettext_lazy("the work takes longer than planned")}


def _delay_preview(store: Store) -> dict | None:
    order = recent_order(store, promised_at__isnull=False)
    return delay_context(order, old=order.promised_at, new=order.promised_at + timedelta(hours=3),
                         cause=DelayCause.PARTS) if order else None


register_message(CustomerMessage(
    name="delay", label=gettext_lazy("The car will be late (REP-8)"), stage=gettext_lazy("Workshop"), order=300,
    variables=variables("store", "name", "plate", "advisor", "phone", old=gettext_lazy("the time promised before"),
                        when=gettext_lazy("the new time"), why=gettext_lazy("why, in the customer's words")),
    sample=sample("store", "name", "plate", "advisor", "phone", "old", "when", why=gettext_lazy("A part is late")),
    subject=gettext_template(N_("%(store)s: a new time for %(plate)s")),
    body=gettext_template(N_("Dear %(name)s, we are sorry: %(plate)s will not be ready at %(old)s as promised "
                             "(%(why)s). The new time is %(when)s. %(advisor)s %(phone)s")),
    preview=_delay_preview))
