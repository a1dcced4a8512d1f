"""The receiving pages of parts supply (issue 19)."""

from django.urls import path

from . import receiving_views as views

urlpatterns: list = [
    path("receiving/", views.receiving, name="receiving"),
    path("orders/<int:pk>/receive/", views.receive, name="receive"),
    path("receipts/", views.receipts, name="receipts"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
]
