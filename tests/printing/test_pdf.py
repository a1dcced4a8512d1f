"""Printed documents: Chinese renders as glyphs (a CJK font is embedded), and
render_samples renders every registered document."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from dealership.checks import check_cjk_font
from dealership.models import WorkOrder
from dealership.printing import DOCUMENTS
from reception.printing import work_order_pdf

from ..conftest import login

S = WorkOrder.Status


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor and descriptor.get_object().get("/FontFile2"):
                    fonts.add("embedded:" + str(descendant.get_object()["/BaseFont"]))
    return fonts


def test_rec12_the_work_order_pdf_carries_the_chinese_it_was_given(order_in):
    order = order_in(S.SIGNED)
    with translation.override("zh-hans"):
        pdf = work_order_pdf(order=order)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in ["任务委托书", order.number, order.customer.name, order.vehicle.plate, "刹车有异响",
                     "更换前刹车片", "前刹车片(套)", "960.00", "客户联", "客户签字"]:
        assert expected in text, expected
    embedded = {f for f in pdf_fonts(pdf) if f.startswith("embedded:")}
    assert any("Noto-Sans-SC" in f or "WenQuanYi" in f for f in embedded), embedded


def test_the_shop_copy_is_marked_as_such(order_in):
    order = order_in(S.SIGNED)
    with translation.override("zh-hans"):
        assert "存根联" in pdf_text(work_order_pdf(order=order, copy="shop"))


def test_the_print_view_serves_the_pdf_inline(order_in, advisor):
    order = order_in(S.SIGNED)
    response = login(advisor).get(reverse("reception:order_pdf", args=[order.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"%PDF" in response.content[:10]


def book_tomorrow(team, catalogue):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from appointments.services import appointment_book
    from dealership.models import Role

    from ..factories import VehicleFactory

    vehicle = VehicleFactory(store=team.store)
    return appointment_book(
        store=team.store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer, vehicle=vehicle,
        advisor=team[Role.SERVICE_ADVISOR], customer_words="异响", pre_diagnosis="检查",
        starts_at=datetime.combine(timezone.localdate() + timedelta(days=1), time(9, 0),
                                   tzinfo=timezone.get_current_timezone()),
        labour_operations=[catalogue["labour"]])


def purchase_order(team, catalogue):
    """A purchase order to a supplier (issue 19)."""
    from dealership.models import Role
    from supply.purchasing import OrderLine, po_create
    from supply.suppliers import supplier_save

    clerk = team[Role.PARTS_CLERK]
    supplier = supplier_save(actor=clerk, store=team.store, name="一汽大众备件中心")
    return po_create(actor=clerk, store=team.store, supplier=supplier, lines=[OrderLine(catalogue["part"], 2)])


def test_render_samples_renders_every_document(order_in, team, catalogue, tmp_path: Path):
    order_in(S.DELIVERED)  # a passed, settled and delivered order: every paper of the visit
    book_tomorrow(team, catalogue)
    purchase_order(team, catalogue)
    call_command("render_samples", "--out", str(tmp_path))
    files = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert len(files) == len(DOCUMENTS) >= 1
    assert all((tmp_path / f).read_bytes().startswith(b"%PDF") for f in files)


def test_render_samples_says_what_has_no_data(db, tmp_path: Path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="gate_pass, guarantee_card, monthly_report, old_parts, purchase_order, statement, welcome_board, "
                                                 "work_order"):
        call_command("render_samples", "--out", str(tmp_path))


def test_the_system_check_warns_without_a_cjk_font(monkeypatch, tmp_path):
    import dealership.checks as checks

    assert check_cjk_font(None) == []
    monkeypatch.setattr(checks, "BUNDLED_FONTS", {"regular": tmp_path / "missing.ttf"})
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    warnings = check_cjk_font(None)
    assert [w.id for w in warnings] == ["dealership.W001"]


def test_sch6_the_welcome_board_shows_the_name_as_the_customer_wishes(team, catalogue):
    from appointments.printing import welcome_boards_pdf
    from dealership.models import Customer

    appointment = book_tomorrow(team, catalogue)
    customer = appointment.customer
    for display, expected, hidden in [(Customer.BoardDisplay.FULL_NAME, customer.name, None),
                                      (Customer.BoardDisplay.SURNAME, customer.name[0] + "先生", customer.name),
                                      (Customer.BoardDisplay.PLATE, appointment.vehicle.plate, customer.name)]:
        customer.board_display = display
        customer.title = "mr"
        with translation.override("zh-hans"):
            text = pdf_text(welcome_boards_pdf(store=team.store, day=appointment.starts_at.date(),
                                               appointments=[appointment]))
        assert expected in text and "欢迎光临" in text.replace(" ", "") and appointment.vehicle.plate in text
        if hidden and hidden != expected:
            assert hidden not in text


# --- long text stays on the page (issue 16) ----------------------------------------------------

def unbroken(field) -> str:
    """As much text as the field takes, in one word: no space to break at
    (a pasted code, a URL, a key held down)."""
    return "W" * field.max_length


def fill(obj, *names: str) -> None:
    type(obj).objects.filter(pk=obj.pk).update(**{n: unbroken(type(obj)._meta.get_field(n)) for n in names})


@pytest.fixture
def laid_out(monkeypatch):
    """The WeasyPrint documents rendered meanwhile, laid out into pages."""
    from weasyprint import HTML

    documents = []

    def write_pdf(self, *args, font_config=None, **kwargs):
        document = self.render(font_config=font_config)
        documents.append(document)
        return document.write_pdf(*args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", write_pdf)
    return documents


def beyond_the_margin(document) -> list[str]:
    """Boxes drawn right of the page's content area (the margin boxes, such
    as the page number, excepted)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    def walk(box):
        yield box
        for child in getattr(box, "children", None) or []:
            if not isinstance(child, MarginBox):
                yield from walk(child)

    found = []
    for number, page in enumerate(document.pages, 1):
        area = page._page_box
        right = area.content_box_x() + area.width
        for box in walk(area):
            if box is area or getattr(box, "width", None) is None:
                continue
            edge = box.border_box_x() + box.border_width()
            if edge > right + 0.5:
                text = getattr(box, "text", "") or type(box).__name__
                found.append(f"page {number}: {text[:30]} ends at {edge:.0f}, the page at {right:.0f}")
    return found[:5]


def test_rec_x6_every_printed_document_keeps_long_text_within_the_page(order_in, team, laid_out, tmp_path):
    """REC-9, REC-X6: the work order stays legible whatever was typed: a
    description of the full 2,000 characters in one unbroken word wraps
    inside its box, and so does every free text of the other documents
    (statement, guarantee card, declined-work form, old parts, gate pass,
    monthly report, welcome board)."""
    from appointments.printing import welcome_boards_pdf
    from followup.models import CorrectiveAction
    from followup.report import report_pdf
    from inspection.models import DeferredWork, QcStandard
    from inspection.printing import guarantee_card_pdf
    from reception.models import DamageMark, ExpertRequest, Reception, WalkAround
    from settlement.models import Adjustment, Delivery, Payment
    from settlement.printing import declined_work_pdf, gate_pass_pdf, old_parts_pdf, statement_pdf
    from workshop.models import Job, OldPart

    order = order_in(S.DELIVERED)
    advisor = order.advisor
    fill(order, "customer_words", "diagnosis")
    fill(order.customer, "name")
    fill(order.vehicle, "make", "model", "colour")
    for line in order.lines.all():
        fill(line, "code", "description")
    reception, _created = Reception.objects.get_or_create(work_order=order, defaults={"store": order.store})
    fill(reception, "beyond_complaint")
    walkaround = WalkAround.objects.get(work_order=order)
    fill(walkaround, "exterior_notes", "belongings", "warning_lights", "key_tag", "keys_location")
    WalkAround.objects.filter(pk=walkaround.pk).update(checks=[
        {**check, "result": "attention", "note": "W" * 100} for check in walkaround.checks])
    DamageMark.objects.create(store=order.store, walkaround=walkaround, x=10, y=10, note="W" * 200, created_by=advisor)
    ExpertRequest.objects.create(store=order.store, work_order=order, question="W" * 2000, asked_by=advisor,
                                 answer="W" * 2000, answered_by=advisor)
    for part in OldPart.objects.filter(work_order=order):
        fill(part, "description")
    DeferredWork.objects.create(store=order.store, work_order=order, vehicle=order.vehicle, description="W" * 200,
                                urgency=DeferredWork.Urgency.SAFETY, recorded_by=advisor)
    Adjustment.objects.create(store=order.store, work_order=order, kind=Adjustment.Kind.GOODWILL, amount=-1,
                              reason="W" * 200, status=Adjustment.Status.APPROVED, requested_by=advisor,
                              decided_by=advisor)
    for payment in Payment.objects.filter(work_order=order):
        fill(payment, "reference", "receipt_number", "reason")
    fill(Delivery.objects.get(work_order=order), "declined_signed_name")
    for job_type in set(Job.objects.filter(work_order=order).values_list("job_type", flat=True)):
        standard, _created = QcStandard.objects.get_or_create(store=order.store, job_type=job_type)
        fill(standard, "guarantee_terms")
    CorrectiveAction.objects.create(store=order.store, title="W" * 200, owner=advisor, due_on=timezone.localdate(),
                                    created_by=advisor)
    order.refresh_from_db()
    appointment = book_tomorrow(team, {"labour": order.lines.filter(kind="labour").first().labour_operation})
    fill(appointment.customer, "name")
    type(appointment.customer).objects.filter(pk=appointment.customer_id).update(board_display="full_name")
    appointment.refresh_from_db()

    with translation.override("zh-hans"):
        documents = {
            "work order": work_order_pdf(order=order), "statement": statement_pdf(order=order),
            "guarantee card": guarantee_card_pdf(order=order), "declined work": declined_work_pdf(order=order),
            "old parts": old_parts_pdf(order=order), "gate pass": gate_pass_pdf(order=order),
            "monthly report": report_pdf(group=team.store.group, store=team.store,
                                         month=timezone.localdate().strftime("%Y-%m")),
            "welcome board": welcome_boards_pdf(store=team.store, day=appointment.starts_at.date(),
                                                appointments=[appointment]),
        }
    for name, pdf in documents.items():
        (tmp_path / f"{name}.pdf").write_bytes(pdf)  # to look at: pdftoppm -png -r 60
    overflowing = {name: beyond_the_margin(doc) for name, doc in zip(documents, laid_out, strict=True)}
    assert {name: found for name, found in overflowing.items() if found} == {}
    assert "W" * 40 in pdf_text(documents["work order"]).replace("\n", "")  # the text is there, wrapped
