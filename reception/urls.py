from django.urls import path

from . import checklist_views, views

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
    path("orders/<int:pk>/greet/", views.order_greet, name="order_greet"),
    path("orders/<int:pk>/sections/<str:name>/", views.order_section, name="order_section"),
    path("orders/<int:pk>/damage/", views.order_damage, name="order_damage"),
    path("orders/<int:pk>/damage/<int:mark_pk>/remove/", views.order_damage_remove, name="order_damage_remove"),
    path("orders/<int:pk>/photos/", views.order_photo, name="order_photo"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("orders/<int:pk>/expert/", views.order_expert, name="order_expert"),
    path("experts/", views.expert_queue, name="expert_queue"),
    path("experts/<int:pk>/answer/", views.expert_reply, name="expert_reply"),
    path("orders/<int:pk>/send-copy/", views.order_send_copy, name="order_send_copy"),
    path("copy/<str:token>/", views.customer_copy, name="customer_copy"),
    path("figures/", views.figures, name="figures"),
    # the store's list, kept by the after-sales manager (issue 18)
    *checklist_views.VIEWS.urlpatterns(checklist_views.SPEC, "settings/walk-around/"),
]
