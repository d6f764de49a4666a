"""Joint review meetings (002 §11): the bureau convenes one for two cases, each invited
department gets a push it claims; attendance, each department's opinion, the minutes and a
conclusion per case are recorded, shown on each case and printable."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.linkage import services as lk_svc
from shenguan.linkage.models import Push
from shenguan.outbox.models import OutboxEvent
from shenguan.review import services as svc

from .conftest import draft_case, moment

pytestmark = pytest.mark.django_db


def convene(lk, records, **over):
    kw = {
        "title": "化工项目联审会",
        "held_at": moment(dt.date(2026, 11, 10), 9),
        "agenda": "一、听取申请人汇报；二、各部门发表意见；三、形成结论",
        "departments": [lk.reg_a, lk.reg_b],
        "place": "市民中心三楼会议室",
        "at": moment(dt.date(2026, 11, 5)),
    }
    kw.update(over)
    return svc.meeting_convene(actor=lk.users["approver"], records=records, **kw)


def test_convene_push_claim_minutes_and_conclusions(lk, steps):
    a, b = draft_case(lk, "MT-1"), draft_case(lk, "MT-2")
    m = convene(lk, [a, b])
    pushes = Push.objects.filter(kind="meeting").order_by("addressee_department_id")
    assert sorted(p.addressee_department_id for p in pushes) == sorted([lk.reg_a.pk, lk.reg_b.pk])
    assert OutboxEvent.objects.filter(event_type="meeting.invited").count() == 2
    inv = m.invitees.get(department=lk.reg_a)
    lk_svc.push_claim(actor=lk.users["regulator_liaison"], push=inv.push)
    with pytest.raises(Conflict):  # not held yet
        svc.meeting_record(
            actor=lk.users["approver"], meeting=m, minutes="x", attendance={}, opinions={},
            conclusions={a.pk: "同意", b.pk: "同意"}, at=moment(dt.date(2026, 11, 9)),
        )  # fmt: skip
    with pytest.raises(ValidationFailed) as e:
        svc.meeting_record(
            actor=lk.users["approver"], meeting=m, minutes="纪要", attendance={}, opinions={},
            conclusions={a.pk: "同意"}, at=moment(dt.date(2026, 11, 10), 12),
        )  # fmt: skip
    assert e.value.field == f"conclusions.{b.pk}"
    m = svc.meeting_record(
        actor=lk.users["approver"],
        meeting=m,
        minutes="会议听取了申请人汇报，各部门充分讨论，形成如下意见……",
        attendance={lk.reg_a.pk: "张科长、李工"},
        opinions={lk.reg_a.pk: "同意，须落实环保措施"},
        conclusions={a.pk: "原则同意，按程序办理", b.pk: "暂缓，补充安全评价报告"},
        at=moment(dt.date(2026, 11, 10), 12),
    )
    assert m.state == "held"
    ra, rb = m.invitees.get(department=lk.reg_a), m.invitees.get(department=lk.reg_b)
    assert ra.attended is True and rb.attended is False and ra.opinion.startswith("同意")
    c = Client()
    c.force_login(lk.users["approver"])
    page = c.get(f"/linkage/records/{b.pk}/").content.decode()
    assert "补充安全评价报告" in page and "联审会纪要" in page  # NFKC: "，" is stored as ","
    minutes = c.get(f"/review/meetings/{m.pk}/minutes").content.decode()
    assert "会议纪要" in minutes and "张科长、李工" in minutes
    reg = Client()
    reg.force_login(lk.users["regulator_liaison"])
    assert reg.get(f"/api/v1/review/meetings/{m.pk}").json()["state"] == "held"


def test_refusals(lk, steps):
    a = draft_case(lk, "MT-3")
    with pytest.raises(PermissionDenied):
        svc.meeting_convene(
            actor=lk.users["regulator_liaison"], records=[a], title="x", held_at=moment(
                dt.date(2026, 11, 10)), agenda="x", departments=[lk.reg_a], place="x",
        )  # fmt: skip
    with pytest.raises(ValidationFailed) as e:
        convene(lk, [a], place="", video_link="")
    assert e.value.field == "place"
    with pytest.raises(ValidationFailed) as e:
        convene(lk, [a], departments=[lk.bureau])
    assert e.value.field == "department_ids"
    c = Client()
    c.force_login(lk.users["approver"])
    r = c.post(
        "/api/v1/review/meetings",
        data=json.dumps(
            {
                "record_ids": [a.pk],
                "title": "视频会商",
                "held_at": "2026-11-10T09:00:00+08:00",
                "agenda": "会商",
                "department_ids": [lk.reg_a.pk],
                "video_link": "https://meeting.example.cn/123",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201 and len(r.json()["invitees"]) == 1
