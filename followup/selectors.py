from datetime import timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone

from dealership.access import scoped
from dealership.models import User, WorkOrder

from .models import FollowUpCall, FollowUpTask


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
