"""`shenguan audit verify|head`: check the audit chain and print its head."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from shenguan.audit.selectors import audit_head, audit_verify


class Command(BaseCommand):
    help = "Verify the audit hash chain (verify) or print its head (head)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args, action, **opts):
        if action == "head":
            ev = audit_head()
            if ev is None:
                self.stdout.write("EMPTY")
                return
            self.stdout.write(f"seq={ev.seq} hash={ev.hash} at={ev.at.isoformat()}")
            return
        res = audit_verify()
        if res.ok:
            self.stdout.write(
                f"OK {res.checked} events, head seq={res.head_seq} hash={res.head_hash}"
            )
            return
        raise CommandError(
            f"BROKEN at seq={res.broken_seq} id={res.broken_id}: {res.reason} "
            f"({res.checked} events verified before it)"
        )
