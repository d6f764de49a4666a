"""URL configuration: pages, the API at /api/v1/, public pages without login."""

from django.urls import include, path, re_path

from shenguan.api import api
from shenguan.core import views as core_views
from shenguan.core.api_errors import api_not_found

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),  # unknown API routes answer a JSON 404
    path("org/", include("shenguan.org.urls")),
    path("audit/", include("shenguan.audit.urls")),
    path("calendar/", include("shenguan.calendar.urls")),
    path("policy/", include("shenguan.policy.urls")),
    path("outbox/", include("shenguan.outbox.urls")),
    path("catalog/", include("shenguan.catalog.urls")),
    path("linkage/", include("shenguan.linkage.urls")),
    path("oversight/", include("shenguan.oversight.urls")),
    path("review/", include("shenguan.review.urls")),
    path("public/", include("shenguan.public.urls")),
    path("credit/", include("shenguan.credit.urls")),
    path("documents/", include("shenguan.documents.urls")),
]

handler400 = "shenguan.core.views.error_400"
handler403 = "shenguan.core.views.error_403"
handler404 = "shenguan.core.views.error_404"
handler500 = "shenguan.core.views.error_500"
