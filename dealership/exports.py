"""Export of a store's data to Excel (issue 18): customers, vehicles, past visits, labour operations and parts,
for the manager who wants to check in Excel what the system holds.

The columns are the import templates' (dealership/imports/): the headers below are the file format both sides
read, so they are constants in Chinese and not translated (an English-speaking manager's export is imported by a
Chinese-speaking one); a file exported here imports again unchanged. Choice columns carry the Chinese label of the
choice (`choice_label`; the importer reads the label or the code), yes/no columns 是/否.

The workbook is openpyxl's write-only one: each row goes to a temporary file as it is written, and the rows come
from the database `CHUNK` at a time (`iterator`), so a store of 100,000 customers is exported in bounded memory.
A text that starts with "=" is written as text, never as a formula (a name typed as =HYPERLINK(…) stays a name)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import Channel, Customer, JobType, LabourOperation, Part, PastVisit, Store, Trade, Vehicle

CHUNK = 2000  # rows read from the database at a time

# --- the columns (the import templates have the same) ---------------------------------------------------------------

MOBILE = "手机号"
NAME = "姓名"
TITLE = "称呼"
CONSENT = "同意接收消息"
BOARD_DISPLAY = "欢迎牌显示"
EMAIL = "电子邮箱"
CHANNEL = "首选联系方式"
PLATE = "车牌号"
VIN = "VIN"
MAKE = "品牌"
MODEL = "车型"
YEAR = "年款"
COLOUR = "颜色"
MILEAGE = "里程"
OLD_NUMBER = "原工单号"
VISIT_DATE = "日期"
ADVISOR = "服务顾问"
SUMMARY = "维修内容"
MAINTENANCE = "保养"
TOTAL = "金额"
LINE_KIND = "类型"
CODE = "代码"
ITEM = "名称"
QUANTITY = "数量"
UNIT_PRICE = "单价"
AMOUNT = "金额"
LABOUR_CODE = "工时代码"
TRADE = "工种"
JOB_TYPE = "维修类别"
HOURS = "标准工时"
ACTIVE = "启用"
PART_NUMBER = "配件编号"
UNIT = "单位"
STOCK = "库存"

CUSTOMER_COLUMNS = (MOBILE, NAME, TITLE, CONSENT, BOARD_DISPLAY, EMAIL, CHANNEL)
VEHICLE_COLUMNS = (PLATE, VIN, MOBILE, MAKE, MODEL, YEAR, COLOUR, MILEAGE)
PAST_VISIT_COLUMNS = (OLD_NUMBER, PLATE, VIN, MOBILE, VISIT_DATE, MILEAGE, ADVISOR, SUMMARY, MAINTENANCE, TOTAL)
# the lines of the past visits, on a second sheet, by the old order number
PAST_LINE_COLUMNS = (OLD_NUMBER, LINE_KIND, CODE, ITEM, QUANTITY, UNIT_PRICE, AMOUNT)
LABOUR_COLUMNS = (LABOUR_CODE, ITEM, TRADE, JOB_TYPE, HOURS, UNIT_PRICE, ACTIVE)
PART_COLUMNS = (PART_NUMBER, ITEM, UNIT, UNIT_PRICE, STOCK, ACTIVE)

PAST_VISIT_SHEET = "历史维修"
PAST_LINE_SHEET = "明细"
YES, NO = "是", "否"
LINE_KINDS = {"labour": "工时", "part": "配件"}  # PastVisit.lines[].kind


def choice_label(choices: type[TextChoices], value: str) -> str:
    """The Chinese label of a choice, whatever the language of the request ("" for a value no longer offered)."""
    with translation.override("zh-hans"):
        return str(choices(value).label) if value in choices.values else ""


def yes_no(value: bool) -> str:
    return YES if value else NO


# --- the rows ------------------------------------------------------------------------------------------------------

def _customers(store: Store) -> Iterator[Iterable[Any]]:
    labels = _labels(Customer.Title, Customer.BoardDisplay, Channel)
    rows = (Customer.objects.filter(store=store).order_by("mobile", "id")
            .values_list("mobile", "name", "title", "consent_to_messages", "board_display", "email",
                         "preferred_channel"))
    for mobile, name, title, consent, board, email, channel in rows.iterator(chunk_size=CHUNK):
        yield (mobile, name, labels[Customer.Title].get(title, ""), yes_no(consent),
               labels[Customer.BoardDisplay].get(board, ""), email, labels[Channel].get(channel, ""))


def _vehicles(store: Store) -> Iterator[Iterable[Any]]:
    rows = (Vehicle.objects.filter(store=store).order_by("plate", "id")
            .values_list("plate", "vin", "customer__mobile", "make", "model", "year", "colour", "mileage"))
    return rows.iterator(chunk_size=CHUNK)


def _labour(store: Store) -> Iterator[Iterable[Any]]:
    labels = _labels(Trade, JobType)
    rows = (LabourOperation.objects.filter(store=store).order_by("code", "id")
            .values_list("code", "name", "trade", "job_type", "standard_hours", "price", "active"))
    for code, name, trade, job_type, hours, price, active in rows.iterator(chunk_size=CHUNK):
        yield code, name, labels[Trade].get(trade, ""), labels[JobType].get(job_type, ""), hours, price, yes_no(active)


def _parts(store: Store) -> Iterator[Iterable[Any]]:
    rows = (Part.objects.filter(store=store).order_by("number", "id")
            .values_list("number", "name", "unit", "price", "on_hand", "active"))
    for number, name, unit, price, on_hand, active in rows.iterator(chunk_size=CHUNK):
        yield number, name, unit, price, on_hand, yes_no(active)


def _past_visits(store: Store) -> Iterator[tuple[Iterable[Any], list[Iterable[Any]]]]:
    """Each past visit's row, with the rows of its lines."""
    rows = (PastVisit.objects.filter(store=store).order_by("visited_on", "old_number", "id")
            .values_list("old_number", "vehicle__plate", "vehicle__vin", "customer__mobile", "visited_on", "mileage",
                         "advisor_name", "summary", "maintenance", "total", "lines"))
    for *visit, maintenance, total, lines in rows.iterator(chunk_size=CHUNK):
        number = visit[0]
        yield (*visit, yes_no(maintenance), total), [
            (number, LINE_KINDS.get(str(line.get("kind", "")), str(line.get("kind", ""))),
             str(line.get("code", "")), str(line.get("description", "")), _number(line.get("quantity")), _number(line.get("unit_price")),
             _number(line.get("amount")))
            for line in (lines if isinstance(lines, list) else []) if isinstance(line, dict)]


def _labels(*choices: type[TextChoices]) -> dict[type[TextChoices], dict[str, str]]:
    return {c: {value: choice_label(c, value) for value in c.values} for c in choices}


def _number(value: Any) -> Any:
    """An amount of a past visit's line as a number where it is one (the old system wrote it as text)."""
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return str(value)


# --- the tables and the workbook -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    key: str
    label: str | Promise  # the button on the page
    sheet: str  # the sheet's name in the file (Chinese, as the headers)
    columns: tuple[str, ...]
    rows: Callable[[Store], Iterator[Any]]


TABLES = {t.key: t for t in (
    Table("customers", _("Customers"), "客户", CUSTOMER_COLUMNS, _customers),
    Table("vehicles", _("Vehicles"), "车辆", VEHICLE_COLUMNS, _vehicles),
    Table("past-visits", _("Service history"), PAST_VISIT_SHEET, PAST_VISIT_COLUMNS, _past_visits),
    Table("labour", _("Labour operations"), "工时", LABOUR_COLUMNS, _labour),
    Table("parts", _("Parts and stock"), "配件", PART_COLUMNS, _parts),
)}


def _cells(sheet, values: Iterable[Any]) -> list[Any]:
    """A row as openpyxl writes it: text cleaned of the characters a sheet may not hold, and a text that starts
    with "=" kept as text (openpyxl would write it as a formula)."""
    out = []
    for value in values:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):
                cell = WriteOnlyCell(sheet, value)
                cell.data_type = "s"
                value = cell
        elif isinstance(value, date):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = "yyyy-mm-dd"
            value = cell
        out.append(value)
    return out


def export_write(*, table: str, store: Store) -> IO[bytes]:
    """The store's `table` as an .xlsx file (a temporary file, read from its start; closed, it is gone)."""
    spec = TABLES[table]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.sheet)
    sheet.append(spec.columns)
    if table == "past-visits":
        lines_sheet = workbook.create_sheet(PAST_LINE_SHEET)
        lines_sheet.append(PAST_LINE_COLUMNS)
        for row, lines in spec.rows(store):
            sheet.append(_cells(sheet, row))
            for line in lines:
                lines_sheet.append(_cells(lines_sheet, line))
    else:
        for row in spec.rows(store):
            sheet.append(_cells(sheet, row))
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(out)
    out.seek(0)
    return out
