from datetime import datetime, time, timedelta

from django.utils import timezone

from appointments.services import appointment_book
from dealership.models import Role

from ..factories import VehicleFactory


def at(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=timezone.get_current_timezone())


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def book(team, starts_at=None, *, labour=(), parts=(), vehicle=None, advisor=None, **kw):
    vehicle = vehicle or VehicleFactory(store=team.store)
    return appointment_book(
        store=team.store, actor=kw.pop("actor", team[Role.APPOINTMENT_AGENT]), customer=vehicle.customer,
        vehicle=vehicle, advisor=advisor or team[Role.SERVICE_ADVISOR], starts_at=starts_at or at(tomorrow(), 9),
        customer_words="刹车异响", pre_diagnosis="刹车片磨损", labour_operations=list(labour),
        parts=list(parts), **kw)
