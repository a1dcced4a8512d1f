"""What settlement adds to each visit on the customer's and the car's page
(dealership.history): the statement as issued, with a link to the bill."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dealership.history import VisitNote, register_visit_notes
from dealership.templatetags.dealership_tags import yuan

from .models import Statement


@register_visit_notes
def statements(order_ids: list[int]) -> dict[int, list[VisitNote]]:
    out: dict[int, list[VisitNote]] = {}
    for s in (Statement.objects.filter(work_order_id__in=order_ids, superseded=False)
              .only("id", "work_order_id", "number", "total")):
        out.setdefault(s.work_order_id, []).append(VisitNote(
            _("Statement"), f"{s.number} · {yuan(s.total)}", reverse("settlement:order", args=[s.work_order_id])))
    return out
