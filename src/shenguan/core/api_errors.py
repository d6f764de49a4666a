"""One error body for the whole API: {code, message (Chinese), field}."""

from __future__ import annotations

import logging

from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
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
    "model_type": "须为对象",
    "dict_type": "须为对象",
    "list_type": "须为数组",
    "string_type": "须为字符串",
    "url_parsing": "网址格式无效",
    "url_scheme": "网址协议无效",
    "extra_forbidden": "不允许的字段",
    "string_pattern_mismatch": "格式不正确",
    "int_from_float": "须为整数",
    "bool_type": "须为布尔值",
    "date_type": "须为日期（YYYY-MM-DD）",
    "datetime_type": "须为时间（ISO 8601）",
    "date_future": "须为将来的日期",
    "date_past": "须为过去的日期",
    "datetime_future": "须为将来的时间",
    "datetime_past": "须为过去的时间",
    "timezone_aware": "须带时区",
    "too_long": "条目过多",
    "too_short": "条目过少",
    "uuid_parsing": "须为 UUID",
    "decimal_parsing": "须为数字",
    "finite_number": "须为有限数字",
    "missing_argument": "必填",
    "unexpected_keyword_argument": "不允许的字段",
    "is_instance_of": "取值无效",
    "union_tag_invalid": "取值不在允许范围内",
    "string_unicode": "须为 UTF-8 字符串",
    "string_nul": "含有不允许的空字符（NUL）",
}


class ApiError(Schema):
    """The one error body of the API (错误信息)."""

    code: str = Field(description="稳定的英文错误代码，供对接系统判断")
    message: str = Field(description="中文说明，指明出错的字段")
    field: str | None = Field(None, description="出错的字段")


def error_responses(*statuses: int) -> dict[int, type[ApiError]]:
    """The declared error responses of an operation; 401, 422 and 429 are always possible."""
    codes = set(statuses) | {401, 422, 429}
    return {s: ApiError for s in sorted(codes)}


# Answers the framework itself gives, whatever an operation declares (see PlatformAPI).
_FRAMEWORK_ANSWERS = {
    400: "请求体无法解析（不是合法的 JSON）",
    401: "未登录或认证失败",
    413: "请求体过大",
    422: "请求不符合接口定义（字段缺失、类型或取值无效）",
    429: "请求过于频繁",
}


class PlatformAPI(NinjaAPI):
    """The platform's NinjaAPI: its OpenAPI document declares, on every operation, the answers
    the framework gives before the operation's own code runs — 422 for a request that does not
    match the schema, 400 and 413 where there is a body, 401 and 429 where credentials are
    required — so that clients (and schemathesis) see every status they can receive."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ApiError", ApiError.model_json_schema(ref_template="{model}"))
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                responses = op.setdefault("responses", {})
                wanted = {422}
                if "requestBody" in op:
                    wanted |= {400, 413}
                if op.get("security"):
                    wanted |= {401, 429}
                for status in sorted(wanted):
                    if status in responses or str(status) in responses:
                        continue
                    responses[status] = {
                        "description": _FRAMEWORK_ANSWERS[status],
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ApiError"}
                            }
                        },
                    }
        return schema


def _field_of(loc) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    parts = [p for p in parts if not p.startswith("function-")]
    return ".".join(parts) or None


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _reason(error: dict) -> str:
    """A Chinese reason for one pydantic error; a validator's own Chinese message is kept."""
    kind = error.get("type", "")
    msg = str(error.get("msg", ""))
    if kind in ("value_error", "assertion_error"):
        own = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if _has_cjk(own):
            return own
    return _PYDANTIC_MESSAGES.get(kind, "取值无效")


def validation_body(errors: list[dict]) -> dict:
    """The error body for request validation failures, naming the first bad field."""
    first = errors[0] if errors else {}
    field = _field_of(first.get("loc", ()))
    reason = _reason(first) if first else "取值无效"
    if field:
        message = f"字段“{field}”{reason}"
    elif first.get("type") == "model_type":
        message = "请求体须为 JSON 对象"
    else:
        message = f"请求无效：{reason}"
    return {
        "code": "invalid_input",
        "message": message,
        "field": field,
        "errors": [{"field": _field_of(e.get("loc", ())), "message": _reason(e)} for e in errors],
    }


_STATUS_MESSAGES = {
    400: ("bad_request", "请求无效"),
    401: ("unauthenticated", "未登录或认证失败"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "对象不存在或无权查看"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "状态冲突"),
    413: ("body_too_large", "请求体过大"),
    415: ("unsupported_media_type", "不支持的请求体类型"),
    429: ("rate_limited", "请求过于频繁"),
}


def http_error_body(exc: HttpError) -> dict:
    """A Chinese error body for django-ninja's own HttpErrors (e.g. an unparsable JSON body)."""
    if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
        return {"code": "bad_json", "message": "请求体不是合法的 JSON", "field": None}
    code, message = _STATUS_MESSAGES.get(exc.status_code, (f"http_{exc.status_code}", "请求失败"))
    return {"code": code, "message": message, "field": None}


@csrf_exempt  # an unknown API route answers JSON 404 for any method, never the CSRF page
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any path under /api/ that no operation answers: a JSON 404, not the HTML page."""
    return JsonResponse(
        {"code": "no_such_route", "message": "接口不存在，请查阅 /api/v1/docs", "field": None},
        status=404,
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the handlers that turn every failure into {code, message, field}."""

    @api.exception_handler(DomainError)
    def _domain(request, exc: DomainError):
        if isinstance(exc, PermissionDenied):
            from .audit_hooks import audit_denied

            audit_denied(
                actor=getattr(request, "auth", None),
                action=f"api.{request.method.lower()}",
                obj=("api.path", request.path[:64]),
                reason=exc.code,
            )
        resp = api.create_response(request, exc.as_dict(), status=exc.status)
        if getattr(exc, "retry_after", None):
            resp["Retry-After"] = str(exc.retry_after)
        return resp

    @api.exception_handler(NinjaValidationError)
    def _validation(request, exc: NinjaValidationError):
        return api.create_response(request, validation_body(exc.errors), status=422)

    @api.exception_handler(AuthenticationError)
    def _auth(request, exc):
        from .api_auth import unauthenticated_attempt

        unauthenticated_attempt(request, action="auth.api_unauthenticated", reason="no_credentials")
        return api.create_response(
            request,
            {"code": "unauthenticated", "message": "未登录或认证失败", "field": None},
            status=401,
        )

    @api.exception_handler(MultiPartParserError)
    def _multipart(request, exc):
        return api.create_response(
            request,
            {
                "code": "bad_multipart",
                "message": "请求体无法解析：multipart 格式无效",
                "field": None,
            },
            status=422,
        )

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return api.create_response(
            request,
            {"code": "not_found", "message": "对象不存在或无权查看", "field": None},
            status=404,
        )

    @api.exception_handler(HttpError)
    def _http(request, exc: HttpError):
        return api.create_response(request, http_error_body(exc), status=exc.status_code)

    @api.exception_handler(Exception)
    def _unexpected(request, exc):
        log.exception("unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request,
            {
                "code": "internal_error",
                "message": "服务器内部错误，请联系管理员",
                "field": None,
                "request_id": getattr(request, "request_id", None),
            },
            status=500,
        )
