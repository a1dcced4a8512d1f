"""The customer message texts page (issue 18): the store's own text of every message, checked, logged, previewed
from a real record, and sent."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.messages import appointment_message_send
from dealership.messagetexts import customer_messages, message_default, message_text_check, message_text_save
from dealership.models import Customer, MessageText, Role, SettingChange, WorkOrder
from dealership.notify import LocmemBackend
from reception.links import send_copy

from ..appointments.helpers import at, book
from ..conftest import login
from ..refusals import refused_saying

S = WorkOrder.Status
pytestmark = pytest.mark.usefixtures("english")


def save_url(name, language="zh-hans"):
    return reverse("dealership:message_text_save", args=[name, language])


def post_text(client, name, subject, body, language="zh-hans"):
    return client.post(save_url(name, language), {f"{language}-subject": subject, f"{language}-body": body})


@pytest.fixture
def booked(team, catalogue):
    appointment = book(team, at(timezone.localdate() + timedelta(days=2), 10), labour=[catalogue["labour"]])
    Customer.objects.filter(pk=appointment.customer_id).update(consent_to_messages=True)
    appointment.customer.refresh_from_db()
    return appointment


def test_every_default_text_passes_its_own_check():
    assert len(customer_messages()) >= 14
    for message in customer_messages():
        for language in ("zh-hans", "en"):
            subject, body = message_default(message.name, language)
            message_text_check(name=message.name, language=language, subject=subject, body=body)


def test_an_edited_appointment_text_is_what_the_customer_receives(team, manager, booked,
                                                                  django_capture_on_commit_callbacks):
    response = post_text(login(manager, "en"), "day_before", "{{ store }}：明日预约",
                         "{{ name }}您好，明天{{ when }}请带{{ plate }}来店，{{ advisor }}接待。{{ link }}")
    assert response.status_code == 302
    LocmemBackend.outbox = []
    with django_capture_on_commit_callbacks(execute=True):  # sent after commit (issue 20)
        appointment_message_send(appointment=booked, name="day_before", key="t-1")
    [sent] = LocmemBackend.outbox
    assert sent.subject == f"{team.store.name}：明日预约"
    assert sent.body.startswith(f"{booked.customer.salutation()}您好，明天") and booked.vehicle.plate in sent.body
    assert "/appointments/answer/" in sent.body or "http" in sent.body


def test_an_edited_text_of_a_later_stage_is_sent_and_the_other_language_keeps_its_default(
        team, manager, order_in, advisor, django_capture_on_commit_callbacks):
    order = order_in(S.SIGNED)
    Customer.objects.filter(pk=order.customer_id).update(consent_to_messages=True)
    order.refresh_from_db()
    post_text(login(manager, "en"), "work_order_copy", "委托书 {{ number }}", "{{ name }}：{{ link }}")
    post_text(login(manager, "en"), "work_order_copy", "Order {{ number }}", "Hi {{ name }}: {{ link }}",
              language="en")
    LocmemBackend.outbox = []
    with django_capture_on_commit_callbacks(execute=True):  # sent after commit (issue 20)
        send_copy(order=order, actor=advisor)
    [sent] = LocmemBackend.outbox
    assert sent.subject == f"委托书 {order.number}"  # the store's language is Chinese
    assert sent.body.startswith(f"{order.customer.salutation()}：http")


def test_the_change_is_logged_with_the_old_and_the_new_text(team, manager):
    old_subject, old_body = message_default("survey", "zh-hans")
    post_text(login(manager, "en"), "survey", "回访", "{{ name }}，请评价：{{ link }}")
    row = MessageText.objects.get(store=team.store, name="survey", language="zh-hans")
    log = {c.field: c for c in SettingChange.objects.filter(model="dealership.messagetext", object_id=str(row.pk))}
    assert log["body"].old == old_body and log["body"].new == "{{ name }}，请评价：{{ link }}"
    assert log["subject"].actor == manager and log["subject"].store == team.store
    response = login(manager, "en").post(reverse("dealership:message_text_reset", args=["survey", "zh-hans"]))
    assert response.status_code == 302 and not MessageText.objects.exists()
    assert SettingChange.objects.filter(model="dealership.messagetext", field="body").count() == 2


@pytest.mark.parametrize(("body", "says"), [
    ("您好 {{ name|no_such_filter }}", "not a valid template"),
    ("{% if name %}您好", "not a valid template"),
    ("{% load static %}您好", "not a valid template"),
    ("您好 {{ customer.mobile }}", "This message has no {{ customer }}"),
    ("{% if secret %}x{% endif %}您好", "This message has no {{ secret }}"),
    ("{% load i18n %}{% blocktranslate %}Hi {{ password }}{% endblocktranslate %}", "This message has no {{ password }}"),
    ("{% include 'base.html' %}", "cannot be filled in"),
    ("{% debug %}", "not allowed"),
])
def test_a_broken_or_unknown_text_is_refused_with_a_message(team, manager, body, says):
    response = post_text(login(manager, "en"), "survey", "回访", body)
    assert response.status_code == 400
    assert says in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not MessageText.objects.exists() and not SettingChange.objects.exists()


def test_a_loop_variable_of_the_text_is_its_own(manager, team):
    message_text_save(store=team.store, actor=manager, name="cancelled_offer", language="en", subject="{{ store }}",
                      body="{% for t in offers %}{{ t.starts_at|date:'H:i' }} {{ t.advisor }}{% endfor %} {{ link }}")
    with refused_saying("This message has no {{ offers }}. It offers: {{ link }}, {{ name }}, {{ plate }}, "
                        "{{ store }}."):
        message_text_check(name="survey", language="en", subject="x", body="{% for t in offers %}{% endfor %}")


def test_the_preview_is_filled_from_a_real_appointment(team, manager, booked):
    page = login(manager, "en").get(reverse("dealership:message_text", args=["day_before"])).content.decode()
    assert booked.vehicle.plate in page and booked.customer.salutation() in page
    response = login(manager, "en").post(reverse("dealership:message_text_preview", args=["day_before", "en"]),
                                         {"en-subject": "Hello", "en-body": "Draft for {{ plate }}"})
    assert response.status_code == 200
    assert f"Draft for {booked.vehicle.plate}" in response.content.decode()
    assert not MessageText.objects.exists()  # a preview saves nothing


def test_without_a_record_the_preview_says_so(team, manager):
    page = login(manager, "en").get(reverse("dealership:message_text", args=["documents"])).content.decode()
    assert "No preview yet" in page


def test_the_list_shows_every_message_with_its_current_text(team, manager):
    assert post_text(login(manager, "en"), "survey", "回访", "自己的文字 {{ link }}").status_code == 302
    page = login(manager, "en").get(reverse("dealership:message_texts")).content.decode()
    assert "自己的文字" in page and "the store's own" in page
    for message in customer_messages():
        assert reverse("dealership:message_text", args=[message.name]) in page


@pytest.mark.parametrize("role", [Role.SERVICE_ADVISOR, Role.CASHIER, Role.FOLLOWUP_AGENT])
def test_other_roles_get_403(team, role):
    client = login(team[role], "en")
    assert client.get(reverse("dealership:message_texts")).status_code == 403
    assert client.get(reverse("dealership:message_text", args=["survey"])).status_code == 403
    assert post_text(client, "survey", "x", "{{ link }}").status_code == 403
    assert not MessageText.objects.exists()


def test_an_unknown_message_or_language_is_a_404(manager):
    client = login(manager, "en")
    assert client.get(reverse("dealership:message_text", args=["nothing"])).status_code == 404
    assert post_text(client, "survey", "x", "{{ link }}", language="fr").status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("phone", ["020-88886666", ""])
def test_the_default_with_new_times_reads_as_text_and_sends_what_the_file_sends(db, language, phone):
    """The message with offered times keeps its loop and its condition, but in the editor its sentences are in
    the page's language, not template tags; rendered, it is word for word what its file renders."""
    from datetime import datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from django.template.loader import render_to_string
    from django.utils import translation

    from appointments.messages import _Offer
    from dealership.messagetexts import message_render
    from tests.factories import StoreFactory

    store = StoreFactory(phone=phone)
    at = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    context = {"name": "王先生", "old": "12-08 09:00", "plate": "粤A12345", "link": "https://x.example/a/1",
               "store": SimpleNamespace(name=store.name, phone=phone),
               "offers": [_Offer(at, "李丽"), _Offer(at + timedelta(days=1, hours=1), "王芳")]}
    _subject, body = message_default("cancelled_offer", language)
    assert "blocktranslate" not in body and "{% for t in offers %}" in body and "{% if store.phone %}" in body
    with translation.override(language):
        expected = render_to_string("appointments/messages/cancelled_offer.txt", context).strip()
    assert message_render(store=store, name="cancelled_offer", context=context, language=language)[1] == expected
