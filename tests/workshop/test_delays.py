"""REP-8: the advisor watches progress and tells the customer of a change at
once: a car that will be late gets a new delivery time, and the customer
hears it with that time."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.models import Customer, OutboundMessage, Role, StaffTask, WorkOrder
from dealership.notify import LocmemBackend
from workshop.delays import work_order_delay_tell

from ..conftest import login
from ..refusals import refused_by, refused_saying

S = WorkOrder.Status


def local(moment):
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def test_rep8_a_late_car_gets_a_new_time_and_the_customer_is_told_it(order_in, team,
                                                                     django_capture_on_commit_callbacks):
    order = order_in(S.IN_REPAIR)
    Customer.objects.filter(pk=order.customer_id).update(consent_to_messages=True)
    promised = order.promised_at
    new_time = (promised + timedelta(hours=3)).replace(second=0, microsecond=0)
    client = login(order.advisor, "en")
    page = client.get(reverse("dealership:order", args=[order.pk])).content.decode()
    assert 'data-testid="delay-link"' in page  # from the order the advisor watches
    LocmemBackend.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workshop:delay", args=[order.pk]), {
            "new_promised_at": timezone.localtime(new_time).strftime("%Y-%m-%dT%H:%M"), "cause": "parts",
            "reason": "等待变速箱配件"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.promised_at == new_time
    event = order.events.get(rule="REP-8")
    assert (event.actor, event.note) == (order.advisor, "等待变速箱配件")
    [sent] = LocmemBackend.outbox
    assert local(new_time) in sent.body and local(promised) in sent.body and order.vehicle.plate in sent.body
    assert "变速箱" not in sent.body  # the advisor's note stays inside
    assert "配件未到" in sent.body  # the cause chosen for the customer goes out (REP-8: the new time and why)
    assert event.params["cause"] == "parts"
    assert OutboundMessage.objects.get(key__startswith=f"wo-{order.pk}-delay-").status == "sent"


def test_rep8_without_consent_the_advisor_is_given_the_call(order_in, team):
    order = order_in(S.QC_PASSED)
    Customer.objects.filter(pk=order.customer_id).update(consent_to_messages=False)
    new_time = order.promised_at + timedelta(hours=1)
    work_order_delay_tell(work_order=order, actor=order.advisor, new_promised_at=new_time)
    task = StaffTask.objects.get(key__startswith="delay-call-")
    assert (task.assignee, task.urgent, task.params["when"]) == (order.advisor, True, local(new_time))
    assert not OutboundMessage.objects.filter(work_order=order, key__contains="delay").exists()
    assert order.events.get(rule="REP-8").message.endswith("the advisor calls the customer.")  # not "is told"


def test_rep8_a_delay_is_later_than_the_promise_in_the_future_and_while_the_car_is_in_the_workshop(order_in, team):
    order = order_in(S.IN_REPAIR)
    with refused_by("REP-8"):
        work_order_delay_tell(work_order=order, actor=order.advisor,
                              new_promised_at=order.promised_at - timedelta(minutes=30))
    with refused_by("REP-8", match=_("The new delivery time must be in the future.")):
        work_order_delay_tell(work_order=order, actor=order.advisor,
                              new_promised_at=timezone.now() - timedelta(minutes=5))
    ready = order_in(S.READY)
    with refused_by("REP-8"):
        work_order_delay_tell(work_order=ready, actor=ready.advisor, new_promised_at=ready.promised_at + timedelta(days=1))
    with refused_saying(_("Only an advisor tells the customer of a delay.")):
        work_order_delay_tell(work_order=order, actor=team[Role.TECHNICIAN],
                              new_promised_at=order.promised_at + timedelta(hours=1))
    order.refresh_from_db()
    assert not order.events.filter(rule="REP-8").exists()


def test_rep8_a_technician_may_not_tell_the_customer_a_new_time(order_in, team):
    order = order_in(S.IN_REPAIR)
    response = login(team[Role.TECHNICIAN]).post(reverse("workshop:delay", args=[order.pk]), {
        "new_promised_at": timezone.localtime(order.promised_at + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 403
    promised = order.promised_at
    order.refresh_from_db()
    assert order.promised_at == promised


def test_rep8_a_time_earlier_than_the_promise_is_refused_on_the_form(order_in, team):
    order = order_in(S.IN_REPAIR)
    response = login(order.advisor, "en").post(reverse("workshop:delay", args=[order.pk]), {
        "new_promised_at": timezone.localtime(order.promised_at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "cause": "workshop"})
    assert response.status_code == 400 and "later than the time promised" in response.content.decode()
