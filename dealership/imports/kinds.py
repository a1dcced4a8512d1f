"""The kinds of import: each declares its columns (Chinese header, English alternate, required or not), its key,
its checks across rows and against the database, and how a batch of rows is written. Every check and write of a
batch makes one query per table for the keys it holds, never one per row."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Customer, ImportRun, LabourOperation, MileageReading, Part, PastVisit, Store, Trade, User, Vehicle
from ..models.catalogue import JobType
from . import catalogue
from .cells import Column, a_date, boolean, choice, decimal, integer, mobile, plate, text, vin
from .engine import Counts, Problems, Row

K = ImportRun.Kind


class Kind:
    kind: str
    columns: tuple[Column, ...]
    key: str  # the column whose value is the key of a row

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def row_check(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        return []

    def file_check(self, rows: list[Row], problems: Problems) -> None:
        """A key given twice in the file: the later row is refused."""
        first: dict[Any, int] = {}
        for row in rows:
            key = row.values[self.key]
            if key in first:
                problems.add(row, self.key, _("Also on row %(row)d.") % {"row": first[key]})
            else:
                first[key] = row.number

    def database_check(self, store: Store, rows: list[Row], problems: Problems) -> None:
        pass

    def spread_errors(self, rows: list[Row], problems: Problems) -> None:
        pass

    def units(self, rows: list[Row]) -> list[list[Row]]:
        return [[row] for row in rows]

    def write_batch(self, store: Store, units: list[list[Row]], counts: Counts, *, actor: User) -> None:
        raise NotImplementedError


def _update(obj, values: dict[str, Any], fields: list[str]) -> list[str]:
    """Set the given fields that differ; returns their names."""
    changed = []
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed.append(name)
    return changed


# ---- customers with their cars --------------------------------------------------------------------------------

CUSTOMER_FIELDS = ["name", "title", "email", "consent_to_messages", "board_display"]
VEHICLE_FIELDS = ["plate", "make", "model", "year", "colour"]
CAR_COLUMNS = ("plate", "vin", "make", "model", "year", "colour", "mileage")


class Customers(Kind):
    kind = K.CUSTOMERS
    key = "mobile"
    columns = (
        Column("name", "姓名", "Name", text(50), required=True, example="王伟"),
        Column("mobile", "手机", "Mobile", mobile, required=True, example="13800138000"),
        Column("title", "称呼", "Title", choice({"mr": "先生|男", "ms": "女士|女"}, dict(Customer.Title.choices)),
               example="先生"),
        Column("email", "邮箱", "Email", text(254), example=""),
        Column("consent_to_messages", "同意接收消息", "Consent to messages", boolean, default=False, example="是"),
        Column("board_display", "欢迎屏显示", "Welcome board shows",
               choice({"full_name": "全名", "surname": "姓氏", "plate": "车牌"}, dict(Customer.BoardDisplay.choices)),
               default=Customer.BoardDisplay.SURNAME, example="姓氏"),
        Column("plate", "车牌", "Plate", plate, example="粤A12345"),
        Column("vin", "车架号", "VIN", vin, example="LSVAU218XN2183294"),
        Column("make", "品牌", "Make", text(40), example="大众"),
        Column("model", "车型", "Model", text(60), example="帕萨特"),
        Column("year", "年款", "Model year", integer(minimum=1950, maximum=2100), default=None, example=2022),
        Column("colour", "颜色", "Colour", text(20), example="白"),
        Column("mileage", "里程", "Mileage (km)", integer(), default=None, example=35000),
    )

    def row_check(self, values):
        if not any(values.get(k) not in (None, "") for k in CAR_COLUMNS):
            return []  # a customer without a car
        return [(k, _("A car needs its plate, VIN, make and model.")) for k in ("plate", "vin", "make", "model")
                if not values.get(k)]

    def file_check(self, rows, problems):
        names: dict[str, tuple[str, int]] = {}
        vins: dict[str, int] = {}
        plates: dict[str, tuple[str, int]] = {}
        for row in rows:
            v = row.values
            name, number = names.setdefault(v["mobile"], (v["name"], row.number))
            if name != v["name"]:
                problems.add(row, "name", _("Row %(row)d gives this mobile to “%(name)s”.")
                             % {"row": number, "name": name})
            if v.get("vin"):
                if v["vin"] in vins:
                    problems.add(row, "vin", _("Also on row %(row)d.") % {"row": vins[v["vin"]]})
                vins.setdefault(v["vin"], row.number)
                owner, number = plates.setdefault(v["plate"], (v["vin"], row.number))
                if owner != v["vin"]:
                    problems.add(row, "plate", _("Row %(row)d gives this plate to another car.") % {"row": number})

    def database_check(self, store, rows, problems):
        with_car = [row for row in rows if row.values.get("vin")]
        taken = dict(Vehicle.objects.filter(store=store, plate__in={r.values["plate"] for r in with_car})
                     .values_list("plate", "vin"))
        for row in with_car:
            other = taken.get(row.values["plate"])
            if other and other != row.values["vin"]:
                problems.add(row, "plate", _("This plate belongs to the car %(vin)s in the system.") % {"vin": other})

    def write_batch(self, store, units, counts, *, actor):
        rows = [unit[0] for unit in units]
        mobiles = {r.values["mobile"] for r in rows}
        existing: dict[str, Customer] = {}
        for customer in Customer.objects.filter(store=store, mobile__in=mobiles).order_by("-id"):
            existing[customer.mobile] = customer  # the oldest wins where the old data has the mobile twice
        new_customers: dict[str, Customer] = {}
        changed_customers: dict[str, Customer] = {}
        customer_fields: set[str] = set()
        outcome: dict[int, list[bool]] = {}
        for row in rows:
            v, m = row.values, row.values["mobile"]
            if m in existing:
                changed = _update(existing[m], v, CUSTOMER_FIELDS)
                if changed:
                    changed_customers[m] = existing[m]
                    customer_fields.update(changed)
                outcome[row.number] = [False, bool(changed)]
            elif m in new_customers:
                outcome[row.number] = [False, False]
            else:
                new_customers[m] = Customer(store=store, mobile=m, **{f: v[f] for f in CUSTOMER_FIELDS if f in v})
                outcome[row.number] = [True, False]
        Customer.objects.bulk_create(new_customers.values())
        if changed_customers:
            Customer.objects.bulk_update(changed_customers.values(), sorted(customer_fields))
        customers = {**existing, **new_customers}

        cars = [row for row in rows if row.values.get("vin")]
        vehicles = {v.vin: v for v in Vehicle.objects.filter(store=store, vin__in={r.values["vin"] for r in cars})}
        new_vehicles, changed_vehicles, vehicle_fields, readings = [], [], set(), []
        for row in cars:
            v = row.values
            owner = customers[v["mobile"]]
            vehicle = vehicles.get(v["vin"])
            if vehicle is None:
                vehicle = Vehicle(store=store, customer=owner, vin=v["vin"], mileage=v.get("mileage") or 0,
                                  **{f: v[f] for f in VEHICLE_FIELDS if f in v and v[f] is not None})
                new_vehicles.append(vehicle)
                outcome[row.number][0] = True
                continue
            changed = _update(vehicle, {**v, "customer_id": owner.pk}, [*VEHICLE_FIELDS, "customer_id"])
            km = v.get("mileage")
            # a new car carries its mileage as a car entered at the desk does; a higher one on a known car is a
            # reading (REC-7: one lower than the last needs a reason, which a file does not give: not imported)
            if km is not None and km > vehicle.mileage:
                readings.append(MileageReading(store=store, vehicle=vehicle, km=km, previous_km=vehicle.mileage,
                                               recorded_by=actor))
                vehicle.mileage = km
                changed.append("mileage")
            if changed:
                changed_vehicles.append(vehicle)
                vehicle_fields.update(changed)
                outcome[row.number][1] = True
        Vehicle.objects.bulk_create(new_vehicles)
        if changed_vehicles:
            Vehicle.objects.bulk_update(changed_vehicles, sorted(vehicle_fields))
        MileageReading.objects.bulk_create(readings)
        for created, changed in outcome.values():
            counts.add(created, changed)


# ---- the catalogue: labour operations and parts -------------------------------------------------------------

class Labour(Kind):
    kind = K.LABOUR
    key = "code"
    model = LabourOperation
    fields = ["name", "trade", "job_type", "standard_hours", "price", "documentation_url", "special_tools", "active"]
    columns = (
        Column("code", "工时代码", "Code", text(20), required=True, example="LB-001"),
        Column("name", "名称", "Name", text(100), required=True, example="更换机油机滤"),
        Column("trade", "工种", "Trade", choice({"mechanical": "机电|机修", "quick": "快修", "body": "车身|钣喷|钣金"},
                                                 dict(Trade.choices)),
               default=Trade.MECHANICAL, example="机电"),
        Column("job_type", "作业类型", "Job type", choice({
            "maintenance": "保养", "brakes": "制动|刹车", "electrical": "电气", "engine": "发动机|发动机及传动",
            "tyres": "轮胎|轮胎轮毂", "body_paint": "钣喷|钣金喷漆", "aircon": "空调", "other": "其他"},
            dict(JobType.choices)), default=JobType.MAINTENANCE, example="保养"),
        Column("standard_hours", "标准工时", "Standard hours", decimal(maximum=Decimal("9999.99")), required=True,
               example="0.5"),
        Column("price", "价格", "Price (yuan)", decimal(), required=True, example="120.00"),
        Column("documentation_url", "维修资料", "Service documentation", text(300), example=""),
        Column("special_tools", "专用工具", "Special tools", text(300), example=""),
        Column("active", "启用", "Active", boolean, default=True, example="是"),
    )

    def write_batch(self, store, units, counts, *, actor):
        for created, changed in catalogue.catalogue_upsert(store=store, model=self.model, actor=actor,
                                                           rows=[unit[0].values for unit in units]):
            counts.add(created, changed)


class Parts(Labour):
    kind = K.PARTS
    key = "number"
    model = Part
    fields = ["name", "unit", "price", "active"]
    columns = (
        Column("number", "配件编号", "Part number", text(30), required=True, example="06L115562"),
        Column("name", "名称", "Name", text(100), required=True, example="机油滤清器"),
        Column("unit", "单位", "Unit", text(10), default="个", example="个"),
        Column("price", "价格", "Price (yuan)", decimal(), required=True, example="68.00"),
        Column("active", "启用", "Active", boolean, default=True, example="是"),
    )


# ---- opening stock --------------------------------------------------------------------------------------------

class Stock(Kind):
    kind = K.STOCK
    key = "number"
    columns = (
        Column("number", "配件编号", "Part number", text(30), required=True, example="06L115562"),
        Column("on_hand", "库存数量", "Quantity in stock", decimal(maximum=Decimal("99999999.99")), required=True,
               example="24"),
    )

    def database_check(self, store, rows, problems):
        known = set(Part.objects.filter(store=store, number__in={r.values["number"] for r in rows})
                    .values_list("number", flat=True))
        for row in rows:
            if row.values["number"] not in known:
                problems.add(row, "number", _("No part with this number: import the parts catalogue first."))

    def write_batch(self, store, units, counts, *, actor):
        rows = [unit[0] for unit in units]
        parts = {p.number: p for p in Part.objects.filter(store=store, number__in={r.values["number"] for r in rows})
                 .only("id", "number", "on_hand")}
        changed = []
        for row in rows:
            part = parts[row.values["number"]]
            moved = part.on_hand != row.values["on_hand"]
            if moved:
                part.on_hand = row.values["on_hand"]
                changed.append(part)
            counts.add(False, moved)
        Part.objects.bulk_update(changed, ["on_hand"])


# ---- service history: past visits, one row per line ----------------------------------------------------------

VISIT_FIELDS = ["visited_on", "mileage", "advisor_name", "summary", "maintenance", "total", "lines",
                "vehicle_id", "customer_id"]
LINE_COLUMNS = ("line_kind", "line_code", "line_description", "quantity", "unit_price", "amount")


class History(Kind):
    kind = K.HISTORY
    key = "old_number"
    columns = (
        Column("old_number", "原工单号", "Old order number", text(40), required=True, example="WO2021-000123"),
        Column("visited_on", "日期", "Date", a_date, required=True, example="2021-06-18"),
        Column("vin", "车架号", "VIN", vin, example="LSVAU218XN2183294"),
        Column("plate", "车牌", "Plate", plate, example="粤A12345"),
        Column("mileage", "里程", "Mileage (km)", integer(), default=None, example=20000),
        Column("advisor_name", "服务顾问", "Service advisor", text(50), example="李娜"),
        Column("summary", "维修内容", "Work done", text(2000), example="首保"),
        Column("maintenance", "保养", "Maintenance", boolean, default=False, example="是"),
        Column("total", "总金额", "Total (yuan)", decimal(), default=None, example="388.00"),
        Column("line_kind", "项目类型", "Line kind", choice({"labour": "工时|工时项目", "part": "配件|材料"},
                                                          {"labour": gettext_lazy("Labour"),
                                                           "part": gettext_lazy("Part")}), example="工时"),
        Column("line_code", "项目代码", "Line code", text(30), example="LB-001"),
        Column("line_description", "项目名称", "Line description", text(200), example="更换机油机滤"),
        Column("quantity", "数量", "Quantity", decimal(), default=None, example="1"),
        Column("unit_price", "单价", "Unit price", decimal(), default=None, example="120.00"),
        Column("amount", "金额", "Amount", decimal(), default=None, example="120.00"),
    )

    def row_check(self, values):
        problems = []
        if not values.get("vin") and not values.get("plate"):
            problems.append(("vin", _("Give the car's VIN or plate.")))
        if any(values.get(k) not in (None, "") for k in LINE_COLUMNS) and not values.get("line_description"):
            problems.append(("line_description", _("A line needs its description.")))
        return problems

    def file_check(self, rows, problems):
        first: dict[str, Row] = {}
        for row in rows:
            head = first.setdefault(row.values["old_number"], row)
            for key in ("visited_on", "vin", "plate"):
                if row.values.get(key) != head.values.get(key):
                    problems.add(row, key, _("Row %(row)d gives this order another value.") % {"row": head.number})

    def database_check(self, store, rows, problems):
        vins = {r.values["vin"] for r in rows if r.values.get("vin")}
        plates = {r.values["plate"] for r in rows if r.values.get("plate") and not r.values.get("vin")}
        cars = Vehicle.objects.filter(store=store).filter(vin__in=vins) | Vehicle.objects.filter(
            store=store, plate__in=plates)
        by_vin, by_plate = {}, {}
        for pk, customer_id, car_vin, car_plate in cars.values_list("pk", "customer_id", "vin", "plate"):
            by_vin[car_vin] = by_plate[car_plate] = (pk, customer_id)
        for row in rows:
            key, found = (("vin", by_vin.get(row.values["vin"])) if row.values.get("vin")
                          else ("plate", by_plate.get(row.values["plate"])))
            if found is None:
                problems.add(row, key, _("No car with this %(what)s: import the customers and their cars first.")
                             % {"what": self.column(key).zh})
            else:
                row.resolved["vehicle_id"], row.resolved["customer_id"] = found

    def spread_errors(self, rows, problems):
        bad = {row.values.get("old_number") for row in rows if problems.bad(row)}
        for row in rows:
            if row.values.get("old_number") in bad and not problems.bad(row):
                problems.add(row, "old_number", _("Another row of this order is refused."))

    def units(self, rows):
        groups: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            groups[row.values["old_number"]].append(row)
        return list(groups.values())

    @staticmethod
    def visit_values(unit: list[Row]) -> dict[str, Any]:
        head = unit[0].values
        lines = []
        for row in unit:
            v = row.values
            if not v.get("line_description"):
                continue
            amount = v.get("amount")
            if amount is None and v.get("quantity") is not None and v.get("unit_price") is not None:
                amount = (v["quantity"] * v["unit_price"]).quantize(Decimal("0.01"))
            lines.append({"kind": v.get("line_kind") or "", "code": v.get("line_code", ""),
                          "description": v["line_description"],
                          "quantity": str(v["quantity"]) if v.get("quantity") is not None else "",
                          "unit_price": str(v["unit_price"]) if v.get("unit_price") is not None else "",
                          "amount": str(amount) if amount is not None else ""})
        total = head.get("total")
        if total is None:
            total = sum((Decimal(line["amount"]) for line in lines if line["amount"]), Decimal("0.00"))
        return {"visited_on": head["visited_on"], "mileage": head.get("mileage"),
                "advisor_name": head.get("advisor_name", ""), "summary": head.get("summary", ""),
                "maintenance": bool(head.get("maintenance")), "total": total, "lines": lines,
                **unit[0].resolved}

    def write_batch(self, store, units, counts, *, actor):
        existing = {p.old_number: p for p in PastVisit.objects.filter(
            store=store, old_number__in={unit[0].values["old_number"] for unit in units})}
        new, changed, fields = [], [], set()
        for unit in units:
            number, values = unit[0].values["old_number"], self.visit_values(unit)
            visit = existing.get(number)
            if visit is None:
                new.append(PastVisit(store=store, old_number=number, **values))
                counts.add(True, False)
                continue
            names = _update(visit, values, VISIT_FIELDS)
            if names:
                changed.append(visit)
                fields.update(names)
            counts.add(False, bool(names))
        PastVisit.objects.bulk_create(new)
        if changed:
            PastVisit.objects.bulk_update(changed, sorted(fields))


KINDS: dict[str, Kind] = {k.kind: k for k in (Customers(), Labour(), Parts(), Stock(), History())}


def register_kind(kind: Kind) -> None:
    """A layer above the core takes over a kind (in its place in the list): parts supply writes the opening stock
    through its ledger (issue 19), which the core cannot import."""
    KINDS[kind.kind] = kind
