"""Imports from .xlsx and .csv (issue 18): the dry run reports each refused row and writes nothing; the write is
all or nothing; the same file twice changes nothing; bad files get a report, never a server error."""

import io
import os
import random
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from dealership.imports.reading import read_table
from dealership.imports.run import import_write
from dealership.imports.workbook import headers, template_xlsx, xlsx_bytes
from dealership.models import Customer, ImportRun, LabourOperation, MileageReading, Part, PastVisit, Role, Vehicle
from demo.builder import make_vin
from tests.conftest import login
from tests.factories import VehicleFactory, staff

pytestmark = pytest.mark.usefixtures("english")
S = ImportRun.Status
VIN1 = make_vin(random.Random(1), "LSV")
VIN2 = make_vin(random.Random(2), "LFV")
CUSTOMER_HEAD = ["姓名", "手机", "称呼", "同意接收消息", "车牌", "车架号", "品牌", "车型", "里程"]


_CAPTURE = {}


@pytest.fixture(autouse=True)
def _run_tasks_after_commit(django_capture_on_commit_callbacks):
    """The tasks are queued after the commit (eager in tests): run them as the request's commit would."""
    _CAPTURE["capture"] = django_capture_on_commit_callbacks
    yield
    _CAPTURE.clear()


def committed(send):
    with _CAPTURE["capture"](execute=True):
        return send()


def upload(client, kind, data, name="data.xlsx"):
    return committed(lambda: client.post(reverse("dealership:imports"),
                                         {"kind": kind, "file": SimpleUploadedFile(name, data)}))


def run_of(response) -> ImportRun:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def start(client, run, skip_bad=False):
    return committed(lambda: client.post(reverse("dealership:import_start", args=[run.pk]),
                                         {"skip_bad": "on"} if skip_bad else {}))


def imported(client, kind, data, name="data.xlsx", skip_bad=False) -> ImportRun:
    run = run_of(upload(client, kind, data, name))
    assert run.status == S.CHECKED, run.report
    assert start(client, run, skip_bad).status_code == 302
    run.refresh_from_db()
    assert run.status == S.DONE, run.report
    return run


@pytest.fixture
def client(manager):
    return login(manager, "en")


def customers_file(*rows):
    return xlsx_bytes(CUSTOMER_HEAD, rows)


GOOD = [("王伟", "13800138000", "先生", "是", "粤A12345", VIN1, "大众", "帕萨特", 35000),
        ("李娜", "13900139000", "女士", "否", "粤B54321", VIN2, "丰田", "凯美瑞", "")]


def test_it_imports_customers_with_their_cars_and_the_same_file_twice_changes_nothing(client, team):
    data = customers_file(*GOOD)
    run = imported(client, "customers", data)
    assert (run.created, run.changed, run.unchanged) == (2, 0, 0)
    wang = Customer.objects.get(store=team.store, mobile="13800138000")
    assert wang.name == "王伟" and wang.title == "mr" and wang.consent_to_messages
    car = Vehicle.objects.get(vin=VIN1)
    assert car.customer == wang and car.plate == "粤A12345" and car.mileage == 35000
    assert not MileageReading.objects.exists()  # a new car carries its mileage, as one entered at the desk

    again = imported(client, "customers", data)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert Customer.objects.filter(store=team.store).count() == 2 and Vehicle.objects.count() == 2
    page = client.get(reverse("dealership:import_run", args=[again.pk])).content.decode()
    assert "This same file was imported" in page


def test_a_changed_row_is_updated_and_counted(client):
    imported(client, "customers", customers_file(*GOOD))
    changed = [("王伟伟", *GOOD[0][1:8], 36000), GOOD[1]]
    run = imported(client, "customers", customers_file(*changed))
    assert (run.created, run.changed, run.unchanged) == (0, 1, 1)
    assert Customer.objects.get(mobile="13800138000").name == "王伟伟"
    assert Vehicle.objects.get(vin=VIN1).mileage == 36000
    assert MileageReading.objects.get().previous_km == 35000


def test_a_file_with_errors_writes_nothing_and_reports_row_column_value(client):
    bad_vin = VIN1[:8] + ("0" if VIN1[8] != "0" else "1") + VIN1[9:]
    data = customers_file(GOOD[0], ("张三", "12345", "", "", "粤C11111", bad_vin, "本田", "雅阁", "abc"))
    run = run_of(upload(client, "customers", data))
    assert run.status == S.CHECKED and run.rows_total == 2 and run.rows_bad == 1
    errors = {(e["row"], e["column"]): e for e in run.report["errors"]}
    assert errors[(3, "手机")]["value"] == "12345" and "11 digits" in errors[(3, "手机")]["message"]
    assert "check digit" in errors[(3, "车架号")]["message"]
    assert (3, "里程") in errors
    page = client.get(reverse("dealership:import_run", args=[run.pk])).content.decode()
    assert "12345" in page and "check digit" in page
    response = start(client, run)  # import without skipping: refused, nothing written
    assert response.status_code == 400
    assert Customer.objects.count() == 0

    assert start(client, run, skip_bad=True).status_code == 302
    run.refresh_from_db()
    assert run.status == S.DONE and (run.created, run.skipped) == (1, 1)
    assert list(Customer.objects.values_list("mobile", flat=True)) == ["13800138000"]


def test_a_row_that_breaks_the_database_rolls_back_the_whole_file(client, team, monkeypatch):
    """The cars' write fails after the customers are in: nothing of the file stays."""
    run = run_of(upload(client, "customers", customers_file(*GOOD)))

    def fails(*args, **kwargs):
        raise IntegrityError("duplicate key")
    monkeypatch.setattr(Vehicle.objects, "bulk_create", fails)
    start(client, run)
    run.refresh_from_db()
    assert run.status == S.FAILED and "wrote nothing" in run.report["refusal"]
    assert Customer.objects.count() == 0


def test_labour_and_parts_catalogue_and_opening_stock(client, team):
    labour = xlsx_bytes(headers("labour"), [("LB-1", "更换机油", "机电", "保养", "0.5", "120", "", "", "是"),
                                            ("LB-2", "四轮定位", "机电", "轮胎", "1", "¥ 1,200.00", "", "", "")])
    run = imported(client, "labour", labour)
    assert run.created == 2
    assert LabourOperation.objects.get(store=team.store, code="LB-2").price == Decimal("1200.00")
    parts = xlsx_bytes(["配件编号", "名称", "价格"], [("P-1", "机滤", "68"), ("P-2", "机油", "55.5")])
    assert imported(client, "parts", parts).created == 2
    stock = xlsx_bytes(["配件编号", "库存数量"], [("P-1", 12), ("P-2", "3.5")])
    run = imported(client, "stock", stock)
    assert (run.created, run.changed) == (0, 2)
    assert Part.objects.get(number="P-2").on_hand == Decimal("3.5")
    assert imported(client, "stock", stock).changed == 0

    unknown = run_of(upload(client, "stock", xlsx_bytes(["Part number", "Quantity in stock"], [("NOPE", 1)])))
    assert "import the parts catalogue first" in unknown.report["errors"][0]["message"]


def test_service_history_with_lines_and_excel_serial_dates(client, team):
    car = VehicleFactory(store=team.store)
    head = ["原工单号", "日期", "车架号", "里程", "保养", "项目类型", "项目名称", "数量", "单价"]
    rows = [("WO-1", 44197, car.vin, 20000, "是", "工时", "更换机油", 1, 120),
            ("WO-1", 44197, car.vin, 20000, "是", "配件", "机油", 4, "55.50"),
            ("WO-2", "2022/03/05", "", "", "", "", "", "", "")]
    run = run_of(upload(client, "history", xlsx_bytes(head, rows)))
    assert run.rows_bad == 1 and run.report["errors"][0]["row"] == 4  # WO-2 names no car
    start(client, run, skip_bad=True)
    visit = PastVisit.objects.get(store=team.store, old_number="WO-1")
    assert str(visit.visited_on) == "2021-01-01" and visit.maintenance and visit.total == Decimal("342.00")
    assert [line["description"] for line in visit.lines] == ["更换机油", "机油"] and visit.customer == car.customer
    assert imported(client, "history", xlsx_bytes(head, rows[:2])).unchanged == 1


def test_a_gbk_csv_from_an_old_excel_is_read(client):
    text = f"姓名,手机,车牌,车架号,品牌,车型\r\n王伟,13800138000,粤A12345,{VIN1},大众,帕萨特\r\n\r\n,,,,,\r\n"
    run = imported(client, "customers", text.encode("gbk"), "old.csv")
    assert run.rows_total == 1 and Customer.objects.get().name == "王伟"  # the empty rows are skipped
    utf8 = imported(client, "customers", text.encode("utf-8-sig"), "new.csv")
    assert utf8.unchanged == 1


def test_formulas_are_refused_with_their_cell(client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["配件编号", "名称", "价格"])
    sheet.append(["P-1", "机滤", "=10*6.8"])
    out = io.BytesIO()
    book.save(out)
    run = run_of(upload(client, "parts", out.getvalue()))
    assert run.report["errors"][0] | {"message": ""} == {"row": 2, "column": "价格", "value": "=10*6.8", "message": ""}
    csv = run_of(upload(client, "parts", "配件编号,名称,价格\r\nP-1,\"=HYPERLINK(\"\"x\"\")\",1\r\n".encode(),
                        "x.csv"))
    assert "formula" in csv.report["errors"][0]["message"]


@pytest.mark.parametrize(("data", "says"), [
    (os.urandom(10 * 1024 * 1024), "not a spreadsheet"),
    (b"", "larger than"),  # replaced below: an empty upload
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "old Excel file"),
    (b"PK\x03\x04" + b"junk" * 100, "not a spreadsheet"),
    ("名字,电话\r\n王伟,138\r\n".encode(), "Missing columns"),
    ("姓名,手机,生日\r\n王伟,13800138000,1990\r\n".encode(), "Unknown columns: 生日"),
    ("姓名,手机\r\n".encode(), "no rows"),
])
def test_bad_files_get_a_clear_report_never_a_server_error(client, data, says):
    if not data:
        data, says = b"   \r\n", "empty"
    response = upload(client, "customers", data, "bad.csv")
    run = run_of(response)
    assert run.status == S.REFUSED and says in run.report["refusal"]
    page = client.get(reverse("dealership:import_run", args=[run.pk]))
    assert page.status_code == 200 and says in page.content.decode()
    assert start(client, run).status_code == 400


def test_an_oversized_file_is_refused_on_the_form(client, settings):
    settings.IMPORT_MAX_MB = 1
    response = upload(client, "customers", b"x" * (1024 * 1024 + 1), "big.csv")
    assert response.status_code == 400 and "larger than 1 MB" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_too_many_rows_are_refused(client, settings):
    settings.IMPORT_MAX_ROWS = 1
    run = run_of(upload(client, "customers", customers_file(*GOOD)))
    assert run.status == S.REFUSED and "more than 1 rows" in run.report["refusal"]


def test_an_import_started_twice_runs_once(client):
    run = run_of(upload(client, "customers", customers_file(*GOOD)))
    assert start(client, run).status_code == 302
    second = start(client, run)
    assert second.status_code == 400 and "already been started" in second.content.decode()
    import_write(run.pk)  # the task delivered again: it finds the run done and does nothing
    run.refresh_from_db()
    assert run.status == S.DONE and run.created == 2


def test_each_template_has_its_headers_and_an_example_that_passes_the_dry_run(client):
    for kind in ("customers", "labour", "parts"):
        response = client.get(reverse("dealership:import_template", args=[kind]))
        assert response.status_code == 200
        table = read_table(response.content)
        assert table.headers == headers(kind)
        run = run_of(upload(client, kind, template_xlsx(kind)))
        assert run.rows_bad == 0, run.report
    assert client.get(reverse("dealership:import_template", args=["nothing"])).status_code == 404


def test_the_progress_fragment_reloads_the_page_when_the_run_is_over(client):
    run = imported(client, "customers", customers_file(*GOOD))
    response = client.get(reverse("dealership:import_progress", args=[run.pk]))
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


@pytest.mark.parametrize("role", [Role.SERVICE_ADVISOR, Role.CASHIER, Role.GROUP_MANAGER])
def test_other_roles_are_refused(team, role):
    person = staff(role, team.store)
    c = login(person, "en")
    run = ImportRun.objects.create(store=team.store, kind="customers", file_name="x.csv", sha256="0" * 64,
                                   created_by=person, status=S.CHECKED)
    assert c.get(reverse("dealership:imports")).status_code == 403
    assert upload(c, "customers", customers_file(*GOOD)).status_code == 403
    assert c.get(reverse("dealership:import_run", args=[run.pk])).status_code == 403
    assert start(c, run).status_code == 403
    assert Customer.objects.count() == 0


def test_another_stores_import_is_a_404(client, other_team):
    manager = other_team[Role.AFTERSALES_MANAGER]
    run = ImportRun.objects.create(store=other_team.store, kind="customers", file_name="x.csv", sha256="0" * 64,
                                   created_by=manager, status=S.CHECKED)
    assert client.get(reverse("dealership:import_run", args=[run.pk])).status_code == 404
    assert start(client, run).status_code == 404


def test_it_keeps_a_plate_from_changing_hands_silently(client, team):
    VehicleFactory(store=team.store, plate="粤A12345")
    run = run_of(upload(client, "customers", customers_file(GOOD[0])))
    assert "belongs to the car" in run.report["errors"][0]["message"]


def test_the_list_shows_past_imports(client):
    imported(client, "parts", xlsx_bytes(["配件编号", "名称", "价格"], [("P-1", "机滤", "68")]), "parts.xlsx")
    page = client.get(reverse("dealership:imports")).content.decode()
    assert "parts.xlsx" in page


def test_a_busy_run_polls_its_progress_and_shows_the_rows_written(client, team, manager):
    run = ImportRun.objects.create(store=team.store, kind="customers", file_name="big.xlsx", sha256="1" * 64,
                                   created_by=manager, status=S.WRITING, rows_total=100_000, rows_done=40_000)
    page = client.get(reverse("dealership:import_run", args=[run.pk])).content.decode()
    assert reverse("dealership:import_progress", args=[run.pk]) in page and 'data-hx-trigger="every 1s"' in page
    fragment = client.get(reverse("dealership:import_progress", args=[run.pk]))
    assert "HX-Refresh" not in fragment and 'aria-valuenow="40"' in fragment.content.decode()


def test_a_customer_with_two_cars_has_two_rows_and_a_mobile_given_to_two_names_is_refused(client):
    second_car = ("王伟", "13800138000", "先生", "是", "粤A54321", VIN2, "丰田", "凯美瑞", 1000)
    run = imported(client, "customers", customers_file(GOOD[0], second_car))
    assert run.created == 2 and Customer.objects.count() == 1
    assert set(Customer.objects.get().vehicles.values_list("vin", flat=True)) == {VIN1, VIN2}

    clash = run_of(upload(client, "customers", customers_file(GOOD[0], ("王芳", *second_car[1:]))))
    assert clash.report["errors"][0] == {"row": 3, "column": "姓名", "value": "王芳",
                                         "message": "Row 2 gives this mobile to “王伟”."}


def test_an_imported_price_change_is_dated_and_logged_and_quoted_orders_keep_theirs(client, team, draft_order):
    """SET-3, REC-8: a new price in the file is a price change from today through the catalogue's service, in the
    settings change log; a line already quoted keeps the price it was quoted at."""
    from dealership.models import PriceChange, SettingChange

    line = draft_order.lines.filter(labour_operation__isnull=False).first()
    operation = line.labour_operation
    quoted = line.unit_price
    labour = xlsx_bytes(["工时代码", "名称", "标准工时", "价格"],
                        [(operation.code, operation.name, str(operation.standard_hours), str(quoted + 50))])
    run = imported(client, "labour", labour)
    assert (run.created, run.changed) == (0, 1)
    operation.refresh_from_db()
    assert operation.price == quoted + 50
    assert PriceChange.objects.filter(labour_operation=operation, price=quoted + 50).exists()
    assert SettingChange.objects.filter(model="dealership.labouroperation", object_id=str(operation.pk)).exists()
    line.refresh_from_db()
    assert line.unit_price == quoted
    assert imported(client, "labour", labour).changed == 0
