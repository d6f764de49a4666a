"""Pages of the calendar app."""

app_name = "calendar"
urlpatterns: list = []
