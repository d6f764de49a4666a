"""The provincial credit platform's query API (省级信用平台查询接口): a small interface, one
shipped HTTP/JSON implementation configured by URL, token and timeout, and a clear
"unavailable" answer that the acceptance check turns into "normal acceptance only" rather than
blocking or waving a case through silently.

The HTTP/JSON contract (the local fake in `fakeplatform` implements it):

    POST <SHENGUAN_CREDIT_QUERY_URL>   Authorization: Bearer <token>
    {"code": "<USCC or ID number>", "name": "<subject name>"}
    → 200 {"reference": "<query reference>",
           "records": [{"list": "失信被执行人", "measure": "…", "document": "…",
                        "valid_from": "YYYY-MM-DD", "valid_until": "YYYY-MM-DD" | null}]}
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from .models import PlatformStatus


@dataclass
class PlatformAnswer:
    """What the platform said about one subject."""

    status: str  # PlatformStatus
    reference: str = ""
    hits: list[dict] = field(default_factory=list)
    error: str = ""
    elapsed_ms: int = 0


class CreditPlatform(Protocol):
    """A credit platform that can be asked about one subject (by code, never by name alone)."""

    def query(self, *, code: str, name: str) -> PlatformAnswer: ...


class HttpJsonPlatform:
    """The shipped implementation: one POST per subject, a hard timeout, every failure
    (timeout, connection refused, 5xx, a body that is not the contract) is "unavailable"."""

    def __init__(self, url: str, token: str = "", timeout: float = 3.0):
        self.url = url
        self.token = token
        self.timeout = timeout

    def query(self, *, code: str, name: str) -> PlatformAnswer:
        started = time.monotonic()
        headers = {"content-type": "application/json", "user-agent": "Shenguan-Credit/1.0"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"

        def answer(**kw) -> PlatformAnswer:
            return PlatformAnswer(elapsed_ms=int((time.monotonic() - started) * 1000), **kw)

        try:
            resp = httpx.post(
                self.url,
                json={"code": code, "name": name},
                headers=headers,
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,
            )
        except httpx.TimeoutException:
            return answer(status=PlatformStatus.UNAVAILABLE, error="信用平台查询超时")
        except httpx.HTTPError as exc:
            return answer(
                status=PlatformStatus.UNAVAILABLE,
                error=f"无法连接信用平台（{type(exc).__name__}）",
            )
        if resp.status_code != 200:
            return answer(
                status=PlatformStatus.UNAVAILABLE, error=f"信用平台返回 HTTP {resp.status_code}"
            )
        try:
            body = resp.json()
            records = body.get("records") or []
            hits = [
                {
                    "list_name": str(r.get("list") or "信用平台失信记录")[:100],
                    "measures": str(r.get("measure") or "")[:1000],
                    "document": str(r.get("document") or "")[:300],
                    "valid_from": r.get("valid_from") or None,
                    "valid_until": r.get("valid_until") or None,
                }
                for r in records
            ]
            reference = str(body.get("reference") or "")[:100]
        except (ValueError, AttributeError, TypeError):
            return answer(status=PlatformStatus.UNAVAILABLE, error="信用平台返回内容无法识别")
        return answer(status=PlatformStatus.OK, reference=reference, hits=hits)


def configured_platform() -> CreditPlatform | None:
    """The platform of this installation (settings), or None when none is connected.

    `SHENGUAN_CREDIT_PLATFORM` may name another implementation (a dotted path to a class taking
    url, token, timeout)."""
    url = getattr(settings, "SHENGUAN_CREDIT_QUERY_URL", "")
    if not url:
        return None
    cls = (
        import_string(getattr(settings, "SHENGUAN_CREDIT_PLATFORM", ""))
        if getattr(settings, "SHENGUAN_CREDIT_PLATFORM", "")
        else HttpJsonPlatform
    )
    return cls(
        url,
        getattr(settings, "SHENGUAN_CREDIT_QUERY_TOKEN", ""),
        float(getattr(settings, "SHENGUAN_CREDIT_TIMEOUT", 3.0)),
    )
