"""The customer message of stage 4 (issue 18: its text is a store setting): the car is ready to collect."""

from django.utils.translation import gettext_lazy, gettext_noop

from dealership.messagetexts import CustomerMessage, gettext_template, recent_order, register_message, sample, variables
from dealership.models import Store, WorkOrder

from .models import DeferredWork, WearReading


def ready_context(order: WorkOrder) -> dict:
    attention = any(r.level == "replace" for r in WearReading.objects.filter(work_order=order)) or (
        DeferredWork.objects.filter(work_order=order, urgency=DeferredWork.Urgency.SAFETY).exists())
    return {"store": order.store, "name": order.customer.salutation(), "plate": order.vehicle.plate,
            "advisor": str(order.advisor), "phone": order.store.phone, "attention": attention}


def _preview(store: Store) -> dict | None:
    order = recent_order(store, handover__isnull=False) or recent_order(store)
    return ready_context(order) if order else None


register_message(CustomerMessage(
    name="car_ready", label=gettext_lazy("The car is ready to collect"), stage=gettext_lazy("Inspection"),
    order=400,
    variables=variables("store", "name", "plate", "advisor", "phone",
                        attention=gettext_lazy("true when a worn part or safety work needs the advisor's word: "
                                               "{% if attention %}…{% endif %}")),
    sample=sample("store", "name", "plate", "advisor", "phone", attention=True),
    subject=gettext_template(gettext_noop("%(store)s: your car is ready")),
    body=gettext_template(
        gettext_noop("Dear %(name)s, %(plate)s is repaired, has passed our quality inspection and is washed: you can "
                     "collect it at any time. %(advisor)s %(phone)s"),
        then=("attention", gettext_noop(" Your advisor will go through some points that need attention when you "
                                        "collect it."))),
    preview=_preview))
