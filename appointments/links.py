"""The appointment's signed link (APT-11): confirm, ask to reschedule or
cancel without logging in."""

from django.http import Http404

from dealership.links import make_token, public_url, read_token

from .models import Appointment

SALT = "appointments.answer.v1"
MAX_AGE_SECONDS = 30 * 24 * 3600


def answer_token(appointment: Appointment) -> str:
    return make_token(salt=SALT, a=appointment.pk, s=appointment.store_id)


def answer_url(appointment: Appointment) -> str:
    return public_url("appointments:answer", answer_token(appointment))


def appointment_from_token(token: str) -> Appointment:
    data = read_token(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    try:
        return Appointment.objects.select_related("store", "customer", "vehicle", "advisor").get(
            pk=int(data["a"]), store_id=int(data["s"]))
    except (KeyError, TypeError, ValueError, Appointment.DoesNotExist):
        raise Http404 from None
