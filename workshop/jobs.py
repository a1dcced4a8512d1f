"""Jobs of stage 3: made from the signed order's approved labour lines,
dispatched to technicians of the right trade and to a bay, clocked, and
finished with the self-check and the signed repair report."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.checklists import checklist_catalogue
from dealership.doors import Door
from dealership.errors import GuardRefused, ProcessError, Refusal
from dealership.messages import N_, list_join
from dealership.models import JobType, Role, StaffTask, Store, Trade, User, WorkOrder, WorkOrderEvent, WorkOrderLine
from dealership.services import staff_task_create, staff_tasks_close, work_order_note, work_order_transition
from dealership.textlimits import text_check
from dealership.workflow import refused_move
from reception.scheduling import add_working_hours
from reception.signatures import signature_check

from .models import Bay, ClockEntry, Job, SelfCheckItem

S = WorkOrder.Status
J = Job.Status
JOB = Door(Job)  # the table is Job.TRANSITIONS; the timeline notes are written here, next to each move

DEFAULT_SELF_CHECKS = {
    JobType.MAINTENANCE: ["机油油位与油品正确，无渗漏", "滤清器安装到位", "保养灯已复位", "所有紧固件按力矩拧紧"],
    JobType.BRAKES: ["制动片/盘安装正确，卡钳螺栓按力矩拧紧", "制动液液位正常，无渗漏", "原地试制动踏板感正常"],
    JobType.ELECTRICAL: ["故障码已清除并复查", "相关电器功能测试正常", "线束插头安装到位"],
    JobType.ENGINE: ["发动机运转平稳，无异响", "无渗漏", "故障码已清除并复查"],
    JobType.TYRES: ["轮胎气压按标准", "轮毂螺栓按力矩拧紧", "动平衡/定位数据在标准内"],
    JobType.BODY_PAINT: ["漆面无流挂、色差", "钣金间隙均匀", "拆装件复位、功能正常"],
    JobType.AIRCON: ["出风温度正常", "系统无泄漏", "冷媒加注量符合标准"],
    JobType.OTHER: ["按委托书项目全部完成", "拆装件复位、无遗留工具"],
}
COMMON_CHECKS = ["车内外无油污、三件套完好", "未遗留工具和旧件"]


def self_check_catalogue(*, store: Store) -> dict[str, list[str]]:
    """Every job type's self-check list for the store (a store setting; the
    default set where the store has none), in one query."""
    rows = SelfCheckItem.objects.filter(store=store).values_list("job_type", "label", "active")
    return checklist_catalogue(rows, DEFAULT_SELF_CHECKS, COMMON_CHECKS)


def self_check_items(*, store: Store, job_type: str) -> list[str]:
    """The self-check list for a kind of job (REP-15)."""
    return self_check_catalogue(store=store)[job_type]


def jobs_sync_store(*, store: Store) -> int:
    """Jobs for every approved labour line of the store's orders in the
    workshop that has none yet (a change approved, an order just signed): one
    query and one insert, whatever the number of orders."""
    lines = list(WorkOrderLine.objects.filter(
        store=store, work_order__status__in=[S.SIGNED, S.IN_REPAIR], kind=WorkOrderLine.Kind.LABOUR,
        approval=WorkOrderLine.Approval.APPROVED).exclude(jobs__kind=Job.Kind.REPAIR)
        .select_related("labour_operation")[:500])
    Job.objects.bulk_create([
        Job(store_id=store.pk, work_order_id=line.work_order_id, line=line, description=line.description,
            trade=line.labour_operation.trade if line.labour_operation else Trade.MECHANICAL,
            job_type=line.labour_operation.job_type if line.labour_operation else JobType.OTHER,
            standard_hours=line.hours) for line in lines], ignore_conflicts=True)
    return len(lines)


def jobs_sync(*, work_order: WorkOrder) -> list[Job]:
    """One job per approved labour line (REP-1: the technicians work exactly to
    the order). Lines approved later (a change) get their job then."""
    existing = set(Job.objects.filter(work_order=work_order, kind=Job.Kind.REPAIR).values_list("line_id", flat=True))
    lines = WorkOrderLine.objects.filter(work_order=work_order, kind=WorkOrderLine.Kind.LABOUR,
                                         approval=WorkOrderLine.Approval.APPROVED).select_related("labour_operation")
    new = []
    for line in lines:
        if line.pk in existing:
            continue
        op = line.labour_operation
        new.append(Job(store_id=work_order.store_id, work_order=work_order, line=line, description=line.description,
                       trade=op.trade if op else Trade.MECHANICAL, job_type=op.job_type if op else JobType.OTHER,
                       standard_hours=line.hours))
    if new:
        Job.objects.bulk_create(new, ignore_conflicts=True)
    return list(Job.objects.filter(work_order=work_order).order_by("id"))


def rework_job_create(*, work_order: WorkOrder, findings: str, original: Job | None = None) -> Job:
    """QC-4: the failed car goes back to the technician who did the work, as a
    rework job clocked separately; it counts against the original job."""
    last = original or Job.objects.filter(work_order=work_order, technician__isnull=False).order_by(
        "-finished_at", "-id").first()
    return Job.objects.create(
        store_id=work_order.store_id, work_order=work_order, kind=Job.Kind.REWORK, rework_of=last,
        description=(last.description if last else findings.strip())[:200] or _("Rework after QC"), trade=last.trade if last else Trade.MECHANICAL,
        job_type=last.job_type if last else JobType.OTHER, technician=last.technician if last else None,
        bay=last.bay if last else "", status=J.ASSIGNED if last else J.WAITING, qc_findings=findings,
        assigned_at=timezone.now() if last else None)


def may_dispatch(user: User, store: Store) -> bool:
    return user.has_role(Role.FOREMAN) or (store.advisors_dispatch and user.has_role(Role.SERVICE_ADVISOR))


def store_bays(store: Store) -> list[str]:
    """The store's working bays (a store setting; eight numbered ones where
    the store has not set its own)."""
    names = list(Bay.objects.filter(store=store, active=True).order_by("name").values_list("name", flat=True))
    return names or [f"{i}号工位" for i in range(1, 9)]


def bays_in_use(store: Store) -> dict[str, list[str]]:
    """Which cars stand in which bay now (jobs given out and not finished)."""
    used: dict[str, list[str]] = {}
    for bay, plate in (Job.objects.filter(store=store, status__in=[J.ASSIGNED, J.RUNNING, J.PAUSED])
                       .exclude(bay="").values_list("bay", "work_order__vehicle__plate").distinct()):
        used.setdefault(bay, []).append(plate)
    return used


def job_assign(*, job: Job, technician: User, bay: str, actor: User) -> Job:
    """The foreman (or the advisor, by store setting) gives the job to a
    technician of the right trade, in one of the store's bays."""
    if not may_dispatch(actor, job.work_order.store):
        raise ProcessError(_("Only the foreman dispatches jobs in this store."))
    if bay.strip() not in store_bays(job.work_order.store):
        raise ProcessError(_("Choose one of the store's bays."))
    if not technician.has_role(Role.TECHNICIAN) or technician.store_id != job.store_id:
        raise ProcessError(_("Choose a technician of this store."))
    if technician.trade and technician.trade != job.trade:
        raise ProcessError(_("This is %(trade)s work: choose a technician of that trade.")
                           % {"trade": Trade(job.trade).label})
    if job.status == J.DONE:
        raise ProcessError(_("This job is already finished."))
    if job.status == J.RUNNING:
        raise ProcessError(_("The technician is working on this job: it can be moved once it is paused."))
    updated = JOB.claim(Job.objects.filter(pk=job.pk, status__in=[J.WAITING, J.ASSIGNED, J.PAUSED]),
                        to=J.ASSIGNED if job.status != J.PAUSED else J.PAUSED,
                        fields={"technician": technician, "bay": bay.strip()[:20], "assigned_by": actor,
                                "assigned_at": timezone.now()})
    if updated != 1:
        raise ProcessError(_("This job is already under way."))
    job.refresh_from_db()
    staff_task_create(store=job.store_id, assignee=technician, work_order=job.work_order,
                      key=f"job-{job.pk}-assigned-{technician.pk}", link="/workshop/",
                      message=N_("New job: %(job)s on %(plate)s, bay %(bay)s"),
                      params={"job": job.description, "plate": job.work_order.vehicle.plate, "bay": job.bay or "—"})
    if not Job.objects.filter(work_order=job.work_order, status=J.WAITING).exists():
        StaffTask.objects.filter(work_order=job.work_order, key__startswith=f"dispatch-{job.work_order_id}-",
                                 done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)
    return job


def jobs_for_signed_order(*, work_order: WorkOrder) -> list[Job]:
    """The order's jobs (at the signature, or after an approved change), made
    at once so the workshop board shows them, and the dispatcher (the
    foreman, or the advisors where they dispatch) is asked to give them out."""
    made = jobs_sync(work_order=work_order)
    waiting = [j for j in made if j.status == J.WAITING]
    if waiting:
        store = work_order.store
        staff_task_create(
            store=store.pk, role=Role.SERVICE_ADVISOR if store.advisors_dispatch else Role.FOREMAN,
            work_order=work_order, key=f"dispatch-{work_order.pk}-{waiting[0].pk}", link="/workshop/dispatch/",
            message=N_("Dispatch %(count)s jobs of %(plate)s (promised %(when)s)"),
            params={"count": len(waiting), "plate": work_order.vehicle.plate,
                    "when": timezone.localtime(work_order.promised_at).strftime("%m-%d %H:%M")
                    if work_order.promised_at else "—"})
    return made


def _own(job: Job, technician: User) -> None:
    if job.technician_id != technician.pk:
        raise ProcessError(_("This job is not yours: ask the foreman to dispatch it to you."), rule="REP-1")


def _line_approved(job: Job) -> Refusal | None:
    if job.line_id and job.line.approval != WorkOrderLine.Approval.APPROVED:
        return Refusal("REP-2", _("The customer has not approved this item: it cannot be worked on."))
    return None


def job_clock_on(*, job: Job, technician: User) -> Job:
    """Start (or restart) work on a job. A technician works on one job at a
    time; an unapproved item is never worked on (REP-2); the first job
    started moves the order into repair."""
    _own(job, technician)
    refusal = _line_approved(job)
    if refusal:
        raise ProcessError(refusal.message, rule=refusal.rule)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            if locked.status not in (J.ASSIGNED, J.PAUSED):
                raise ProcessError(_("This job is %(status)s.") % {"status": locked.get_status_display()})
            ClockEntry.objects.filter(job=locked, kind=ClockEntry.Kind.PAUSE, ended_at__isnull=True).update(ended_at=now)
            ClockEntry.objects.create(store_id=locked.store_id, job=locked, technician=technician, started_at=now)
            order = locked.work_order
            if order.status in (S.SIGNED, S.QC_FAILED, S.REPAIR_DONE):  # REPAIR_DONE: work approved at QC (QC-5)
                work_order_transition(
                    work_order=order, to=S.IN_REPAIR, actor=technician,
                    message=N_("Rework started.") if locked.kind == Job.Kind.REWORK else N_("Repair started."))
            elif order.status != S.IN_REPAIR:  # not signed yet, or moved on: say which, in the process's words
                refusal = refused_move(order, S.IN_REPAIR)
                raise ProcessError(str(refusal.message), rule=refusal.rule)
            JOB.move(locked, to=J.RUNNING, fields={"started_at": locked.started_at or now})
            staff_tasks_close(work_order=order, keys=[f"job-{locked.pk}-assigned-{technician.pk}"], actor=technician)
    except IntegrityError:
        running = Job.objects.filter(technician=technician, status=J.RUNNING).select_related("work_order__vehicle").first()
        raise ProcessError(_("You are still clocked on to %(job)s (%(plate)s): pause or finish it first.")
                           % {"job": running.description if running else "?",
                              "plate": running.work_order.vehicle.plate if running else "?"}) from None
    job.refresh_from_db()
    return job


def job_pause(*, job: Job, technician: User, reason: str) -> Job:
    _own(job, technician)
    if reason not in ClockEntry.PauseReason.values:
        raise ProcessError(_("Say why the job is paused."))
    now = timezone.now()
    with transaction.atomic():
        if JOB.claim(Job.objects.filter(pk=job.pk, status=J.RUNNING), to=J.PAUSED) != 1:
            raise ProcessError(_("This job is not running."))
        ClockEntry.objects.filter(job=job, technician=technician, kind=ClockEntry.Kind.WORK,
                                  ended_at__isnull=True).update(ended_at=now)
        ClockEntry.objects.create(store_id=job.store_id, job=job, technician=technician, kind=ClockEntry.Kind.PAUSE,
                                  reason=reason, started_at=now)
        work_order_note(work_order=job.work_order, actor=technician, message=N_("%(job)s paused: %(reason)s"),
                        params={"job": job.description, "reason": ClockEntry.PauseReason(reason).label})
    job.refresh_from_db()
    return job


def clocked_hours(job: Job, now: datetime | None = None) -> Decimal:
    now = now or timezone.now()
    return worked_hours([(e.started_at, e.ended_at) for e in job.clock.all() if e.kind == ClockEntry.Kind.WORK], now)


def worked_hours(spans, now: datetime) -> Decimal:
    """Hours in (started, ended or None while running) work spans."""
    seconds = sum(((ended or now) - started).total_seconds() for started, ended in spans)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


def job_finish(*, job: Job, technician: User, checks: list[str], report: str, signature: str) -> Job:
    """Finish with the self-check of every item for the job type (REP-15) and
    the repair report signed on the tablet (REP-16). When the last job of the
    order is finished, the car goes to QC."""
    _own(job, technician)
    text_check(Job, rule="REP-16", report=report)
    required = self_check_items(store=job.work_order.store, job_type=job.job_type)
    missing = [item for item in required if item not in checks]
    signed: list[str] = []

    def refusals() -> list[Refusal]:
        found = []
        if missing:
            found.append(Refusal("REP-15", _("Do the self-check: %(items)s.") % {"items": list_join(missing)},
                                 field="checks"))
        if not report.strip():
            found.append(Refusal("REP-16", _("Write the repair report: what was found and what was done."),
                                 field="report"))
        try:
            signed.append(signature_check(signature))
        except ProcessError as exc:
            found.append(Refusal("REP-16", _("Sign the repair report: %(why)s") % {"why": exc.message},
                                 field="signature"))
        return found

    now = timezone.now()
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status == J.DONE:
            raise ProcessError(_("This job is already finished."))
        if locked.status not in (J.RUNNING, J.PAUSED):
            raise ProcessError(_("Clock on to the job first."))
        refused = refusals()
        if refused:
            raise GuardRefused(refused)
        ClockEntry.objects.filter(job=locked, ended_at__isnull=True).update(ended_at=now)
        JOB.move(locked, to=J.DONE, fields={"finished_at": now, "self_checks": list(checks), "self_checked": True,
                                            "report": report.strip(), "signature": signed[0], "signed_at": now})
        order = locked.work_order
        work_order_note(work_order=order, actor=technician, kind=WorkOrderEvent.Kind.NOTE,
                        message=N_("%(job)s finished; self-check done and report signed."),
                        params={"job": locked.description}, note=report.strip(), rule="REP-16")
        staff_tasks_close(work_order=order, keys=[f"job-{locked.pk}-assigned-{technician.pk}"], actor=technician)
        if locked.kind == Job.Kind.REWORK:  # the "QC failed" note is done with for this technician
            StaffTask.objects.filter(work_order=order, assignee=technician, key__startswith=f"rework-{order.pk}-",
                                     done_at__isnull=True).update(done_at=now, done_by=technician)
        if not Job.objects.filter(work_order=order).exclude(status=J.DONE).exists():
            work_order_transition(
                work_order=order, to=S.REPAIR_DONE, actor=technician,
                message=N_("All jobs finished, self-checked and signed."),
                after=lambda o: staff_task_create(
                    store=o.store_id, role=Role.QC_INSPECTOR, work_order=o,
                    key=f"qc-{o.pk}-{Job.objects.filter(work_order=o).count()}", link=f"/inspection/orders/{o.pk}/",
                    message=N_("Inspect %(plate)s (%(number)s)"),
                    params={"plate": o.vehicle.plate, "number": o.number}))
    job.refresh_from_db()
    return job


@dataclass(frozen=True)
class Load:
    technician: User
    hours: Decimal
    jobs: int
    clocked_today: Decimal = Decimal(0)
    earned_today: Decimal = Decimal(0)

    @property
    def efficiency(self) -> int | None:
        """Standard hours of the jobs finished today per hour clocked, in %."""
        if self.clocked_today < 1:  # under an hour on the clock says nothing yet
            return None
        return int(self.earned_today / self.clocked_today * 100)


def technician_loads(*, store: Store, now: datetime | None = None) -> list[Load]:
    """Each technician's open standard hours (dispatch: who has room), and
    today's clocked hours against the standard hours of the jobs they finished
    today. Four queries whatever the number of technicians and jobs."""
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    hours: dict[int, Decimal] = {}
    counts: dict[int, int] = {}
    for tech_id, h in Job.objects.filter(store=store, status__in=[J.ASSIGNED, J.RUNNING, J.PAUSED]).values_list(
            "technician_id", "standard_hours"):
        hours[tech_id] = hours.get(tech_id, Decimal(0)) + h
        counts[tech_id] = counts.get(tech_id, 0) + 1
    seconds: dict[int, float] = {}
    for tech_id, started, ended in ClockEntry.objects.filter(
            store=store, kind=ClockEntry.Kind.WORK, started_at__lt=now).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=start)).values_list("technician_id", "started_at", "ended_at"):
        seconds[tech_id] = seconds.get(tech_id, 0.0) + ((ended or now) - max(started, start)).total_seconds()
    earned: dict[int, Decimal] = {}
    for tech_id, h in Job.objects.filter(store=store, status=J.DONE, finished_at__gte=start).values_list(
            "technician_id", "standard_hours"):
        earned[tech_id] = earned.get(tech_id, Decimal(0)) + h
    technicians = User.objects.filter(store=store, is_active=True, staff_roles__role=Role.TECHNICIAN).order_by(
        "trade", "display_name")
    cent = Decimal("0.01")
    return [Load(t, hours.get(t.pk, Decimal(0)).quantize(cent), counts.get(t.pk, 0),
                 (Decimal(seconds.get(t.pk, 0.0)) / 3600).quantize(cent), earned.get(t.pk, Decimal(0)).quantize(cent))
            for t in technicians]


def forecast_finish(*, jobs: list[Job], now: datetime | None = None, clocked: dict | None = None,
                    store: Store | None = None) -> datetime:
    """When the car will be done: the remaining standard hours of its open
    jobs (worked in parallel by different technicians) from now, plus half
    an hour for QC and washing (REP-8); with the store, counted in its
    opening hours (a board read before opening showed finishes at 06:38)."""
    now = now or timezone.now()
    by_technician: dict[int | None, Decimal] = {}
    for job in jobs:
        if job.status == J.DONE:
            continue
        done = clocked[job.pk] if clocked is not None else clocked_hours(job, now)
        left = max(job.standard_hours - done, Decimal("0.1"))
        by_technician[job.technician_id] = by_technician.get(job.technician_id, Decimal(0)) + left
    remaining = max(by_technician.values(), default=Decimal(0))
    if store is not None:
        return add_working_hours(store, now, remaining + Decimal("0.5"))
    return now + timedelta(hours=float(remaining + Decimal("0.5")))

