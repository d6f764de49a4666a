"""A local fake of the provincial credit platform (模拟信用平台) for the demo and the tests: the
query API of `platform.HttpJsonPlatform` and the 双公示 receiver of the credit channel, in one
ThreadingHTTPServer. Faults are chosen per call: slow answers (timeouts), 5xx, rejections.

    fake = FakeCreditPlatform(records={"91371500…": [{"list": "失信被执行人", …}]}).start()
    settings.SHENGUAN_CREDIT_QUERY_URL = fake.url + "/query"
    settings.SHENGUAN_CREDIT_PUSH_URL = fake.url + "/records"

The receiver deduplicates by message id (webhook-id): a record delivered twice after a lost
answer is stored once and answered with the same receipt.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import formats


@dataclass
class FakeCreditPlatform:
    """The fake platform: `records` answers queries; `received` keeps pushed records by id."""

    records: dict[str, list[dict]] = field(default_factory=dict)
    token: str = ""
    query_mode: str = "ok"  # ok | slow | error
    slow_seconds: float = 5.0
    push_fail_rate: float = 0.0  # share of pushes answered 500 (before or after storing)
    push_lose_answer_rate: float = 0.0  # stored, but the answer is a 500 (lost acknowledgement)
    reject_codes: set[str] = field(default_factory=set)  # subject codes the platform rejects
    seed: int = 20260923
    received: dict[str, dict] = field(default_factory=dict)  # message id -> body
    calls: int = 0
    bind: str = "127.0.0.1"
    port: int = 0
    server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self._rng = random.Random(self.seed)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _draw(self, rate: float) -> bool:
        with self._lock:
            return self._rng.random() < rate

    def start(self) -> FakeCreditPlatform:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                with fake._lock:
                    fake.calls += 1
                if fake.token and self.headers.get("authorization") != f"Bearer {fake.token}":
                    return self._send(401, {"error": "unauthorized"})
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return self._send(400, {"status": "rejected", "reasons": ["请求不是 JSON"]})
                if self.path.startswith("/query"):
                    return fake._query(self, body)
                if self.path.startswith("/records"):
                    return fake._push(self, body)
                return self._send(404, {"error": "not found"})

        self.server = ThreadingHTTPServer((self.bind, self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- behaviour ---------------------------------------------------------------------------

    def _query(self, h, body: dict) -> None:
        if self.query_mode == "slow":
            time.sleep(self.slow_seconds)
        if self.query_mode == "error":
            return h._send(503, {"error": "维护中"})
        code = str(body.get("code") or "")
        with self._lock:
            n = self.calls
        return h._send(200, {"reference": f"XY{n:08d}", "records": self.records.get(code, [])})

    def _push(self, h, body: dict) -> None:
        if self._draw(self.push_fail_rate):
            return h._send(500, {"error": "内部错误"})
        mid = str(body.get("message_id") or h.headers.get("webhook-id") or "")
        data = body.get("data") or {}
        kind = body.get("kind")
        reasons = []
        if kind not in formats.COLUMNS:
            reasons.append("未知的双公示类别")
        else:
            reasons += [p["message"] for p in formats.validate(kind, data)]
            if body.get("columns") != formats.headers(kind):
                reasons.append("列顺序与国家标准不一致")
        code = data.get("uscc") or data.get("id_number") or ""
        if code in self.reject_codes:
            reasons.append("行政相对人与登记信息不符")
        if reasons:
            return h._send(422, {"status": "rejected", "reasons": reasons})
        with self._lock:
            first = mid not in self.received
            if first:
                self.received[mid] = body
        if self._draw(self.push_lose_answer_rate):
            return h._send(500, {"error": "应答丢失"})
        return h._send(200, {"status": "accepted", "receipt": f"R-{mid[-12:]}"})
