"""Issue 22: a printed document is rendered once per version of what it shows and reused after; a
change to what it shows is a new version. The time it was printed and the signed status link are made
when the PDF is written, so they do not make every print a new version."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import dealership.printing
from dealership.models import Customer, Role, Store, User, Vehicle, WorkOrder
from dealership.services import work_order_add_line
from inspection.printing import guarantee_card_pdf
from reception.models import WalkAround
from reception.printing import COPIES, WORK_ORDER_SOURCES, work_order_pdf, work_order_print
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


# --- a reprint without drawing (issue 22) ----------------------------------------------------------------------

TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')
AUTH_TABLES = {"django_session", "dealership_user", "dealership_store", "dealership_staffrole"}  # the login (with its store)


def _tables(queries) -> set[str]:
    return {table for query in queries for table in TABLE.findall(query["sql"])}


def test_a_reprint_through_the_page_draws_nothing_and_reads_no_row_of_the_document(order_in, team, writes):
    order = order_in(S.SIGNED)
    client = login(team[Role.SERVICE_ADVISOR])
    url = reverse("reception:order_pdf", args=[order.pk])
    first = client.get(url)
    with CaptureQueriesContext(connection) as reprint:
        second = client.get(url)
    assert second.content == first.content and len(writes) == 1
    reads = [q for q in reprint.captured_queries if not _tables([q]) <= AUTH_TABLES]
    if connection.vendor == "postgresql":  # the version is read with the order (SQLite: drawn as HTML and compared)
        assert len(reads) == 1 and "string_agg" in reads[0]["sql"], [q["sql"][:120] for q in reads]


def test_the_printed_work_order_reads_no_table_outside_its_version(order_in, team, writes):
    """The version covers every row the document shows: whatever drawing the work order reads must be among
    WORK_ORDER_SOURCES, or a change to it would be printed from the cache as it was."""
    order = order_in(S.SIGNED)
    WalkAround.objects.filter(work_order=order).exists() or pytest.fail("the order should have its walk-around")
    sources = _tables([{"sql": str(source(order.pk).query)} for source in WORK_ORDER_SOURCES])
    assert {"dealership_workorder", "dealership_customer", "reception_signature"} <= sources
    advisor = team[Role.SERVICE_ADVISOR]
    assert advisor.roles  # the person's roles are read at login, not by the drawing
    for copy in sorted(COPIES):
        with translation.override("zh-hans"), CaptureQueriesContext(connection) as drawing:
            work_order_print(user=advisor, pk=order.pk, copy=copy)
        drawn = [q for q in drawing.captured_queries if "string_agg" not in q["sql"]]
        assert drawn, "the first print draws the document"
        assert _tables(drawn) - sources == set(), copy  # (no login here: every query is the drawing's)


def test_a_change_to_any_row_the_work_order_shows_is_printed(order_in, team, writes):
    order = order_in(S.SIGNED)
    advisor = team[Role.SERVICE_ADVISOR]
    client = login(advisor)
    url = reverse("reception:order_pdf", args=[order.pk]) + "?copy=shop"
    first = client.get(url).content
    changes = [
        ("customer", lambda: Customer.objects.filter(pk=order.customer_id).update(name="王晓明"), "王晓明"),
        ("store", lambda: Store.objects.filter(pk=order.store_id).update(phone="0571-88886666"), "0571-88886666"),
        ("vehicle", lambda: Vehicle.objects.filter(pk=order.vehicle_id).update(make="红旗"), "红旗"),
        ("advisor", lambda: User.objects.filter(pk=order.advisor_id).update(display_name="欧阳顾问"), "欧阳顾问"),
        ("line", lambda: order.lines.filter(pk=order.lines.order_by("id")[0].pk).update(description="更换雨刮片"),
         "更换雨刮片"),
        ("walk-around", lambda: WalkAround.objects.filter(work_order=order).update(belongings="儿童安全座椅"),
         "儿童安全座椅"),
    ]
    seen = [first]
    for what, change, text in changes:
        change()
        pdf = client.get(url).content
        assert pdf not in seen and text in pdf_text(pdf), what
        assert client.get(url).content == pdf, what  # and the new version is reused in its turn
        seen.append(pdf)
    assert len(writes) == 1 + len(changes)


def test_a_reprint_is_only_for_the_store_of_the_order(order_in, team, other_team, writes):
    order = order_in(S.SIGNED)
    url = reverse("reception:order_pdf", args=[order.pk])
    assert login(team[Role.SERVICE_ADVISOR]).get(url).status_code == 200
    assert login(other_team[Role.SERVICE_ADVISOR]).get(url).status_code == 404
