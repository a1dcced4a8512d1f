from django.urls import path

from . import views

app_name = "workshop"
urlpatterns = [
    path("", views.board, name="board"),
    path("orders/<int:pk>/start/", views.start, name="start"),
    path("jobs/<int:pk>/finish/", views.finish, name="finish"),
]
