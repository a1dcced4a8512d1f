"""SET-13: the customer gets a copy of every document, on paper and as a
signed link (SMS or email) to the same PDFs; it works without logging in and
expires after a year, since the statement is kept for the guarantee."""

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
from dealership.models import OutboundMessage, Store, User, WorkOrder
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
    subject, body = message_render(store=order.store, name="documents", context=documents_context(order))
    return customer_message_send(store=order.store_id, customer=order.customer, key=f"docs-{statement.number}",
                                 subject=subject, body=body, work_order=order)


def documents_context(order: WorkOrder) -> dict:
    return {"store": order.store, "name": order.customer.salutation(), "plate": order.vehicle.plate,
            "link": public_url("settlement:customer_documents", documents_token(order))}


def _documents_preview(store: Store) -> dict | None:
    order = recent_order(store, pk__in=Statement.objects.filter(store=store, superseded=False)
                         .values("work_order_id"))
    return documents_context(order) if order else None


register_message(CustomerMessage(
    name="documents", label=gettext_lazy("The documents of a visit (SET-13)"), stage=gettext_lazy("Settlement"),
    order=500, variables=variables("store", "name", "plate", "link"), sample=sample("store", "name", "plate", "link"),
    subject=gettext_template(gettext_noop("%(store)s: your documents for %(plate)s")),
    body=gettext_template(gettext_noop("Dear %(name)s, your statement, guarantee card and the other papers of this "
                                       "visit: %(link)s")),
    preview=_documents_preview))
