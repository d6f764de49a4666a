"""Shell pages: login, logout, the home page of each role, health check and error pages."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
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


def error_400(request, exception=None):
    """Bad-request page: a domain refusal that a page view did not handle, with its message."""
    return render(request, "errors/400.html", {"message": _domain_message(exception)}, status=400)


def error_403(request, exception=None):
    """Forbidden page."""
    return render(request, "errors/403.html", {"message": _domain_message(exception)}, status=403)


def error_404(request, exception=None):
    """Not-found page (also for another department's objects)."""
    return render(request, "errors/404.html", status=404)


def error_500(request):
    """Server error page: a standalone template rendered without context processors, so that
    it still renders when the database is what failed."""
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())
