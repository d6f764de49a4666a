"""The linkage demo step: pushes in every state for Liaocheng and Yiyang, idempotent."""

from __future__ import annotations

import pytest
from django.db import connection

from shenguan.core.demo import demo_steps
from shenguan.linkage.models import ApprovalRecord, Licence, Push

pytestmark = pytest.mark.django_db

TABLES = [
    "linkage_approvalrecord",
    "linkage_push",
    "linkage_feedback",
    "linkage_notice",
    "linkage_licence",
    "audit_auditevent",
    "outbox_outboxevent",
]


def _counts() -> dict:
    out = {}
    with connection.cursor() as cur:
        for t in TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {t}")  # noqa: S608 - fixed table names
            out[t] = cur.fetchone()[0]
    return out


def test_demo_step_is_idempotent_and_covers_every_state(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    steps = [s for s in demo_steps() if s.name in ("organisation", "catalog", "linkage")]
    assert [s.name for s in steps] == ["organisation", "catalog", "linkage"]
    for s in steps:
        s.func()
    first = _counts()
    for s in steps:
        s.func()
    assert _counts() == first
    lc = Push.objects.filter(jurisdiction__code="371500", kind="approval")
    assert lc.filter(state="pending").exists()
    assert lc.filter(claimed_mode="manual").exists()
    assert lc.filter(claimed_mode="timeout", claim_late=True).exists()
    assert Push.objects.filter(jurisdiction__code="430971", claimed_mode="on_push").exists()
    assert ApprovalRecord.objects.filter(supervision_gap=True).exists()
    assert Licence.objects.filter(state="cancelled").exists()
    assert Push.objects.filter(kind="disposal").exists()
    assert Push.objects.filter(kind="feedback", direction="to_bureau").exists()
