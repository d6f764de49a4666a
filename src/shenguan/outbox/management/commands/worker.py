"""`shenguan worker`: deliver outbox rows and run periodic sweeps (后台投递进程)."""

from __future__ import annotations

import json
import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from shenguan.outbox.delivery import default_worker_id, run_worker


class Command(BaseCommand):
    """Run the delivery loop; any number of copies may run against PostgreSQL."""

    help = "投递消息（Webhook、站内通知、短信）并运行定时任务。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一轮（定时任务和一批投递）")
        parser.add_argument(
            "--until-empty",
            action="store_true",
            help="没有待投递或投递中的消息时退出（会等待到期的重试）",
        )
        parser.add_argument("--worker-id", default="", help="本进程的名称（默认 主机名:进程号）")
        parser.add_argument("--batch", type=int, default=0, help="每次租用的投递条数")
        parser.add_argument("--max-seconds", type=float, default=None, help="最长运行秒数")
        parser.add_argument("--no-sweeps", action="store_true", help="不运行定时任务")

    def handle(self, *args, **opts):
        if opts["batch"] < 0:
            raise CommandError("--batch must be positive")
        if opts["max_seconds"] is not None and opts["max_seconds"] <= 0:
            raise CommandError("--max-seconds must be positive")
        worker_id = opts["worker_id"] or default_worker_id()
        stop = threading.Event()

        def _stop(signum, frame):
            logging.getLogger("shenguan.outbox.worker").info("worker %s: stopping", worker_id)
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _stop)
        stats = run_worker(
            worker_id=worker_id,
            once=opts["once"],
            until_empty=opts["until_empty"],
            batch=opts["batch"] or None,
            max_seconds=opts["max_seconds"],
            stop=stop,
            sweeps=not opts["no_sweeps"],
        )
        self.stdout.write(json.dumps(stats.as_dict(), ensure_ascii=False))
