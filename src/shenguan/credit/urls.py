"""URLs of the credit pages (/credit/…)."""

from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("records/", views.record_list, name="record_list"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/resend", views.record_resend, name="record_resend"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/new", views.warning_new, name="warning_new"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/repair", views.warning_repair, name="warning_repair"),
    path("lists/", views.list_entries, name="list_entries"),
    path("commitments/", views.commitment_list, name="commitment_list"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/verify", views.commitment_verify, name="commitment_verify"),
    path("subjects/<str:code>/", views.subject, name="subject"),
    path("cases/<int:record_id>/check", views.case_check, name="case_check"),
    path("overrides/new", views.override_new, name="override_new"),
]
