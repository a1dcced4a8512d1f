"""The workshop board's rows and the advisor desk's columns get their links
and times worked out once in the view (workshop.views._board_rows,
reception.views._desk_rows): they must read as {% url %} and |date would
have printed them, in every language."""

import re
from datetime import timedelta

import pytest
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone

from dealership.models import Role, WorkOrder
from tests.conftest import login
from tests.workshop.helpers import working

S = WorkOrder.Status


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_board_links_and_times_read_as_the_template_language_prints_them(order_in, team, language):
    order = order_in(S.SIGNED)
    working(order, team)
    promised = timezone.now() + timedelta(days=2, minutes=7)
    WorkOrder.objects.filter(pk=order.pk).update(promised_at=promised)
    html = login(team[Role.FOREMAN], language).get(reverse("workshop:board")).content.decode()
    assert f'href="{reverse("dealership:order", args=[order.pk])}"' in html
    assert f'<td class="text-nowrap">{date(timezone.localtime(promised), "m-d H:i")}</td>' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_desk_links_and_times_read_as_the_template_language_prints_them(order_in, team, language):
    today, later = order_in(S.QC_PASSED), order_in(S.READY)
    now = timezone.localtime()
    soon = now.replace(hour=23, minute=58) if now.hour < 23 else now  # still today in the shop's zone
    WorkOrder.objects.filter(pk=today.pk).update(promised_at=soon)
    WorkOrder.objects.filter(pk=later.pk).update(promised_at=now + timedelta(days=3))
    html = login(team[Role.SERVICE_ADVISOR], language).get(reverse("reception:desk") + "?mine=0").content.decode()
    assert f'href="{reverse("inspection:handover", args=[today.pk])}"' in html
    assert f'href="{reverse("settlement:order", args=[later.pk])}"' in html
    assert f'href="{reverse("dealership:order", args=[later.pk])}"' in html
    # the open tasks print their own times with the date (a task made this minute, after 23:00, is "m-d H:i")
    columns = re.sub(r'data-testid="my-tasks".*?</ul>', "", html, flags=re.S)
    assert f' {date(soon, "H:i")}' in columns and date(soon, "m-d H:i") not in columns
    assert date(timezone.localtime(now + timedelta(days=3)), "m-d H:i") in html
