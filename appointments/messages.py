"""Customer messages of stage 1, rendered from subject/text templates in the
store's language (Chinese by default), sent once per key."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dealership.models import OutboundMessage
from dealership.notify import Draft, customer_messages_send

from .links import answer_url
from .models import Appointment


def render(name: str, context: dict) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"appointments/messages/{name}_subject.txt", context).strip()
        body = render_to_string(f"appointments/messages/{name}.txt", context).strip()
    return subject, body


def appointment_message_draft(*, appointment: Appointment, name: str, key: str, **extra) -> Draft:
    """Message `name` about the appointment, to be sent once under `key`."""
    customer = appointment.customer
    context = {
        "store": appointment.store, "name": customer.salutation(),
        "plate": appointment.vehicle.plate, "advisor": str(appointment.advisor),
        "when": timezone.localtime(appointment.starts_at).strftime("%m-%d %H:%M"),
        "link": answer_url(appointment), **extra,
    }
    subject, body = render(name, context)
    return Draft(appointment.store_id, customer, key, subject, body, appointment.work_order_id)


def appointment_message_send(*, appointment: Appointment, name: str, key: str, **extra) -> OutboundMessage | None:
    """Send message `name` about the appointment once under `key`; None when
    the customer has not agreed to messages (the caller makes a call task)."""
    return customer_messages_send([appointment_message_draft(appointment=appointment, name=name, key=key,
                                                             **extra)])[key]
