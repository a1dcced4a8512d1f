"""The benchmark's baseline page is served only by make bench's own URL conf
(demo/bench_urls.py, DJANGO_BENCH=1), never by production's."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from dealership import urls


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
