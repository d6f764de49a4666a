"""URLs of the review pages (/review/…)."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/answer", views.request_answer, name="request_answer"),
    path("requests/<int:pk>/waive", views.request_waive, name="request_waive"),
    path("records/<int:record_id>/request", views.request_create, name="request_create"),
    path("steps/", views.step_list, name="step_list"),
    path("steps/new", views.step_create, name="step_create"),
    path("steps/import", views.step_import, name="step_import"),
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/new", views.expert_create, name="expert_create"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/update", views.expert_update, name="expert_update"),
    path("experts/<int:pk>/conflicts", views.expert_conflict, name="expert_conflict"),
    path("records/<int:record_id>/draw", views.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/members/<int:member_id>", views.draw_member, name="draw_member"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/issue", views.certificate_issue, name="certificate_issue"),
    path("certificates/<int:pk>/messages", views.certificate_message, name="certificate_message"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/act", views.notice_act, name="notice_act"),
    path("records/<int:record_id>/notice", views.notice_publish, name="notice_publish"),
    path("public/<str:code>/notices/", views.public_notice_list, name="public_notice_list"),
    path("public/<str:code>/steps/", views.public_step_list, name="public_step_list"),
    path("public/notices/<int:pk>/", views.public_notice_detail, name="public_notice_detail"),
    path(
        "public/notices/<int:pk>/comment",
        views.public_notice_comment,
        name="public_notice_comment",
    ),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/record", views.meeting_record, name="meeting_record"),
    path("records/<int:record_id>/meeting", views.meeting_convene, name="meeting_convene"),
]
