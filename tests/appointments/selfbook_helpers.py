"""Shared pieces of the self-booking tests (issue 20)."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appointments.selfbooking import Kind
from dealership.models import JobType, OutboundMessage, Trade

from ..factories import CustomerFactory, LabourFactory, VehicleFactory

CODE_RE = re.compile(r"\b(\d{6})\b")


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=timezone.get_current_timezone())


def next_open_day(store) -> date:
    """Tomorrow (the tests that close days close it themselves)."""
    return timezone.localdate() + timedelta(days=1)


def slot_value(starts_at: datetime, advisor) -> str:
    return f"{timezone.localtime(starts_at):%Y%m%d%H%M}-{advisor.pk}"


def maintenance_op(store):
    return LabourFactory(store=store, code="M001", name="更换机油机滤", trade=Trade.MECHANICAL,
                         job_type=JobType.MAINTENANCE, standard_hours=Decimal("0.50"), price=Decimal("120.00"))


def check_op(store):
    return LabourFactory(store=store, code="E002", name="电脑故障诊断", trade=Trade.MECHANICAL,
                         job_type=JobType.ELECTRICAL, standard_hours=Decimal("0.50"), price=Decimal("150.00"))


def known_car(store, *, consent=True, mobile="13812345678"):
    customer = CustomerFactory(store=store, mobile=mobile, consent_to_messages=consent, name="张伟")
    return VehicleFactory(store=store, customer=customer)


def form_data(*, slot: str, day: date, plate: str, mobile: str, kind: str = Kind.MAINTENANCE, **extra) -> dict:
    data = {"kind": kind, "words": "", "day": day.isoformat(), "advisor": "", "slot": slot, "plate": plate,
            "vin": "", "mileage": "32000", "name": "张先生", "mobile": mobile, "send": "1"}
    data.update(extra)
    return data


def public_client(address: str = "203.0.113.7") -> Client:
    return Client(REMOTE_ADDR=address)


def ask(client: Client, store, **kw):
    return client.post(reverse("appointments:selfbook", args=[store.code]), form_data(**kw))


def last_code(mobile: str) -> str:
    """The code as the SMS carries it (the outbox row; the code itself is stored only hashed)."""
    message = OutboundMessage.objects.filter(to=mobile, key__startswith="selfbook-code-").order_by("-id").first()
    return CODE_RE.search(message.body).group(1)
