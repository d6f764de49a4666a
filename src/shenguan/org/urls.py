"""Pages of the org app."""

app_name = "org"
urlpatterns: list = []
