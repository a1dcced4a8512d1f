"""`make bench`: the pages the front desk lives on, measured against
PostgreSQL at dealer-group scale, served by gunicorn (2 workers) on
loopback and loaded by wrk at 1 and 16 connections. Every figure in the
report is measured in this run; throughput is also given as a ratio of a
baseline page of the same stack measured in the same run. Before the pages,
the hourly compliance job (issue 21) runs once, timed, so the compliance
page reads this month's counts."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from dealership.models import Role, Store, User, WorkOrder
from followup.compliance import TREND_MONTHS, compliance_count_due
from followup.models import ComplianceCount

from .scale import compliance_months, months_from

LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %.3f, "errors": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


SWEEP_WORKERS = 2


@dataclass
class Page:
    name: str
    role: str
    url: str
    pdf: bool = False
    dashboard: bool = False


def _user(store: Store, role: str) -> User:
    return User.objects.filter(store=store, staff_roles__role=role).order_by("id").first()


def _session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "dealership.backends.StaffBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["django_language"] = "zh-hans"
    session.create()
    return session.session_key


def pages_for(store: Store) -> list[Page]:
    order = WorkOrder.objects.filter(store=store, status=WorkOrder.Status.IN_REPAIR).order_by("-id").first() or \
        WorkOrder.objects.filter(store=store).order_by("-id").first()
    plate = order.vehicle.plate
    advisor = order.advisor_id
    day = timezone.localdate() + timedelta(days=1)
    return [
        Page("baseline", Role.SERVICE_ADVISOR, reverse("bench_baseline")),
        Page("advisor desk", Role.SERVICE_ADVISOR, reverse("reception:desk")),
        Page("arrivals board", Role.APPOINTMENT_AGENT, reverse("appointments:arrivals")),
        Page("booking screen", Role.APPOINTMENT_AGENT, reverse("appointments:new")),
        Page("slot finder", Role.APPOINTMENT_AGENT, reverse("appointments:slots") + f"?day={day}&advisor={advisor}"),
        Page("work orders by plate", Role.SERVICE_ADVISOR, reverse("dealership:orders") + f"?q={quote(plate)}"),
        Page("work order detail", Role.SERVICE_ADVISOR, reverse("dealership:order", args=[order.pk])),
        Page("technician jobs", Role.TECHNICIAN, reverse("workshop:mine")),
        Page("workshop board", Role.FOREMAN, reverse("workshop:board")),
        Page("QC queue", Role.QC_INSPECTOR, reverse("inspection:queue")),
        Page("cashier queue", Role.CASHIER, reverse("settlement:queue")),
        Page("follow-up queue", Role.FOLLOWUP_AGENT, reverse("followup:queue")),
        Page("manager dashboard", Role.AFTERSALES_MANAGER, reverse("followup:overview"), dashboard=True),
        Page("compliance", Role.AFTERSALES_MANAGER, reverse("followup:compliance")),
        # the cases behind a measured figure are read from the orders themselves (the month, a page of 25)
        Page("compliance cases", Role.AFTERSALES_MANAGER, reverse("followup:compliance_cases", args=["FU-X8"])),
        Page("work order PDF", Role.SERVICE_ADVISOR, reverse("reception:order_pdf", args=[order.pk]), pdf=True),
    ]


def count_queries(page: Page, user: User) -> tuple[int, int]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(page.url)  # warm: caches, templates
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.url)
    return len(ctx.captured_queries), response.status_code


def wrk(url: str, cookie: str, connections: int, seconds: int, script: str) -> dict:
    out = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
                          "--timeout", "10s", "-s", script, "-H", f"Cookie: sessionid={cookie}",
                          "-H", "Host: 127.0.0.1", url], capture_output=True, text=True, check=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    data["rps"] = round(data["requests"] / data["seconds"], 1) if data["seconds"] else 0
    return data


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": "600", "DJANGO_DEBUG": "0", "DJANGO_BENCH": "1",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dealership.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning"],
        env=env, cwd=settings.BASE_DIR, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


BENCH_LOCK = 22_022  # the PostgreSQL advisory lock a run holds
ROUNDS = 3  # each page is loaded in turn with the baseline, this many times; the median is reported
CPU_REQUESTS = 200  # requests through the WSGI handler for a page's CPU time (the median of their times)


def cpu_per_request(page: Page, user: User, n: int = CPU_REQUESTS) -> dict:
    """The median CPU time of this process for one request of the page, through Django's WSGI handler
    with the production middleware (DEBUG off), logged in by a session cookie as gunicorn sees it. The
    database's own time is in its process, not here: this is the Python a request costs, which a busy
    shared machine does not distort as it does wall time (issue 22)."""
    handler = WSGIHandler()
    cookie = _session_cookie(user)
    environ = RequestFactory(HTTP_HOST="127.0.0.1", HTTP_COOKIE=f"sessionid={cookie}").get(page.url).environ
    path, _, query = page.url.partition("?")
    environ.update(PATH_INFO=path, QUERY_STRING=query)
    status = []

    def start_response(code, headers, exc_info=None):
        status.append(code)

    def one() -> float:
        started = time.process_time()
        body = handler(dict(environ, **{"wsgi.input": io.BytesIO()}), start_response)
        for _chunk in body:
            pass
        if hasattr(body, "close"):
            body.close()
        return time.process_time() - started

    for _ in range(5):  # warm: templates, caches, the session
        one()
    times = sorted(one() for _ in range(n))
    codes = {c.split()[0] for c in status}
    return {"cpu_ms": round(statistics.median(times) * 1000, 2), "p90_cpu_ms": round(times[int(n * 0.9)] * 1000, 2),
            "requests": n, "statuses": sorted(codes)}


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


@override_settings(ROOT_URLCONF="demo.bench_urls")  # the baseline page, as gunicorn serves it with DJANGO_BENCH=1
def run_bench(*, seconds: int = 3, store: Store | None = None, sweep_count: int = 20_000, only: list[str] | None = None,
              log=print) -> dict:
    """Each page is measured interleaved with the baseline (baseline, page; three rounds), so a machine
    that slows down in the middle of the run does not bias one page: its throughput ratio is the median
    of the three rounds' ratios. Its CPU time per request is measured in-process as well."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    with connection.cursor() as cursor:  # held until this process ends: one run at a time on a database
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [BENCH_LOCK])
        if not cursor.fetchone()[0]:
            raise RuntimeError("Another make bench is running against this database: wait for it to finish "
                               "(a second run would remove its sweep store and load the machine twice).")
    stale = remove_sweep_stores(log=log)  # a run that stopped half-way left its sweep store
    with connection.cursor() as cursor:  # fresh statistics: an earlier run's sweep data changed the tables
        cursor.execute("ANALYZE")
    store = store or measured_store()
    report = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "database": connection.vendor, "work_orders": WorkOrder.objects.count(),
                          "store": store.code, "store_orders": WorkOrder.objects.filter(store=store).count(),
                          "load_average_before": _load()},
              "at": timezone.now().isoformat(timespec="seconds"), "stale_sweep_stores_removed": stale,
              "method": {"wrk_seconds": seconds, "rounds": ROUNDS, "cpu_requests": CPU_REQUESTS}, "pages": []}
    report["compliance_job"] = time_compliance_job(store, log=log)
    port = 8765
    server = start_gunicorn(port)
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(LUA)
    script.close()
    pages = pages_for(store)
    baseline = pages[0]
    base_user = _user(store, baseline.role)
    base_cookie = _session_cookie(base_user)
    base_url = f"http://127.0.0.1:{port}{baseline.url}"
    try:
        wrk(base_url, base_cookie, 2, 1, script.name)  # warm both workers
        for page in pages:
            if only and page.name != "baseline" and page.name not in only:
                continue
            user = _user(store, page.role)
            queries, status = count_queries(page, user)
            cookie = _session_cookie(user)
            url = f"http://127.0.0.1:{port}{page.url}"
            wrk(url, cookie, 2, 1, script.name)  # warm both workers
            one = wrk(url, cookie, 1, seconds, script.name)
            rounds = []
            for _ in range(ROUNDS):
                base = wrk(base_url, base_cookie, 16, seconds, script.name)
                mine = wrk(url, cookie, 16, seconds, script.name)
                rounds.append({"baseline_rps": base["rps"], "baseline_p95_ms": base["p95_ms"], "rps": mine["rps"],
                               "p95_ms": mine["p95_ms"], "p50_ms": mine["p50_ms"], "errors": mine["errors"]})
            with override_settings(DEBUG=False, ALLOWED_HOSTS=["127.0.0.1"]):  # the baseline's just before
                base_cpu = cpu_per_request(baseline, base_user, n=CPU_REQUESTS // 2)
                cpu = cpu_per_request(page, user)
            row = {"page": page.name, "url": page.url, "status": status, "queries": queries,
                   "c1": {"p50_ms": one["p50_ms"], "p95_ms": one["p95_ms"], "rps": one["rps"]},
                   "c16": {"p50_ms": _median([r["p50_ms"] for r in rounds]),
                           "p95_ms": _median([r["p95_ms"] for r in rounds]),
                           "rps": _median([r["rps"] for r in rounds]),
                           "errors": sum(r["errors"] for r in rounds),
                           "baseline_rps": _median([r["baseline_rps"] for r in rounds]),
                           "baseline_p95_ms": _median([r["baseline_p95_ms"] for r in rounds])},
                   "rounds": rounds,
                   "vs_baseline": _median([r["rps"] / r["baseline_rps"] for r in rounds if r["baseline_rps"]]),
                   "p95_vs_baseline": _median([r["p95_ms"] / r["baseline_p95_ms"] for r in rounds
                                               if r["baseline_p95_ms"]]),
                   "cpu_ms": cpu["cpu_ms"], "cpu_statuses": cpu["statuses"], "baseline_cpu_ms": base_cpu["cpu_ms"],
                   "cpu_vs_baseline": round(base_cpu["cpu_ms"] / cpu["cpu_ms"], 3) if cpu["cpu_ms"] else None}
            report["pages"].append(row)
            log(f"{page.name:24} {queries:3} queries  c1 p50 {one['p50_ms']:7.1f} ms  c16 p95 "
                f"{row['c16']['p95_ms']:7.1f} ms (x{row['p95_vs_baseline']} of the baseline's)  "
                f"{row['c16']['rps']:7.1f} req/s x{row['vs_baseline']}  CPU {cpu['cpu_ms']:6.2f} ms "
                f"(baseline {base_cpu['cpu_ms']:5.2f}) x{row['cpu_vs_baseline']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        Path(script.name).unlink(missing_ok=True)
    report["pdf"] = _pdf_render(store)
    report["slot_finder_ms"] = _slot_finder(store)
    report["sweeps"] = time_sweeps(store, count=sweep_count, log=log) if sweep_count else None
    report["machine"]["load_average_after"] = _load()
    return report


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


SWEEP_NAME = "sweep"  # the store the sweeps write into: never measured, removed after


def measured_store() -> Store:
    """The same store every run: the one with most work orders, the lowest id among equals, never a
    sweep store (issue 22: at a million orders a sweep store tied with the largest, and was picked)."""
    from django.db.models import Count

    return (Store.objects.exclude(name=SWEEP_NAME).annotate(n=Count("work_orders")).order_by("-n", "id").first())


def remove_sweep_stores(*, log=print) -> int:
    removed = 0
    for store in Store.objects.filter(name=SWEEP_NAME).order_by("id"):
        remove_store(store, log=log)
        removed += 1
    return removed


def remove_store(store: Store, *, log=print) -> dict:
    """Every row of the store, its staff and their roles, in one transaction. PostgreSQL checks the
    references at commit (Django's foreign keys are deferred there), so a row elsewhere that still names
    one of these makes the whole removal fail rather than leave it dangling."""
    from django.apps import apps

    started = time.perf_counter()
    users = list(User.objects.filter(store=store).values_list("pk", flat=True))
    deleted: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            for field in model._meta.concrete_fields:
                if field.many_to_one and field.related_model is Store and field.name == "store":
                    cursor.execute(f'DELETE FROM "{table}" WHERE "{field.column}" = %s', [store.pk])
                elif (field.many_to_one and field.related_model is User and users
                      and not any(f.name == "store" and f.related_model is Store for f in model._meta.concrete_fields)):
                    cursor.execute(f'DELETE FROM "{table}" WHERE "{field.column}" = ANY(%s)', [users])
                else:
                    continue
                if cursor.rowcount:
                    deleted[table] = deleted.get(table, 0) + cursor.rowcount
        cursor.execute(f'DELETE FROM "{User._meta.db_table}" WHERE "store_id" = %s', [store.pk])
        cursor.execute(f'DELETE FROM "{Store._meta.db_table}" WHERE id = %s', [store.pk])
    removed_s = time.perf_counter() - started
    # The dead rows are vacuumed away at once: where autovacuum is off (as on the machine of the README's
    # figures) or behind, they stayed, and each run's sweep read more of them (the day-before sweep of
    # 20,000 took 16 s, then 53 s, then 170 s as they piled up over runs).
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in sorted(deleted):
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    report = {"store": store.code, "rows": sum(deleted.values()), "seconds": round(removed_s, 1),
              "vacuum_seconds": round(time.perf_counter() - started, 1), "tables": len(deleted)}
    log(f"removed store {store.code} ({store.name}): {report['rows']} rows in {report['seconds']} s, "
        f"{report['tables']} tables vacuumed in {report['vacuum_seconds']} s")
    return report


def time_compliance_job(store: Store, *, log=print) -> dict:
    """Issue 21: one run of the hourly compliance job (this month of every store, and in the first week the
    month before), timed. Months of the page's 12-month trend not counted yet (a database seeded before
    issue 21) are counted first, apart from the job's time."""
    now = timezone.now()
    first = (timezone.localdate() - timedelta(days=31 * (TREND_MONTHS - 1))).replace(day=1)
    have = set(ComplianceCount.objects.filter(store=store, month__gte=first).values_list("month", flat=True)
               .distinct())
    missing = [m for m in months_from(first, now) if m not in have]
    backfill = compliance_months(store_ids=list(Store.objects.values_list("pk", flat=True)), months=missing, now=now,
                                 trigger="bench", log=log) if missing else None
    started = time.perf_counter()
    months = compliance_count_due(now=now)
    seconds = round(time.perf_counter() - started, 2)
    rows = ComplianceCount.objects.filter(month=timezone.localdate().replace(day=1)).count()
    report = {"seconds": seconds, "months": months, "stores": Store.objects.count(), "rows_this_month": rows,
              "backfill": backfill}
    log(f"compliance job: {months} month(s) of {report['stores']} stores in {seconds} s ({rows} rows this month)")
    return report


def time_sweeps(store: Store, *, count: int = 20_000, log=print) -> dict:
    """20,000 day-before confirmations due at once, and 20,000 deliveries
    waiting for their follow-up task: each sweep run until done, then again
    to show nothing is done twice. Messages go to the in-memory backend."""
    from django.db.models import Count

    from appointments.confirmations import confirmations_sweep
    from appointments.models import Appointment, Confirmation
    from dealership.models import OutboundMessage
    from followup.models import FollowUpTask
    from followup.services import followup_tasks_create_due
    from settlement.models import GatePass

    from .scale import Writer, next_id, reset_sequences

    now = timezone.now()
    sweep_store = Store.objects.create(group=store.group, code=f"SW{now:%H%M%S}"[:10], name=SWEEP_NAME)
    advisor = User.objects.create(username=f"sweep-{sweep_store.pk}", store=sweep_store, display_name="sweep")
    advisor.staff_roles.create(role=Role.SERVICE_ADVISOR)
    customer_vehicles = list(store.vehicles.values_list("customer_id", "pk")[:count])
    store = sweep_store  # its work orders, appointments and tasks stay out of the measured store
    orders, appts, passes = Writer(WorkOrder), Writer(Appointment), Writer(GatePass)
    order_id, appt_id, pass_id = next_id(WorkOrder), next_id(Appointment), next_id(GatePass)
    tag = now.strftime("%H%M%S")
    for k in range(2 * count):  # count appointments to confirm, and count deliveries to follow up
        customer_id, vehicle_id = customer_vehicles[k % len(customer_vehicles)]
        delivered = k >= count
        orders.add(id=order_id + k, store_id=store.pk, number=f"{store.code}-W{tag}{k:06d}", customer_id=customer_id,
                   vehicle_id=vehicle_id, advisor_id=advisor.pk, origin="appointment",
                   status=WorkOrder.Status.DELIVERED if delivered else WorkOrder.Status.DRAFT,
                   created_at=now - timedelta(days=3), updated_at=now)
        if delivered:
            passes.add(id=pass_id + k, store_id=store.pk, work_order_id=order_id + k,
                       number=f"{store.code}-X{tag}{k:06d}", issued_by_id=advisor.pk, issued_at=now)
        else:
            appts.add(id=appt_id + k, store_id=store.pk, customer_id=customer_id, vehicle_id=vehicle_id,
                      advisor_id=advisor.pk, work_order_id=order_id + k,
                      starts_at=now + timedelta(hours=12, seconds=k), created_at=now - timedelta(days=3),
                      created_by_id=advisor.pk, status=Appointment.Status.BOOKED)
    for writer in (orders, appts, passes):
        writer.flush()
    reset_sequences([WorkOrder, Appointment, GatePass])
    # 20,000 rows written at once are 5% of the appointments: fewer than autovacuum waits for before it
    # analyzes, so the planner would still think none are due and scan every confirmation for each one
    # (in one run the sweep had not finished after 5 minutes). Day-to-day bookings arrive a few at a time.
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{Appointment._meta.db_table}", "{Confirmation._meta.db_table}", '
                       f'"{WorkOrder._meta.db_table}", "{GatePass._meta.db_table}"')
    due_confirmations, due_tasks = appts.count, passes.count
    # two sweeping workers at once, as deployed on two cores (the claims keep them apart)
    # a worker stops when a round claims nothing and nothing is left due (the other may have claimed it)
    worker = ("from appointments.confirmations import _due, confirmations_sweep\n"
              "from django.utils import timezone\n"
              "while confirmations_sweep().claimed or _due('day_before', timezone.now()).exists(): pass\n")
    # the outbox's delivery tasks (issue 20) run in the sweeping process, so the time includes the sends
    env = {**os.environ, "NOTIFICATION_BACKEND": "dealership.notify.LocmemBackend", "CELERY_TASK_ALWAYS_EAGER": "true"}
    started = time.perf_counter()
    # their log (a line per message sent) goes to a file, shown only if a worker fails
    logs = [tempfile.TemporaryFile("w+") for _ in range(SWEEP_WORKERS)]
    workers = [subprocess.Popen([sys.executable, "manage.py", "shell", "-c", worker], cwd=settings.BASE_DIR, env=env,
                                stdout=subprocess.DEVNULL, stderr=logs[k]) for k in range(SWEEP_WORKERS)]
    codes = [w.wait() for w in workers]
    confirm_s = time.perf_counter() - started
    for code, worker_log in zip(codes, logs, strict=True):
        if code:
            worker_log.seek(0)
            log("a sweeping worker failed:\n" + worker_log.read()[-4000:])
        worker_log.close()
    with override_settings(NOTIFICATION_BACKEND="dealership.notify.LocmemBackend"):
        again = confirmations_sweep(now=now)
    sent_keys = OutboundMessage.objects.filter(key__startswith="apt-", created_at__gte=now).values("key")
    duplicates = sent_keys.annotate(n=Count("id")).filter(n__gt=1).count()
    made = Confirmation.objects.filter(appointment__store=store, appointment__starts_at__gt=now).count()
    started = time.perf_counter()
    tasks = followup_tasks_create_due()
    follow_s = time.perf_counter() - started
    tasks_again = followup_tasks_create_due()
    report = {
        "confirmations": {"due": due_confirmations, "seconds": round(confirm_s, 1), "workers": SWEEP_WORKERS,
                          "exit_codes": codes, "recorded": made, "messages_sent_twice": duplicates,
                          "second_run_claimed": again.claimed},
        "followup_tasks": {"due": due_tasks, "created": tasks, "seconds": round(follow_s, 1),
                           "second_run_created": tasks_again,
                           "tasks_for_these": FollowUpTask.objects.filter(work_order_id__gte=order_id,
                                                                          work_order_id__lt=order_id + 2 * count).count()},
    }
    report["removed"] = remove_store(sweep_store, log=log)  # the database as the run found it
    log(f"sweeps: {report}")
    return report


def _pdf_render(store: Store) -> dict:
    """A work order PDF in-process, as the print page makes it: written (the print cache emptied first) and
    printed again (issue 22)."""
    from django.core.cache import caches

    from dealership.printing import PRINT_CACHE
    from reception.printing import work_order_print

    order = WorkOrder.objects.filter(store=store, customer_signed_at__isnull=False).order_by("-id").first()
    user = _user(store, Role.SERVICE_ADVISOR)
    work_order_print(user=user, pk=order.pk)  # fonts loaded once per process
    firsts, agains = [], []
    for _ in range(3):
        caches[PRINT_CACHE].clear()
        started = time.perf_counter()
        work_order_print(user=user, pk=order.pk)
        firsts.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        work_order_print(user=user, pk=order.pk)
        agains.append((time.perf_counter() - started) * 1000)
    return {"written_ms": round(statistics.median(firsts), 1), "reprinted_ms": round(statistics.median(agains), 1)}


def _slot_finder(store: Store) -> float:
    client = Client(HTTP_HOST="127.0.0.1")
    user = _user(store, Role.APPOINTMENT_AGENT)
    client.force_login(user)
    advisor = _user(store, Role.SERVICE_ADVISOR)
    url = reverse("appointments:slots") + f"?day={timezone.localdate() + timedelta(days=1)}&advisor={advisor.pk}"
    client.get(url)
    times = []
    for _ in range(20):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return round(times[len(times) // 2], 1)
