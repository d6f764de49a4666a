"""Middleware: request ids, the request body size limit, API method errors, domain-error pages and
the interface language."""

from __future__ import annotations

import io
import json
import re

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
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


def _nul_in_json(value, path: tuple = ()) -> tuple | None:
    """The path of the first key or string holding a NUL character in a parsed JSON value."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for k, v in value.items():
            if "\x00" in str(k):
                return (*path, k)
            found = _nul_in_json(v, (*path, k))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _nul_in_json(v, (*path, i))
            if found is not None:
                return found
    return None


class RequestInputMiddleware:
    """Refuse, before any view runs, request input that no view can use (4xx, never a 500):
    a NUL character in the path, in a query or form parameter (its name or value), in an
    uploaded file's name or in a string of a JSON body — PostgreSQL text cannot hold it, so it
    failed deep in a query — and a form body Django cannot parse (multipart without a boundary,
    too many fields). The API answers 422 with {code, message, field}; pages a 400 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._check(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def _refuse(self, request, code: str, message: str, field: str | None):
        from django.utils.translation import gettext as _

        from .views import plain_error

        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "message": message, "field": field}, status=422)
        return plain_error(
            request,
            status=400,
            title=_("请求无法处理"),
            message=message,
            advice=_("请检查网址和填写的内容后重试。"),
        )

    def _nul(self, request, field: str):
        return self._refuse(
            request,
            "nul_character",
            f"参数“{field[:50]}”含有不允许的空字符（NUL），请删除后重试",
            field[:100],
        )

    def _check(self, request):
        if "\x00" in request.path:
            return self._nul(request, "path")
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return self._nul(request, key.replace("\x00", ""))
        content_type = request.content_type or ""
        if request.method == "POST" and content_type == "multipart/form-data":
            # The headers only (boundary, length): the parts are parsed where they are used, so
            # that a view may still choose its upload handlers. Form fields with NUL: Django's
            # form fields refuse them, the API's parser (core.api_input) too.
            try:
                MultiPartParser(
                    request.META, io.BytesIO(), request.upload_handlers, request.encoding
                )
            except MultiPartParserError:
                return self._refuse(
                    request,
                    "bad_multipart",
                    "请求体无法解析：multipart/form-data 须带有效的 boundary 和长度",
                    None,
                )
        elif request.method == "POST" and content_type == "application/x-www-form-urlencoded":
            try:
                form = request.POST
            except (BadRequest, SuspiciousOperation):
                return self._refuse(
                    request, "bad_form_body", "表单无法解析：编码无效或字段过多", None
                )
            for key, values in form.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return self._nul(request, key.replace("\x00", ""))
        elif content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
            try:
                if b"\\u0000" not in request.body:
                    return None
                found = _nul_in_json(json.loads(request.body))
            except (ValueError, SuspiciousOperation):
                return None  # not JSON, or too large: answered further on
            if found is not None:
                return self._nul(request, ".".join(str(p) for p in found) or "body")
        return None


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
        if isinstance(exception, MultiPartParserError):
            return self._bad_form(request)
        return None

    @staticmethod
    def _bad_form(request):
        from django.utils.translation import gettext as _

        from .views import plain_error

        return plain_error(
            request,
            status=400,
            title=_("请求无法处理"),
            message=_("上传的表单无法解析，请重新提交。"),
            advice=_("请检查网址和填写的内容后重试。"),
        )


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
