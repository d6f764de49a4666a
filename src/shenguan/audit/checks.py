"""Deployment checks of the audit anchoring (ADR 0022), run by `shenguan check --deploy`."""

from __future__ import annotations

import stat

from django.core.checks import Tags, Warning, register

from .checkpoints import key_path


@register(Tags.security, deploy=True)
def audit_checkpoint_key(app_configs, **kwargs):
    """The checkpoint signing key is configured, present and private to its owner."""
    path = key_path()
    if path is None:
        return [
            Warning(
                "SHENGUAN_AUDIT_CHECKPOINT_KEY is not set: the audit chain is not anchored "
                "outside the database (no signed checkpoints).",
                hint="shenguan audit keygen --out /etc/shenguan/audit-checkpoint.key; see "
                "docs/deployment.md, 'Anchoring the audit chain'.",
                id="shenguan.W001",
            )
        ]
    if not path.exists():
        return [
            Warning(
                f"The audit checkpoint key file {path} does not exist.",
                hint=f"shenguan audit keygen --out {path}",
                id="shenguan.W002",
            )
        ]
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        return [
            Warning(
                f"The audit checkpoint key file {path} is readable by others than its owner.",
                hint=f"chmod 600 {path}",
                id="shenguan.W003",
            )
        ]
    return []
