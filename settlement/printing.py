"""SET-4, SET-13, SET-14: the customer's papers at delivery: the settlement
statement, the old-parts list, the declined-work form and the gate pass
(the work order copy and the guarantee card come from their own stages)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.models import WorkOrder
from dealership.printing import printed_pdf, qr_svg, register_document, render_pdf
from reception.models import WalkAround
from workshop.models import OldPart

from .models import Delivery, GatePass, Payment, Statement
from .statement import statement_build


def _render(template: str, context: dict) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(template, {**context, "printed_at": timezone.localtime()})


def statement_pdf(*, order: WorkOrder) -> bytes:
    statement = Statement.objects.filter(work_order=order, superseded=False).select_related("issued_by").first()
    if statement is None:
        raise ProcessError(_("The statement is printed once the advisor has issued it."))
    walkaround = WalkAround.objects.filter(work_order=order).first()
    with translation.override(settings.LANGUAGE_CODE):
        return printed_pdf(document="statement", work_order_id=order.pk, template_name="print/statement.html", context={
            "order": order, "store": order.store, "statement": statement, "data": statement_build(order),
            "payments": Payment.objects.filter(work_order=order).order_by("received_at", "id"),
            "mileage": walkaround.mileage if walkaround else order.mileage_in or order.vehicle.mileage})


def old_parts_pdf(*, order: WorkOrder) -> bytes:
    return _render("print/old_parts.html", {
        "order": order, "store": order.store,
        "parts": OldPart.objects.filter(work_order=order).select_related("line", "recorded_by")})


def declined_work_pdf(*, order: WorkOrder) -> bytes:
    data = statement_build(order)
    if not data.deferred and not data.declined_lines:
        raise ProcessError(_("Nothing was declined or deferred on this order."))
    return _render("print/declined_work.html", {
        "order": order, "store": order.store, "data": data,
        "delivery": Delivery.objects.filter(work_order=order).first()})


def gate_pass_pdf(*, order: WorkOrder) -> bytes:
    gate_pass = GatePass.objects.filter(work_order=order).select_related("issued_by").first()
    if gate_pass is None:
        raise ProcessError(_("The gate pass is issued once the order is paid and the delivery checklist is done."),
                           rule="SET-14")
    url = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("settlement:gate") + f"?n={gate_pass.number}"
    with translation.override(settings.LANGUAGE_CODE):
        # the QR code is drawn when the PDF is written: the number it holds is on the page (its version)
        return printed_pdf(document="gate_pass", work_order_id=order.pk, variant=url, template_name="print/gate_pass.html",
                           context={"order": order, "store": order.store, "gate_pass": gate_pass},
                           late={"qr": lambda: mark_safe(qr_svg(url))})  # noqa: S308 our SVG


@register_document("statement", "结算单 (settlement statement)")
def sample_statement() -> tuple[str, bytes] | None:
    statement = Statement.objects.filter(superseded=False).select_related("work_order__store").order_by("id").first()
    if statement is None:
        return None
    return f"statement_{statement.number}.pdf", statement_pdf(order=statement.work_order)


@register_document("gate_pass", "出门证 (gate pass, with QR code)")
def sample_gate_pass() -> tuple[str, bytes] | None:
    gate_pass = GatePass.objects.select_related("work_order__store").order_by("id").first()
    if gate_pass is None:
        return None
    return f"gate_pass_{gate_pass.number}.pdf", gate_pass_pdf(order=gate_pass.work_order)


@register_document("old_parts", "旧件清单 (old parts list)")
def sample_old_parts() -> tuple[str, bytes] | None:
    part = OldPart.objects.select_related("work_order__store").order_by("id").first()
    if part is None:
        return None
    return f"old_parts_{part.work_order.number}.pdf", old_parts_pdf(order=part.work_order)
