"""A calendar month of figures (the manager's pages of several stages)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    month: str  # "2026-11"


def period_from(month: str, today: date | None = None) -> Period:
    """A calendar month ("YYYY-MM"), this month when not given or not valid."""
    today = today or timezone.localdate()
    try:
        year, mon = (int(x) for x in month.split("-"))
        first = date(year, mon, 1)
    except (ValueError, TypeError):
        first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return Period(datetime.combine(first, time.min, zone), datetime.combine(following, time.min, zone),
                  first.strftime("%Y-%m"))
