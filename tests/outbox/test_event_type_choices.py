"""Webhook subscriptions offer the list of event types instead of names typed by hand (issue 12
item 10). The oracle for completeness is the source: every event type an app emits is offered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from shenguan.outbox.event_types import known_event_types
from shenguan.outbox.models import WebhookEndpoint

SRC = Path(__file__).resolve().parents[2] / "src" / "shenguan"


def _emitted() -> set[str]:
    """Event types named as literals where events are emitted (event_type=… / "event_type": …)
    or in the linkage tables of push events."""
    found = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text("utf-8")
        found |= set(re.findall(r'event_type["\']?\s*[:=]\s*f?"([a-z_]+\.[a-z_.]+)"', text))
    return found


def _offered(name: str, known: set[str]) -> bool:
    return name in known or any(k.endswith(".*") and name.startswith(k[:-1]) for k in known)


def test_every_emitted_event_type_is_offered():
    emitted = _emitted()
    assert len(emitted) > 15
    known = known_event_types()
    assert [t for t in sorted(emitted) if not _offered(t, known)] == []
    for t in ("push.created", "push.claimed", "notice.auto_claimed", "catalog.change.notice"):
        assert t in known


@pytest.mark.django_db
def test_the_form_ticks_types_and_keeps_typed_families(world, admin):
    c = Client()
    c.force_login(admin)
    page = c.get("/outbox/endpoints/new/").content.decode()
    assert 'value="push.created"' in page and "审批结果推送" in page
    r = c.post(
        "/outbox/endpoints/new/",
        {
            "department": world.depts["reg_a"].pk,
            "url": "https://hooks.example.gov.cn/shenguan",
            "event_choices": ["push.created", "feedback.created"],
            "event_types": "org.department.*",
            "description": "",
        },
    )
    assert r.status_code == 200, r.content.decode()[:1000]
    ep = WebhookEndpoint.objects.get()
    assert sorted(ep.event_types) == ["feedback.created", "org.department.*", "push.created"]
    edit = c.get(f"/outbox/endpoints/{ep.pk}/").content.decode()
    assert re.search(r'value="push.created"[^>]*checked', edit)
    assert "org.department.*</textarea>" in edit
