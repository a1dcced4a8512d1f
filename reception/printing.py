"""The printed work order (REC-12): customer's copy with both signature fields."""

from django.utils import timezone

from dealership.models import WorkOrder
from dealership.printing import qr_svg, register_document, render_pdf

from .links import status_url
from .models import Reception, WalkAround

COPIES = {"customer", "shop"}


def work_order_pdf(*, order: WorkOrder, copy: str = "customer") -> bytes:
    lines = list(order.lines.select_related("labour_operation", "part").order_by("id"))
    walkaround = WalkAround.objects.filter(work_order=order).prefetch_related("marks").first()
    return render_pdf("print/work_order.html", {
        "order": order, "store": order.store, "lines": lines, "copy": copy, "walkaround": walkaround,
        "marks": list(walkaround.marks.all()) if walkaround else [],
        "signatures": {s.signer: s for s in order.signatures.all()},
        "reception": Reception.objects.filter(work_order=order).first(),
        "expert_answers": list(order.expert_requests.exclude(answer="")),
        "printed_at": timezone.localtime(),
        **_status_link(order, copy),
    })


def _status_link(order: WorkOrder, copy: str) -> dict:
    """Issue 20: the customer's copy carries the link to the car's status page as a QR code (without consent to
    messages, this is how the customer gets it)."""
    if copy != "customer" or order.customer_signed_at is None:
        return {}
    url = status_url(order)
    return {"status_url": url, "status_qr": qr_svg(url, size_mm=26)}


@register_document("work_order", "任务委托书 (work order, customer copy)")
def sample_work_order() -> tuple[str, bytes] | None:
    order = (WorkOrder.objects.select_related("store", "customer", "vehicle", "advisor")
             .exclude(status__in=[WorkOrder.Status.DRAFT, WorkOrder.Status.CANCELLED])
             .filter(lines__isnull=False).order_by("id").first())
    if order is None:
        return None
    return f"work_order_{order.number}.pdf", work_order_pdf(order=order)
