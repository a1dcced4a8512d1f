from django.urls import path

from . import compliance_views, views

app_name = "followup"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/call/", views.record_call, name="record_call"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
    path("complaints/<int:pk>/assign/", views.complaint_assign, name="complaint_assign"),
    path("complaints/<int:pk>/handle/", views.complaint_handle, name="complaint_handle"),
    path("complaints/<int:pk>/close/", views.complaint_close, name="complaint_close"),
    path("actions/", views.actions, name="actions"),
    path("actions/new/", views.action_new, name="action_new"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("overview/", views.overview, name="overview"),
    path("compliance/", compliance_views.compliance, name="compliance"),
    path("compliance/recount/", compliance_views.compliance_recount, name="compliance_recount"),
    path("compliance/thresholds/", compliance_views.compliance_thresholds, name="compliance_thresholds"),
    path("compliance/<str:code>/", compliance_views.compliance_cases, name="compliance_cases"),
    path("orders/<int:pk>/spot-check/", compliance_views.spot_check, name="spot_check"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>.pdf", views.report_download, name="report_download"),
    path("reports/now.pdf", views.report_now, name="report_now"),
    path("s/<str:token>/", views.survey, name="survey"),
    path("r/<str:token>/", views.reminder_book, name="reminder_book"),
]
