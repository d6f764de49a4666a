"""Pages of the catalog app."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/transfer/", views.item_transfer, name="item_transfer"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/retire/", views.entry_retire, name="entry_retire"),
    path("versions/publish/", views.list_publish, name="list_publish"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("supervision-items/", views.supervision_list, name="supervision_list"),
    path("memos/", views.memo_list, name="memo_list"),
    path("memos/new/", views.memo_create, name="memo_create"),
    path("memos/<int:pk>/", views.memo_detail, name="memo_detail"),
    path("memos/<int:pk>/edit/", views.memo_edit, name="memo_edit"),
    path("memos/<int:pk>/sign/", views.memo_sign, name="memo_sign"),
    path("memos/<int:pk>/amend/", views.memo_amend, name="memo_amend"),
    path("memos/<int:pk>/print/", views.memo_print, name="memo_print"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("gaps/", views.gaps, name="gaps"),
    path("import/", views.import_view, name="import"),
    path("import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("pick/items", views.pick_items, name="pick_items"),
]
