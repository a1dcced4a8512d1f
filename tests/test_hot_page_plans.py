"""Issue 22: a hot page's cost does not grow with other stores' data or with this store's past.

A run of `make bench` left 20,000 swept appointments in today's window of another store; the advisor
desk's query for today's arrivals then expected about 2,000 rows for the measured store, got one, and
PostgreSQL chose sequential scans of the customer and vehicle tables (28 ms -> 56 ms). Here 50,000
appointments for today are planted in another store (each with its own customer and car) and 50,000
old ones in this store (with their cars and closed work orders), the statistics are gathered, and every
query the advisor desk and the arrivals board make is explained: none may read the customers, cars,
work orders or appointments by a sequential scan. The plans are read from `EXPLAIN` (PostgreSQL) or
`EXPLAIN QUERY PLAN` (SQLite); the test fails if a list loses its bound or its store index."""

from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from dealership.models import Customer, Role, Vehicle, WorkOrder
from tests.conftest import login
from tests.factories import VehicleFactory

PLANTED = 50_000
BIG = {"dealership_customer", "dealership_vehicle", "dealership_workorder", "appointments_appointment"}


def _series(n: int) -> str:
    if connection.vendor == "postgresql":
        return f"generate_series(1, {n}) AS g(n)"
    return f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n}) SELECT n FROM s) AS g"


def _at(start: datetime, seconds_sql: str) -> str:
    """start + seconds_sql seconds, as an SQL expression of this database."""
    if connection.vendor == "postgresql":
        return f"(TIMESTAMPTZ '{start.isoformat()}' + ({seconds_sql}) * INTERVAL '1 second')"
    text = connection.ops.adapt_datetimefield_value(start)
    return f"datetime('{text}', '+' || ({seconds_sql}) || ' seconds')"


def _clone(model: type[Model], template: Model, source: str, where: str = "1 = 1", **columns: str) -> None:
    """Copies of the template row, one per row of `source`, with `columns` given as SQL expressions."""
    table = model._meta.db_table
    names = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    select = ", ".join(columns.get(c, f't."{c}"') for c in names)
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in names)}) '
                       f'SELECT {select} FROM "{table}" t, {source} WHERE t.id = %s AND {where}', [template.pk])


def _cars(store) -> int:
    """50,000 customers of the store with a car each; the id the planted cars start after."""
    car = VehicleFactory(store=store)
    since = Customer.objects.order_by("-id").values_list("id", flat=True).first()
    _clone(Customer, car.customer, _series(PLANTED), mobile="'139' || g.n", name="'客户' || g.n")
    _clone(Vehicle, car, "dealership_customer c", f"c.store_id = {store.pk} AND c.id > {since}",
           customer_id="c.id", plate="'粤B' || c.id", vin="'LSV' || c.id")
    return car.pk


def _plant(*, appointment, order, store, advisor, other_store, other_advisor) -> None:
    today = datetime.combine(timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone())
    # another store: booked for today, a second apart from midnight, each with its draft order (the shape of
    # the bench's sweep); this store: five years ago, arrived, each with its closed order
    for where, who, at, order_status, status in ((other_store, other_advisor, today, "draft", "booked"),
                                                 (store, advisor, today - timedelta(days=5 * 365), "closed", "arrived")):
        after = _cars(where)
        _clone(WorkOrder, order, "dealership_vehicle v", f"v.store_id = {where.pk} AND v.id > {after}",
               store_id=str(where.pk), customer_id="v.customer_id", vehicle_id="v.id", advisor_id=str(who.pk),
               number="'P' || v.id", status=f"'{order_status}'", created_at=_at(at, f"v.id - {after}"),
               promised_at=_at(at, f"v.id - {after} + 7200"))
        _clone(Appointment, appointment, "dealership_workorder w", f"w.store_id = {where.pk} AND w.number LIKE 'P%%'",
               store_id=str(where.pk), customer_id="w.customer_id", vehicle_id="w.vehicle_id",
               advisor_id=str(who.pk), created_by_id=str(who.pk), work_order_id="w.id", starts_at="w.created_at",
               status=f"'{status}'")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _scans(sql: str) -> list[str]:
    """The big tables this query reads by a sequential scan."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {sql}")
            plan = [row[0] for row in cursor.fetchall()]
            return [line.strip() for line in plan if "Seq Scan" in line and any(f" on {t} " in line + " "
                                                                                  for t in BIG)]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = [row[-1] for row in cursor.fetchall()]
        return [step for step in plan if step.startswith("SCAN") and any(t in step.split() for t in BIG)]


def test_the_desk_and_the_arrivals_board_read_their_store_by_index_whatever_else_the_tables_hold(
        team, other_team, vehicle):
    from dealership.services import work_order_create

    advisor, agent = team[Role.SERVICE_ADVISOR], team[Role.APPOINTMENT_AGENT]
    order = work_order_create(store=team.store, customer=vehicle.customer, vehicle=vehicle, advisor=advisor,
                              actor=advisor, origin="appointment")
    appointment = Appointment.objects.create(
        store=team.store, customer=vehicle.customer, vehicle=vehicle, advisor=advisor, work_order=order,
        created_by=advisor, customer_words="刹车异响", pre_diagnosis="检查刹车片",
        starts_at=datetime.combine(timezone.localdate(), time(23, 59), tzinfo=timezone.get_current_timezone()))
    _plant(store=team.store, advisor=advisor, appointment=appointment, order=order, other_store=other_team.store,
           other_advisor=other_team[Role.SERVICE_ADVISOR])
    assert Appointment.objects.filter(store=other_team.store).count() == PLANTED
    assert WorkOrder.objects.filter(store=team.store).count() == PLANTED + 1

    for user, url, shows in ((advisor, reverse("reception:desk"), vehicle.plate),
                             (agent, reverse("appointments:arrivals"), vehicle.plate)):
        client = login(user)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url)
        assert page.status_code == 200 and shows in page.content.decode(), url
        reads = [q["sql"] for q in ctx.captured_queries
                 if q["sql"].lstrip().upper().startswith("SELECT") and any(f'"{t}"' in q["sql"] for t in BIG)]
        assert reads, url
        for sql in reads:
            assert _scans(sql) == [], (url, sql)
