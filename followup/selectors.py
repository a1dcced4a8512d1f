from datetime import timedelta

import django_filters
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealership.access import MANAGERS, scoped
from dealership.models import Role, Store, User, WorkOrder
from dealership.selectors import IdFilter, PeriodFilter

from .models import Complaint, FollowUpCall, FollowUpTask


def figure_filter_choices(user: User) -> dict:
    """The stores and advisors a manager may pick on the figures pages (a group manager: the group's)."""
    stores = Store.objects.filter(group_id=user.group_id) if user.is_group_manager else Store.objects.filter(
        pk=user.store_id)
    advisors = User.objects.filter(staff_roles__role=Role.SERVICE_ADVISOR).filter(
        store__in=stores).order_by("display_name").distinct()
    return {"store_choices": stores.order_by("name"), "advisor_choices": advisors}


class FiguresFilter(PeriodFilter):
    """The manager's figures (FU-4, FU-5): a month, a store and an advisor."""

    store = IdFilter(field_name="store_id")
    advisor = IdFilter(field_name="advisor_id")


class ComplaintFilter(django_filters.FilterSet):
    """The complaints list (FU-7): not closed by default, or one status; only
    one's own with `mine=1`, and always for those who only handle complaints.
    A status that does not fit shows every complaint."""

    OPEN = "open"

    mine = django_filters.CharFilter(method="only_mine")
    status = django_filters.ChoiceFilter(choices=[(OPEN, _("Not closed")), *Complaint.Status.choices],
                                         method="with_status")

    def __init__(self, data, *, user: User) -> None:
        if data is None or "status" not in data:
            data = data.copy() if data is not None else {}
            data["status"] = self.OPEN
        self.user = user
        self.handles_all = user.has_role(Role.FOLLOWUP_AGENT, *MANAGERS)
        qs = scoped(Complaint.objects.all(), user).select_related("work_order__vehicle", "owner")
        super().__init__(data, queryset=qs if self.handles_all else self._own(qs))

    def filter_queryset(self, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
        return super().filter_queryset(queryset).order_by("status", "due_at", "-created_at")

    def only_mine(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        return self._own(qs) if value == "1" and self.handles_all else qs  # the others see only their own anyway

    def with_status(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        return qs.exclude(status=Complaint.Status.CLOSED) if value == self.OPEN else qs.filter(status=value)

    def _own(self, qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
        return qs.filter(Q(owner=self.user) | Q(status=Complaint.Status.HANDLED, owner=self.user))


class FollowUpQueueFilter(django_filters.FilterSet):
    """FU-1's call queue, one section at a time: due now (the default, also
    for a section that does not exist), overdue, to try again, waiting for the
    survey, not due yet."""

    SECTIONS = {"due": _("To call now"), "overdue": _("Overdue"), "retry": _("Not reached yet"),
                "survey": _("Survey sent"), "later": _("Not due yet")}

    show = django_filters.ChoiceFilter(choices=list(SECTIONS.items()), method="in_section")

    def __init__(self, data, *, user: User) -> None:
        self.now = timezone.now()
        super().__init__(data if data is not None else {}, queryset=scoped(
            FollowUpTask.objects.filter(status=FollowUpTask.Status.OPEN), user).select_related(
            "work_order__customer", "work_order__vehicle", "work_order__advisor").only(  # what the rows show (issue 9)
            "store_id", "status", "due_from", "due_by", "next_try_at", "survey_sent_at", "attempts",
            "work_order__vehicle__plate", "work_order__customer__name", "work_order__customer__mobile",
            *(f"work_order__advisor__{f}" for f in User.NAME_FIELDS)))

    @property
    def section(self) -> str:
        self.form.is_valid()
        return self.form.cleaned_data.get("show") or "due"

    def filter_queryset(self, queryset: QuerySet[FollowUpTask]) -> QuerySet[FollowUpTask]:
        return self.in_section(queryset, "show", self.section)

    def in_section(self, qs: QuerySet[FollowUpTask], name: str, value: str) -> QuerySet[FollowUpTask]:
        now = self.now
        if value == "overdue":
            return qs.filter(due_by__lt=now).order_by("due_by", "id")
        if value == "retry":
            return qs.filter(attempts__gt=0, survey_sent_at__isnull=True).order_by("next_try_at", "id")
        if value == "survey":
            return qs.filter(survey_sent_at__isnull=False).order_by("survey_sent_at", "id")
        if value == "later":
            return qs.filter(due_from__gt=now, due_by__gte=now).order_by("due_from", "id")
        return qs.filter(Q(due_from__lte=now) | Q(due_by__lt=now), survey_sent_at__isnull=True).filter(
            Q(next_try_at__isnull=True) | Q(next_try_at__lte=now)).order_by("due_by", "id")

    def counts(self) -> dict[str, int]:
        """How many tasks each section holds (one query)."""
        now = self.now
        return self.queryset.aggregate(
            due=Count("id", filter=(Q(due_from__lte=now) | Q(due_by__lt=now)) & Q(survey_sent_at__isnull=True)
                               & (Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))),
            overdue=Count("id", filter=Q(due_by__lt=now)),
            retry=Count("id", filter=Q(attempts__gt=0, survey_sent_at__isnull=True)),
            survey=Count("id", filter=Q(survey_sent_at__isnull=False)),
            later=Count("id", filter=Q(due_from__gt=now, due_by__gte=now)))


def overview_figures(*, user: User) -> dict:
    """The manager's overview: orders by status per store, and follow-up
    figures (a fixed number of queries, whatever the data size)."""
    by_status = (scoped(WorkOrder.objects.all(), user).values("store__name", "status")
                 .annotate(n=Count("id")).order_by("store__name", "status"))
    stores: dict[str, dict[str, int]] = {}
    for row in by_status:
        stores.setdefault(row["store__name"], {})[row["status"]] = row["n"]
    tasks = scoped(FollowUpTask.objects.all(), user)
    since = timezone.now() - timedelta(days=30)
    calls = scoped(FollowUpCall.objects.filter(reached=True, at__gte=since), user).aggregate(
        n=Count("id"), avg=Avg("satisfaction"), complaints=Count("id", filter=Q(complaint=True)))
    now = timezone.now()
    return {
        "stores": stores,
        "statuses": WorkOrder.Status.choices,
        "followups_open": tasks.filter(status=FollowUpTask.Status.OPEN).count(),
        "followups_overdue": tasks.filter(status=FollowUpTask.Status.OPEN, due_by__lt=now).count(),
        "followups_done": tasks.filter(status=FollowUpTask.Status.DONE).count(),
        "calls_30d": calls["n"], "satisfaction_30d": calls["avg"], "complaints_30d": calls["complaints"],
    }
