"""Pages of the org app."""

from django.urls import path

from . import import_views, views

app_name = "org"
urlpatterns = [
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/divisions/", views.division_create, name="division_create"),
    path("jurisdictions/new/", views.jurisdiction_create, name="jurisdiction_create"),
    path("password/", views.password_change, name="password_change"),
    path("import/", import_views.import_view, name="import"),
    path("import/template/<str:kind>/", import_views.import_template, name="import_template"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("roles/", views.role_list, name="role_list"),
    path("liaisons/", views.liaison_list, name="liaison_list"),
    path("liaisons/new/", views.liaison_appoint, name="liaison_appoint"),
    path("liaisons/<int:pk>/end/", views.liaison_end, name="liaison_end"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/", views.token_detail, name="token_detail"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("lockouts/", views.lockout_list, name="lockout_list"),
    path("lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
]
