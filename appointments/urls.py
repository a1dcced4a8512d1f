from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.appointment_list, name="list"),
    path("new/", views.appointment_new, name="new"),
    path("slots/", views.slot_overview, name="slots"),
    path("estimate/", views.estimate, name="estimate"),
    path("<int:pk>/", views.appointment_detail, name="detail"),
]
