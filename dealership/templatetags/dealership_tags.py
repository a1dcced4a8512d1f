import functools
from decimal import Decimal

from django import template
from django.utils.html import format_html

from ..access import may_open
from ..messages import quantity_text
from ..models import WorkOrder
from ..stilldue import still_due

register = template.Library()

S = WorkOrder.Status
STATUS_COLOURS = {
    S.DRAFT: "secondary", S.SIGNED: "info", S.IN_REPAIR: "primary", S.REPAIR_DONE: "primary",
    S.QC_FAILED: "danger", S.QC_PASSED: "success", S.READY: "success", S.SETTLED: "dark",
    S.DELIVERED: "dark", S.CLOSED: "light text-dark border", S.CANCELLED: "light text-muted border",
}
BEFORE_READY = {S.DRAFT, S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED}


@functools.cache
def _choices(model: type, field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


@register.filter
def label(instance, field: str) -> str:
    """`{{ job|label:"status" }}`: what get_status_display() gives, from a dict
    built once per field (Django rebuilds the choices on every call, which a
    board of forty jobs felt)."""
    value = getattr(instance, field)
    return str(_choices(type(instance), field).get(value, value))


@register.simple_tag
def status_badge(order: WorkOrder) -> str:
    colour = STATUS_COLOURS.get(order.status, "secondary")
    return format_html('<span class="badge status-badge text-bg-{}">{}</span>', colour, label(order, "status"))


@register.filter
def plate(value: str) -> str:
    css = "plate nev" if len(value or "") == 8 else "plate"
    return format_html('<span class="{}">{}</span>', css, value)


@register.filter
def yuan(value) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"  # -¥50.00, as a receipt prints it


@register.simple_tag
def late_class(order: WorkOrder, now) -> str:
    """Late cars stand out: promised time passed and not yet ready."""
    if order.promised_at and order.status in BEFORE_READY:
        if order.promised_at < now:
            return "late"
        if (order.promised_at - now).total_seconds() < 3600:
            return "due-soon"
    return ""


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def qty(value) -> str:
    """A quantity without trailing zeros and never in exponent form (10, 2.5)."""
    if value is None or value == "":
        return ""
    return quantity_text(value)


@register.inclusion_tag("dealership/_still_due.html")
def still_due_for(vehicle, exclude_order=None) -> dict:
    """SET-10: what the car still needs from earlier visits (one query per kind)."""
    items = still_due([vehicle.pk], exclude_order=exclude_order).get(vehicle.pk, []) if vehicle else []
    return {"items": items}


@register.filter
def opens_for(url: str, user) -> bool:
    """`{% if link|opens_for:user %}`: the person may open that page (their
    role passes its view's check), so the link is worth showing."""
    return bool(url) and may_open(user, url)
