"""URLs of the documents pages (/documents/…)."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("seals/", views.seal_list, name="seal_list"),
    path("seals/<int:pk>/retire", views.seal_retire, name="seal_retire"),
    path("seals/public/<str:code>/", views.public_seals, name="public_seals"),
    path("elicences/<int:pk>/pdf", views.document_download, name="download"),
    path("licences/<int:licence_id>/reissue", views.licence_reissue, name="reissue"),
    path("verify", views.verify_file, name="verify_file"),
]
