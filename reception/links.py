"""The customer's copy of the signed work order, sent as a signed link
(REC-12: "it can also be sent to the customer as a PDF"). The link works
for SMS as well as email; it expires after 90 days."""

from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.links import public_url, record_from_token, record_token
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
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(store)s: your work order %(number)s") % {"store": order.store.name, "number": order.number}
        body = _("Dear %(name)s, your signed work order for %(plate)s: %(link)s") % {
            "name": order.customer.salutation(), "plate": order.vehicle.plate, "link": copy_url(order)}
    return customer_message_send(store=order.store_id, customer=order.customer, key=f"wo-{order.pk}-copy",
                                 subject=subject, body=body, work_order=order)
