"""The benchmark's baseline page is served only by make bench's own URL conf
(demo/bench_urls.py, DJANGO_BENCH=1), never by production's; every page the
benchmark measures answers its role there."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone

from dealership import urls
from dealership.models import Role, WorkOrder
from demo.bench import _user, pages_for
from followup.compliance import compliance_count


def test_it_keeps_the_bench_page_out_of_productions_urls():
    assert settings.ROOT_URLCONF == "dealership.urls"
    with pytest.raises(NoReverseMatch):
        reverse("bench_baseline")
    with pytest.raises(Resolver404):
        resolve("/bench/baseline/")
    assert not any("bench" in str(p.pattern) for p in urls.urlpatterns)


@override_settings(ROOT_URLCONF="demo.bench_urls")
def test_the_bench_urls_serve_the_baseline_and_every_page(advisor):
    assert reverse("reception:desk") and reverse("workshop:board")
    client = Client()
    assert client.get(reverse("bench_baseline")).status_code == 302  # staff only: to the login page
    client.force_login(advisor)
    response = client.get(reverse("bench_baseline"))
    assert response.status_code == 200 and b"<p>" in response.content


@override_settings(ROOT_URLCONF="demo.bench_urls")
def test_every_page_make_bench_measures_answers_its_role(team, order_in):
    """pages_for() is the list make bench loads with wrk: each page must answer 200 to the role it is measured
    as (a page that redirects or refuses would be measured as a cheap error page). It includes the compliance
    page and the cases behind a figure (issue 21)."""
    order_in(WorkOrder.Status.IN_REPAIR)
    compliance_count(month=timezone.localdate())
    pages = pages_for(team.store)
    assert {"compliance", "compliance cases"} <= {page.name for page in pages}
    for page in pages:
        client = Client()
        client.force_login(_user(team.store, page.role))
        response = client.get(page.url)
        assert response.status_code == 200, (page.name, page.url, response.status_code)
    manager_pages = [p for p in pages if p.name.startswith("compliance")]
    assert all(p.role == Role.AFTERSALES_MANAGER for p in manager_pages)
