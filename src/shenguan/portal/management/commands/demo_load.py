"""`shenguan demo_load`: load the demo data set (演示数据) by running every registered step."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shenguan.core.demo import demo_steps
from shenguan.portal.demo import DEMO_PASSWORD, demo_summary


class Command(BaseCommand):
    help = "载入演示数据（幂等，可重复执行） / Load the demo data set (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-summary", action="store_true", help="do not print the account table at the end"
        )

    def handle(self, *args, **options):
        steps = demo_steps()
        if not steps:
            raise CommandError("no demo steps registered")
        for step in steps:
            self.stdout.write(f"[{step.order:>3}] {step.name} …")
            try:
                with transaction.atomic():
                    result = step.func()
            except Exception as exc:
                raise CommandError(f"demo step {step.name!r} failed: {exc!r}") from exc
            if result:
                self.stdout.write(f"      {result}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
        if not options["quiet_summary"]:
            self.stdout.write("")
            self.stdout.write(
                "打开 / Open: http://127.0.0.1:8000/  （make demo 启动后 / once started）"
            )
            self.stdout.write(demo_summary())
            self.stdout.write("")
            self.stdout.write(f"密码 / password: {DEMO_PASSWORD}")
