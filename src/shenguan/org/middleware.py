"""The one-time password rule: a user whose password was set by someone else (`shenguan setup`,
an account import, an administrator's reset) changes it before doing anything else."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a user with a one-time password may still open (besides the change page itself).
_ALWAYS = ("/accounts/logout/", "/static/", "/i18n/", "/healthz", "/favicon")


class PasswordChangeRequiredMiddleware:
    """Send a signed-in user holding a one-time password to the password change page (pages),
    or answer 403 `password_change_required` (the API through the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_ALWAYS)
        ):
            target = reverse("org:password_change")
            own = f"/api/v1/org/users/{user.pk}/set-password"
            if request.path.startswith("/api/") and request.path != own:
                if not request.headers.get("Authorization"):  # tokens are not users
                    return JsonResponse(
                        {
                            "code": "password_change_required",
                            "message": "请先在网页上修改初始密码",
                            "field": None,
                        },
                        status=403,
                    )
            elif not request.path.startswith("/api/") and request.path != target:
                return redirect(target)
        return self.get_response(request)
