"""FU-8: the monthly follow-up analysis report for a store or a dealer
group, with its charts; generated on the first of each month and kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from dealership.models import DealerGroup, Store
from dealership.printing import register_document, render_pdf
from dealership.replicas import primary_position, reading_replica

from .compliance import compliance_count, compliance_table
from .figures import Filters, dashboard, filters_from
from .models import CorrectiveAction, MonthlyReport


@dataclass(frozen=True)
class Scope:
    """Who the figures are for, shaped like a user for dealership.access.scoped."""

    group_id: int
    store_id: int | None

    @property
    def is_group_manager(self) -> bool:
        return self.store_id is None


def previous_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def report_pdf(*, group: DealerGroup, store: Store | None, month: str) -> bytes:
    scope = Scope(group.pk, store.pk if store else None)
    f: Filters = filters_from({"month": month})
    board = dashboard(scope, f)
    actions = CorrectiveAction.objects.filter(store__group=group, created_at__lt=f.end).filter(
        **({"store": store} if store else {})).select_related("owner", "store").order_by("done_at", "due_on")[:40]
    current = board.satisfaction["current"]
    scored = [(label, current.get(key)) for key, label in board.satisfaction["dimensions"]
              if current.get(key) and key != "overall"]
    weakest = min(scored, key=lambda x: x[1]) if scored else None
    top_category = max(board.complaints["by_category"], key=lambda x: x[1]) if board.complaints["total"] else None
    stores = [store.pk] if store else list(Store.objects.filter(group=group).values_list("pk", flat=True))
    compliance = compliance_table(stores=stores, month=date.fromisoformat(f"{f.month}-01"), breakdown=False)
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("print/monthly_report.html", {
            "group": group, "store": store, "month": f.month, "board": board,
            "compliance": compliance, "actions": actions, "weakest": weakest,
            "top_category": top_category, "printed_at": timezone.localtime()})


def monthly_report_generate(*, group: DealerGroup, store: Store | None, month: str,
                            after: str | None = None) -> MonthlyReport:
    """Render and keep (a second run for the same month replaces the file, never adds a row). The figures are
    read on a replica that has replayed the primary's position `after` (issue 23), else on the primary."""
    with reading_replica(after=after):
        pdf = report_pdf(group=group, store=store, month=month)
    first = date.fromisoformat(f"{month}-01")
    with transaction.atomic():
        report, _created = MonthlyReport.objects.select_for_update().get_or_create(
            group=group, store=store, month=first)
        if report.pdf:
            report.pdf.delete(save=False)
        report.pdf.save(f"{month}.pdf", ContentFile(pdf), save=True)
    return report


def monthly_reports_generate_all(*, today: date | None = None) -> int:
    """On the first of the month: last month's report for every store and every group."""
    month = previous_month(today or timezone.localdate())
    compliance_count(month=date.fromisoformat(f"{month}-01"), trigger="monthly report")  # issue 21: complete
    counted = primary_position()  # the reports read those counts, on a replica only once it has them
    made = 0
    for group in DealerGroup.objects.order_by("id"):
        for store in Store.objects.filter(group=group).order_by("id"):
            monthly_report_generate(group=group, store=store, month=month, after=counted)
            made += 1
        monthly_report_generate(group=group, store=None, month=month, after=counted)
        made += 1
    return made


@register_document("monthly_report", "回访分析月报 (monthly follow-up analysis report, with charts)")
def sample_monthly_report() -> tuple[str, bytes] | None:
    store = Store.objects.select_related("group").order_by("id").first()
    if store is None:
        return None
    month = timezone.localdate().strftime("%Y-%m")
    return f"monthly_report_{store.code}_{month}.pdf", report_pdf(group=store.group, store=store, month=month)
