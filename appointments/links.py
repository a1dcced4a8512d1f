"""Signed links a customer opens without logging in (APT-11): the token
carries the appointment and its store, signed with the secret key, so it
cannot be forged or changed to reach another appointment."""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse

from .models import Appointment

SALT = "appointments.answer.v1"
MAX_AGE_SECONDS = 30 * 24 * 3600


def answer_token(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "s": appointment.store_id}, salt=SALT, compress=True)


def answer_url(appointment: Appointment) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("appointments:answer", args=[answer_token(appointment)])


def appointment_from_token(token: str) -> Appointment:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        return Appointment.objects.select_related("store", "customer", "vehicle", "advisor").get(
            pk=int(data["a"]), store_id=int(data["s"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Appointment.DoesNotExist):
        raise Http404 from None
