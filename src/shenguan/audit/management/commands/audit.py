"""`shenguan audit verify|head|checkpoint|keygen|public-key`: check the audit chain (against
signed checkpoints kept outside the database), print its head, sign a checkpoint now, create the
checkpoint signing key, print its public half (ADR 0003, ADR 0022)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shenguan.audit import checkpoints as cps
from shenguan.audit.models import AuditCheckpoint, AuditEvent
from shenguan.audit.selectors import audit_head


class Command(BaseCommand):
    help = (
        "Verify the audit hash chain, against signed checkpoints (verify [--checkpoint FILE]), "
        "print its head (head), sign a checkpoint now (checkpoint), create the signing key "
        "(keygen) or print its public key (public-key)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["verify", "head", "checkpoint", "keygen", "public-key"]
        )
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="checkpoint file to verify against (default: SHENGUAN_AUDIT_CHECKPOINT_FILE "
            "if it exists)",
        )
        parser.add_argument(
            "--public-key",
            metavar="FILE",
            help="PEM public key that signed the checkpoints (default: the public half of "
            "SHENGUAN_AUDIT_CHECKPOINT_KEY)",
        )
        parser.add_argument("--out", metavar="FILE", help="keygen: where to write the new key")

    def handle(self, *args, action, **opts):
        if action == "head":
            ev = audit_head()
            if ev is None:
                self.stdout.write("EMPTY")
                return
            self.stdout.write(f"seq={ev.seq} hash={ev.hash} at={ev.at.isoformat()}")
            return
        if action == "keygen":
            return self._keygen(opts.get("out"))
        if action == "public-key":
            key = self._signing_key()
            self.stdout.write(f"key_id={cps.key_id(key)}")
            self.stdout.write(cps.public_pem(key).rstrip())
            return
        if action == "checkpoint":
            result = cps.checkpoint_sweep()
            if "refused" in result:
                raise CommandError(f"REFUSED: {result['refused']}")
            if "disabled" in result:
                raise CommandError(f"NO KEY: {result['disabled']}")
            self.stdout.write(
                f"checkpoints signed up to seq {result['checkpoints'] or 'none (nothing new)'}; "
                f"{result['exported']} written to {cps.checkpoint_path()}"
            )
            return
        self._verify(opts.get("checkpoint"), opts.get("public_key"))

    def _signing_key(self):
        try:
            return cps.signing_key()
        except cps.CheckpointKeyMissing as exc:
            raise CommandError(str(exc)) from exc

    def _keygen(self, out):
        path = Path(out) if out else cps.key_path()
        if path is None:
            raise CommandError("give --out FILE or set SHENGUAN_AUDIT_CHECKPOINT_KEY")
        try:
            key = cps.generate_key(path)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists: a key is never overwritten") from exc
        self.stdout.write(f"written {path} (mode 0600), key_id={cps.key_id(key)}")
        self.stdout.write(cps.public_pem(key).rstrip())

    def _verify(self, checkpoint_file, public_key_file):
        docs, problems, source = [], [], ""
        path = Path(checkpoint_file) if checkpoint_file else cps.checkpoint_path()
        if checkpoint_file and not path.exists():
            raise CommandError(f"checkpoint file {path} not found")
        if path is not None and path.exists():
            docs, problems = cps.read_checkpoints(path)
            source = str(path)
        stored = [cp.document for cp in AuditCheckpoint.objects.order_by("seq")]
        public_key = None
        if docs or stored:
            if public_key_file:
                public_key = cps.load_public_key(Path(public_key_file))
            else:
                public_key = self._signing_key().public_key()
        report = cps.verify_chain(
            AuditEvent.objects.order_by("seq").iterator(chunk_size=5000),
            checkpoints=docs + stored,
            public_key=public_key,
        )
        report.findings[:0] = problems
        anchored = (
            f"; anchored by {report.checkpoints} checkpoints up to seq {report.anchored_to}"
            + (f" ({source})" if source else " (stored in the database only)")
            if report.checkpoints
            else "; no checkpoint"
        )
        if report.ok:
            self.stdout.write(
                f"OK {report.checked} events, head seq={report.head_seq} "
                f"hash={report.head_hash}{anchored}"
            )
            return
        lines = "\n".join(f"  {f.line()}" for f in report.findings)
        raise CommandError(
            f"BROKEN: {len(report.findings)} problems in {report.checked} events{anchored}\n{lines}"
        )
