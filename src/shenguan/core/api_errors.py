"""One error body for the whole API: {code, message (Chinese), field}."""

from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .errors import DomainError, PermissionDenied

log = logging.getLogger("shenguan.api")

_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "float_parsing": "须为数字",
    "bool_parsing": "须为布尔值",
    "date_from_datetime_parsing": "日期格式无效，须为 YYYY-MM-DD",
    "date_parsing": "日期格式无效，须为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式无效",
    "datetime_parsing": "时间格式无效，须为 ISO 8601",
    "datetime_from_date_parsing": "时间格式无效，须为 ISO 8601",
    "value_error": "取值无效",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "请求体格式无效",
    "dict_type": "须为对象",
    "list_type": "须为数组",
    "string_type": "须为字符串",
    "url_parsing": "网址格式无效",
    "url_scheme": "网址协议无效",
    "extra_forbidden": "不允许的字段",
}


def _field_of(loc) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    parts = [p for p in parts if not p.startswith("function-")]
    return ".".join(parts) or None


def validation_body(errors: list[dict]) -> dict:
    """The error body for request validation failures, naming the first bad field."""
    first = errors[0] if errors else {}
    field = _field_of(first.get("loc", ()))
    kind = first.get("type", "")
    reason = _PYDANTIC_MESSAGES.get(kind)
    if reason is None:
        msg = str(first.get("msg", "取值无效"))
        reason = msg.removeprefix("Value error, ")
    message = f"字段“{field}”{reason}" if field else f"请求无效：{reason}"
    return {
        "code": "invalid_input",
        "message": message,
        "field": field,
        "errors": [
            {"field": _field_of(e.get("loc", ())),
             "message": _PYDANTIC_MESSAGES.get(e.get("type", ""), str(e.get("msg", "")))}
            for e in errors
        ],
    }


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the handlers that turn every failure into {code, message, field}."""

    @api.exception_handler(DomainError)
    def _domain(request, exc: DomainError):
        if isinstance(exc, PermissionDenied):
            from shenguan.audit.services import audit_denied

            audit_denied(actor=getattr(request, "auth", None), action=f"api.{request.method.lower()}",
                         obj=("api.path", request.path[:64]), reason=exc.code)
        resp = api.create_response(request, exc.as_dict(), status=exc.status)
        if getattr(exc, "retry_after", None):
            resp["Retry-After"] = str(exc.retry_after)
        return resp

    @api.exception_handler(NinjaValidationError)
    def _validation(request, exc: NinjaValidationError):
        return api.create_response(request, validation_body(exc.errors), status=422)

    @api.exception_handler(AuthenticationError)
    def _auth(request, exc):
        return api.create_response(
            request, {"code": "unauthenticated", "message": "未登录或认证失败", "field": None},
            status=401,
        )

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return api.create_response(
            request, {"code": "not_found", "message": "对象不存在或无权查看", "field": None},
            status=404,
        )

    @api.exception_handler(HttpError)
    def _http(request, exc: HttpError):
        return api.create_response(
            request, {"code": f"http_{exc.status_code}", "message": str(exc.message), "field": None},
            status=exc.status_code,
        )

    @api.exception_handler(Exception)
    def _unexpected(request, exc):
        log.exception("unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request, {"code": "internal_error", "message": "服务器内部错误，请联系管理员",
                      "field": None, "request_id": getattr(request, "request_id", None)},
            status=500,
        )
