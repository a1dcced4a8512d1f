"""The printed work order (REC-12): customer's copy with both signature fields."""

from functools import cache

from django.utils.safestring import mark_safe

from dealership.access import scoped
from dealership.models import User, WorkOrder, WorkOrderLine
from dealership.printing import printed_pdf_and_key, qr_svg, register_document, reprinted_pdf

from .links import status_url
from .models import DamageMark, ExpertRequest, Reception, Signature, WalkAround

COPIES = {"customer", "shop"}

# Every table the printed work order reads, as the rows it reads for one order (dealership.printing.reprinted_pdf:
# a change to any of them is a new version; tests/printing/test_print_cache.py checks nothing else is read).
WORK_ORDER_SOURCES = (
    lambda pk: WorkOrder.objects.filter(pk=pk).select_related("store", "customer", "vehicle", "advisor"),
    lambda pk: WorkOrderLine.objects.filter(work_order=pk).select_related("labour_operation", "part"),
    lambda pk: WalkAround.objects.filter(work_order=pk),
    lambda pk: DamageMark.objects.filter(walkaround__work_order=pk),
    lambda pk: Signature.objects.filter(work_order=pk),
    lambda pk: Reception.objects.filter(work_order=pk),
    lambda pk: ExpertRequest.objects.filter(work_order=pk),
)


def work_order_print(*, user: User, pk: int, copy: str = "customer") -> tuple[str, bytes]:
    """(the order's number, the PDF) of an order in the person's store: an unchanged document is not drawn
    again, nor its rows read (issue 22)."""
    orders = scoped(WorkOrder.objects.select_related("store", "customer", "vehicle", "advisor"), user)
    return reprinted_pdf(document="work_order", orders=orders, work_order_id=pk, sources=WORK_ORDER_SOURCES,
                         variant=copy, write=lambda order: _work_order_pdf(order=order, copy=copy))


def work_order_pdf(*, order: WorkOrder, copy: str = "customer") -> bytes:
    return _work_order_pdf(order=order, copy=copy)[0]


def _work_order_pdf(*, order: WorkOrder, copy: str) -> tuple[bytes, str]:
    lines = list(order.lines.select_related("labour_operation", "part").order_by("id"))
    walkaround = WalkAround.objects.filter(work_order=order).prefetch_related("marks").first()
    return printed_pdf_and_key(
        document="work_order", work_order_id=order.pk, variant=copy, template_name="print/work_order.html", context={
            "order": order, "store": order.store, "lines": lines, "copy": copy,
            "walkaround": walkaround, "marks": list(walkaround.marks.all()) if walkaround else [],
            "signatures": {s.signer: s for s in order.signatures.all()},
            "reception": Reception.objects.filter(work_order=order).first(),
            "expert_answers": list(order.expert_requests.exclude(answer=""))},
        late=_status_link(order, copy))


def _status_link(order: WorkOrder, copy: str) -> dict:
    """Issue 20: the customer's copy carries the link to the car's status page as a QR code (without consent to
    messages, this is how the customer gets it). The link is signed with the time, so it is made when the
    PDF is written, not part of the document's version (issue 22)."""
    if copy != "customer" or order.customer_signed_at is None:
        return {}
    url = cache(lambda: status_url(order))
    return {"status_url": url, "status_qr": lambda: mark_safe(qr_svg(url(), size_mm=26))}  # noqa: S308 our SVG


@register_document("work_order", "任务委托书 (work order, customer copy)")
def sample_work_order() -> tuple[str, bytes] | None:
    order = (WorkOrder.objects.select_related("store", "customer", "vehicle", "advisor")
             .exclude(status__in=[WorkOrder.Status.DRAFT, WorkOrder.Status.CANCELLED])
             .filter(lines__isnull=False).order_by("id").first())
    if order is None:
        return None
    return f"work_order_{order.number}.pdf", work_order_pdf(order=order)
