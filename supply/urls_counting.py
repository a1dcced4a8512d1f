"""The counting pages of parts supply (issue 19): stock counts and write-offs."""

from django.urls import path

from . import counting_views as views

urlpatterns: list = [
    path("counts/", views.counts, name="counts"),
    path("counts/<int:pk>/", views.count, name="count"),
    path("counts/<int:pk>/lines/<int:line>/", views.count_line, name="count_line"),
    path("counts/<int:pk>/submit/", views.count_submit_view, name="count_submit"),
    path("counts/<int:pk>/approve/", views.count_approve_view, name="count_approve"),
    path("counts/<int:pk>/send-back/", views.count_send_back_view, name="count_send_back"),
    path("counts/<int:pk>/cancel/", views.count_cancel_view, name="count_cancel"),
    path("writeoffs/", views.writeoffs, name="writeoffs"),
]
