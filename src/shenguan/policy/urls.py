"""Pages of the policy app."""

app_name = "policy"
urlpatterns: list = []
