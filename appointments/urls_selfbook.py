"""The public booking page (issue 20), inside the appointments namespace."""

from django.urls import path

from . import selfbook_views

urlpatterns = [
    path("code/<str:token>/", selfbook_views.selfbook_verify, name="selfbook_verify"),
    path("my/<str:token>/", selfbook_views.selfbook_manage, name="selfbook_manage"),
    path("request/<str:token>/", selfbook_views.selfbook_request, name="selfbook_request"),
    path("<str:store_code>/", selfbook_views.selfbook, name="selfbook"),
]
