"""SET-13: the customer gets a copy of every document, on paper and as a
signed link (SMS or email) to the same PDFs; it works without logging in and
expires after a year, since the statement is kept for the guarantee."""

from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.links import public_url, record_from_token, record_token
from dealership.models import OutboundMessage, User, WorkOrder
from dealership.notify import customer_message_send

from .models import Statement

SALT = "settlement.documents.v1"
MAX_AGE_SECONDS = 365 * 24 * 3600


def documents_token(order: WorkOrder) -> str:
    return record_token(order, salt=SALT, key="o")


def order_from_documents_token(token: str) -> WorkOrder:
    order = record_from_token(token, salt=SALT, max_age=MAX_AGE_SECONDS, key="o",
                              queryset=WorkOrder.objects.select_related("store", "customer", "vehicle", "advisor"))
    if not Statement.objects.filter(work_order=order, superseded=False).exists():
        raise Http404
    return order


def send_documents(*, order: WorkOrder, actor: User) -> OutboundMessage | None:
    """Once per statement: a new statement (after an approved adjustment) is sent again."""
    statement = Statement.objects.filter(work_order=order, superseded=False).first()
    if statement is None:
        raise ProcessError(_("Issue the statement first."))
    link = public_url("settlement:customer_documents", documents_token(order))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(store)s: your documents for %(plate)s") % {"store": order.store.name,
                                                                   "plate": order.vehicle.plate}
        body = _("Dear %(name)s, your statement, guarantee card and the other papers of this visit: %(link)s") % {
            "name": order.customer.salutation(), "link": link}
    return customer_message_send(store=order.store_id, customer=order.customer, key=f"docs-{statement.number}",
                                 subject=subject, body=body, work_order=order)
