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


# --- the car's live status page (issue 20) ------------------------------------------------
# The page itself lives above the stages (mycar/; design.md, "Layout (from the design card)", three layers);
# reception may not import it, so the token and the message sent at signing live here and the URL is reversed by
# name.

STATUS_SALT = "mycar.status.v1"
STATUS_MAX_AGE_SECONDS = 120 * 24 * 3600  # the visit, the documents after it and the survey a few days later


def status_token(order: WorkOrder) -> str:
    return record_token(order, salt=STATUS_SALT, key="o")


def status_url(order: WorkOrder) -> str:
    return public_url("mycar:status", status_token(order))


def order_from_status_token(token: str) -> WorkOrder:
    """The order a status link names; 404 for a forged, altered or expired token, and for an order not signed
    (the link is sent at signing)."""
    order = record_from_token(token, salt=STATUS_SALT, max_age=STATUS_MAX_AGE_SECONDS, key="o",
                              queryset=WorkOrder.objects.select_related("store", "customer", "vehicle", "advisor"))
    if order.customer_signed_at is None:
        raise Http404
    return order


def status_context(order: WorkOrder) -> dict:
    return {"store": order.store, "number": order.number, "name": order.customer.salutation(),
            "plate": order.vehicle.plate, "link": status_url(order)}


def _status_preview(store) -> dict | None:
    order = recent_order(store, customer_signed_at__isnull=False)
    return status_context(order) if order else None


register_message(CustomerMessage(
    name="car_status", label=gettext_lazy("Follow the car's work (sent at signing)"),
    stage=gettext_lazy("Reception"), order=210, variables=variables("store", "number", "name", "plate", "link"),
    sample=sample("store", "number", "name", "plate", "link"),
    subject=gettext_template(gettext_noop("%(store)s: follow the work on %(plate)s")),
    body=gettext_template(gettext_noop("Dear %(name)s, %(plate)s is with us (work order %(number)s). See where it "
                                       "is, approve extra work and get your documents here: %(link)s")),
    preview=_status_preview))
