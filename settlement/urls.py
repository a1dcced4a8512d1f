from django.urls import path

from . import views

app_name = "settlement"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/pay/", views.pay, name="pay"),
    path("orders/<int:pk>/gate-pass/", views.issue_gate_pass, name="issue_gate_pass"),
    path("gate/", views.gate, name="gate"),
    path("gate/check/", views.gate_check, name="gate_check"),
    path("gate/release/", views.gate_release, name="gate_release"),
]
