"""QC-7: the quality guarantee card (质量保证卡), printed after the pass."""

from django.conf import settings
from django.utils import translation

from dealership.models import JobType, WorkOrder, WorkOrderLine
from dealership.printing import printed_pdf, register_document
from reception.models import WalkAround
from workshop.models import Job

from .models import Inspection, WearReading
from .standards import qc_standards


def guarantee_card_pdf(*, order: WorkOrder) -> bytes:
    """The work done with the guarantee of its kind of job, the remaining
    life of the wear parts, the inspector and the date."""
    passed = order.inspections.filter(passed=True).select_related("inspector").order_by("-round").first()
    standards = qc_standards(store=order.store)
    job_types = dict(Job.objects.filter(work_order=order, kind=Job.Kind.REPAIR).values_list("line_id", "job_type"))
    lines = list(order.lines.filter(approval=WorkOrderLine.Approval.APPROVED).order_by("id"))
    work = []
    for line in lines:
        job_type = job_types.get(line.pk) or (line.labour_operation.job_type if line.labour_operation_id else "other")
        work.append({"line": line, "standard": standards[job_type], "kind": JobType(job_type).label})
    kinds = []
    for item in work:
        if item["line"].kind == WorkOrderLine.Kind.LABOUR and item["standard"] not in kinds:
            kinds.append(item["standard"])
    walkaround = WalkAround.objects.filter(work_order=order).first()
    wear = {}
    for reading in WearReading.objects.filter(work_order=order).order_by("-at", "-id"):
        wear.setdefault(reading.item, reading)
    with translation.override(settings.LANGUAGE_CODE):
        return printed_pdf(document="guarantee_card", work_order_id=order.pk, template_name="print/guarantee_card.html",
                           context={"order": order, "store": order.store, "work": work, "kinds": kinds,
                                    "inspection": passed,
                                    "mileage": walkaround.mileage if walkaround else order.vehicle.mileage,
                                    "wear": sorted(wear.values(),
                                                   key=lambda r: list(WearReading.Item.values).index(r.item))})


@register_document("guarantee_card", "质量保证卡 (quality guarantee card)")
def sample_guarantee_card() -> tuple[str, bytes] | None:
    inspection = (Inspection.objects.filter(passed=True).select_related("work_order__store")
                  .order_by("id").first())
    if inspection is None:
        return None
    order = inspection.work_order
    return f"guarantee_{order.number}.pdf", guarantee_card_pdf(order=order)
