"""URLs of the review pages (/review/…)."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/answer", views.request_answer, name="request_answer"),
    path("requests/<int:pk>/waive", views.request_waive, name="request_waive"),
    path("records/<int:record_id>/request", views.request_create, name="request_create"),
    path("steps/", views.step_list, name="step_list"),
    path("steps/new", views.step_create, name="step_create"),
]
