"""Shell pages: login, logout, the home page of each role, health check and error pages."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import LoginForm
from .home import home_sections


class LoginView(auth_views.LoginView):
    """The login page (登录)."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    """Log out (退出) and return to the login page."""
    logout(request)
    return redirect("login")


@login_required
def home(request):
    """The home page (首页): one section per role the user holds."""
    return render(request, "core/home.html", {"sections": home_sections(request.user)})


def healthz(request):
    """Liveness and database check for load balancers."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _domain_message(exception) -> str:
    from .errors import DomainError

    return exception.message if isinstance(exception, DomainError) else ""


def plain_error(
    request, *, status: int, title: str, message: str = "", advice: str = "", code: str = ""
) -> HttpResponse:
    """An error answer that needs nothing but the request path: JSON {code, message, field} under
    /api/, otherwise a standalone page rendered without context processors (the session, the
    user and the host may be what is wrong)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": code or f"http_{status}", "message": message or title, "field": None},
            status=status,
        )
    body = loader.get_template("errors/plain.html").render(
        {"status": status, "title": title, "message": message, "advice": advice}
    )
    return HttpResponse(body, status=status)


def error_400(request, exception=None):
    """Bad-request page: a domain refusal that a page view did not handle, with its message; any
    other 400 (a wrong Host header, an unreadable form body) gets the standalone page."""
    from .errors import DomainError

    if isinstance(exception, DomainError) and hasattr(request, "user"):
        return render(request, "errors/400.html", {"message": exception.message}, status=400)
    if isinstance(exception, DisallowedHost):
        message = _("请求的主机名不在本平台允许的范围内，请使用管理员公布的网址访问。")
        code = "bad_host"
    else:
        message = _domain_message(exception)
        code = "bad_request"
    return plain_error(
        request,
        status=400,
        title=_("请求无法处理"),
        message=str(message),
        advice=_("请检查网址和填写的内容后重试。"),
        code=code,
    )


def error_403(request, exception=None):
    """Forbidden page."""
    return render(request, "errors/403.html", {"message": _domain_message(exception)}, status=403)


def error_404(request, exception=None):
    """Not-found page (also for another department's objects)."""
    return render(request, "errors/404.html", status=404)


def error_500(request):
    """Server error page: a standalone template rendered without context processors, so that
    it still renders when the database is what failed."""
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
