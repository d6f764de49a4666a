"""Pages of the calendar app."""

from django.urls import path

from . import views

app_name = "calendar"
urlpatterns = [
    path("", views.year_view, name="year"),
    path("<int:year>/", views.year_view, name="year"),
    path("day/<str:date>/", views.day_edit, name="day"),
    path("import/", views.import_view, name="import"),
]
