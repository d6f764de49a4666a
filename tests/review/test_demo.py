"""The review demo step: the step table and requests in every state, idempotent; the monitor
raises the overdue request's red alert."""

from __future__ import annotations

import pytest

from shenguan.core.demo import demo_steps
from shenguan.review.models import (
    CertificateTask,
    DrawnExpert,
    Expert,
    ExpertDraw,
    Meeting,
    NoticeParty,
    OpinionRequest,
    PublicNotice,
    TechnicalStep,
)

pytestmark = pytest.mark.django_db


def test_demo_step_is_idempotent_and_covers_every_state(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    names = ("organisation", "catalog", "linkage", "review")
    steps = [s for s in demo_steps() if s.name in names]
    assert [s.name for s in steps] == list(names)
    for s in steps:
        s.func()
    assert TechnicalStep.objects.count() == 4
    assert Expert.objects.count() == 36 and ExpertDraw.objects.count() == 1
    assert DrawnExpert.objects.filter(state="declined").count() == 1
    assert sorted(PublicNotice.objects.values_list("state", flat=True)) == ["closed", "open"]
    assert NoticeParty.objects.filter(answer="deemed").count() == 1
    assert CertificateTask.objects.filter(state="open").count() == 1
    assert Meeting.objects.filter(state="held").count() == 1
    states = sorted(OpinionRequest.objects.values_list("state", flat=True))
    assert states == ["answered", "requested", "requested"]
    before = (TechnicalStep.objects.count(), OpinionRequest.objects.count())
    steps[-1].func()
    assert (TechnicalStep.objects.count(), OpinionRequest.objects.count()) == before
    from shenguan.oversight.models import Alert
    from shenguan.oversight.sweeps import monitor_sweep

    monitor_sweep()
    overdue = OpinionRequest.objects.get(state="requested", due_date__lt=_today())
    assert Alert.objects.filter(
        kind="review.opinion_answer", object_id=overdue.pk, level="red"
    ).exists()
    cert = CertificateTask.objects.get()
    assert Alert.objects.filter(
        kind="review.certificate_issue", object_id=cert.pk, level="red"
    ).exists()


def _today():
    from django.utils import timezone

    return timezone.localdate()
