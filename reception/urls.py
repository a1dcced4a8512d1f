from django.urls import path

from . import views

app_name = "reception"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("walk-in/", views.walk_in, name="walk_in"),
    path("appointments/<int:pk>/receive/", views.receive, name="receive"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/missing/", views.order_missing, name="order_missing"),
    path("orders/<int:pk>/details/", views.order_details, name="order_details"),
    path("orders/<int:pk>/walkaround/", views.order_walkaround, name="order_walkaround"),
    path("orders/<int:pk>/lines/", views.order_add_line, name="order_add_line"),
    path("orders/<int:pk>/lines/<int:line_pk>/decline/", views.order_decline_line, name="order_decline_line"),
    path("orders/<int:pk>/sign/", views.order_sign, name="order_sign"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/print/", views.order_pdf, name="order_pdf"),
]
