"""Cloning, editing, assigning profiles and the administrator's recompute (policy/services.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.calendar.models import Deadline
from shenguan.calendar.services import deadline_close, deadline_open
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.policy.models import PolicyProfile, PolicyVersion
from shenguan.policy.selectors import deadline_budget, profile_history, recompute_preview
from shenguan.policy.services import (
    deadline_open_by_policy,
    params_problems,
    policy_assign,
    policy_clone,
    policy_recompute,
    policy_update,
    validate_params,
)

SH = ZoneInfo("Asia/Shanghai")
MON = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.mark.django_db
def test_clone_copies_the_current_version(world, sysadmin):
    src = PolicyProfile.objects.get(code="yiyang-2023")
    prof = policy_clone(actor=sysadmin, source=src, code="yiyang-zone-b", name="益阳某园区")
    assert prof.based_on == src and not prof.builtin
    assert prof.current_version.number == 1
    assert prof.current_version.params == src.current_version.params
    assert prof.current_version.created_by == sysadmin
    ev = AuditEvent.objects.get(action="policy.clone")
    assert ev.after["based_on"] == "yiyang-2023"
    for code, name, field in (
        ("Bad Code", "x", "code"),
        ("-ab", "x", "code"),
        ("ok-code", "  ", "name"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            policy_clone(actor=sysadmin, source=src, code=code, name=name)
        assert exc.value.field == field
    with pytest.raises(Conflict):
        policy_clone(actor=sysadmin, source=src, code="yiyang-zone-b", name="again")
    with pytest.raises(PermissionDenied):
        policy_clone(actor=world.users["bureau_head"], source=src, code="zz-1", name="x")


@pytest.mark.django_db
def test_update_makes_a_new_version_and_refuses_builtins(world, sysadmin, custom):
    with pytest.raises(Conflict):
        policy_update(
            actor=sysadmin,
            profile=PolicyProfile.objects.get(code="liaocheng-2021"),
            params={"claim_window_days": 3},
        )
    v = policy_update(
        actor=sysadmin, profile=custom, params={"claim_window_days": 3}, note="依据某文件"
    )
    assert v.number == 2 and v.params["claim_window_days"] == 3
    custom.refresh_from_db()
    assert custom.current_version == v
    assert PolicyVersion.objects.get(profile=custom, number=1).params["claim_window_days"] == 2
    ev = AuditEvent.objects.filter(action="policy.update").get()
    assert ev.before == {"claim_window_days": 2}
    assert ev.after["claim_window_days"] == 3 and ev.after["version"] == 2
    with pytest.raises(ValidationFailed) as exc:
        policy_update(actor=sysadmin, profile=custom, params={"claim_window_days": 3})
    assert exc.value.code == "no_change"
    [h2, h1] = profile_history(user=sysadmin, profile=custom)
    assert h2["number"] == 2 and [c["param"] for c in h2["changes"]] == ["claim_window_days"]
    assert h1["changes"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        (
            {"claim_window_days": 31},
            "claim_window_days",
            "参数“监管部门认领时限（工作日）”不得大于 30",
        ),
        ({"claim_window_days": -1}, "claim_window_days", "不得小于 0"),
        ({"claim_window_days": "两天"}, "claim_window_days", "须为整数"),
        ({"yellow_threshold": 1.5}, "yellow_threshold", "参数“黄灯预警阈值（时限占比）”须小于 1"),
        ({"claim_mode": "sometimes"}, "claim_mode", "参数“监管部门认领方式”取值不在允许范围内"),
        ({"bulletin_period": "week"}, "bulletin_period", "通报周期须为"),
        ({"nonsense": 1}, "nonsense", "不是已知的参数"),
    ],
)
def test_bad_parameters_are_refused_in_chinese_naming_the_parameter(
    world, sysadmin, custom, params, field, text
):
    with pytest.raises(ValidationFailed) as exc:
        policy_update(actor=sysadmin, profile=custom, params=params)
    assert exc.value.field == field and text in exc.value.message
    assert custom.versions.count() == 1


def test_params_problems_lists_every_bad_parameter():
    problems = params_problems({"claim_window_days": 99, "public_notice_days": 0})
    assert {p["field"] for p in problems} == {"claim_window_days", "public_notice_days"}
    assert validate_params({}).claim_window_days == 2


@pytest.mark.django_db
def test_a_parameter_change_never_moves_a_deadline_unless_recompute_is_asked(
    world, sysadmin, custom, purpose
):
    d = deadline_open_by_policy(
        jurisdiction_id=world.city.pk, subject_type="t", subject_id=1, purpose=purpose, start_at=MON
    )
    v1 = custom.current_version
    assert (d.budget_days, d.due_date, d.profile_version_id) == (2, dt.date(2026, 11, 25), v1.pk)
    closed = deadline_open_by_policy(
        jurisdiction_id=world.city.pk, subject_type="t", subject_id=2, purpose=purpose, start_at=MON
    )
    deadline_close(deadline=closed, at=MON)
    county = deadline_open_by_policy(
        jurisdiction_id=world.county.pk,
        subject_type="t",
        subject_id=3,
        purpose=purpose,
        start_at=MON,
    )
    other = deadline_open(
        jurisdiction_id=world.city.pk,
        subject_type="t",
        subject_id=4,
        purpose="unregistered.purpose",
        start_at=MON,
        budget_days=2,
    )

    v2 = policy_update(actor=sysadmin, profile=custom, params={"claim_window_days": 5})
    d.refresh_from_db()
    assert (d.budget_days, d.due_date, d.profile_version_id) == (2, dt.date(2026, 11, 25), v1.pk)
    assert not AuditEvent.objects.filter(action="deadline.recompute").exists()
    # A deadline opened now takes the new version.
    new = deadline_open_by_policy(
        jurisdiction_id=world.city.pk, subject_type="t", subject_id=5, purpose=purpose, start_at=MON
    )
    assert (new.budget_days, new.due_date, new.profile_version_id) == (
        5,
        dt.date(2026, 11, 30),
        v2.pk,
    )

    preview = recompute_preview(user=sysadmin, profile=custom)
    assert preview == {"candidates": 2, "rebudgeted": 1, "by_purpose": {purpose: 1}}
    assert policy_recompute(actor=sysadmin, profile=custom) == 1
    d.refresh_from_db()
    assert (d.budget_days, d.due_date, d.profile_version_id) == (5, dt.date(2026, 11, 30), v2.pk)
    ev = AuditEvent.objects.get(action="deadline.recompute", object_id=str(d.pk))
    assert ev.before["budget_days"] == 2 and ev.after["budget_days"] == 5
    assert ev.after["reason"] == "policy liaocheng-city v2"
    assert AuditEvent.objects.get(action="policy.recompute").after["changed"] == 1
    # Untouched: the closed one, the county (another profile) and an unregistered purpose.
    for x, budget in ((closed, 2), (county, 2), (other, 2)):
        x.refresh_from_db()
        assert x.budget_days == budget
    assert Deadline.objects.get(pk=closed.pk).state == "met"
    assert policy_recompute(actor=sysadmin, profile=custom) == 0  # idempotent


@pytest.mark.django_db
def test_assigning_a_profile_does_not_move_deadlines(world, sysadmin, purpose):
    d = deadline_open_by_policy(
        jurisdiction_id=world.county.pk,
        subject_type="t",
        subject_id=1,
        purpose=purpose,
        start_at=MON,
    )
    yiyang = PolicyProfile.objects.get(code="yiyang-2023")
    policy_assign(actor=sysadmin, jurisdiction=world.county, profile=yiyang)
    d.refresh_from_db()
    assert d.budget_days == 2
    assert deadline_budget(jurisdiction_id=world.county.pk, purpose=purpose)[0] == 0
    ev = AuditEvent.objects.get(action="policy.assign")
    assert ev.after["profile"] == "yiyang-2023"
    assert policy_recompute(actor=sysadmin, profile=yiyang) == 1
    d.refresh_from_db()
    assert d.budget_days == 0 and d.due_date == MON.date()
    with pytest.raises(ValidationFailed):
        policy_assign(actor=sysadmin, jurisdiction=world.county, profile=yiyang)


@pytest.mark.django_db
def test_assign_outside_the_administrators_jurisdictions_is_not_found(world, sysadmin):
    county_admin = world.county_users["system_admin"]
    with pytest.raises(NotFound):
        policy_assign(
            actor=county_admin,
            jurisdiction=world.city,
            profile=PolicyProfile.objects.get(code="wuhai-2018"),
        )
    with pytest.raises(PermissionDenied):
        policy_assign(
            actor=world.users["approver"],
            jurisdiction=world.city,
            profile=PolicyProfile.objects.get(code="wuhai-2018"),
        )


@pytest.mark.django_db
def test_open_by_policy_without_a_window_and_unregistered_purposes(world, monkeypatch):
    from shenguan.policy import services

    monkeypatch.setitem(services._PURPOSE_PARAMS, "test.credit", "credit_push_days")
    yiyang = PolicyProfile.objects.get(code="yiyang-2023")
    policy_assign(actor=None, jurisdiction=world.county, profile=yiyang)
    assert (
        deadline_open_by_policy(
            jurisdiction_id=world.county.pk,
            subject_type="t",
            subject_id=1,
            purpose="test.credit",
            start_at=MON,
        )
        is None
    )
    d = deadline_open_by_policy(
        jurisdiction_id=world.city.pk,
        subject_type="t",
        subject_id=1,
        purpose="test.credit",
        start_at=MON,
    )
    assert d.budget_days == 7  # liaocheng-2021: 002 §19(一)
    with pytest.raises(ValueError, match="not registered"):
        deadline_budget(jurisdiction_id=world.city.pk, purpose="nobody.registered")
    with pytest.raises(ValueError):
        services.register_deadline_purpose("x", "no_such_param")
