"""QC-4 KPI: the first-time-pass rate, for the store (each store of a group),
per technician and per kind of job. A car passes first time when its first inspection passes; a
job is right first time when QC sent nothing of it back to rework."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from dealership.access import scoped
from dealership.models import JobType, User
from dealership.periods import Period, period_from  # noqa: F401  (the figures' month, shared with other stages)
from workshop.models import Job

from .models import Inspection


@dataclass(frozen=True)
class Rate:
    label: str
    total: int
    right: int

    @property
    def percent(self) -> int | None:
        return round(self.right * 100 / self.total) if self.total else None


@dataclass(frozen=True)
class FirstTimePass:
    store: Rate
    stores: list[Rate]
    technicians: list[Rate]
    job_types: list[Rate]
    reworks: int


def first_time_pass(*, user: User, period: Period) -> FirstTimePass:
    """Orders whose first inspection fell in the period: three grouped
    queries, whatever the number of cars."""
    first_rounds = scoped(Inspection.objects.filter(round=1, at__gte=period.start, at__lt=period.end), user)
    totals = first_rounds.aggregate(total=Count("id"), right=Count("id", filter=Q(passed=True)))
    by_store = (first_rounds.values("store__name").annotate(total=Count("id"), right=Count("id", filter=Q(passed=True)))
                .order_by("store__name"))
    jobs = (scoped(Job.objects.filter(kind=Job.Kind.REPAIR, status=Job.Status.DONE,
                                      work_order__inspections__in=first_rounds), user)
            .annotate(sent_back=Exists(Job.objects.filter(rework_of=OuterRef("pk")))))
    by_tech = (jobs.values("technician_id", "technician__display_name", "technician__username")
               .annotate(total=Count("id", distinct=True),
                         right=Count("id", distinct=True, filter=Q(sent_back=False)))
               .order_by("technician__display_name"))
    by_type = (jobs.values("job_type").annotate(total=Count("id", distinct=True),
                                                right=Count("id", distinct=True, filter=Q(sent_back=False)))
               .order_by("job_type"))
    return FirstTimePass(
        store=Rate("", totals["total"], totals["right"]),
        stores=[Rate(r["store__name"], r["total"], r["right"]) for r in by_store],
        technicians=[Rate(r["technician__display_name"] or r["technician__username"] or "—", r["total"], r["right"])
                     for r in by_tech],
        job_types=[Rate(str(JobType(r["job_type"]).label), r["total"], r["right"]) for r in by_type],
        reworks=scoped(Job.objects.filter(kind=Job.Kind.REWORK, created_at__gte=period.start,
                                          created_at__lt=period.end), user).count())
