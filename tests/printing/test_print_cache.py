"""Issue 22: a printed document is rendered once per version of what it shows and reused after; a
change to what it shows is a new version. The time it was printed and the signed status link are made
when the PDF is written, so they do not make every print a new version."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

import dealership.printing
from dealership.models import Role, WorkOrder
from dealership.services import work_order_add_line
from inspection.printing import guarantee_card_pdf
from reception.printing import work_order_pdf
from settlement.printing import gate_pass_pdf, statement_pdf

from ..conftest import login
from .test_pdf import pdf_text

S = WorkOrder.Status


@pytest.fixture
def writes(monkeypatch):
    """The PDFs WeasyPrint wrote in this test."""
    written = []
    write = dealership.printing._write

    def counting(html):
        written.append(html)
        return write(html)

    monkeypatch.setattr(dealership.printing, "_write", counting)
    return written


def test_the_work_order_is_written_once_per_version_and_a_change_is_a_new_version(order_in, catalogue, writes):
    order = order_in(S.SIGNED)
    with translation.override("zh-hans"):
        first = work_order_pdf(order=order)
        with time_machine.travel(timezone.now() + timedelta(minutes=5)):  # the time and link would differ
            again = work_order_pdf(order=order)
        assert again == first and len(writes) == 1
        assert "扫码" in pdf_text(first) or "/mycar/" in pdf_text(first)  # the customer's copy has its link
        shop = work_order_pdf(order=order, copy="shop")  # another copy, another document
        assert shop != first and len(writes) == 2

        work_order_add_line(work_order=order, actor=order.advisor, source="reception", description="加装行车记录仪",
                            quantity=Decimal("1"), unit_price=Decimal("399.00"), allow_after_signing=True)
        order.refresh_from_db()
        changed = work_order_pdf(order=order)
    assert changed != first and len(writes) == 3
    assert "加装行车记录仪" in pdf_text(changed) and "加装行车记录仪" not in pdf_text(first)


def test_the_statement_gate_pass_and_guarantee_card_are_reused_until_they_change(order_in, writes):
    order = order_in(S.DELIVERED)
    for make in (statement_pdf, gate_pass_pdf, guarantee_card_pdf):
        before = len(writes)
        pdf = make(order=order)
        assert make(order=order) == pdf and len(writes) == before + 1, make.__name__
    assert order.statements.get(superseded=False).number in pdf_text(statement_pdf(order=order))
    assert "出门证" in pdf_text(gate_pass_pdf(order=order))


def test_a_second_print_through_the_page_is_the_same_pdf(order_in, team, writes):
    order = order_in(S.SIGNED)
    client = login(team[Role.SERVICE_ADVISOR])
    url = reverse("reception:order_pdf", args=[order.pk])
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.content == second.content and len(writes) == 1
    assert order.number in pdf_text(second.content)
