"""Export of a store's data to Excel (issue 18): customers with their cars, past visits, labour operations, parts
and their stock, for the manager who wants to check in Excel what the system holds.

The columns are the import templates' (dealership/imports/): the headers below are the file format both sides
read, so they are constants in Chinese and not translated (an English-speaking manager's export is imported by a
Chinese-speaking one); a file exported here imports again unchanged. Choice columns carry the first word the
import reads for each choice (`TITLES`, `TRADES`, …), yes/no columns 是/否. A customer's cars are on the
customer's rows, as the import reads them: the customers' file is the cars' file too.

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

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import Customer, LabourOperation, Part, PastVisit, Store

CHUNK = 2000  # rows read from the database at a time

# --- the columns: those of the import templates (dealership/imports/kinds.py), in their order --------------------

NAME = "姓名"
MOBILE = "手机"
TITLE = "称呼"
EMAIL = "邮箱"
CONSENT = "同意接收消息"
BOARD_DISPLAY = "欢迎屏显示"
PLATE = "车牌"
VIN = "车架号"
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
TOTAL = "总金额"
LINE_KIND = "项目类型"
LINE_CODE = "项目代码"
LINE_DESCRIPTION = "项目名称"
QUANTITY = "数量"
UNIT_PRICE = "单价"
AMOUNT = "金额"
LABOUR_CODE = "工时代码"
ITEM = "名称"
TRADE = "工种"
JOB_TYPE = "作业类型"
HOURS = "标准工时"
PRICE = "价格"
DOCUMENTATION = "维修资料"
TOOLS = "专用工具"
ACTIVE = "启用"
PART_NUMBER = "配件编号"
UNIT = "单位"
STOCK = "库存数量"

# a customer with their cars: a row per car (a customer without a car: one row, the car's columns empty)
CUSTOMER_COLUMNS = (NAME, MOBILE, TITLE, EMAIL, CONSENT, BOARD_DISPLAY, PLATE, VIN, MAKE, MODEL, YEAR, COLOUR,
                    MILEAGE)
# a past visit: a row per line, the visit's columns repeated (a visit without lines: one row)
PAST_VISIT_COLUMNS = (OLD_NUMBER, VISIT_DATE, VIN, PLATE, MILEAGE, ADVISOR, SUMMARY, MAINTENANCE, TOTAL, LINE_KIND,
                      LINE_CODE, LINE_DESCRIPTION, QUANTITY, UNIT_PRICE, AMOUNT)
LABOUR_COLUMNS = (LABOUR_CODE, ITEM, TRADE, JOB_TYPE, HOURS, PRICE, DOCUMENTATION, TOOLS, ACTIVE)
PART_COLUMNS = (PART_NUMBER, ITEM, UNIT, PRICE, ACTIVE)
STOCK_COLUMNS = (PART_NUMBER, STOCK)

YES, NO = "是", "否"
# the words of the choice columns: the first word the import reads for each value
TITLES = {"mr": "先生", "ms": "女士", "": ""}
BOARD_DISPLAYS = {"full_name": "全名", "surname": "姓氏", "plate": "车牌"}
TRADES = {"mechanical": "机电", "quick": "快修", "body": "车身"}
JOB_TYPES = {"maintenance": "保养", "brakes": "制动", "electrical": "电气", "engine": "发动机", "tyres": "轮胎",
             "body_paint": "钣喷", "aircon": "空调", "other": "其他"}
LINE_KINDS = {"labour": "工时", "part": "配件"}  # PastVisit.lines[].kind


def yes_no(value: bool) -> str:
    return YES if value else NO


# --- the rows ------------------------------------------------------------------------------------------------------

def _customers(store: Store) -> Iterator[Iterable[Any]]:
    """One query: the customers with their cars (a LEFT JOIN), a customer's cars together."""
    rows = (Customer.objects.filter(store=store).order_by("mobile", "id", "vehicles__plate", "vehicles__id")
            .values_list("name", "mobile", "title", "email", "consent_to_messages", "board_display",
                         "vehicles__plate", "vehicles__vin", "vehicles__make", "vehicles__model", "vehicles__year",
                         "vehicles__colour", "vehicles__mileage"))
    for name, mobile, title, email, consent, board, *car in rows.iterator(chunk_size=CHUNK):
        yield (name, mobile, TITLES.get(title, ""), email, yes_no(consent), BOARD_DISPLAYS.get(board, ""), *car)


def _past_visits(store: Store) -> Iterator[Iterable[Any]]:
    rows = (PastVisit.objects.filter(store=store).order_by("visited_on", "old_number", "id")
            .values_list("old_number", "visited_on", "vehicle__vin", "vehicle__plate", "mileage", "advisor_name",
                         "summary", "maintenance", "total", "lines"))
    for *visit, maintenance, total, lines in rows.iterator(chunk_size=CHUNK):
        head = (*visit, yes_no(maintenance), total)
        shown = [line for line in (lines if isinstance(lines, list) else []) if isinstance(line, dict)]
        if not shown:
            yield head
        for line in shown:
            kind = str(line.get("kind", ""))
            yield (*head, LINE_KINDS.get(kind, kind), str(line.get("code", "")), str(line.get("description", "")),
                   _number(line.get("quantity")), _number(line.get("unit_price")), _number(line.get("amount")))


def _labour(store: Store) -> Iterator[Iterable[Any]]:
    rows = (LabourOperation.objects.filter(store=store).order_by("code", "id")
            .values_list("code", "name", "trade", "job_type", "standard_hours", "price", "documentation_url",
                         "special_tools", "active"))
    for code, name, trade, job_type, hours, price, documentation, tools, active in rows.iterator(chunk_size=CHUNK):
        yield (code, name, TRADES.get(trade, trade), JOB_TYPES.get(job_type, job_type), hours, price, documentation,
               tools, yes_no(active))


def _parts(store: Store) -> Iterator[Iterable[Any]]:
    rows = Part.objects.filter(store=store).order_by("number", "id").values_list("number", "name", "unit", "price",
                                                                                 "active")
    for *part, active in rows.iterator(chunk_size=CHUNK):
        yield (*part, yes_no(active))


def _stock(store: Store) -> Iterator[Iterable[Any]]:
    return Part.objects.filter(store=store).order_by("number", "id").values_list("number", "on_hand").iterator(
        chunk_size=CHUNK)


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
    Table("customers", _("Customers and their cars"), "客户", CUSTOMER_COLUMNS, _customers),
    Table("past-visits", _("Service history"), "历史维修", PAST_VISIT_COLUMNS, _past_visits),
    Table("labour", _("Labour operations"), "工时", LABOUR_COLUMNS, _labour),
    Table("parts", _("Parts"), "配件", PART_COLUMNS, _parts),
    Table("stock", _("Stock per part"), "库存", STOCK_COLUMNS, _stock),
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
    for row in spec.rows(store):
        sheet.append(_cells(sheet, row))
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(out)
    out.seek(0)
    return out
