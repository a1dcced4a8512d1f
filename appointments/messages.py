"""Customer messages of stage 1, rendered from subject/text templates in the
store's language (Chinese by default), sent once per key. The texts are the
files under templates/appointments/messages/ until the store writes its own
(dealership.messagetexts, issue 18)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealership.messagetexts import (
    CustomerMessage,
    file_template,
    gettext_template,
    message_render,
    register_message,
    sample,
    variables,
)
from dealership.models import OutboundMessage, Store
from dealership.notify import Draft, customer_messages_send, with_purpose

from .links import answer_url
from .models import Appointment


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def appointment_message_context(appointment: Appointment, **extra) -> dict:
    """What every appointment message offers (and `extra`: old, offers)."""
    return {
        "store": appointment.store, "name": appointment.customer.salutation(),
        "plate": appointment.vehicle.plate, "advisor": str(appointment.advisor),
        "when": _when(appointment.starts_at), "link": answer_url(appointment), **extra,
    }


def appointment_message_draft(*, appointment: Appointment, name: str, key: str, texts: dict | None = None,
                              **extra) -> Draft:
    """Message `name` about the appointment, to be sent once under `key` (`texts`: the stores' own texts,
    preloaded for a batch by message_texts_load)."""
    subject, body = message_render(store=appointment.store, name=name, texts=texts,
                                   context=appointment_message_context(appointment, **extra))
    return Draft(appointment.store_id, appointment.customer, key, subject, body, appointment.work_order_id)


def appointment_message_send(*, appointment: Appointment, name: str, key: str, purpose: str = "",
                             ref: int | None = None, **extra) -> OutboundMessage | None:
    """Record message `name` about the appointment once under `key` and have it
    sent after commit (`purpose`, `ref`: the outcome hooks told how it went);
    None when the customer has not agreed to messages (the caller makes a call
    task)."""
    draft = appointment_message_draft(appointment=appointment, name=name, key=key, **extra)
    return customer_messages_send([with_purpose(draft, purpose, ref)])[key]


# --- the messages, for the message texts page (issue 18) ------------------------------------------------------

class _Offer:
    """An offered time, as the cancelled_offer message reads it (t.starts_at, t.advisor)."""

    def __init__(self, starts_at, advisor) -> None:
        self.starts_at, self.advisor = starts_at, advisor


def _preview(extra: tuple[str, ...]):
    def preview(store: Store) -> dict | None:
        appointment = (Appointment.objects.filter(store=store).select_related("store", "customer", "vehicle",
                                                                              "advisor").order_by("-id").first())
        if appointment is None:
            return None
        more = {}
        if "old" in extra:
            more["old"] = _when(appointment.starts_at - timedelta(days=1))
        if "offers" in extra:
            more["offers"] = [_Offer(appointment.starts_at + timedelta(days=d), appointment.advisor) for d in (1, 2)]
        return appointment_message_context(appointment, **more)
    return preview


OFFERS_HELP = _("the times offered: {% for t in offers %}{{ t.starts_at|date:\"m-d H:i\" }} {{ t.advisor }}"
                "{% endfor %}")
_SAMPLE_OFFERS = [_Offer(timezone.now(), "李丽")]


def cancelled_offer_body() -> str:
    """The default of the message with new times, as the manager starts from it: the file's sentences in the
    active language, its loop over the offered times and its condition on the store's phone kept as they are
    (the file itself is one template for every language, unreadable in the editor)."""
    def sentence(msgid: str, **rename: str) -> str:
        return gettext_template(msgid, rename=rename)()
    return (sentence("Dear %(name)s, we are sorry: we cannot keep your appointment of %(old)s for %(plate)s. "
                     "We can offer these times instead:")
            + "\n{% for t in offers %}· {{ t.starts_at|date:\"m-d (D) H:i\" }} "
            + sentence("(advisor: %(advisor)s)", advisor="t.advisor")
            + "\n{% endfor %}" + sentence("Choose one, or tell us none suits you: %(link)s")
            + "\n{% if store.phone %}"
            + sentence("If we do not hear from you, we will call you. Our phone: %(phone)s", phone="store.phone")
            + "{% else %}" + sentence("If we do not hear from you, we will call you.") + "{% endif %}")

for order, (name, label, extra) in enumerate([
        ("day_before", _("Appointment: the day before"), ()),
        ("hour_before", _("Appointment: the hour before"), ()),
        ("moved", _("Appointment moved by the store"), ("old",)),
        ("moved_on_request", _("Appointment moved as the customer asked"), ("old",)),
        ("cancelled", _("Appointment cancelled by the store, no time to offer"), ("old",)),
        ("cancelled_offer", _("Appointment cancelled by the store, with new times"), ("old", "offers"))]):
    names = ("store", "name", "plate", "advisor", "when", "link", *[e for e in extra if e != "offers"])
    register_message(CustomerMessage(
        name=name, label=label, stage=_("Appointments"), order=100 + order,
        variables=variables(*names, **({"offers": OFFERS_HELP} if "offers" in extra else {})),
        sample=sample(*names, **({"offers": _SAMPLE_OFFERS} if "offers" in extra else {})),
        subject=file_template(f"appointments/messages/{name}_subject.txt", names),
        body=cancelled_offer_body if name == "cancelled_offer"
        else file_template(f"appointments/messages/{name}.txt", (*names, "offers")), preview=_preview(extra)))
