"""The welcome board (SCH-6): one A4 landscape sheet per appointment of a day,
showing the customer as they wish (full name, surname + 先生/女士, or the
plate), the time and the plate."""

from datetime import date, timedelta

from django.utils import timezone

from dealership.models import Store
from dealership.printing import register_document, render_pdf

from .models import Appointment


def welcome_boards_pdf(*, store: Store, day: date, appointments: list[Appointment]) -> bytes:
    boards = [{
        "name": a.customer.board_name(a.vehicle.plate), "plate": a.vehicle.plate,
        "time": timezone.localtime(a.starts_at).strftime("%H:%M"), "advisor": str(a.advisor),
    } for a in appointments]
    return render_pdf("print/welcome_board.html", {"store": store, "day": day, "boards": boards})


@register_document("welcome_board", "欢迎牌 (welcome board, one page per appointment of a day)")
def sample_welcome_board() -> tuple[str, bytes] | None:
    appointment = (Appointment.objects.select_related("store").filter(status__in=Appointment.ACTIVE)
                   .order_by("-starts_at").first())
    if appointment is None:
        return None
    day = timezone.localtime(appointment.starts_at).date()
    todays = list(Appointment.objects.filter(
        store=appointment.store, status__in=Appointment.ACTIVE,
        starts_at__date__gte=day, starts_at__date__lt=day + timedelta(days=1),
    ).select_related("customer", "vehicle", "advisor").order_by("starts_at"))
    return f"welcome_board_{appointment.store.code}_{day:%Y%m%d}.pdf", welcome_boards_pdf(
        store=appointment.store, day=day, appointments=todays)
