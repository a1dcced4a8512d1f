"""Issue 23: a dealer group seeded at scale (`seed_scale --stores 500`), measured with a primary and a streaming
replica (DATABASE_REPLICA_URL): the managers' pages on the replica and on the primary, the desk pages, the write
cost of an order from reception to delivery (the primary's share of it, and the WAL the replica replays), and the
sweeps split by store on one and on three real Celery workers. `manage.py scale_measure` prints what it measured
in this run (docs/scaling.md, "Measured at 500 stores")."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from dealership import celery_app
from dealership.models import (
    OutboundMessage,
    Role,
    StaffRole,
    Store,
    SweepStore,
    User,
    Vehicle,
    WorkOrder,
    WorkOrderLine,
)
from dealership.replicas import replicas
from dealership.services import work_order_add_line, work_order_create

from .builder import drive

SPLIT_SWEEPS = ("appointments.tasks.sweep_confirmations", "appointments.tasks.sweep_no_shows",
                "appointments.tasks.sweep_offers", "followup.tasks.sweep_followup_tasks",
                "followup.tasks.sweep_complaints", "followup.tasks.sweep_reminders")


def _ms(values: list[float]) -> dict:
    values = sorted(values)
    return {"p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[min(len(values) - 1, int(len(values) * 0.95))], 1)}


def _sizes() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        tables = {}
        for table in ("dealership_workorder", "dealership_workorderevent", "dealership_workorderline",
                      "dealership_outboundmessage", "supply_stockmove", "dealership_customer"):
            cursor.execute("SELECT pg_total_relation_size(%s), (SELECT reltuples::bigint FROM pg_class "
                           "WHERE oid = %s::regclass)", [table, table])
            size, rows = cursor.fetchone()
            tables[table] = {"rows": rows, "mb": round(size / 2**20)}
    return {"stores": Store.objects.count(), "work_orders": WorkOrder.objects.count(),
            "database_gb": round(total / 2**30, 1), "tables": tables}


class LagSampler:
    """The replica's lag as the primary sees it (pg_stat_replication), sampled every half second meanwhile."""

    def __init__(self):
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COALESCE(MAX(EXTRACT(EPOCH FROM replay_lag)), 0), "
                                   "COALESCE(MAX(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0) "
                                   "FROM pg_stat_replication")
                    seconds, behind = cursor.fetchone()
                self.samples.append((float(seconds), int(behind)))
                self._stop.wait(0.5)
        finally:
            connection.close()

    def __enter__(self) -> LagSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def summary(self) -> dict:
        if not self.samples:
            return {}
        return {"samples": len(self.samples), "max_replay_lag_s": round(max(s for s, _ in self.samples), 3),
                "max_bytes_behind": max(b for _, b in self.samples)}


def _group_manager(store: Store) -> User:
    user = User.objects.filter(group=store.group, store__isnull=True, staff_roles__role=Role.GROUP_MANAGER).first()
    if user is None:
        user = User.objects.create(username=f"group-{store.group_id}", group=store.group, store=None,
                                   display_name="集团经理")
        StaffRole.objects.create(user=user, role=Role.GROUP_MANAGER)
    return user


def _person(store: Store, role: str) -> User:
    return User.objects.filter(store=store, staff_roles__role=role).order_by("id").first()


def measure_pages(store: Store, *, requests: int, log=print) -> list[dict]:
    """Each page `requests` times in this process (after one to warm up), with the replica allowed and with it
    refused (REPLICA_MAX_LAG_SECONDS below zero: every page reads the primary); the queries each database
    served on one request of each."""
    group = _group_manager(store)
    order = WorkOrder.objects.filter(store=store).order_by("-id").first()
    month = timezone.localdate().strftime("%Y-%m")
    pages = [
        ("group dashboard", group, reverse("followup:overview") + f"?month={month}&fresh=1"),
        ("group compliance", group, reverse("followup:compliance") + f"?month={month}"),
        ("group compliance cases", group, reverse("followup:compliance_cases", args=["FU-X8"])),
        ("group reception figures", group, reverse("reception:figures")),
        ("group appointment figures", group, reverse("appointments:figures")),
        ("store dashboard", _person(store, Role.AFTERSALES_MANAGER), reverse("followup:overview") + "?fresh=1"),
        ("advisor desk", _person(store, Role.SERVICE_ADVISOR), reverse("reception:desk")),
        ("arrivals board", _person(store, Role.APPOINTMENT_AGENT), reverse("appointments:arrivals")),
        ("workshop board", _person(store, Role.FOREMAN), reverse("workshop:board")),
        ("work order detail", _person(store, Role.SERVICE_ADVISOR), reverse("dealership:order", args=[order.pk])),
    ]
    rows = []
    for name, user, url in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        row = {"page": name, "url": url}
        for mode, lag in (("replica", settings.REPLICA_MAX_LAG_SECONDS), ("primary", -1.0)):
            with override_settings(REPLICA_MAX_LAG_SECONDS=lag, DEBUG=False, ALLOWED_HOSTS=["127.0.0.1"]):
                assert client.get(url).status_code == 200, (name, url)
                with CaptureQueriesContext(connection) as on_primary, \
                        CaptureQueriesContext(connections["replica1"]) as on_replica:
                    client.get(url)
                # read now: the next requests empty the connection's query log as they start
                counted = {"queries_primary": len(on_primary.captured_queries),
                           "queries_replica": len(on_replica.captured_queries)}
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
            row[mode] = {**_ms(times), **counted}
        rows.append(row)
        log(f"{name:26} replica: p50 {row['replica']['p50_ms']:7.1f} ms ({row['replica']['queries_replica']} "
            f"queries there, {row['replica']['queries_primary']} on the primary)   primary only: p50 "
            f"{row['primary']['p50_ms']:7.1f} ms")
    return rows


@contextmanager
def _timed_queries():
    """The time this process spent waiting for PostgreSQL's answers, and how many statements."""
    spent = {"seconds": 0.0, "statements": 0}

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["seconds"] += time.perf_counter() - started
            spent["statements"] += 1

    with connection.execute_wrapper(wrapper):
        yield spent


def _wal() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
        return cursor.fetchone()[0]


def measure_orders(stores: list[Store], *, log=print) -> dict:
    """One order per store given, from reception to delivery through the services (as the staff's requests do):
    the wall time, the time spent in PostgreSQL, the statements and the WAL written, per order."""
    started, wal_before = time.perf_counter(), _wal()
    with _timed_queries() as spent:
        for store in stores:
            vehicle = Vehicle.objects.filter(store=store).order_by("-id").first()
            advisor = _person(store, Role.SERVICE_ADVISOR)
            order = work_order_create(store=store, customer=vehicle.customer, vehicle=vehicle, advisor=advisor,
                                      actor=advisor, customer_words="保养", diagnosis="按保养手册做常规保养")
            labour = store_labour(store)
            work_order_add_line(work_order=order, actor=advisor, labour_operation=labour,
                                source=WorkOrderLine.Source.RECEPTION)
            drive(order, WorkOrder.Status.DELIVERED)
    wall = time.perf_counter() - started
    n = len(stores)
    report = {"orders": n, "wall_ms_per_order": round(wall * 1000 / n, 1),
              "database_ms_per_order": round(spent["seconds"] * 1000 / n, 1),
              "statements_per_order": round(spent["statements"] / n), "wal_kb_per_order": round(
                  (_wal() - wal_before) / 1024 / n, 1)}
    log(f"orders, reception to delivery: {report}")
    return report


def store_labour(store: Store):
    from dealership.models import LabourOperation

    return LabourOperation.objects.filter(store=store).order_by("id").first()


def _start_workers(count: int, queue: str, logs: list[Path], env: dict) -> list[subprocess.Popen]:
    return [subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dealership", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"m{n}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        for n, log in enumerate(logs)]


def _succeeded(logs: list[Path]) -> int:
    return sum(log.read_text().count("succeeded in") for log in logs)


def measure_sweeps(*, workers: int, reminders: int, log=print) -> dict:
    """`reminders` service reminders falling due across every store, swept by `workers` real Celery workers on
    the broker (Redis), in pieces of SWEEP_STORES_PER_TASK stores: the time until every message is sent; then one
    round of the six split sweeps with nothing due (the cost of a beat minute at this size)."""
    today = timezone.localdate()
    stores = Store.objects.count()
    per_store = max(1, reminders // stores)
    picked = []
    for store_id in Store.objects.order_by("id").values_list("pk", flat=True):
        picked += list(Vehicle.objects.filter(store_id=store_id, next_service_on__isnull=True,
                                              customer__consent_to_messages=True)
                       .order_by("id").values_list("pk", flat=True)[:per_store])
    Vehicle.objects.filter(pk__in=picked).update(next_service_on=today + timedelta(days=5))
    # a round of its own: an earlier measurement within the hour (the reminders' period) took this one
    SweepStore.objects.filter(sweep="followup.tasks.sweep_reminders").update(last_round=0)
    expected = len(picked)
    queue = f"measure-{uuid.uuid4().hex[:8]}"
    folder = Path(tempfile.mkdtemp(prefix="scale-sweeps-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dealership.settings", "CELERY_TASK_DEFAULT_QUEUE": queue,
           "NOTIFICATION_BACKEND": "dealership.notify.FileBackend", "NOTIFICATION_FILE_DIR": str(folder / "sent"),
           "DATABASE_REPLICA_URL": ""}
    logs = [folder / f"worker{n}.log" for n in range(workers)]
    processes = _start_workers(workers, queue, logs, env)
    since = timezone.now()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not all("ready." in p.read_text() for p in logs):
            time.sleep(0.2)
        sent = OutboundMessage.objects.filter(purpose="reminder", created_at__gte=since)
        started = time.perf_counter()
        celery_app.send_task("followup.tasks.sweep_reminders", queue=f"{queue}.sweeps")
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            done = sent.filter(status=OutboundMessage.Status.SENT).count()
            if done >= expected:
                break
            time.sleep(0.5)
        due_s = time.perf_counter() - started
        twice = sent.values("key").annotate(n=Count("id")).filter(n__gt=1).count()
        # a beat minute with nothing due: the six split sweeps' rounds, every piece
        before = _succeeded(logs)
        pieces = -(-stores // settings.SWEEP_STORES_PER_TASK)
        started = time.perf_counter()
        for name in SPLIT_SWEEPS:
            celery_app.send_task(name, queue=f"{queue}.sweeps")
        expect = before + len(SPLIT_SWEEPS) * (1 + (pieces if pieces > 1 else 0))
        while time.monotonic() < deadline and _succeeded(logs) < expect:
            time.sleep(0.2)
        idle_s = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    report = {"workers": workers, "stores": stores, "reminders_due": expected, "seconds_until_all_sent": round(due_s, 1),
              "sent": sent.filter(status=OutboundMessage.Status.SENT).count(), "sent_twice": twice,
              "idle_round_seconds": round(idle_s, 1), "pieces_per_sweep": pieces}
    log(f"sweeps on {workers} worker(s): {report}")
    return report


def measure(*, requests: int = 15, orders: int = 40, reminders: int = 10_000, log=print) -> dict:
    if not replicas():
        raise RuntimeError("set DATABASE_REPLICA_URL: the measurement compares the replica with the primary")
    store = Store.objects.annotate(n=Count("work_orders")).order_by("-n", "id").first()
    report = {"at": timezone.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
              "load_average_before": [round(x, 2) for x in os.getloadavg()], "size": _sizes()}
    log(f"size: {report['size']}")
    with LagSampler() as lag:
        report["pages"] = measure_pages(store, requests=requests, log=log)
        report["orders"] = measure_orders(list(Store.objects.order_by("?")[:orders]), log=log)
        report["sweeps"] = [measure_sweeps(workers=1, reminders=reminders, log=log),
                            measure_sweeps(workers=3, reminders=reminders, log=log)]
    report["replica_lag"] = lag.summary()
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    log(f"replica lag meanwhile: {report['replica_lag']}")
    return report
