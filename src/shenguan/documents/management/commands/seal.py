"""`shenguan seal list|sm2-keygen|register|generate|retire`: the security administrator's seal
key steps on an application host (ADR 0039, docs/deployment.md "Seals and e-licences").

Keys stay in the key directory (SHENGUAN_SEAL_KEY_DIR); the commands print only public parts."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shenguan.core.errors import DomainError
from shenguan.documents import keys, services
from shenguan.documents.models import Seal
from shenguan.org.models import Department


class Command(BaseCommand):
    help = (
        "Seal keys: list seals (list), make the SM2 key of a reference (sm2-keygen --ref), "
        "register a PKCS#12 + SM2 key placed in the key directory (register --department --ref "
        "--ca), make a local demo CA and keys (generate --department), retire (retire --seal), "
        "enter a department's retired seal (retired --department --name --date --memo)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["list", "sm2-keygen", "register", "generate", "retire", "retired"],
        )
        parser.add_argument("--department", type=int, help="department id (the bureau)")
        parser.add_argument("--ref", help="key reference: <ref>.p12 / <ref>.sm2 in the key dir")
        parser.add_argument("--ca", help="PEM file of the CA that issued the seal certificate")
        parser.add_argument("--name", default="", help="seal name (印章名称)")
        parser.add_argument("--seal", type=int, help="seal id (retire)")
        parser.add_argument("--memo", default="", help="retire: the document that retires it")
        parser.add_argument("--date", default="", help="retired: the date it was retired on")

    def handle(self, *args, action, **o):
        try:
            getattr(self, "_" + action.replace("-", "_"))(o)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None

    def _dept(self, o) -> Department:
        if not o.get("department"):
            raise CommandError("--department is required")
        d = Department.objects.filter(pk=o["department"]).first()
        if d is None:
            raise CommandError("no such department")
        return d

    def _list(self, o):
        for s in Seal.objects.select_related("department").order_by("jurisdiction_id", "id"):
            self.stdout.write(
                f"{s.pk}\t{s.state}\t{s.department.name}\t{s.name}\tref={s.key_ref or '-'}\t"
                f"keys={'yes' if s.key_ref and keys.has_keys(s.key_ref) else 'no'}\t"
                f"sha256={s.certificate_sha256 or '-'}"
            )

    def _sm2_keygen(self, o):
        ref = o.get("ref") or ""
        keys._check_ref(ref)
        path = keys.key_dir() / f"{ref}.sm2"
        if path.exists():
            raise CommandError(f"{path.name} exists; refusing to overwrite a key")
        priv, pub = keys.sm2_keypair()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(priv)
        self.stdout.write(f"SM2 public key: {pub}")

    def _register(self, o):
        if not o.get("ca") or not o.get("ref"):
            raise CommandError("--ref and --ca are required")
        seal = services.seal_register(
            actor=None,
            department=self._dept(o),
            key_ref=o["ref"],
            ca_pem=Path(o["ca"]).read_text(),
            name=o.get("name") or "",
        )
        self.stdout.write(f"seal {seal.pk} active, certificate sha256 {seal.certificate_sha256}")

    def _generate(self, o):
        seal = services.seal_generate(
            actor=None,
            department=self._dept(o),
            name=o.get("name") or "",
            key_ref=o.get("ref") or "",
        )
        self.stdout.write(f"seal {seal.pk} active (local demo CA), ref={seal.key_ref}")

    def _retire(self, o):
        seal = Seal.objects.filter(pk=o.get("seal") or 0).first()
        if seal is None:
            raise CommandError("--seal: no such seal")
        from django.utils import timezone

        services.seal_retire(
            actor=None, seal=seal, retired_on=timezone.localdate(), retirement_memo=o["memo"]
        )
        self.stdout.write(f"seal {seal.pk} retired")

    def _retired(self, o):
        seal = services.seal_register_retired(
            actor=None,
            department=self._dept(o),
            name=o.get("name") or "",
            retired_on=o.get("date") or "",
            retirement_memo=o.get("memo") or "",
        )
        self.stdout.write(f"seal {seal.pk} entered as retired on {seal.retired_on}")
