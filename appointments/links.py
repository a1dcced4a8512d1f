"""The appointment's signed link (APT-11): confirm, ask to reschedule or
cancel without logging in."""

from dealership.links import public_url, record_from_token, record_token

from .models import Appointment

SALT = "appointments.answer.v1"
MAX_AGE_SECONDS = 30 * 24 * 3600


def answer_token(appointment: Appointment) -> str:
    return record_token(appointment, salt=SALT, key="a")


def answer_url(appointment: Appointment) -> str:
    return public_url("appointments:answer", answer_token(appointment))


def appointment_from_token(token: str) -> Appointment:
    return record_from_token(token, salt=SALT, max_age=MAX_AGE_SECONDS, key="a",
                             queryset=Appointment.objects.select_related("store", "customer", "vehicle", "advisor"))
