"""Pages of the outbox app."""

app_name = "outbox"
urlpatterns: list = []
