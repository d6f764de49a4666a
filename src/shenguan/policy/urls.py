"""Pages of the policy app."""

from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.profile_list, name="list"),
    path("<slug:code>/", views.profile_detail, name="detail"),
    path("<slug:code>/clone/", views.profile_clone, name="clone"),
    path("<slug:code>/edit/", views.profile_edit, name="edit"),
    path("<slug:code>/assign/", views.profile_assign, name="assign"),
    path("<slug:code>/recompute/", views.profile_recompute, name="recompute"),
]
