"""Policy pages: list, detail with citations and history, clone, edit, assign, recompute."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from shenguan.policy.models import PolicyProfile
from shenguan.policy.params import PolicyParams

LIAOCHENG_17_1 = "《聊城市强化审管互动工作暂行办法》第十七条第（一）项"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_list_and_builtin_detail_with_citations(world):
    c = client_for(world.users["inspector"])
    html = c.get("/policy/").content.decode()
    for code in ("wuhai-2018", "laiyang-2018", "liaocheng-2021", "yiyang-2023", "dalate-2023"):
        assert f'href="/policy/{code}/"' in html
    html = c.get("/policy/liaocheng-2021/").content.decode()
    assert html.count("<tr data-param=") == len(PolicyParams.model_fields)
    row = re.search(r'<tr data-param="claim_window_days">(.*?)</tr>', html, re.S).group(1)
    assert "监管部门认领时限（工作日）" in row and "2 个工作日" in row and LIAOCHENG_17_1 in row
    assert "/policy/liaocheng-2021/edit/" not in html  # no actions for a non-administrator
    assert c.get("/policy/nothing/").status_code == 404
    assert c.get("/policy/liaocheng-2021/clone/").status_code == 403
    assert Client().get("/policy/").status_code == 302


@pytest.mark.django_db
def test_clone_then_edit_then_history(world):
    c = client_for(world.users["system_admin"])
    html = c.get("/policy/liaocheng-2021/").content.decode()
    assert "/policy/liaocheng-2021/clone/" in html and "/policy/liaocheng-2021/edit/" not in html
    r = c.post("/policy/liaocheng-2021/clone/", {"code": "Bad Code", "name": "x"})
    assert "代码只能包含小写字母、数字或连字符" in r.content.decode()
    r = c.post("/policy/liaocheng-2021/clone/", {"code": "lc-test", "name": "测试配置"})
    assert r.status_code == 302 and r["Location"] == "/policy/lc-test/"
    prof = PolicyProfile.objects.get(code="lc-test")
    page = c.get("/policy/lc-test/edit/").content.decode()
    assert 'name="claim_window_days"' in page and 'value="2"' in page
    form = {
        name: value
        for name, value in prof.current_version.params.items()
        if not isinstance(value, bool) and value is not None
    }
    form.update({k: "on" for k, v in prof.current_version.params.items() if v is True})
    bad = {**form, "claim_window_days": "31"}
    r = c.post("/policy/lc-test/edit/", bad)
    assert "“监管部门认领时限（工作日）”不得大于 30" in r.content.decode()
    bad = {**form, "yellow_threshold": "1.2"}
    r = c.post("/policy/lc-test/edit/", bad)
    assert "参数“黄灯预警阈值（时限占比）”须小于 1" in r.content.decode()
    assert prof.versions.count() == 1
    r = c.post("/policy/lc-test/edit/", {**form, "claim_window_days": "3", "note": "调整"})
    assert r.status_code == 302
    prof.refresh_from_db()
    assert (
        prof.current_version.number == 2 and prof.current_version.params["claim_window_days"] == 3
    )
    # Unchanged booleans stay as they were (unchecked boxes are False, checked ones True).
    assert prof.current_version.params["credit_check_at_acceptance"] is True
    html = c.get("/policy/lc-test/").content.decode()
    assert re.search(
        r'data-change="claim_window_days">监管部门认领时限（工作日）：2 个工作日 → 3 个工作日', html
    )
    r = c.get("/policy/liaocheng-2021/edit/")
    assert r.status_code == 302  # built-ins cannot be edited


@pytest.mark.django_db
def test_assign_and_recompute_need_confirmation(world, custom, purpose):
    from shenguan.policy.services import deadline_open_by_policy, policy_update

    start = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    d = deadline_open_by_policy(
        jurisdiction_id=world.city.pk,
        subject_type="t",
        subject_id=1,
        purpose=purpose,
        start_at=start,
    )
    policy_update(
        actor=world.users["system_admin"], profile=custom, params={"claim_window_days": 4}
    )
    c = client_for(world.users["system_admin"])
    html = c.get(f"/policy/{custom.code}/recompute/").content.decode()
    assert "共 1 个，其中 1 个时限天数将改变" in html
    assert "data-confirm=" in html
    r = c.post(f"/policy/{custom.code}/recompute/", {})
    assert "请勾选确认后再重算" in r.content.decode()
    d.refresh_from_db()
    assert d.budget_days == 2
    r = c.post(f"/policy/{custom.code}/recompute/", {"confirm": "on"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.budget_days == 4
    page = c.get("/policy/wuhai-2018/assign/").content.decode()
    assert "阳谷县" in page and "聊城市" in page
    r = c.post("/policy/wuhai-2018/assign/", {"jurisdiction": world.county.pk})
    assert r.status_code == 302
    world.county.refresh_from_db()
    assert world.county.profile.code == "wuhai-2018"
    r = c.post("/policy/wuhai-2018/assign/", {"jurisdiction": world.county.pk})
    assert "已使用该配置" in r.content.decode()
    # A county administrator does not see the city in the list.
    page = (
        client_for(world.county_users["system_admin"])
        .get("/policy/wuhai-2018/assign/")
        .content.decode()
    )
    assert "聊城市（371500）" not in page
