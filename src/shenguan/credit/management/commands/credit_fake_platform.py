"""Run the local fake credit platform (模拟信用平台) for the demo:
`shenguan credit_fake_platform --port 8765`, then start the server and worker with
SHENGUAN_CREDIT_QUERY_URL=http://127.0.0.1:8765/query and
SHENGUAN_CREDIT_PUSH_URL=http://127.0.0.1:8765/records."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行本地模拟信用平台（查询接口与双公示接收端），供演示使用"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--bind", default="127.0.0.1")

    def handle(self, *args, **opts):
        from shenguan.credit.demo import DEMO_PLATFORM_RECORDS
        from shenguan.credit.fakeplatform import FakeCreditPlatform

        fake = FakeCreditPlatform(
            records=DEMO_PLATFORM_RECORDS, bind=opts["bind"], port=opts["port"]
        ).start()
        self.stdout.write(f"模拟信用平台已启动：{fake.url}/query 与 {fake.url}/records")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            fake.stop()
