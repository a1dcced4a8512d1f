"""The URL conf gunicorn serves under `make bench` (DJANGO_BENCH=1): the
application's own URLs plus the baseline page every figure is compared with.
Production's URL conf (dealership.urls) has no bench URL; a test says so."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from dealership.access import ALL_STAFF, role_required
from dealership.urls import urlpatterns as app_urlpatterns


@role_required(*ALL_STAFF)
def bench_baseline(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: logged in, the same middleware, one small
    query and a tiny template (make bench reports every page against it)."""
    return render(request, "demo/bench_baseline.html", {"n": request.user.staff_roles.count()})


urlpatterns = [path("bench/baseline/", bench_baseline, name="bench_baseline"), *app_urlpatterns]
