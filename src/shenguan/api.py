"""The HTTP API at /api/v1/: one NinjaAPI, one router per app, one error body."""

from __future__ import annotations

from shenguan.core.api_auth import api_auth
from shenguan.core.api_errors import PlatformAPI, install_error_handlers
from shenguan.core.api_input import ApiParser

api = PlatformAPI(
    title="审管联动平台 API",
    version="1",
    description=(
        "审管联动平台对外接口。系统接入方使用 `Authorization: Bearer <令牌>`；浏览器使用会话并提交 "
        "CSRF 令牌。POST 请求可带 `Idempotency-Key`，24 小时内相同请求返回首次结果。"
        "错误统一返回 `{code, message, field}`。"
    ),
    urls_namespace="api",
    auth=api_auth,
    docs_url="/docs",
    parser=ApiParser(),
)
install_error_handlers(api)

api.add_router("/core/", "shenguan.core.api.router")
api.add_router("/org/", "shenguan.org.api.router")
api.add_router("/audit/", "shenguan.audit.api.router")
api.add_router("/calendar/", "shenguan.calendar.api.router")
api.add_router("/policy/", "shenguan.policy.api.router")
api.add_router("/outbox/", "shenguan.outbox.api.router")
api.add_router("/catalog/", "shenguan.catalog.api.router")
api.add_router("/linkage/", "shenguan.linkage.api.router")
api.add_router("/oversight/", "shenguan.oversight.api.router")
api.add_router("/review/", "shenguan.review.api.router")
api.add_router("/public/", "shenguan.public.api.router")
api.add_router("/credit/", "shenguan.credit.api.router")
api.add_router("/documents/", "shenguan.documents.api.router")
