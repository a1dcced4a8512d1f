"""Printed documents: Chinese renders as glyphs (a CJK font is embedded), and
render_samples renders every registered document."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
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


def test_render_samples_renders_every_document(order_in, team, catalogue, tmp_path: Path):
    order_in(S.DELIVERED)  # a passed, settled and delivered order: every paper of the visit
    book_tomorrow(team, catalogue)
    call_command("render_samples", "--out", str(tmp_path))
    files = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert len(files) == len(DOCUMENTS) >= 1
    assert all((tmp_path / f).read_bytes().startswith(b"%PDF") for f in files)


def test_render_samples_says_what_has_no_data(db, tmp_path: Path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="gate_pass, guarantee_card, monthly_report, old_parts, statement, welcome_board, work_order"):
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
