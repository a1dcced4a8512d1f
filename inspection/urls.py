from django.urls import path

from . import views

app_name = "inspection"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("orders/<int:pk>/", views.inspect, name="inspect"),
    path("orders/<int:pk>/record/", views.inspect_record, name="record"),
    path("orders/<int:pk>/handover/", views.handover, name="handover"),
]
