from django.urls import path

from . import views

app_name = "settlement"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/adjust/", views.adjust, name="adjust"),
    path("orders/<int:pk>/lines/<int:line_pk>/bill-as-issued/", views.bill_as_issued, name="bill_as_issued"),
    path("orders/<int:pk>/adjustments/<int:adjustment_pk>/decide/", views.decide, name="decide"),
    path("orders/<int:pk>/statement/", views.issue_statement, name="issue_statement"),
    path("orders/<int:pk>/pay/", views.pay, name="pay"),
    path("orders/<int:pk>/payments/<int:payment_pk>/void/", views.void, name="void"),
    path("orders/<int:pk>/refund/", views.refund, name="refund"),
    path("orders/<int:pk>/deliver/", views.deliver, name="deliver"),
    path("orders/<int:pk>/gate-pass/", views.issue_gate_pass, name="issue_gate_pass"),
    path("orders/<int:pk>/documents/<slug:name>.pdf", views.document, name="document"),
    path("orders/<int:pk>/send/", views.send_documents, name="send_documents"),
    path("d/<str:token>/", views.customer_documents, name="customer_documents"),
    path("d/<str:token>/<slug:name>.pdf", views.customer_documents, name="customer_document"),
    path("gate/", views.gate, name="gate"),
    path("gate/check/", views.gate_check, name="gate_check"),
    path("gate/release/", views.gate_release, name="gate_release"),
    path("gate/alerts/", views.gate_alerts, name="gate_alerts"),
    path("gate/alerts/seen/", views.gate_alerts_seen, name="gate_alerts_seen"),
]
