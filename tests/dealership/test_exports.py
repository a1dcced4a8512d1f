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
    return [list(r) for r in ws.iter_rows(values_only=True)]


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
    mine = {"customers": 3, "vehicles": 3, "past-visits": 3, "labour": 3, "parts": 3}[table]
    assert len(body) == mine
    text = repr(body)
    assert "客户B" not in text and "B-0" not in text and "BL0" not in text and "BP0" not in text


def test_the_customers_carry_consent_and_how_the_welcome_board_shows_them(team, manager):
    CustomerFactory(store=team.store, name="王芳", title="ms", mobile="13812345678", consent_to_messages=True,
                    board_display="full_name", email="wf@example.cn")
    [row] = rows(download(login(manager), "customers"))[1:]
    assert dict(zip(exports.CUSTOMER_COLUMNS, row, strict=True)) == {
        "手机号": "13812345678", "姓名": "王芳", "称呼": "女士", "同意接收消息": "是", "欢迎牌显示": "全名",
        "电子邮箱": "wf@example.cn", "首选联系方式": "电话"}


def test_choice_labels_are_chinese_whatever_the_managers_language(team, manager):
    LabourFactory(store=team.store, code="BY01", trade="body", job_type="body_paint")
    [row] = rows(download(login(manager, "en"), "labour"))[1:]
    assert row[:4] == ["BY01", "更换前刹车片", "钣喷", "钣喷"] and row[4:] == [1, 280, "是"]


def test_past_visits_carry_their_lines_on_a_second_sheet(team, manager):
    fill(team.store, 1)
    book = download(login(manager), "past-visits")
    [visit] = rows(book, exports.PAST_VISIT_SHEET)[1:]
    assert visit[0] == "A-0000" and visit[4].date() == date(2025, 1, 1) and visit[5] == 10000
    assert visit[-2:] == ["是", 480.5]
    assert rows(book, exports.PAST_LINE_SHEET) == [list(exports.PAST_LINE_COLUMNS),
                                                   ["A-0000", "工时", "BY01", "机油保养", 1, 480.5, 480.5]]


def test_a_text_that_looks_like_a_formula_stays_text(team, manager):
    CustomerFactory(store=team.store, name='=HYPERLINK("http://x.example","点我")', mobile="13800000001")
    [row] = rows(download(login(manager), "customers"))[1:]
    assert row[1] == '=HYPERLINK("http://x.example","点我")'
    book = load_workbook(BytesIO(b"".join(login(manager).get(
        reverse("dealership:export", args=["customers"])).streaming_content)))
    assert book.active.cell(2, 2).data_type == "s"


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
    assert len(rows(download(login(manager), "vehicles"))) == 6


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
    names = [r[1] for r in rows(download(client, "customers", store=other_team.store.pk))[1:]]
    assert names and all(n.startswith("客户B") for n in names)
    outsider = StoreFactory()
    fill(outsider, 1, "Z")
    assert client.get(reverse("dealership:export", args=["customers"]), {"store": outsider.pk}).status_code == 404
    assert client.get(reverse("dealership:export", args=["customers"]), {"store": "x'"}).status_code == 404
    assert client.get(reverse("dealership:exports"), {"store": outsider.pk}).status_code == 200


def test_an_after_sales_manager_cannot_ask_for_another_store(two_stores, manager):
    _, other_team = two_stores
    names = [r[1] for r in rows(download(login(manager), "customers", store=other_team.store.pk))[1:]]
    assert names and not any(n.startswith("客户B") for n in names)


def test_an_unknown_table_is_404(manager):
    assert login(manager).get(reverse("dealership:export", args=["users"])).status_code == 404
