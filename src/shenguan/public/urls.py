"""Public pages, no login."""

from django.urls import path

from shenguan.linkage.views import licence_verify  # the licence register lives in linkage

from . import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("licences/verify", licence_verify, name="licence_verify"),
    path("<str:code>/", views.jurisdiction_home, name="jurisdiction"),
    path("<str:code>/transferred/", views.transferred, name="transferred"),
    path("<str:code>/retained/", views.retained, name="retained"),
    path("<str:code>/planned/", views.planned, name="planned"),
    path("<str:code>/linkage/", views.linkage, name="linkage"),
    path("<str:code>/credit/", views.credit_publicity, name="credit"),
    path("<str:code>/decisions/", views.decisions, name="decisions"),
]
