"""URLs of the oversight pages (/oversight/…)."""

from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/explain", views.alert_explain, name="alert_explain"),
    path("alerts/<int:pk>/review", views.alert_review, name="alert_review"),
    path("claims/", views.claim_list, name="claim_list"),
    path("scores/", views.scores, name="scores"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_detail"),
    path("supervision/<int:pk>/assign", views.supervision_assign, name="supervision_assign"),
    path("supervision/<int:pk>/start", views.supervision_start, name="supervision_start"),
    path("supervision/<int:pk>/finish", views.supervision_finish, name="supervision_finish"),
    path("feedback/", views.handling_list, name="handling_list"),
    path("feedback/<int:feedback_id>/handle", views.feedback_handle, name="feedback_handle"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/new", views.bulletin_generate, name="bulletin_generate"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/refresh", views.bulletin_refresh, name="bulletin_refresh"),
    path("bulletins/<int:pk>/review", views.bulletin_review, name="bulletin_review"),
    path("bulletins/<int:pk>/publish", views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/correct", views.bulletin_correct, name="bulletin_correct"),
    path("bulletins/<int:pk>/bulletin.<str:fmt>", views.bulletin_download, name="bulletin_file"),
    path("escalations/", views.escalation_list, name="escalation_list"),
    path("escalations/remind", views.escalation_remind, name="escalation_remind"),
    path("escalations/refer", views.escalation_refer, name="escalation_refer"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/escalate", views.escalation_escalate, name="escalation_escalate"),
    path("escalations/<int:pk>/interview", views.escalation_interview, name="escalation_interview"),
    path("escalations/<int:pk>/decide", views.escalation_decide, name="escalation_decide"),
    path("escalations/<int:pk>/close", views.escalation_close, name="escalation_close"),
    path("steps/<int:pk>/document", views.step_document, name="step_document"),
    path("steps/<int:pk>/document.<str:fmt>", views.step_document, name="step_document_file"),
]
