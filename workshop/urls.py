from django.urls import path

from . import bay_settings, checklist_views, views

app_name = "workshop"
urlpatterns = [
    path("", views.board, name="board"),
    path("settings/<int:store>/bays/", bay_settings.bays, name="bays"),
    path("settings/<int:store>/bays/<int:pk>/", bay_settings.bay_edit, name="bay_edit"),
    path("mine/", views.mine, name="mine"),
    path("mine/watch/", views.mine_watch, name="mine_watch"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("jobs/<int:pk>/assign/", views.assign, name="assign"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/clock-on/", views.clock_on, name="clock_on"),
    path("jobs/<int:pk>/pause/", views.pause, name="pause"),
    path("jobs/<int:pk>/finish/", views.finish, name="finish"),
    path("jobs/<int:pk>/parts/", views.request_part, name="request_part"),
    path("jobs/<int:pk>/finding/", views.report_finding, name="report_finding"),
    path("jobs/<int:pk>/free-fix/", views.free_fix, name="free_fix"),
    path("jobs/<int:pk>/expert/", views.ask_expert, name="ask_expert"),
    path("jobs/<int:pk>/old-part/", views.old_part, name="old_part"),
    path("parts/", views.parts_counter, name="parts_counter"),
    path("parts/figures/", views.parts_figures_page, name="parts_figures"),
    path("parts/<int:pk>/issue/", views.issue, name="issue"),
    path("parts/<int:pk>/return/", views.return_part, name="return_part"),
    path("orders/<int:pk>/delay/", views.delay, name="delay"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("findings/<int:pk>/items/", views.finding_add_item, name="finding_add_item"),
    path("findings/<int:pk>/items/<int:line_pk>/remove/", views.finding_remove_item, name="finding_remove_item"),
    path("findings/<int:pk>/phone/", views.finding_phone, name="finding_phone"),
    path("findings/<int:pk>/send/", views.finding_send, name="finding_send"),
    path("findings/<int:pk>/photo/", views.finding_photo, name="finding_photo"),
    path("approve/<str:token>/", views.approve, name="approve"),
    path("approve/<str:token>/photo/", views.approve_photo, name="approve_photo"),
    # the store's list, kept by the after-sales manager (issue 18)
    *checklist_views.VIEWS.urlpatterns(checklist_views.SPEC, "settings/self-checks/"),
]
