"""Build demo records through the real services, so that the demo data (and
the test data that uses this) has the same timeline a real visit would."""

from __future__ import annotations

import random
from decimal import Decimal

from dealership.models import Role, User, WorkOrder
from dealership.validators import vin_check_digit
from followup.models import FollowUpTask
from followup.services import followup_call_record, followup_tasks_create_due
from inspection.services import (
    Answer,
    InspectionInput,
    RoadTest,
    car_cleaned,
    car_parked,
    handover_acknowledge,
    inspection_checklist,
    inspection_record,
    road_test_required,
    spots_taken,
)
from inspection.standards import parking_spots
from reception.models import WalkAround
from reception.scheduling import suggest_promised_at
from reception.services import walkaround_record, work_order_cancel, work_order_sign, work_order_update_details
from settlement.services import (
    DELIVERY_CHECKS,
    DeliveryInput,
    amount_due,
    delivery_confirm,
    gate_pass_issue,
    payment_record,
    statement_issue,
)
from supply.ledger import stock_move
from supply.models import StockMove
from workshop.jobs import job_assign, job_clock_on, job_finish, jobs_sync, self_check_items
from workshop.models import Job, OldPart
from workshop.parts import issued_by_line, old_part_record, part_request, requisition_issue

S = WorkOrder.Status
COST_SHARE = Decimal("0.7")  # the demo buys its parts at 70 % of the published price
PATH = [S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_PASSED, S.READY, S.SETTLED, S.DELIVERED, S.CLOSED]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def make_vin(rng: random.Random, wmi: str) -> str:
    body = wmi + "".join(rng.choice(VIN_CHARS) for _ in range(5)) + "0" + rng.choice("LMNPR") + \
        "".join(rng.choice("0123456789") for _ in range(7))
    body = body[:17]
    return body[:8] + vin_check_digit(body) + body[9:]


def make_plate(rng: random.Random, nev: bool = False) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    if nev:
        return "粤A" + rng.choice("DF") + rng.choice(letters + "0123456789") + f"{rng.randrange(10000):04d}"
    return "粤A" + rng.choice(letters) + f"{rng.randrange(10000):04d}"


def drawn_signature(seed: int = 0) -> str:
    """A PNG data URL with a few strokes, as the signature pad sends it."""
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    rng = random.Random(seed)
    points = [(20 + i * 30, 80 + rng.randint(-40, 40)) for i in range(12)]
    pen.line(points, fill=(11, 42, 111, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def all_checks_fine(store) -> list[dict]:
    from reception.walkaround import checklist_items

    return [{"key": item.key, "label": item.label, "result": "ok", "note": ""} for item in checklist_items(store=store)]


def staff(store, role: str) -> User:
    return User.objects.filter(store=store, staff_roles__role=role).order_by("id").first()


def sign(order: WorkOrder, advisor: User) -> WorkOrder:
    """The advisor agrees the time the desk suggests (REC-11), counted in the store's opening hours: four hours
    after a demo loaded at 02:00 would promise the car for 06:00 (issue 16)."""
    work_order_update_details(
        work_order=order, actor=advisor, customer_words=order.customer_words or "客户要求检查",
        diagnosis=order.diagnosis or "经检查确认需按项目维修", customer_waits=False,
        promised_at=suggest_promised_at(order=order))
    if not WalkAround.objects.filter(work_order=order).exists():
        walkaround_record(work_order=order, actor=advisor, mileage=order.vehicle.mileage + 5000,
                          fuel_level=WalkAround.Fuel.HALF, exterior_notes="右后门轻微划痕",
                          belongings="行车记录仪、雨伞", valuables_reminded=True, warning_lights="",
                          seat_cover=True, wheel_cover=True, floor_mat=True,
                          key_tag=f"K{order.pk:03d}", keys_location="前台钥匙柜",
                          checks=all_checks_fine(order.store))
        from reception.walkaround import damage_mark_add

        walkaround = WalkAround.objects.get(work_order=order)
        damage_mark_add(walkaround=walkaround, actor=advisor, x=Decimal("78"), y=Decimal("68"), kind="scratch",
                        note="右后门轻微划痕")
    order.refresh_from_db()
    return work_order_sign(work_order=order, actor=advisor, customer_signed_name=order.customer.name,
                           explained=True, customer_signature=drawn_signature(order.pk),
                           advisor_signature=drawn_signature(order.pk + 1000), device="demo")


def technician_for(store, trade: str) -> User:
    return (User.objects.filter(store=store, staff_roles__role=Role.TECHNICIAN, trade=trade).order_by("id").first()
            or staff(store, Role.TECHNICIAN))


def free_hands(technician: User) -> None:
    """The demo's technicians work on several cars: pause what they are on."""
    from workshop.jobs import job_pause

    for running in Job.objects.filter(technician=technician, status=Job.Status.RUNNING):
        job_pause(job=running, technician=technician, reason="other")


def start_work(order: WorkOrder) -> None:
    """Dispatch every job to a technician of its trade and clock on to the first."""
    foreman = staff(order.store, Role.FOREMAN)
    jobs = jobs_sync(work_order=order)
    for i, job in enumerate(jobs):
        if job.status == Job.Status.WAITING:
            job = job_assign(job=job, technician=technician_for(order.store, job.trade), bay=f"{i + 1}号工位",
                             actor=foreman)
    first = Job.objects.filter(work_order=order).exclude(status=Job.Status.DONE).order_by("id").first()
    free_hands(first.technician)
    job_clock_on(job=first, technician=first.technician)
    draw_parts(order, first.technician)


def draw_parts(order: WorkOrder, technician: User) -> None:
    """The technician asks for each approved part of the order; the counter issues it."""
    clerk = staff(order.store, Role.PARTS_CLERK)
    issued = issued_by_line(work_order_ids=[order.pk])
    for line in order.lines.filter(kind="part", approval="approved", part__isnull=False).select_related("part"):
        missing = line.quantity - issued.get(line.pk, Decimal(0))
        if missing > 0 and clerk:
            requisition = part_request(line=line, quantity=missing, technician=technician)
            line.part.refresh_from_db()
            if line.part.available < missing:  # the demo's shelves are thin: an urgent order arrives
                stock_move(part_id=line.part_id, quantity=missing - max(line.part.available, Decimal(0)) + 2,
                           kind=StockMove.Kind.RECEIPT, actor=clerk, unit_cost=(line.part.price * COST_SHARE)
                           .quantize(Decimal("0.01")), note="紧急订货到货")
            requisition_issue(requisition=requisition, clerk=clerk)


def finish_work(order: WorkOrder) -> None:
    """Each open job: clock on, self-check every item, report, sign; parts
    approved since the work started are drawn first."""
    first = Job.objects.filter(work_order=order, technician__isnull=False).order_by("id").first()
    if first:
        draw_parts(order, first.technician)
        kept = set(OldPart.objects.filter(work_order=order).values_list("line_id", flat=True))
        for line in order.lines.filter(kind="part", approval="approved").select_related("part"):
            if line.part_id and line.part.counted and line.pk not in kept:  # what came off the car
                old_part_record(work_order=order, actor=first.technician, line=line,
                                description=f"旧{line.description}", wish=OldPart.Wish.UNDECIDED)
    for job in Job.objects.filter(work_order=order).exclude(status=Job.Status.DONE).order_by("id"):
        if job.status != Job.Status.RUNNING:
            free_hands(job.technician)
            job_clock_on(job=job, technician=job.technician)
        job_finish(job=job, technician=job.technician,
                   checks=self_check_items(store=order.store, job_type=job.job_type),
                   report="已按委托书完成全部项目,自检合格。", signature=drawn_signature(job.pk))


def qc_pass(order: WorkOrder) -> InspectionInput:
    """What an inspector records for a car that is fine: every check passed,
    the road test where the work needs one, the wear parts measured."""
    checks = inspection_checklist(order)
    return InspectionInput(
        answers=[Answer(c.job_type, c.label, "pass") for c in checks],
        summary="按委托书完成全部项目，检验合格。",
        road_test=RoadTest(km=Decimal("5.0"), findings="制动、转向正常，无异响") if road_test_required(order) else None,
        wear={"tyre_fl": Decimal("6.5"), "tyre_fr": Decimal("6.4"), "tyre_rl": Decimal("7.0"),
              "tyre_rr": Decimal("7.1"), "pads_front": Decimal("9.0"), "pads_rear": Decimal("8.0"),
              "battery": Decimal("85")})


def qc_fail(order: WorkOrder, reason: str = "刹车踏板行程偏长，需重新排空气。") -> InspectionInput:
    checks = inspection_checklist(order)
    data = qc_pass(order)
    data.answers = [Answer(c.job_type, c.label, "fail" if i == 0 else "pass", "踏板偏软" if i == 0 else "")
                    for i, c in enumerate(checks)]
    data.notes = reason
    return data


def wash_and_park(order: WorkOrder, actor: User) -> None:
    car_cleaned(work_order=order, actor=actor, cleaned_by="洗车组 小刘")
    taken = spots_taken(store_id=order.store_id)
    spot = next(s for s in parking_spots(store=order.store) if s.pk not in taken)
    car_parked(work_order=order, actor=actor, spot=spot)


def deliver(order: WorkOrder, advisor: User) -> None:
    """The advisor goes through the delivery checklist with the customer."""
    from inspection.models import DeferredWork

    safety = DeferredWork.objects.filter(vehicle_id=order.vehicle_id, status=DeferredWork.Status.OPEN,
                                         urgency=DeferredWork.Urgency.SAFETY).exists()
    wishes = {pk: (OldPart.Wish.TAKE if pk % 3 == 0 else OldPart.Wish.DISPOSE)
              for pk in OldPart.objects.filter(work_order=order).values_list("pk", flat=True)}
    delivery_confirm(work_order=order, advisor=advisor, finish=True, data=DeliveryInput(
        checks={f: True for f in DELIVERY_CHECKS}, wishes=wishes,
        declined_name=order.customer.name if safety else "",
        declined_signature=drawn_signature(order.pk) if safety else ""))


def drive(order: WorkOrder, target: str) -> WorkOrder:
    """Take an order from draft to `target` as the store's people would."""
    store = order.store
    advisor = order.advisor
    qc = staff(store, Role.QC_INSPECTOR)
    cashier = staff(store, Role.CASHIER)
    if target == S.CANCELLED:
        return work_order_cancel(work_order=order, actor=advisor, reason="客户临时有事,改天再来")
    steps = PATH[: PATH.index(S.REPAIR_DONE) + 1] if target == S.QC_FAILED else PATH[: PATH.index(target) + 1]
    for step in steps:
        order.refresh_from_db()
        if step == S.SIGNED:
            sign(order, advisor)
        elif step == S.IN_REPAIR:
            start_work(order)
        elif step == S.REPAIR_DONE:
            finish_work(order)
        elif step == S.QC_PASSED:
            inspection_record(work_order=order, inspector=qc, passed=True, data=qc_pass(order))
        elif step == S.READY:
            wash_and_park(order, qc)
            handover_acknowledge(work_order=order, advisor=advisor)
        elif step == S.SETTLED:
            statement_issue(work_order=order, advisor=advisor)
            order.refresh_from_db()
            if order.status == S.READY:
                payment_record(work_order=order, cashier=cashier, amount=amount_due(work_order=order),
                               method="wechat")
        elif step == S.DELIVERED:
            deliver(order, advisor)
            gate_pass_issue(work_order=order, actor=cashier)
        elif step == S.CLOSED:
            followup_tasks_create_due()
            task = FollowUpTask.objects.get(work_order=order)
            agent = staff(store, Role.FOLLOWUP_AGENT) or User.objects.filter(
                staff_roles__role=Role.FOLLOWUP_AGENT).first()
            followup_call_record(task=task, agent=agent, reached=True, channel="phone",
                                 scores={"overall": 5, "booking": 5, "reception": 5, "quality": 5, "on_time": 4,
                                         "price": 5, "cleanliness": 4, "delivery": 5},
                                 customer_words="服务很好,车修好了,价格和报价一致。", complaint=False)
    if target == S.QC_FAILED:
        inspection_record(work_order=order, inspector=qc, passed=False, data=qc_fail(order))
    order.refresh_from_db()
    return order

