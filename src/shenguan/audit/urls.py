"""Pages of the audit app: the audit viewer."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<int:seq>/", views.event_detail, name="event_detail"),
    path("verify/", views.verify, name="verify"),
    path("export.csv", views.export_csv, name="export"),
]
