from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/call/", views.record_call, name="record_call"),
    path("overview/", views.overview, name="overview"),
]
