"""Audit entries show Chinese labels and names, not raw codes (issue 12 item 10): `auth.login`
reads 登录 and `org.user:14` names the account; the codes stay beside them."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shenguan.audit.labels import ACTION_LABELS
from shenguan.audit.services import audit_record
from shenguan.org.roles import Role

pytestmark = pytest.mark.django_db


def test_the_list_shows_labels_and_names(world):
    clerk = world.users[Role.WINDOW_CLERK]
    audit_record(actor=clerk, action="auth.login", obj=clerk)
    dept = world.depts["reg_a"]
    audit_record(actor=world.users[Role.SYSTEM_ADMIN], action="org.department.update", obj=dept)
    c = Client()
    c.force_login(world.users[Role.AUDIT_ADMIN])
    html = c.get("/audit/").content.decode()
    actions = re.findall(r'data-testid="action-label">(.*?)</td>', html, re.S)
    objects = re.findall(r'data-testid="object-label">(.*?)</td>', html, re.S)
    assert any(a.startswith("登录 ") for a in actions)
    assert any(a.startswith("修改部门 ") for a in actions)
    assert any(f"{dept.name}（{dept.pk}）" in o and o.startswith("部门") for o in objects)
    assert any(f"（{clerk.pk}）" in o for o in objects)
    assert not any(o.startswith("<code>org.") for o in objects)


def test_every_audited_action_in_the_source_has_a_label():
    """The oracle is the source: every literal action passed to audit_record is labelled."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "shenguan"
    actions = set()
    for path in src.rglob("*.py"):
        actions |= set(re.findall(r'\baction="([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8")))
    assert len(actions) > 60
    assert sorted(actions - set(ACTION_LABELS)) == []
