"""Pages of the linkage app (审管联动)."""

from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export.xlsx", views.inbox_export, name="inbox_export"),
    path("pushes/claim", views.push_claim_bulk, name="push_claim_bulk"),
    path("pushes/<int:pk>/", views.push_detail, name="push_detail"),
    path("pushes/<int:pk>/claim", views.push_claim, name="push_claim"),
    path("records/", views.record_list, name="record_list"),
    path("records/new", views.record_new, name="record_new"),
    path("records/import", views.record_import, name="record_import"),
    path("records/import/jobs/<int:pk>", views.record_import_job, name="record_import_job"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/complete", views.record_complete, name="record_complete"),
    path("records/<int:pk>/route", views.record_route, name="record_route"),
    path("records/<int:pk>/materials", views.material_upload, name="material_upload"),
    path("materials/<int:pk>/download", views.material_download, name="material_download"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("feedback/new", views.feedback_new, name="feedback_new"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/dispose", views.feedback_dispose, name="feedback_dispose"),
    path("feedback/<int:pk>/reply", views.feedback_reply, name="feedback_reply"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("licences/", views.licence_list, name="licence_list"),
    path("licences/<int:pk>/", views.licence_detail, name="licence_detail"),
    path("pick/items", views.pick_items, name="pick_items"),
    path("pick/departments", views.pick_departments, name="pick_departments"),
]
