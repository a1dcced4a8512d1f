"""Load the demo dealer group: two stores, a user for each role, a catalogue,
about 30 customers and cars, appointments for today and tomorrow, and work
orders in every status. Running it again changes nothing."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from appointments.models import Appointment
from appointments.services import appointment_book
from appointments.timetable import reception_slots
from dealership.models import (
    Customer,
    DealerGroup,
    LabourOperation,
    Part,
    Role,
    StaffRole,
    Store,
    User,
    Vehicle,
    WorkOrder,
    WorkOrderLine,
)
from dealership.services import work_order_add_line, work_order_create
from demo import data
from demo.builder import COST_SHARE, drive, make_plate, make_vin, staff
from followup.compliance import compliance_count
from supply.ledger import stock_set
from supply.models import PartSupply, StockMove, Supplier
from supply.purchasing import OrderLine, po_create, po_send
from supply.receiving import ReceiptInput, receipt_record

S = WorkOrder.Status
GROUP_NAME = "粤通汽车服务集团"
STATUS_PLAN = [S.DRAFT, S.SIGNED, S.IN_REPAIR, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED,
               S.READY, S.READY, S.SETTLED, S.DELIVERED, S.DELIVERED, S.CLOSED, S.CLOSED, S.CANCELLED]


class Command(BaseCommand):
    help = "Load the demo dealer group (idempotent)."

    def handle(self, *args, **options) -> None:
        if DealerGroup.objects.filter(name=GROUP_NAME).exists():
            self.stdout.write("Demo data already loaded.")
            return
        rng = random.Random(2026)
        with transaction.atomic():
            group = DealerGroup.objects.create(name=GROUP_NAME)
            stores = [Store.objects.create(group=group, **s) for s in data.STORES]
            for store, team in zip(stores, [data.STAFF_TH, data.STAFF_PY]):
                for username, name, roles, trade in team:
                    self._user(username, name, roles, trade, store=store, group=group)
                self._catalogue(store)
            self._user(*data.GROUP_MANAGER, store=None, group=group)
            cars = [self._customer_car(stores[0], rng, i) for i in range(26)]
            cars += [self._customer_car(stores[1], rng, i) for i in range(26, 32)]
        for (customer, vehicle), status in zip(cars[: len(STATUS_PLAN)], STATUS_PLAN):
            self._order(customer, vehicle, status, rng)
        py_cars = [c for c in cars if c[0].store_id == stores[1].pk]
        for (customer, vehicle), status in zip(py_cars, [S.IN_REPAIR, S.READY, S.DELIVERED]):
            self._order(customer, vehicle, status, rng)
        self._appointments(stores[0], cars[len(STATUS_PLAN):26], rng)
        self._front_desk(stores[0])
        self._supply(stores[0])
        # issue 21: the compliance page shows this month's figures at once (the job counts every hour after)
        compliance_count(month=timezone.localdate(), trigger="demo")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded: {WorkOrder.objects.count()} work orders, "
            f"{Appointment.objects.count()} appointments, {Customer.objects.count()} customers."))

    def _user(self, username, name, roles, trade, *, store, group) -> User:
        user = User.objects.create(username=username, display_name=name, store=store, group=group,
                                   trade=trade, first_name=name[1:], last_name=name[0])
        user.set_password(data.PASSWORD)
        user.save()
        StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles])
        return user

    def _catalogue(self, store: Store) -> None:
        LabourOperation.objects.bulk_create([
            LabourOperation(store=store, code=c, name=n, trade=t, job_type=j, standard_hours=h, price=p)
            for c, n, t, j, h, p in data.LABOUR])
        parts = Part.objects.bulk_create([Part(store=store, number=num, name=n, unit=u, price=p)
                                          for num, n, u, p, _q in data.PARTS])
        maker, _local = (Supplier.objects.create(store=store, name=name, kind=kind, lead_days=days, phone=phone)
                         for name, kind, days, phone in data.SUPPLIERS)
        PartSupply.objects.bulk_create([
            PartSupply(store=store, part=part, supplier=maker, location=f"A-{i // 6 + 1:02d}-{i % 6 + 1}",
                       min_stock=2 if part.counted else 0, order_quantity=1 if part.counted else 4,
                       last_cost=(part.price * COST_SHARE).quantize(Decimal("0.01")))
            for i, part in enumerate(parts)])
        # the opening stock goes into the ledger, bought at 70 % of the published price
        stock_set(counts={part.pk: q for part, (*_rest, q) in zip(parts, data.PARTS, strict=True)},
                  costs={part.pk: (part.price * COST_SHARE).quantize(Decimal("0.01")) for part in parts},
                  kind=StockMove.Kind.OPENING, actor=None, note="demo opening stock")

    def _supply(self, store: Store) -> None:
        """Parts supply (issue 19): an order from the maker's parts centre received yesterday's way (sent, then
        taken in against its delivery note), and one sent today, due in two days."""
        clerk = staff(store, Role.PARTS_CLERK)
        maker = Supplier.objects.filter(store=store, kind=Supplier.Kind.MAKER).first()
        parts = list(Part.objects.filter(store=store).order_by("number")[:4])
        received = po_send(actor=clerk, po=po_create(actor=clerk, store=store, supplier=maker, lines=[
            OrderLine(part=part, quantity=Decimal(4 if part.counted else 8)) for part in parts[:2]]))
        receipt_record(actor=clerk, order=received, delivery_note="SH-0001", lines=[
            ReceiptInput(order_line=line, quantity=line.quantity) for line in received.lines.all()])
        po_send(actor=clerk, po=po_create(actor=clerk, store=store, supplier=maker, lines=[
            OrderLine(part=part, quantity=Decimal(2 if part.counted else 4)) for part in parts[2:]]))

    def _customer_car(self, store: Store, rng: random.Random, i: int) -> tuple[Customer, Vehicle]:
        surname = data.SURNAMES[i % len(data.SURNAMES)]
        name = surname + data.GIVEN[i % len(data.GIVEN)]
        customer = Customer.objects.create(
            store=store, name=name, title=rng.choice(["mr", "ms"]), mobile=f"13{rng.randrange(10**9):09d}",
            preferred_channel=rng.choice(["phone", "sms", "wechat"]), consent_to_messages=rng.random() < 0.8,
            board_display=rng.choice(list(Customer.BoardDisplay.values)))
        make, model, wmi = data.CARS[i % len(data.CARS)]
        nev = make in ("比亚迪", "特斯拉")
        vehicle = Vehicle.objects.create(
            store=store, customer=customer, plate=make_plate(rng, nev), vin=make_vin(rng, wmi),
            make=make, model=model, year=2018 + i % 7, mileage=rng.randrange(8000, 90000, 100))
        return customer, vehicle

    def _order(self, customer: Customer, vehicle: Vehicle, status: str, rng: random.Random) -> WorkOrder:
        store = customer.store
        advisor = staff(store, Role.SERVICE_ADVISOR)
        words = rng.choice(data.COMPLAINTS)
        order = work_order_create(store=store, customer=customer, vehicle=vehicle, advisor=advisor,
                                  actor=advisor, customer_words=words, diagnosis="经检查:" + words[:8] + ",按项目处理")
        ops = list(LabourOperation.objects.filter(store=store).order_by("?")[:2])
        parts = list(Part.objects.filter(store=store).order_by("?")[:2])
        for op in ops:
            work_order_add_line(work_order=order, actor=advisor, labour_operation=op,
                                source=WorkOrderLine.Source.RECEPTION)
        for part in parts:
            work_order_add_line(work_order=order, actor=advisor, part=part, source=WorkOrderLine.Source.RECEPTION)
        return drive(order, status) if status != S.DRAFT else order

    def _appointments(self, store: Store, cars, rng: random.Random) -> None:
        """Today's and tomorrow's appointments. Future slots are booked through
        the booking service; slots earlier today (the demo is loaded at any
        hour) are written as already-booked history, so the arrivals board
        always has customers to receive."""
        agent = staff(store, Role.APPOINTMENT_AGENT)
        advisors = list(User.objects.filter(store=store, staff_roles__role=Role.SERVICE_ADVISOR).order_by("id"))
        now = timezone.now()
        today, tomorrow = timezone.localdate(), timezone.localdate() + timedelta(days=1)
        today_slots = reception_slots(store=store, day=today)  # spread out below: no advisor gets a run of four
        tomorrow_slots = reception_slots(store=store, day=tomorrow)
        times: list[datetime] = today_slots[2::4][:5] + tomorrow_slots[::3][:7]
        ops = list(LabourOperation.objects.filter(store=store, code__in=["M002", "B001", "E002"]))
        parts = list(Part.objects.filter(store=store, number__in=["06L115562B", "G052195M4"]))
        for i, ((customer, vehicle), starts_at) in enumerate(zip(cars, times)):
            kwargs = dict(
                store=store, actor=agent, customer=customer, vehicle=vehicle, advisor=advisors[i % len(advisors)],
                starts_at=starts_at, customer_words=rng.choice(data.COMPLAINTS),
                pre_diagnosis="初步判断需检查并按保养手册处理", labour_operations=[ops[i % len(ops)]],
                parts=parts if i % 2 == 0 else [])
            if starts_at > now:
                appointment_book(**kwargs)
            else:
                self._past_appointment(**kwargs)

    @transaction.atomic
    def _past_appointment(self, *, store, actor, customer, vehicle, advisor, starts_at, customer_words,
                          pre_diagnosis, labour_operations, parts) -> None:
        order = work_order_create(store=store, customer=customer, vehicle=vehicle, advisor=advisor, actor=actor,
                                  origin=WorkOrder.Origin.APPOINTMENT, customer_words=customer_words,
                                  diagnosis=pre_diagnosis)
        for op in labour_operations:
            work_order_add_line(work_order=order, actor=actor, labour_operation=op,
                                source=WorkOrderLine.Source.APPOINTMENT)
        for part in parts:
            work_order_add_line(work_order=order, actor=actor, part=part, source=WorkOrderLine.Source.APPOINTMENT)
        Appointment.objects.create(store=store, customer=customer, vehicle=vehicle, advisor=advisor,
                                   work_order=order, starts_at=starts_at, customer_words=customer_words,
                                   pre_diagnosis=pre_diagnosis, created_by=actor)

    def _front_desk(self, store: Store) -> None:
        """Some preparation done, parts shelved, a customer waiting, a request in the queue."""
        from appointments.arrivals import ticket_walk_in
        from appointments.models import BookingRequest
        from appointments.preparation import parts_reserve, preparation_update

        clerk = staff(store, Role.PARTS_CLERK)
        advisor = staff(store, Role.SERVICE_ADVISOR)
        booked = list(Appointment.objects.filter(store=store, status=Appointment.Status.BOOKED).select_related(
            "work_order").prefetch_related("work_order__lines").order_by("starts_at"))
        for appointment in booked[::2]:
            parts_reserve(appointment=appointment, actor=clerk, shelf=f"预约架 A-0{appointment.pk % 9 + 1}")
        for appointment in booked[:3]:
            preparation_update(appointment=appointment, actor=advisor, technician=staff(store, Role.TECHNICIAN),
                               bay=f"{appointment.pk % 6 + 1}号工位", needs_expert=False, expert=None,
                               tools=True, docs=True, file=True)
        ticket_walk_in(store=store, actor=staff(store, Role.APPOINTMENT_AGENT), plate="粤A8K2M1", name="周先生",
                       note="仪表盘故障灯亮")
        BookingRequest.objects.create(store=store, source=BookingRequest.Source.PHONE, name="吴女士",
                                      mobile="13922220000", plate="粤AF3355", wish="下周想做一次大保养")
