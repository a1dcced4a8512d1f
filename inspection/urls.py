from django.urls import path

from . import spot_settings, views

app_name = "inspection"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("settings/<int:store>/spots/", spot_settings.spots, name="spots"),
    path("settings/<int:store>/spots/<int:pk>/", spot_settings.spot_edit, name="spot_edit"),
    path("figures/", views.figures_page, name="figures"),
    path("orders/<int:pk>/", views.inspect, name="inspect"),
    path("orders/<int:pk>/record/", views.inspect_record, name="record"),
    path("orders/<int:pk>/finding/", views.qc_finding, name="finding"),
    path("orders/<int:pk>/handover/", views.handover, name="handover"),
    path("orders/<int:pk>/wash/", views.wash, name="wash"),
    path("orders/<int:pk>/park/", views.park, name="park"),
    path("orders/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("orders/<int:pk>/guarantee-card.pdf", views.guarantee_card, name="guarantee_card"),
]
