"""The credit demo step: lists, an exception, commitments, a penalty record; idempotent."""

from __future__ import annotations

import pytest

from shenguan.core.demo import demo_steps
from shenguan.credit.models import (
    CommitmentTask,
    CreditCheck,
    CreditOverride,
    CreditRecord,
    ListEntry,
    WarningEntry,
)

pytestmark = pytest.mark.django_db


def test_demo_step_is_idempotent_and_covers_credit(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    steps = [s for s in demo_steps() if s.name in ("organisation", "catalog", "linkage", "credit")]
    assert [s.name for s in steps] == ["organisation", "catalog", "linkage", "credit"]
    for s in steps:
        s.func()
    counts = [m.objects.count() for m in (ListEntry, WarningEntry, CreditRecord, CommitmentTask)]
    assert steps[-1].func() is None
    assert counts == [
        m.objects.count() for m in (ListEntry, WarningEntry, CreditRecord, CommitmentTask)
    ]
    assert ListEntry.objects.count() == 2
    assert CreditOverride.objects.filter(used_record_id__isnull=False).count() == 1
    assert CreditCheck.objects.exclude(override_reason="").count() == 1
    assert set(CommitmentTask.objects.values_list("state", flat=True)) == {"open", "not_kept"}
    assert WarningEntry.objects.filter(reason_kind="broken_commitment").exists()
    assert WarningEntry.objects.filter(reason_kind="fraud").exists()
    assert CreditRecord.objects.filter(kind="penalty", state="queued").exists()
    assert CreditRecord.objects.filter(kind="licence").count() >= 3
