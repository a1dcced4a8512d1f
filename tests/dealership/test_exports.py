"""Issue 18: the managers' export of the store's tables to Excel, with the columns of the import templates;
each file holds its store's rows only, is read in bounded memory (a fixed number of queries) and is refused to
everyone but the managers."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dealership import exports
from dealership.exports import TABLES
from dealership.models import PastVisit, Role

from ..conftest import login
from ..factories import CustomerFactory, LabourFactory, PartFactory, StoreFactory, UserFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def fill(store, n, tag="A"):
    for k in range(n):
        car = VehicleFactory(store=store, customer=CustomerFactory(store=store, name=f"客户{tag}{k}",
                                                                   consent_to_messages=k % 2 == 0))
        PastVisit.objects.create(store=store, vehicle=car, customer=car.customer, old_number=f"{tag}-{k:04}",
                                 visited_on=date(2025, 1, 1 + k), mileage=10000 + k, maintenance=True,
                                 total=Decimal("480.50"), summary="保养",
                                 lines=[{"kind": "labour", "code": "BY01", "description": "机油保养", "quantity": "1",
                                         "unit_price": "480.50", "amount": "480.50"}])
        LabourFactory(store=store, code=f"{tag}L{k:03}")
        PartFactory(store=store, number=f"{tag}P{k:04}", on_hand=Decimal("7"))


def download(client, table, **params):
    response = client.get(reverse("dealership:export", args=[table]), params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)


def rows(book, sheet=0):
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    found = [list(r) for r in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in found), default=0)
    return [r + [None] * (width - len(r)) for r in found]  # empty cells at a row's end are not written


@pytest.fixture
def two_stores(team, other_team):
    fill(team.store, 3, "A")
    fill(other_team.store, 2, "B")
    return team, other_team


@pytest.mark.parametrize("table", list(TABLES))
def test_each_export_opens_in_excel_with_the_import_columns_and_its_stores_rows_only(two_stores, manager, table):
    book = download(login(manager), table)
    header, *body = rows(book)
    assert tuple(header) == TABLES[table].columns
    assert len(body) == 3
    text = repr(body)
    assert "客户B" not in text and "B-0" not in text and "BL0" not in text and "BP0" not in text


def test_the_customers_carry_consent_the_welcome_board_and_their_cars_a_row_each(team, manager):
    owner = CustomerFactory(store=team.store, name="王芳", title="ms", mobile="13812345678",
                            consent_to_messages=True, board_display="full_name", email="wf@example.cn")
    VehicleFactory(store=team.store, customer=owner, plate="粤A12345", vin="LSVAU2180N2183294", year=2021,
                   colour="白", mileage=35000)
    VehicleFactory(store=team.store, customer=owner, plate="粤B54321")
    CustomerFactory(store=team.store, name="李娜", title="", mobile="13900000000", board_display="plate")
    header, *body = rows(download(login(manager), "customers"))
    assert [dict(zip(header, row, strict=True)) for row in body[:1]] == [{
        "姓名": "王芳", "手机": "13812345678", "称呼": "女士", "邮箱": "wf@example.cn", "同意接收消息": "是",
        "欢迎屏显示": "全名", "车牌": "粤A12345", "车架号": "LSVAU2180N2183294", "品牌": "大众", "车型": "迈腾",
        "年款": 2021, "颜色": "白", "里程": 35000}]
    assert [(r[1], r[6]) for r in body] == [("13812345678", "粤A12345"), ("13812345678", "粤B54321"),
                                            ("13900000000", None)]
    assert body[2][2:6] == [None, None, "否", "车牌"]  # no title, no e-mail: empty cells


def test_choice_words_are_the_imports_whatever_the_managers_language(team, manager):
    LabourFactory(store=team.store, code="BY01", trade="body", job_type="body_paint")
    [row] = rows(download(login(manager, "en"), "labour"))[1:]
    assert row == ["BY01", "更换前刹车片", "车身", "钣喷", 1, 280, None, None, "是"]


def test_past_visits_come_a_row_per_line_with_the_visit_repeated(team, manager):
    fill(team.store, 1)
    car = VehicleFactory(store=team.store)
    PastVisit.objects.create(store=team.store, vehicle=car, customer=car.customer, old_number="A-9999",
                             visited_on=date(2025, 6, 1), lines=[])
    header, *body = rows(download(login(manager), "past-visits"))
    first = dict(zip(header, body[0], strict=True))
    assert first["原工单号"] == "A-0000" and first["日期"].date() == date(2025, 1, 1) and first["里程"] == 10000
    assert [first[k] for k in ("保养", "总金额", "项目类型", "项目代码", "项目名称", "数量", "单价", "金额")] == [
        "是", 480.5, "工时", "BY01", "机油保养", 1, 480.5, 480.5]
    assert body[1][0] == "A-9999" and body[1][9:] == [None] * 6  # a visit without lines: one row


def test_stock_is_its_own_file_as_the_opening_stock_import(team, manager):
    PartFactory(store=team.store, number="06L115562", on_hand=Decimal("24"))
    assert rows(download(login(manager), "stock")) == [["配件编号", "库存数量"], ["06L115562", 24]]


def test_a_text_that_looks_like_a_formula_stays_text(team, manager):
    CustomerFactory(store=team.store, name='=HYPERLINK("http://x.example","点我")', mobile="13800000001")
    [row] = rows(download(login(manager), "customers"))[1:]
    assert row[0] == '=HYPERLINK("http://x.example","点我")'
    book = load_workbook(BytesIO(b"".join(login(manager).get(
        reverse("dealership:export", args=["customers"])).streaming_content)))
    assert book.active.cell(2, 1).data_type == "s"


@pytest.mark.parametrize("table", list(TABLES))
def test_an_export_costs_the_same_queries_for_many_rows_as_for_few(team, manager, table,
                                                                   django_assert_max_num_queries):
    client = login(manager)
    fill(team.store, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as few:
        download(client, table)
    fill(team.store, 12, "C")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows(download(client, table))) == 15


def test_rows_are_read_a_chunk_at_a_time(team, manager, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    fill(team.store, 5)
    assert len(rows(download(login(manager), "customers"))) == 6


@pytest.mark.parametrize("role", [r for r in Role.values if r not in (Role.AFTERSALES_MANAGER, Role.GROUP_MANAGER)])
def test_everyone_but_the_managers_is_refused(team, role):
    client = login(team[role])
    assert client.get(reverse("dealership:exports")).status_code == 403
    assert client.get(reverse("dealership:export", args=["customers"])).status_code == 403


def test_the_page_has_a_button_per_table_and_is_in_the_managers_menu(team, manager):
    fill(team.store, 2)
    page = login(manager).get(reverse("dealership:exports")).content.decode()
    for key in TABLES:
        assert reverse("dealership:export", args=[key]) in page
    assert "?store=" not in page  # their own store
    header = login(manager).get(reverse("dealership:staff")).content.decode()
    assert f'href="{reverse("dealership:exports")}"' in header


def test_a_group_manager_exports_each_store_of_the_group_and_no_other(two_stores):
    team, other_team = two_stores
    boss = UserFactory(store=None, group=team.store.group, roles=[Role.GROUP_MANAGER])
    other_team.store.group = team.store.group
    other_team.store.save()
    client = login(boss)
    page = client.get(reverse("dealership:exports"), {"store": other_team.store.pk}).content.decode()
    assert f"?store={other_team.store.pk}" in page
    names = [r[0] for r in rows(download(client, "customers", store=other_team.store.pk))[1:]]
    assert names and all(n.startswith("客户B") for n in names)
    outsider = StoreFactory()
    fill(outsider, 1, "Z")
    assert client.get(reverse("dealership:export", args=["customers"]), {"store": outsider.pk}).status_code == 404
    for junk in ("x'", "²", "9" * 30, "-1"):
        assert client.get(reverse("dealership:export", args=["customers"]), {"store": junk}).status_code == 404
        assert client.get(reverse("dealership:exports"), {"store": junk}).status_code == 200
    assert client.get(reverse("dealership:exports"), {"store": outsider.pk}).status_code == 200


def test_an_after_sales_manager_cannot_ask_for_another_store(two_stores, manager):
    _, other_team = two_stores
    names = [r[0] for r in rows(download(login(manager), "customers", store=other_team.store.pk))[1:]]
    assert names and not any(n.startswith("客户B") for n in names)


def test_an_unknown_table_is_404(manager):
    assert login(manager).get(reverse("dealership:export", args=["users"])).status_code == 404
