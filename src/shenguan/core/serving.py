"""The gunicorn worker that answers gunicorn's own errors in Chinese.

Some answers never reach Django: a request whose headers are too large (431) or malformed (400),
a request line too long (414), and a request still running when the worker timeout fires — the
arbiter aborts the worker (SIGABRT), the application code is interrupted by SystemExit, and
gunicorn answers 500. gunicorn writes those pages itself, in English and Latin-1 only
(`gunicorn.util.write_error`). This worker class overrides `handle_error`, the one method that
writes them, and sends a Chinese UTF-8 page (JSON `{code, message, field}` under /api/); the
status codes stay gunicorn's. It is selected by the configuration module
`shenguan.core.gunicorn_conf` (`gunicorn -c python:shenguan.core.gunicorn_conf ...`).
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from ssl import SSLError

from gunicorn import util
from gunicorn.http import errors as gerr
from gunicorn.http.wsgi import Response, default_environ
from gunicorn.workers.sync import SyncWorker

# (status, reason phrase of the status line, code, Chinese title, Chinese explanation)
_PAGES: dict[str, tuple[int, str, str, str, str]] = {
    "header_too_large": (
        431,
        "Request Header Fields Too Large",
        "header_too_large",
        "请求头过大",
        "浏览器发送的请求头（通常是 Cookie）超过了服务器允许的大小。请清除本站点的 Cookie 后重试。",
    ),
    "uri_too_long": (
        414,
        "URI Too Long",
        "uri_too_long",
        "网址过长",
        "请求的网址超过了服务器允许的长度。请缩短查询条件后重试。",
    ),
    "bad_request": (
        400,
        "Bad Request",
        "bad_request",
        "请求格式无效",
        "服务器无法理解该请求（请求行或请求头不符合 HTTP 规范）。",
    ),
    "forbidden": (403, "Forbidden", "forbidden", "禁止访问", "该请求被服务器拒绝。"),
    "expectation_failed": (
        417,
        "Expectation Failed",
        "expectation_failed",
        "请求头 Expect 无效",
        "服务器不支持请求头 Expect 中的要求。",
    ),
    "not_implemented": (
        501,
        "Not Implemented",
        "unsupported_transfer_coding",
        "不支持的传输编码",
        "服务器不支持该请求使用的传输编码。",
    ),
    "timeout": (
        500,
        "Internal Server Error",
        "timeout",
        "请求处理超时",
        "服务器未能在规定时间内完成该请求，处理已中止，未完成的修改不会保存。"
        "请稍后重试；如为大批量导入，请拆分文件或联系系统管理员。",
    ),
    "internal": (
        500,
        "Internal Server Error",
        "internal_error",
        "服务器内部错误",
        "系统处理请求时出错，已记录日志。请稍后重试；如问题持续，请联系系统管理员。",
    ),
}

_CLIENT_ERRORS = (
    gerr.InvalidRequestLine,
    gerr.InvalidRequestMethod,
    gerr.InvalidHTTPVersion,
    gerr.InvalidHeader,
    gerr.InvalidHeaderName,
    gerr.InvalidProxyLine,
    gerr.InvalidSchemeHeaders,
    gerr.ObsoleteFolding,
    gerr.InvalidH2CPreface,
    gerr.InvalidChunkSize,
    gerr.ChunkMissingTerminator,
    gerr.InvalidChunkExtension,
)


def page_kind(exc: BaseException, *, aborted: bool) -> str:
    """Which page answers an exception gunicorn caught while serving a request."""
    if isinstance(exc, gerr.LimitRequestHeaders):
        return "header_too_large"
    if isinstance(exc, gerr.LimitRequestLine):
        return "uri_too_long"
    if isinstance(exc, gerr.UnsupportedTransferCoding):
        return "not_implemented"
    if isinstance(exc, gerr.ExpectationFailed):
        return "expectation_failed"
    if isinstance(exc, gerr.ForbiddenProxyRequest | SSLError):
        return "forbidden"
    if isinstance(exc, _CLIENT_ERRORS):
        return "bad_request"
    if isinstance(exc, SystemExit) and aborted:
        return "timeout"
    return "internal"


def error_response(kind: str, *, api: bool) -> bytes:
    """The whole HTTP answer (status line, headers, UTF-8 body) for a page kind."""
    status, reason, code, title, text = _PAGES[kind]
    if api:
        body = json.dumps(
            {"code": code, "message": f"{title}：{text}", "field": None}, ensure_ascii=False
        ).encode()
        content_type = "application/json"
    else:
        body = (
            '<!DOCTYPE html>\n<html lang="zh-hans">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)} · 审管联动平台</title>\n"
            '<link rel="stylesheet" href="/static/shenguan/app.css">\n</head>\n<body>\n'
            '<header class="topbar"><a class="brand" href="/">审管联动平台</a></header>\n'
            f'<main class="content error-page">\n<h1>{status} · {escape(title)}</h1>\n'
            f'<p>{escape(text)}</p>\n<p><a href="/">返回首页</a></p>\n</main>\n</body>\n</html>\n'
        ).encode()
        content_type = "text/html; charset=utf-8"
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "\r\n"
    ).encode("latin-1")
    return head + body


class ChineseErrorsSyncWorker(SyncWorker):
    """gunicorn's sync worker with its own error answers in Chinese (see the module)."""

    _aborted = False

    def handle_abort(self, sig, frame):
        """The arbiter aborts a worker whose request outlived the timeout: remember why, so that
        the SystemExit interrupting the request is answered as a timeout."""
        self._aborted = True
        super().handle_abort(sig, frame)

    def handle_error(self, req, client, addr, exc):
        """Log as gunicorn does, then answer with the Chinese page instead of gunicorn's."""
        started = datetime.now()
        addr = addr or ("", -1)
        kind = page_kind(exc, aborted=self._aborted)
        status, reason = _PAGES[kind][0], _PAGES[kind][1]
        if kind == "timeout":
            self.log.error(
                "request aborted by the worker timeout: %s %s",
                getattr(req, "method", "?"),
                getattr(req, "uri", "?"),
            )
        elif status < 500:
            self.log.warning("Invalid request from ip=%s: %s", addr[0], exc)
        else:
            self.log.exception("Error handling request %s", getattr(req, "uri", "(no URI read)"))
        if req is not None:
            environ = default_environ(req, client, self.cfg)
            environ["REMOTE_ADDR"] = addr[0]
            environ["REMOTE_PORT"] = str(addr[1])
            resp = Response(req, client, self.cfg)
            resp.status = f"{status} {reason}"
            resp.response_length = 0
            self.log.access(resp, req, environ, datetime.now() - started)
        path = getattr(req, "path", "") or ""
        try:
            util.write_nonblock(client, error_response(kind, api=path.startswith("/api/")))
        except Exception:
            self.log.debug("Failed to send error message.")
