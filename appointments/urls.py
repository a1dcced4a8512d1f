from django.urls import include, path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.appointment_list, name="list"),
    path("new/", views.appointment_new, name="new"),
    path("slots/", views.slot_overview, name="slots"),
    path("estimate/", views.estimate, name="estimate"),
    path("<int:pk>/", views.appointment_detail, name="detail"),
    path("<int:pk>/prepare/", views.prepare, name="prepare"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/no-show/", views.no_show, name="no_show"),
    path("<int:pk>/new-time/", views.offer_book, name="offer_book"),
    path("<int:pk>/no-new-time/", views.offer_refused, name="offer_decline"),
    path("<int:pk>/arrived/", views.arrive, name="arrive"),
    path("arrivals/", views.arrivals, name="arrivals"),
    path("arrivals/walk-in/", views.walk_in_ticket, name="walk_in_ticket"),
    path("arrivals/<int:pk>/call/", views.call, name="call"),
    path("arrivals/<int:pk>/left/", views.left, name="left"),
    path("parts/", views.parts_queue, name="parts"),
    path("<int:pk>/reserve/", views.reserve, name="reserve"),
    path("reservations/<int:pk>/retry/", views.reservation_retry_view, name="reservation_retry"),
    path("reservations/<int:pk>/expected/", views.reservation_expected, name="reservation_expected"),
    path("welcome-boards/", views.welcome_boards, name="welcome_boards"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("figures/", views.figures, name="figures"),
    path("capacity/", views.capacity, name="capacity"),
    path("capacity/<int:pk>/", views.capacity_set, name="capacity_set"),
    path("a/<str:token>/", views.answer, name="answer"),
    path("a/<str:token>/new-time/", views.answer_new_time, name="answer_new_time"),
    path("a/<str:token>/no-new-time/", views.answer_no_new_time, name="answer_no_new_time"),
    path("book/", include("appointments.urls_selfbook")),
]
