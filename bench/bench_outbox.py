"""Outbox delivery (消息投递): events emitted/s and webhook deliveries/s through the worker.

A local HTTP receiver (a ThreadingHTTPServer in a thread, answering 200) stands for the other
system. `emit` times `outbox_emit` for events fanned out to two endpoints; `deliver` times one
in-process worker draining them (lease, sign, POST, record), so the figure includes the HTTP
round trip on the loopback and one commit per attempt.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.harness import timer


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()


def run(quick: bool = False) -> dict:
    from django.db import transaction

    from shenguan.org import services as org
    from shenguan.org.models import Jurisdiction
    from shenguan.org.roles import DepartmentKind
    from shenguan.outbox import delivery, services
    from shenguan.outbox.models import OutboxDelivery
    from shenguan.policy.models import PolicyProfile

    events = 200 if quick else 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    host, port = server.server_address[:2]
    try:
        j = Jurisdiction.objects.filter(code="379901").first() or org.jurisdiction_create(
            actor=None,
            code="379901",
            name="基准测试区",
            level="county",
            profile=PolicyProfile.objects.order_by("id").first(),
        )
        dept = org.department_create(
            actor=None,
            jurisdiction=j,
            name=f"基准部门{OutboxDelivery.objects.count()}",
            kind=DepartmentKind.REGULATOR,
        )
        for path in ("/a", "/b"):
            services.webhook_endpoint_create(
                actor=None,
                department=dept,
                url=f"http://{host}:{port}{path}",
                event_types=["bench.*"],
            )
        with timer() as t_emit, transaction.atomic():
            for i in range(events):
                services.outbox_emit(
                    event_type="bench.event",
                    jurisdiction_id=j.pk,
                    payload={"i": i, "名称": "基准"},
                    department_ids=[dept.pk],
                )
        emit_s = t_emit()
        rows = OutboxDelivery.objects.filter(
            event__event_type="bench.event", status="pending"
        ).count()
        with timer() as t_del:
            stats = delivery.run_worker(
                worker_id="bench", until_empty=True, batch=50, max_seconds=600, sweeps=False
            )
        deliver_s = t_del()
    finally:
        server.shutdown()
        server.server_close()
    return {
        "events": events,
        "events_emitted_per_second": round(events / emit_s, 1),
        "deliveries": rows,
        "webhook_deliveries_per_second_one_worker": round(stats.delivered / deliver_s, 1),
        "delivered": stats.delivered,
    }
