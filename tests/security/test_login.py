"""Login: repeated wrong passwords lock the name on that computer for a while
(django-axes), with a clear page; other staff on the same PC are not locked;
passwords must pass the validators; sessions end on the shared PC."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dealership.models import Role

from ..conftest import PASSWORD


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_five_wrong_passwords_lock_the_name_on_that_computer_then_it_comes_back(team):
    advisor, cashier = team[Role.SERVICE_ADVISOR], team[Role.CASHIER]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, advisor.username, "wrong")
        assert response.status_code == 200 and response.context["form"].errors  # the form says so
    locked = attempt(client, advisor.username, "wrong")
    assert locked.status_code == 429
    assert "密码错误次数过多" in locked.content.decode()
    # the right password does not open a locked name ...
    assert attempt(Client(), advisor.username, PASSWORD).status_code == 429
    # ... a colleague on the same PC still logs in ...
    assert attempt(Client(), cashier.username, PASSWORD).status_code == 302
    # ... and after the cool-off the name opens again
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert attempt(Client(), advisor.username, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(team):
    advisor = team[Role.SERVICE_ADVISOR]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), advisor.username, "wrong")
    assert attempt(Client(), advisor.username, PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(Client(), advisor.username, "wrong").status_code == 200


@pytest.mark.parametrize("password", ["12345678", "password", "short1", "wangjianguo"])
def test_weak_passwords_are_refused(team, password):
    user = team[Role.SERVICE_ADVISOR]
    user.username = "wangjianguo"
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_sessions_end_on_the_shared_front_desk_pc():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 10 * 60 * 60  # a shift
    assert settings.SESSION_COOKIE_HTTPONLY


def test_logging_out_everywhere_ends_the_other_sessions_too(team):
    from ..conftest import login

    advisor = team[Role.SERVICE_ADVISOR]
    desk, tablet, colleague = login(advisor), login(advisor), login(team[Role.CASHIER])
    assert tablet.get(reverse("reception:desk")).status_code == 200
    response = desk.post(reverse("logout_everywhere"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    for client in (desk, tablet):  # the tablet left signed in is out too
        assert client.get(reverse("reception:desk")).status_code == 302
    assert colleague.get(reverse("settlement:queue")).status_code == 200  # nobody else is
    assert login(advisor).get(reverse("reception:desk")).status_code == 200  # and signing in again works


def test_logging_out_everywhere_needs_a_post_from_a_signed_in_person(team):
    assert Client().post(reverse("logout_everywhere")).status_code == 302  # to the login page
    from ..conftest import login

    assert login(team[Role.SERVICE_ADVISOR]).get(reverse("logout_everywhere")).status_code == 405
