"""A real HTTP receiver for webhook tests: a ThreadingHTTPServer in a thread.

It verifies each request's signature with the independent `standardwebhooks` package, records
every call, and notes when the same (path, webhook-id) is in flight twice at the same time.
Behaviour per call is chosen by `respond(path, headers, body, n)` -> (status, headers, delay),
where n counts the calls of that (path, webhook-id) from 1.
"""

from __future__ import annotations

import json
import random
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Call:
    """One request the receiver got."""

    path: str
    webhook_id: str
    timestamp: str
    signature: str
    body: bytes
    status: int
    verified: bool
    n: int
    started: float
    content_type: str = ""
    host: str = ""  # the Host header

    def json(self):
        return json.loads(self.body)


def ok(path, headers, body, n):
    return 200, {}, 0.0


def fail_rate(rate: float, seed: int = 20261101) -> Callable:
    """Answer 500 to a share of calls, drawn from a seeded random generator."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def respond(path, headers, body, n):
        with lock:
            failed = rng.random() < rate
        return (500 if failed else 200), {}, 0.0

    return respond


@dataclass
class Receiver:
    """The receiving system (接收方) of the tests."""

    respond: Callable = ok
    bind: str = "127.0.0.1"  # the address to listen on
    port: int = 0  # 0: any free port
    tls: ssl.SSLContext | None = None  # serve https with this server context
    server_names: list[str | None] = field(default_factory=list)  # SNI of each TLS handshake
    secrets: dict[str, str] = field(default_factory=dict)  # path -> whsec_ secret
    calls: list[Call] = field(default_factory=list)
    overlaps: list[tuple[str, str]] = field(default_factory=list)
    _inflight: dict = field(default_factory=lambda: defaultdict(int))
    _counts: dict = field(default_factory=lambda: defaultdict(int))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one small response must not wait for a delayed ACK

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                started = time.monotonic()
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                wid = self.headers.get("webhook-id", "")
                key = (self.path, wid)
                with receiver._lock:
                    receiver._inflight[key] += 1
                    if receiver._inflight[key] > 1:
                        receiver.overlaps.append(key)
                    receiver._counts[key] += 1
                    n = receiver._counts[key]
                verified = False
                secret = receiver.secrets.get(self.path)
                if secret:
                    try:
                        Webhook(secret).verify(body, dict(self.headers.items()))
                        verified = True
                    except WebhookVerificationError:
                        verified = False
                try:
                    status, extra, delay = receiver.respond(self.path, self.headers, body, n)
                    if delay:
                        time.sleep(delay)
                finally:
                    with receiver._lock:
                        receiver._inflight[key] -= 1
                        receiver.calls.append(
                            Call(
                                path=self.path,
                                webhook_id=wid,
                                timestamp=self.headers.get("webhook-timestamp", ""),
                                signature=self.headers.get("webhook-signature", ""),
                                body=body,
                                status=status,
                                verified=verified,
                                n=n,
                                started=started,
                                content_type=self.headers.get("content-type", ""),
                                host=self.headers.get("host", ""),
                            )
                        )
                payload = b'{"ok": true}' if 200 <= status < 300 else b'{"ok": false}'
                try:
                    self.send_response(status)
                    for k, v in extra.items():
                        self.send_header(k, v)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up (a timeout test)

        self.server = ThreadingHTTPServer((self.bind, self.port), Handler)
        if self.tls is not None:
            self.tls.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def url(self, path: str = "/hook") -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}{path}"

    def calls_for(self, path: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if path is None or c.path == path]
