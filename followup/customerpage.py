"""What follow-up adds to the customer's and the car's page
(dealership.history): each visit's follow-up call and its outcome, the
complaints, and the service reminders sent (FU-2, FU-7, FU-9)."""

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealership.history import Section, VisitNote, register_section, register_visit_notes
from dealership.models import Customer, Vehicle

from .models import Complaint, FollowUpCall, FollowUpTask, ServiceReminder

SHOWN = 10  # complaints and reminders on the page; the complaints list has the rest


def _outcome(task: FollowUpTask) -> tuple[str, bool]:
    last = task.calls_shown[-1] if task.calls_shown else None
    if last is None:
        return (_("to call") if task.status == FollowUpTask.Status.OPEN else _("closed without a call")), False
    if not last.reached:
        return _("not reached (%(n)d attempts)") % {"n": task.attempts}, False
    text = _("satisfied %(score)s/5") % {"score": last.satisfaction} if last.satisfaction else _("reached")
    if last.complaint:
        text = _("%(outcome)s, complaint") % {"outcome": text}
    return text, last.complaint or (last.satisfaction is not None and last.satisfaction <= 3)


@register_visit_notes
def followup_outcomes(order_ids: list[int]) -> dict[int, list[VisitNote]]:
    tasks = (FollowUpTask.objects.filter(work_order_id__in=order_ids)
             .prefetch_related(Prefetch("calls", queryset=FollowUpCall.objects.order_by("at", "id"),
                                        to_attr="calls_shown")))
    out: dict[int, list[VisitNote]] = {}
    for task in tasks:
        text, warn = _outcome(task)
        out.setdefault(task.work_order_id, []).append(
            VisitNote(gettext_lazy("Follow-up"), text, reverse("followup:task", args=[task.pk]), warn))
    return out


@register_section
def complaints(*, customer: Customer, vehicles: list[Vehicle], car: Vehicle | None) -> Section:
    """Open complaints first, then the latest closed ones."""
    qs = Complaint.objects.filter(work_order__vehicle=car) if car else Complaint.objects.filter(
        work_order__customer=customer)
    rows = list(qs.select_related("work_order").annotate(
        closed=Case(When(status=Complaint.Status.CLOSED, then=Value(1)), default=Value(0),
                    output_field=IntegerField())).order_by("closed", "-created_at", "-id")[:SHOWN])
    return Section("complaints", gettext_lazy("Complaints"), "followup/partials/history_complaints.html",
                   {"complaints": rows, "open": sum(1 for c in rows if c.status != Complaint.Status.CLOSED)},
                   order=10)


@register_section
def reminders(*, customer: Customer, vehicles: list[Vehicle], car: Vehicle | None) -> Section:
    rows = list(ServiceReminder.objects.filter(vehicle_id__in=[v.pk for v in vehicles])
                .select_related("vehicle").order_by("-due_on", "-id")[:SHOWN])
    return Section("reminders", gettext_lazy("Service reminders"), "followup/partials/history_reminders.html",
                   {"reminders": rows, "show_plate": car is None}, order=20)
