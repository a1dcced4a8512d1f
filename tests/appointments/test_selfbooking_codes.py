"""The one-time code of the booking page (issue 20): limits per number and per
address, expiry, single use, a few wrong tries; hostile input answered with a
message, never a server error."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appointments.models import Appointment, MobileCode
from appointments.selfbooking import (
    CLIENT_PER_HOUR,
    MAX_TRIES,
    NUMBER_PER_HOUR,
    Kind,
    Wish,
    code_send,
    code_verify,
    selfbook_finish,
)
from dealership.models import OutboundMessage, Role, User

from ..concurrency import at_once
from ..conftest import Team
from ..factories import StoreFactory
from ..refusals import refused_saying
from .selfbook_helpers import ask, at, known_car, last_code, maintenance_op, public_client, slot_value


@pytest.fixture
def day():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def setup(team, day):
    maintenance_op(team.store)
    return team.store, slot_value(at(day, 10), team[Role.SERVICE_ADVISOR])


def _ask(client, store, slot, day, mobile="13700000001"):
    return ask(client, store, slot=slot, day=day, plate="粤B54321", mobile=mobile)


def test_one_code_per_number_a_minute(setup, day):
    store, slot = setup
    assert _ask(public_client("192.0.2.1"), store, slot, day).status_code == 302
    again = _ask(public_client("192.0.2.2"), store, slot, day)  # another address does not help
    assert again.status_code == 400 and "less than a minute ago" in again.content.decode("utf-8").replace(
        "不到一分钟", "less than a minute ago")
    assert OutboundMessage.objects.filter(key__startswith="selfbook-code-").count() == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert _ask(public_client("192.0.2.1"), store, slot, day).status_code == 302


def test_at_most_five_codes_per_number_an_hour(setup, day):
    store, slot = setup
    start = timezone.now()
    for i in range(NUMBER_PER_HOUR):
        with time_machine.travel(start + timedelta(minutes=2 * i)):
            assert _ask(public_client(f"192.0.2.{i}"), store, slot, day).status_code == 302
    with time_machine.travel(start + timedelta(minutes=20)):
        assert _ask(public_client("192.0.2.99"), store, slot, day).status_code == 400
    with time_machine.travel(start + timedelta(minutes=61)):
        assert _ask(public_client("192.0.2.99"), store, slot, day).status_code == 302
    assert OutboundMessage.objects.filter(to="13700000001").count() == NUMBER_PER_HOUR + 1


def test_at_most_twenty_codes_an_hour_from_one_address(setup, day):
    store, slot = setup
    client = public_client("203.0.113.50")
    for i in range(CLIENT_PER_HOUR):
        assert _ask(client, store, slot, day, mobile=f"1370000{i:04d}").status_code == 302
    flood = _ask(client, store, slot, day, mobile="13799999999")
    assert flood.status_code == 400 and 'data-testid="form-error"' in flood.content.decode()
    assert not OutboundMessage.objects.filter(to="13799999999").exists()
    assert _ask(public_client("203.0.113.51"), store, slot, day, mobile="13799999999").status_code == 302


def test_a_code_expires_after_ten_minutes(setup, day):
    store, slot = setup
    client = public_client()
    sent = _ask(client, store, slot, day)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        late = client.post(sent["Location"], {"code": last_code("13700000001")})
    assert late.status_code == 400
    assert MobileCode.objects.get().used_at is None


def test_a_code_works_once_and_a_replay_is_refused(setup, day, team):
    store, slot = setup
    car = known_car(store)
    client = public_client()
    sent = ask(client, store, slot=slot, day=day, plate=car.plate, mobile=car.customer.mobile)
    code = last_code(car.customer.mobile)
    assert client.post(sent["Location"], {"code": code}).status_code == 302
    replay = public_client("198.51.100.77").post(sent["Location"], {"code": code})
    assert replay.status_code in (302, 400)  # the page of the done booking, never a second booking
    assert Appointment.objects.count() == 1
    row = MobileCode.objects.get()
    with refused_saying(_("This code has already been used. Ask for a new code.")):
        code_verify(row=row, code=code)


def test_a_few_wrong_tries_kill_the_code(setup, day):
    store, slot = setup
    client = public_client()
    sent = _ask(client, store, slot, day)
    code = last_code("13700000001")
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for _try in range(MAX_TRIES):
        assert client.post(sent["Location"], {"code": wrong}).status_code == 400
    dead = client.post(sent["Location"], {"code": code})
    assert dead.status_code == 400
    assert MobileCode.objects.get().used_at is None and not Appointment.objects.exists()


def test_a_typing_slip_is_not_a_wrong_try(setup, day):
    """Letters or the wrong number of digits cannot be the code: the customer is told, and no try is used up."""
    store, slot = setup
    client = public_client()
    sent = _ask(client, store, slot, day)
    for slip in ("12ab56", "12345", "1234567", "", "١٢٣٤٥٦"):
        response = client.post(sent["Location"], {"code": slip})
        assert response.status_code == 400
    assert MobileCode.objects.get().tries == 0
    full_width = last_code("13700000001").translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    done = client.post(sent["Location"], {"code": full_width})  # typed on a Chinese keyboard: still the code
    assert done.status_code == 302


def test_a_new_code_kills_the_earlier_one(setup, day):
    store, slot = setup
    client = public_client()
    first = _ask(client, store, slot, day)
    code = last_code("13700000001")
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        _ask(client, store, slot, day)
        assert client.post(first["Location"], {"code": code}).status_code == 400


def test_a_forged_code_link_is_not_found(setup, day):
    store, slot = setup
    sent = _ask(public_client(), store, slot, day)
    link = sent["Location"].split("#")[0]  # the page's address, without the "land at the top" fragment
    assert public_client().get(link[:-4] + "xyz/").status_code == 404
    assert public_client().post(reverse("appointments:selfbook_verify", args=["x" * 5000]),
                                {"code": "123456"}).status_code == 404


@pytest.mark.parametrize("field,value", [
    ("plate", "ABC"), ("plate", "粤" * 500), ("vin", "LSVAA4182E2184841"), ("vin", "I" * 17), ("mileage", "-5"),
    ("mileage", "9" * 40), ("mobile", "12345"), ("mobile", "1" * 5000), ("name", " "), ("name", "张" * 5000),
    ("words", "x" * 100_000), ("kind", "<script>"), ("day", "2026-13-45"), ("slot", "garbage"),
    ("slot", "209912312359-1"), ("slot", "-".join(["1"] * 50)), ("advisor", "99999999999999999999999"),
])
def test_garbage_in_a_field_is_a_message_not_an_error(setup, day, field, value):
    store, slot = setup
    data = {"kind": "maintenance", "day": day.isoformat(), "slot": slot, "plate": "粤B54321", "mileage": "1000",
            "name": "张", "mobile": "13700000001", "send": "1", field: value}
    response = public_client().post(reverse("appointments:selfbook", args=[store.code]), data)
    assert response.status_code == 400
    assert not MobileCode.objects.exists()


TEXT = st.text(max_size=300) | st.sampled_from(["", "0", "-1", "999999", "粤B54321", "13700000001", "\x00", "𝔘"])
FIELDS = ["kind", "words", "day", "advisor", "slot", "plate", "vin", "mileage", "name", "mobile", "send", "show",
          "pick_day", "code", "move", "cancel"]


@pytest.fixture
def public_urls(setup, day):
    """The page, a live code page and a live booking's link."""
    store, slot = setup
    car = known_car(store, mobile="13900000042")
    client = public_client("192.0.2.201")
    sent = ask(client, store, slot=slot, day=day, plate=car.plate, mobile=car.customer.mobile)
    done = client.post(sent["Location"], {"code": last_code(car.customer.mobile)})
    code_url = _ask(client, store, slot_value(at(day, 11), store_advisor(store)), day, mobile="13700000555")
    return [reverse("appointments:selfbook", args=[store.code]), code_url["Location"],
            done["Location"].split("?")[0]]


def store_advisor(store):
    return User.objects.filter(store=store, staff_roles__role=Role.SERVICE_ADVISOR).first()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=len(FIELDS)))
def test_fuzz_the_public_post_endpoints_never_fail(public_urls, data):
    """Hypothesis over every public POST of the page (the booking page, the
    code page, the booking's link): any mix of fields and values gets a page
    (200/302/400/404), never a server error."""
    data = {k: v.replace("\x00", "") for k, v in data.items()}  # the test client cannot encode NUL into a form
    client = public_client("192.0.2.200")
    for url in public_urls:
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400, 404), (url, data, response.status_code)


@pytest.mark.django_db(transaction=True)
def test_four_code_requests_for_one_number_at_once_send_one_code():
    team = Team(StoreFactory())
    maintenance_op(team.store)
    day = timezone.localdate() + timedelta(days=1)
    wish = Wish(kind=Kind.MAINTENANCE, plate="粤B54321", mobile="13700000001", name="张", mileage=1,
                slot=slot_value(at(day, 10), team[Role.SERVICE_ADVISOR]))
    results = at_once(lambda address: code_send(store=team.store, wish=wish, client=address),
                      ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"])
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert MobileCode.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_right_code_posted_four_times_at_once_books_once():
    team = Team(StoreFactory())
    maintenance_op(team.store)
    car = known_car(team.store)
    day = timezone.localdate() + timedelta(days=1)
    wish = Wish(kind=Kind.MAINTENANCE, plate=car.plate, mobile=car.customer.mobile, name="张", mileage=1,
                slot=slot_value(at(day, 10), team[Role.SERVICE_ADVISOR]))
    row = code_send(store=team.store, wish=wish, client="192.0.2.1")
    code = last_code(car.customer.mobile)

    def attempt(_n):
        selfbook_finish(row=code_verify(row=MobileCode.objects.get(pk=row.pk), code=code))

    assert sorted(at_once(attempt, [1, 2, 3, 4])) == ["ok", "refused", "refused", "refused"]
    assert Appointment.objects.count() == 1
