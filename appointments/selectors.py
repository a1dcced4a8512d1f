from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from dealership.access import scoped
from dealership.models import User

from .models import Appointment


def appointments_on(*, user: User, day: date) -> QuerySet[Appointment]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return (
        scoped(Appointment.objects.all(), user)
        .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .select_related("customer", "vehicle", "advisor", "work_order")
        .order_by("starts_at", "id")
    )
