"""A dealer group at scale for the benchmark (issue: performance): stores,
staff, customers, cars, and work orders over five years in every status
with their lines, timeline, appointments, jobs, parts, QC, statements,
payments, gate passes, follow-ups and complaints; then the compliance job
(issue 21) counts every month it seeded, so the compliance page reads real
counts.

Rows are generated as plain tuples and written with PostgreSQL `COPY`
(bulk_create in batches on SQLite), with explicit ids so the foreign keys
line up without reading anything back. Orders are written in chunks, so
memory stays flat whatever N is."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, connections, models, transaction
from django.utils import timezone

from appointments.models import Appointment
from dealership.models import (
    Customer,
    DealerGroup,
    LabourOperation,
    Part,
    Role,
    StaffRole,
    StaffTask,
    Store,
    Trade,
    User,
    Vehicle,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderLine,
)
from followup.compliance import compliance_count, next_month, task_key
from followup.models import Complaint, FollowUpCall, FollowUpTask
from inspection.models import Handover, Inspection
from settlement.models import Delivery, GatePass, Payment, Statement
from supply.models import StockMove
from workshop.models import Job, Requisition

from .data import PASSWORD

S = WorkOrder.Status
ORDERS_PER_STORE = 40_000  # five years of a busy store
CHUNK = 20_000
OPEN_PER_STORE = 60  # a busy store has two or three days of work open at once
YEARS = 5
STAFF = {Role.SERVICE_ADVISOR: 6, Role.TECHNICIAN: 12, Role.FOREMAN: 1, Role.PARTS_CLERK: 2, Role.QC_INSPECTOR: 2,
         Role.CASHIER: 2, Role.FOLLOWUP_AGENT: 2, Role.APPOINTMENT_AGENT: 2, Role.GATE_GUARD: 1,
         Role.AFTERSALES_MANAGER: 1}
# the last few days hold the open work in every status; older orders are closed (or cancelled)
ACTIVE = [S.DRAFT, S.SIGNED, S.IN_REPAIR, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED, S.READY, S.SETTLED,
          S.DELIVERED, S.DELIVERED, S.CLOSED]
PATH = [S.DRAFT, S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_PASSED, S.READY, S.SETTLED, S.DELIVERED, S.CLOSED]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英"]
CARS = [("大众", "迈腾"), ("大众", "帕萨特"), ("丰田", "凯美瑞"), ("本田", "雅阁"), ("日产", "天籁"), ("别克", "君威"),
        ("比亚迪", "汉"), ("特斯拉", "Model 3"), ("奥迪", "A4L"), ("宝马", "3系")]
WORDS = ["刹车有异响", "保养到期", "空调不制冷", "发动机故障灯亮", "方向盘抖动", "更换轮胎", "车身刮擦", "电瓶没电"]
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_ORDER_MODELS = (WorkOrder, WorkOrderLine, WorkOrderEvent, Appointment, Job, Requisition, StockMove, Inspection, Handover,
                 Statement, Payment, GatePass, Delivery, FollowUpTask, FollowUpCall, Complaint)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A value as COPY's text format reads it. The common types first: it runs for every column of
    about 18 million rows (issue 22: it was a fifth of the seeding's Python time)."""
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    if kind is int or kind is Decimal:
        return str(value)
    if value is None:
        return r"\N"
    if kind is datetime:
        return value.isoformat()
    if kind is bool:
        return "t" if value else "f"
    if kind is dict:
        return _text(json.dumps(value, ensure_ascii=False))
    return _text(str(value))


class Writer:
    """Rows for one table: every concrete column, in order, with the model's defaults filled in."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            if f.has_default():
                default = f.get_default()
                self.defaults[f.attname] = default
            elif f.null:
                self.defaults[f.attname] = None
            else:
                self.defaults[f.attname] = ""
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, **values) -> None:
        d = self.defaults
        self.rows.append(tuple(values[f.attname] if f.attname in values else d[f.attname] for f in self.fields))

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            buffer.writelines("\t".join(map(_text, row)) + "\n" for row in self.rows)
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f'COPY "{self.model._meta.db_table}" ({", ".join(chr(34) + c + chr(34) for c in self.columns)}) '
                    "FROM STDIN", buffer)
        else:
            names = [f.attname for f in self.fields]
            self.model.objects.bulk_create([self.model(**dict(zip(names, row))) for row in self.rows],
                                           batch_size=500)
        self.count += len(self.rows)
        self.rows = []


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"GREATEST((SELECT MAX(id) FROM \"{table}\"), 1))")


def seed_scale(*, orders: int, seed: int = 7, log=print, workers: int | None = None, years: int = YEARS,
               stores: int | None = None) -> dict:
    """`seed` is kept for the command line; the data is the same for every seed (a function of N). `stores`: the
    group's size (default: a busy store's five years, ORDERS_PER_STORE, each)."""
    started = time.perf_counter()
    now = timezone.now()
    n_stores = stores or max(2, round(orders / ORDERS_PER_STORE))
    group = DealerGroup.objects.create(name=f"规模测试集团{now:%m%d%H%M%S}")
    suffix = f"{now:%H%M%S}"
    stores, staff, catalogue = [], {}, {}
    password = make_password(PASSWORD)
    with transaction.atomic():
        for s in range(n_stores):
            store = Store.objects.create(group=group, code=f"Z{suffix[-3:]}{s:03d}"[:10], name=f"规模{s + 1}号店")
            stores.append(store)
            people: dict[str, list[User]] = {}
            for role, count in STAFF.items():
                for k in range(count):
                    user = User(username=f"z{store.pk}-{role[:6]}-{k}", password=password, store=store,
                                display_name=f"{SURNAMES[k % len(SURNAMES)]}{GIVEN[(k + s) % len(GIVEN)]}",
                                trade=Trade.MECHANICAL if role == Role.TECHNICIAN else "")
                    user.save()
                    StaffRole.objects.create(user=user, role=role)
                    people.setdefault(role, []).append(user)
            staff[store.pk] = people
            ops = [LabourOperation.objects.create(store=store, code=f"L{k:03d}", name=f"{WORDS[k % len(WORDS)]}处理",
                                                  standard_hours=Decimal("1.0") + k % 3, price=Decimal(180 + 40 * k))
                   for k in range(20)]
            parts = [Part.objects.create(store=store, number=f"P{k:05d}", name=f"配件{k}", price=Decimal(50 + 30 * k),
                                         on_hand=Decimal("100000")) for k in range(30)]
            catalogue[store.pk] = (ops, parts)
    log(f"stores and staff: {n_stores} stores in {time.perf_counter() - started:.1f} s")

    W = {m: Writer(m) for m in (Customer, Vehicle, *_ORDER_MODELS)}
    ids = {m: next_id(m) for m in W}
    span = timedelta(days=365 * years)
    active_from = orders - min(orders // 10, OPEN_PER_STORE * n_stores)  # the open work of the last days
    customers = max(1, orders // 2)
    zone = timezone.get_current_timezone()

    cust_base, veh_base = ids[Customer], ids[Vehicle]
    with _bulk_transaction():
        for c in range(customers):
            store = stores[c % n_stores]
            make, model_ = CARS[c % len(CARS)]
            created = now - span + timedelta(seconds=c * span.total_seconds() / customers)
            W[Customer].add(id=cust_base + c, store_id=store.pk, name=SURNAMES[c % 20] + GIVEN[c % len(GIVEN)],
                            title="mr" if c % 2 else "ms", mobile=f"13{c:09d}"[:11], created_at=created,
                            consent_to_messages=c % 3 != 0)
            W[Vehicle].add(id=veh_base + c, store_id=store.pk, customer_id=cust_base + c,
                           plate=f"粤{LETTERS[(c // 100000) % 24]}{LETTERS[(c // 2400000) % 24]}{c % 100000:05d}",
                           vin=f"LZ{c:015d}"[:17], make=make, model=model_, year=2015 + c % 10, colour="白",
                           mileage=10000 + (c * 37) % 150000, created_at=created)
            if len(W[Customer].rows) >= CHUNK:
                W[Customer].flush()
                W[Vehicle].flush()
        W[Customer].flush()
        W[Vehicle].flush()
        ids[Customer] = cust_base + customers
        ids[Vehicle] = veh_base + customers
    log(f"customers and cars: {customers} in {time.perf_counter() - started:.1f} s")

    plan = _Plan(orders=orders, active_from=active_from, now=now, span=span, stores=stores, staff=staff,
                 catalogue=catalogue, ids=dict(ids), cust_base=cust_base, veh_base=veh_base, customers=customers,
                 zone=zone, started=started, log=log)
    workers = workers or (min(2, os.cpu_count() or 1) if connection.vendor == "postgresql" else 1)
    counts = _in_processes(_seed_chunks, plan, workers)
    reset_sequences(list(W))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    for label, n in (("dealership.Customer", customers), ("dealership.Vehicle", customers)):
        counts[label] = n
    log(f"rows written in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    compliance = compliance_months(store_ids=[s.pk for s in stores],
                                   months=months_from(timezone.localtime(now - span).date(), now), now=now, log=log,
                                   workers=workers)
    elapsed = time.perf_counter() - started
    log(f"done in {elapsed:.1f} s")
    return {"seconds": round(elapsed, 1), "stores": n_stores, "rows": counts, "group": group.pk,
            "compliance": compliance}


ROWS_PER_ORDER = 12  # an upper bound of any table's rows for one order (a timeline has at most 10 events)


@dataclass
class _Plan:
    orders: int
    active_from: int
    now: datetime
    span: timedelta
    stores: list
    staff: dict
    catalogue: dict
    ids: dict
    cust_base: int
    veh_base: int
    customers: int
    zone: object
    started: float
    log: object


_PLAN = None  # what a forked worker reads: set before the fork, so nothing is pickled


def _in_processes(function, plan, workers: int) -> dict:
    """function(worker, workers) in `workers` forked processes (one on SQLite, or with one worker: here),
    each on its own connection; the counts they return are added up. Issue 22: generating rows (Python)
    and writing them (PostgreSQL) each take about half the time, so two processes keep both cores busy."""
    global _PLAN
    _PLAN = plan
    if workers <= 1:
        return function(0, 1)
    connections.close_all()  # the children must not share the parent's socket
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.starmap(function, [(k, workers) for k in range(workers)])
    total: dict = {}
    for result in results:
        for key, n in result.items():
            total[key] = total[key] + n if key in total else n
    return total


@contextmanager
def _bulk_transaction():
    """One chunk's transaction. On PostgreSQL as a superuser the foreign-key triggers are skipped for it
    (as pg_restore --disable-triggers does): the ids are made to line up, and checking 18 million rows'
    references one by one was a third of the seeding. tests/test_bench_seed.py checks every reference
    of a seeded database. Without the right to skip them the checks simply run."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:
                pass
        yield


def _seed_chunks(worker: int, workers: int) -> dict:
    """Chunks worker, worker + workers, … of the orders. A chunk's ids are its own range of each table
    (chunk × CHUNK × ROWS_PER_ORDER on from the table's first free id), so the rows are the same
    whichever process writes them, and no id is read back."""
    p = _PLAN
    counts: dict = {}
    try:
        for chunk in range(worker, -(-p.orders // CHUNK), workers):
            start = chunk * CHUNK
            W = {m: Writer(m) for m in _ORDER_MODELS}
            ids = {m: p.ids[m] + chunk * CHUNK * ROWS_PER_ORDER for m in W}

            def new_id(model, ids=ids) -> int:
                value = ids[model]
                ids[model] += 1
                return value

            with _bulk_transaction():
                for i in range(start, min(p.orders, start + CHUNK)):
                    _order(i, p.orders, p.active_from, p.now, p.span, p.stores, p.staff, p.catalogue, W, new_id,
                           p.cust_base, p.veh_base, p.customers, p.zone)
                for writer in W.values():
                    writer.flush()
            for m, writer in W.items():
                counts[m._meta.label] = counts.get(m._meta.label, 0) + writer.count
            p.log(f"orders: {min(p.orders, start + CHUNK)} of {p.orders} in {time.perf_counter() - p.started:.1f} s")
    finally:
        if workers > 1:
            connections.close_all()
    return counts


def _count_months(worker: int, workers: int) -> dict:
    store_ids, months, now, trigger = _PLAN
    seconds, rows = [], 0
    try:
        for month in months[worker::workers]:
            started = time.perf_counter()
            rows += compliance_count(month=month, store_ids=store_ids, trigger=trigger, now=now).rows
            seconds.append(time.perf_counter() - started)
    finally:
        if workers > 1:
            connections.close_all()
    return {"seconds": seconds, "rows": rows}


def months_from(first: date, now: datetime) -> list[date]:
    """Every month from the one holding `first` to this one."""
    months, month, last = [], first.replace(day=1), timezone.localtime(now).date().replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def compliance_months(*, store_ids: list[int], months: list[date], now: datetime | None = None,
                      trigger: str = "seed", log=print, workers: int = 1) -> dict:
    """Issue 21: the compliance job counts each month of these stores, timed (with workers > 1 the months
    are shared among that many processes). The threshold tasks it gives the managers for the months
    before this one are closed, as their managers would have closed them then (the hourly job only ever
    counts this month and the one before): otherwise five years of open tasks would weigh on the desk
    pages the bench measures."""
    now = now or timezone.now()
    started = time.perf_counter()
    counted = _in_processes(_count_months, (store_ids, months, now, trigger), workers)
    seconds, rows = counted.get("seconds", []), counted.get("rows", 0)
    total = time.perf_counter() - started
    this_month = timezone.localtime(now).date().replace(day=1)
    past = [task_key(m, "") for m in months if m < this_month]
    closed = 0
    for prefix in past:
        closed += StaffTask.objects.filter(store_id__in=store_ids, key__startswith=prefix,
                                           done_at__isnull=True).update(done_at=now)
    ordered = sorted(seconds)
    report = {"months": len(months), "stores": len(store_ids), "rows": rows, "seconds": round(total, 1),
              "median_month_s": round(ordered[len(ordered) // 2], 2) if ordered else None,
              "slowest_month_s": round(ordered[-1], 2) if ordered else None, "past_tasks_closed": closed}
    log(f"compliance counts: {len(months)} months of {len(store_ids)} stores in {total:.1f} s (a month: median "
        f"{report['median_month_s']} s, slowest {report['slowest_month_s']} s), {rows} rows; "
        f"{closed} threshold tasks of past months closed")
    return report


def _order(i, orders, active_from, now, span, stores, staff, catalogue, W, new_id, cust_base, veh_base,
           customers, zone) -> None:
    store = stores[i % len(stores)]
    people = staff[store.pk]
    ops, parts = catalogue[store.pk]
    c = (i // 2) % customers
    # customers belong to one store: keep the car's store (c % stores) aligned with the order's
    c = c - (c % len(stores)) + (i % len(stores))
    if c >= customers:
        c = i % len(stores)
    customer_id, vehicle_id = cust_base + c, veh_base + c
    active = i >= active_from
    if active:
        status = ACTIVE[i % len(ACTIVE)]
        created = now - timedelta(hours=(orders - i) * 48 / max(1, orders - active_from))
    else:
        status = S.CANCELLED if i % 33 == 0 else S.CLOSED
        created = now - span + timedelta(seconds=i * (span.total_seconds() - 3 * 86400) / max(1, active_from))
    advisor = people[Role.SERVICE_ADVISOR][i % len(people[Role.SERVICE_ADVISOR])]
    tech = people[Role.TECHNICIAN][i % len(people[Role.TECHNICIAN])]
    order_id = new_id(WorkOrder)
    op_a, op_b, part = ops[i % 20], ops[(i * 7) % 20], parts[i % 30]
    qty = Decimal(1 + i % 2)
    labour = op_a.price + op_b.price
    parts_total = part.price * qty
    reached = PATH.index(status) if status in PATH else (1 if status == S.CANCELLED else PATH.index(S.REPAIR_DONE))
    signed = status != S.DRAFT and status != S.CANCELLED
    promised = created + timedelta(hours=4 + i % 5)
    appointment = i % 5 < 2
    W[WorkOrder].add(id=order_id, store_id=store.pk, number=f"{store.code}-{created:%y}{i:07d}",
                     origin="appointment" if appointment else "walk_in", customer_id=customer_id,
                     vehicle_id=vehicle_id, advisor_id=advisor.pk, status=status,
                     customer_words=WORDS[i % len(WORDS)], diagnosis="检查确认", mileage_in=10000 + i % 150000,
                     promised_at=promised, customer_signed_name="客户" if signed else "",
                     customer_signed_at=created + timedelta(minutes=12) if signed else None,
                     advisor_signed_at=created + timedelta(minutes=12) if signed else None,
                     labour_total=labour, parts_total=parts_total, total=labour + parts_total,
                     cancel_reason="客户临时有事" if status == S.CANCELLED else "", created_at=created, updated_at=created)
    line_ids = []
    for kind, op, prt in (("labour", op_a, None), ("part", None, part), ("labour", op_b, None)):
        line_id = new_id(WorkOrderLine)
        line_ids.append(line_id)
        price = op.price if op else prt.price
        quantity = qty if prt else Decimal(1)
        W[WorkOrderLine].add(id=line_id, store_id=store.pk, work_order_id=order_id, kind=kind,
                             labour_operation_id=op.pk if op else None, part_id=prt.pk if prt else None,
                             code=op.code if op else prt.number, description=op.name if op else prt.name,
                             quantity=quantity, unit_price=price, hours=op.standard_hours if op else Decimal(0),
                             amount=price * quantity, source="reception", created_by_id=advisor.pk, created_at=created)
    moves = [(S.DRAFT, "", created)]
    if signed or status == S.CANCELLED:
        steps = PATH[1:reached + 1] if status != S.CANCELLED else [S.CANCELLED]
        for n, step in enumerate(steps):
            moves.append((step, moves[-1][0], created + timedelta(minutes=15 + 40 * n)))
    if status == S.QC_FAILED:
        moves.append((S.QC_FAILED, S.REPAIR_DONE, created + timedelta(minutes=200)))
    # keep the timeline short for the old ones: created, signed and the last move
    if len(moves) > 3 and not active:
        moves = [moves[0], moves[1], moves[-1]]
    for to, frm, at in moves:
        W[WorkOrderEvent].add(id=new_id(WorkOrderEvent), store_id=store.pk, work_order_id=order_id, kind="status",
                              from_status=frm, to_status=to, actor_id=advisor.pk, at=at, params={})
    if appointment:
        W[Appointment].add(id=new_id(Appointment), store_id=store.pk, customer_id=customer_id, vehicle_id=vehicle_id,
                           advisor_id=advisor.pk, work_order_id=order_id, starts_at=created,
                           customer_words=WORDS[i % len(WORDS)], status="arrived" if signed or not active else "booked",
                           arrived_at=created - timedelta(minutes=3) if signed else None,
                           ready_at_arrival=True if signed else None, created_by_id=advisor.pk,
                           created_at=created - timedelta(days=2))
    if status in (S.DRAFT, S.SIGNED, S.CANCELLED):
        return
    done_at = created + timedelta(minutes=120)
    job_done = reached >= PATH.index(S.REPAIR_DONE) or status == S.QC_FAILED
    for line_id, op in ((line_ids[0], op_a), (line_ids[2], op_b)):
        W[Job].add(id=new_id(Job), store_id=store.pk, work_order_id=order_id, line_id=line_id, description=op.name,
                   standard_hours=op.standard_hours, status="done" if job_done else "running", technician_id=tech.pk,
                   bay="1号工位", assigned_by_id=people[Role.FOREMAN][0].pk, assigned_at=created + timedelta(minutes=20),
                   started_at=created + timedelta(minutes=25), finished_at=done_at if job_done else None,
                   self_checked=job_done, signed_at=done_at if job_done else None, created_at=created)
    clerk = people[Role.PARTS_CLERK][0]
    req_id = new_id(Requisition)
    W[Requisition].add(id=req_id, store_id=store.pk, work_order_id=order_id, line_id=line_ids[1], part_id=part.pk,
                       quantity=qty, status="issued", requested_by_id=tech.pk, requested_at=created + timedelta(minutes=30),
                       issued_by_id=clerk.pk, issued_at=created + timedelta(minutes=35))
    W[StockMove].add(id=new_id(StockMove), store_id=store.pk, part_id=part.pk, quantity=-qty, kind="issue",
                     work_order_id=order_id, line_id=line_ids[1], requisition_id=req_id, by_id=clerk.pk,
                     at=created + timedelta(minutes=35))
    if not job_done:
        return
    inspector = people[Role.QC_INSPECTOR][i % 2]
    if status == S.QC_FAILED or (status not in (S.REPAIR_DONE,) and i % 11 == 0):
        W[Inspection].add(id=new_id(Inspection), store_id=store.pk, work_order_id=order_id, inspector_id=inspector.pk,
                          round=1, passed=False, notes="紧固不合格,返工", at=done_at + timedelta(minutes=10))
    if reached < PATH.index(S.QC_PASSED):
        return
    W[Inspection].add(id=new_id(Inspection), store_id=store.pk, work_order_id=order_id, inspector_id=inspector.pk,
                      round=2 if i % 11 == 0 else 1, passed=True, summary="检验合格", at=done_at + timedelta(minutes=30))
    W[Handover].add(id=new_id(Handover), store_id=store.pk, work_order_id=order_id, cleaned_by="洗车组",
                    cleaned_at=done_at + timedelta(minutes=40), parked_at=done_at + timedelta(minutes=45),
                    acknowledged_by_id=advisor.pk if reached >= PATH.index(S.READY) else None,
                    acknowledged_at=done_at + timedelta(minutes=50) if reached >= PATH.index(S.READY) else None)
    if reached < PATH.index(S.READY):
        return
    total = labour + parts_total
    cashier = people[Role.CASHIER][0]
    W[Statement].add(id=new_id(Statement), store_id=store.pk, work_order_id=order_id, number=f"{store.code}-J{i:08d}",
                     labour=labour, parts=parts_total, total=total, vat_rate_percent=Decimal("13.00"),
                     vat=(total * Decimal("13") / Decimal("113")).quantize(Decimal("0.01")), quoted=total,
                     issued_by_id=advisor.pk, issued_at=done_at + timedelta(minutes=55))
    if reached < PATH.index(S.SETTLED):
        return
    W[Payment].add(id=new_id(Payment), store_id=store.pk, work_order_id=order_id, amount=total,
                   method=["wechat", "alipay", "card", "cash"][i % 4], receipt_number=f"{store.code}-R{i:08d}",
                   received_by_id=cashier.pk, received_at=done_at + timedelta(minutes=60))
    if reached < PATH.index(S.DELIVERED):
        return
    delivered = done_at + timedelta(minutes=70)
    W[Delivery].add(id=new_id(Delivery), store_id=store.pk, work_order_id=order_id, work_explained=True,
                    invoice_explained=True, old_parts_shown=True, further_work_explained=True, car_checked=True,
                    covers_removed=True, delivered_by_id=advisor.pk, done_at=delivered, updated_at=delivered)
    W[GatePass].add(id=new_id(GatePass), store_id=store.pk, work_order_id=order_id, number=f"{store.code}-G{i:08d}",
                    issued_by_id=cashier.pk, issued_at=delivered, used_at=delivered + timedelta(minutes=5),
                    used_by_id=people[Role.GATE_GUARD][0].pk)
    task_id = new_id(FollowUpTask)
    closed = status == S.CLOSED
    W[FollowUpTask].add(id=task_id, store_id=store.pk, work_order_id=order_id, due_from=delivered + timedelta(days=2),
                        due_by=delivered + timedelta(days=7), status="done" if closed else "open",
                        attempts=1 if closed else 0, created_at=delivered + timedelta(minutes=1),
                        done_at=delivered + timedelta(days=3) if closed else None)
    if not closed:
        return
    score = 5 if i % 7 else (2 if i % 50 == 0 else 4)
    call_id = new_id(FollowUpCall)
    W[FollowUpCall].add(id=call_id, store_id=store.pk, task_id=task_id,
                        agent_id=people[Role.FOLLOWUP_AGENT][i % 2].pk, channel="phone", reached=True,
                        satisfaction=score, booking=5, reception=score, quality=score, on_time=4 if i % 3 else 5,
                        price=5, cleanliness=4, delivery=5, customer_words="服务不错" if score > 3 else "交车晚了",
                        complaint=score <= 2, at=delivered + timedelta(days=3))
    if score <= 2:
        W[Complaint].add(id=new_id(Complaint), store_id=store.pk, work_order_id=order_id, call_id=call_id,
                         description="交车晚了,没有提前通知", stage="repair", category="time", department="workshop",
                         owner_id=people[Role.FOREMAN][0].pk, due_at=delivered + timedelta(days=6),
                         status="closed", handling="已致歉", callback_result="接受", satisfied_after=True,
                         created_at=delivered + timedelta(days=3), closed_at=delivered + timedelta(days=5))


def dangling_references(models_: Iterable[type[models.Model]] = (Customer, Vehicle, *_ORDER_MODELS)) -> dict[str, int]:
    """Rows whose foreign key names a row that is not there, by "table.column" (only those that have
    any): the seeding skips PostgreSQL's checks, this is the check."""
    found = {}
    with connection.cursor() as cursor:
        for model in models_:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                table, parent = model._meta.db_table, field.related_model._meta.db_table
                key = field.target_field.column
                cursor.execute(f'SELECT COUNT(*) FROM "{table}" c LEFT JOIN "{parent}" p ON p."{key}" = c."{field.column}" '
                               f'WHERE c."{field.column}" IS NOT NULL AND p."{key}" IS NULL')
                if n := cursor.fetchone()[0]:
                    found[f"{table}.{field.column}"] = n
    return found
