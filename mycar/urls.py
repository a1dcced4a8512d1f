from django.urls import path

from . import views

app_name = "mycar"

urlpatterns = [
    path("<str:token>/", views.status, name="status"),
    path("<str:token>/now/", views.status_now, name="status_now"),
    path("<str:token>/finding/<int:pk>/", views.finding_decide, name="finding_decide"),
    path("<str:token>/finding/<int:pk>/photo/", views.finding_photo, name="finding_photo"),
    path("<str:token>/documents/", views.documents, name="documents"),
    path("<str:token>/survey/", views.survey, name="survey"),
]
