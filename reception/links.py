"""The customer's copy of the signed work order, sent as a signed link
(REC-12: "it can also be sent to the customer as a PDF"). The link works
for SMS as well as email; it expires after 90 days."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dealership.errors import ProcessError
from dealership.links import public_url, record_from_token, record_token
from dealership.messagetexts import (
    CustomerMessage,
    gettext_template,
    message_render,
    recent_order,
    register_message,
    sample,
    variables,
)
from dealership.models import OutboundMessage, User, WorkOrder
from dealership.notify import customer_message_send

SALT = "reception.copy.v1"
MAX_AGE_SECONDS = 90 * 24 * 3600


def copy_token(order: WorkOrder) -> str:
    return record_token(order, salt=SALT, key="o")


def copy_url(order: WorkOrder) -> str:
    return public_url("reception:customer_copy", copy_token(order))


def order_from_copy_token(token: str) -> WorkOrder:
    order = record_from_token(token, salt=SALT, max_age=MAX_AGE_SECONDS, key="o",
                              queryset=WorkOrder.objects.select_related("store", "customer", "vehicle", "advisor"))
    if order.customer_signed_at is None:
        raise Http404
    return order


def send_copy(*, order: WorkOrder, actor: User) -> OutboundMessage | None:
    if order.customer_signed_at is None:
        raise ProcessError(_("The order is not signed yet."))
    subject, body = message_render(store=order.store, name="work_order_copy", context=copy_context(order))
    return customer_message_send(store=order.store_id, customer=order.customer, key=f"wo-{order.pk}-copy",
                                 subject=subject, body=body, work_order=order)


def copy_context(order: WorkOrder) -> dict:
    return {"store": order.store, "number": order.number, "name": order.customer.salutation(),
            "plate": order.vehicle.plate, "link": copy_url(order)}


def _copy_preview(store) -> dict | None:
    order = recent_order(store, customer_signed_at__isnull=False)
    return copy_context(order) if order else None


register_message(CustomerMessage(
    name="work_order_copy", label=gettext_lazy("The signed work order's copy"), stage=gettext_lazy("Reception"),
    order=200, variables=variables("store", "number", "name", "plate", "link"),
    sample=sample("store", "number", "name", "plate", "link"),
    subject=gettext_template(gettext_noop("%(store)s: your work order %(number)s")),
    body=gettext_template(gettext_noop("Dear %(name)s, your signed work order for %(plate)s: %(link)s")),
    preview=_copy_preview))
