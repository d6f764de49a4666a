"""Middleware: request ids, the request body size limit, API method errors, domain-error pages and
the interface language."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from . import context

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def client_ip(request) -> str:
    """The client address as seen by the server (REMOTE_ADDR; proxies set it via the web server)."""
    return request.META.get("REMOTE_ADDR", "")


class RequestIdMiddleware:
    """Give every request an id (X-Request-ID in and out) for logs and audit events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else context.new_request_id()
        request.request_id = rid
        tokens = context.set_request(rid, client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            context.reset_request(tokens)
        response["X-Request-ID"] = rid
        return response


class BodySizeLimitMiddleware:
    """Refuse a request body over SHENGUAN_MAX_BODY_BYTES with 413 and a Chinese message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.SHENGUAN_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return JsonResponse(
                {
                    "code": "body_too_large",
                    "message": f"请求体过大：不得超过 {limit // (1024 * 1024)} MB",
                    "field": None,
                },
                status=413,
            )
        return self.get_response(request)


class ApiMethodNotAllowedMiddleware:
    """Answer a wrong method on an API route (405) with the API's JSON error body, keeping the
    Allow header: django-ninja answers it with a plain-text body of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/"):
            allow = response.headers.get("Allow", "")
            response = JsonResponse(
                {
                    "code": "method_not_allowed",
                    "message": f"该接口不支持 {request.method} 方法（可用：{allow or '无'}）",
                    "field": None,
                },
                status=405,
            )
            if allow:
                response.headers["Allow"] = allow
        return response


class DomainErrorPageMiddleware:
    """Turn a domain error escaping a page view into its page: NotFound → 404, PermissionDenied →
    403, any other refusal → 400 with its Chinese message (never a 500 for bad input). The API
    answers JSON through its own handler and never reaches this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .errors import DomainError, NotFound, PermissionDenied
        from .views import error_400, error_403, error_404

        if isinstance(exception, NotFound):
            return error_404(request, exception)
        if isinstance(exception, PermissionDenied):
            return error_403(request, exception)
        if isinstance(exception, DomainError):
            return error_400(request, exception)
        return None


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """The interface language: Chinese unless the user chose another with the language switch
    (its cookie). The browser's Accept-Language is not followed: the users are Chinese civil
    servants, and an English browser must not turn the platform half English (ADR 0006)."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        allowed = {c for c, _ in settings.LANGUAGES}
        if code not in allowed or not translation.check_for_language(code):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
