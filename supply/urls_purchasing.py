"""The purchasing pages of parts supply (issue 19)."""

from django.urls import path

from . import purchasing_views as views

urlpatterns: list = [
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/order/", views.suggestions_order, name="suggestions_order"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/lines/add/", views.order_line_add, name="order_line_add"),
    path("orders/lines/<int:pk>/", views.order_line_set, name="order_line_set"),
    path("orders/lines/<int:pk>/remove/", views.order_line_remove, name="order_line_remove"),
    path("orders/<int:pk>/send/", views.order_send, name="order_send"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/pdf/", views.order_pdf, name="order_pdf"),
    path("orders/<int:pk>/export/", views.order_csv, name="order_csv"),
    path("suppliers/", views.suppliers, name="suppliers"),
    path("suppliers/new/", views.supplier_new, name="supplier_new"),
    path("suppliers/<int:pk>/", views.supplier_edit, name="supplier_edit"),
    path("parts/", views.parts, name="parts"),
    path("parts/<int:pk>/", views.part_supply, name="part_supply"),
]
