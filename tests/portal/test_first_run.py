"""Issue 12 item 11, end to end: from an empty database to a first push without the demo
loader — `shenguan setup`, the administrators' first logins, the organisation imported from xlsx
files (departments with divisions, accounts, their roles, liaison persons), the bureau's linkage
list imported, an approval recorded and completed, the push in the regulator's inbox."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook

from shenguan.catalog.seed003 import DEPARTMENTS, build_xlsx
from shenguan.linkage.models import ClaimedMode, Push
from shenguan.org.models import Jurisdiction, User
from tests.linkage.conftest import PERSON_ID

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yiyang-Gaoxin-2026!"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sheet(headers, rows, name="import.xlsx") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["益阳高新区组织机构"])  # a title row, as real files have
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = name
    return buf


def first_login(username: str, password: str) -> Client:
    """Log in with a one-time password and replace it, as the platform requires."""
    c = Client()
    assert (
        c.post("/accounts/login/", {"username": username, "password": password}).status_code == 302
    )
    assert c.get("/")["Location"] == "/org/password/"
    r = c.post(
        "/org/password/",
        {"old_password": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert c.get("/").status_code == 200
    return c


def import_ok(client: Client, kind: str, fileobj) -> dict:
    """Dry run, then the import itself; both must pass."""
    for dry in (True, False):
        fileobj.seek(0)
        r = client.post(
            f"/api/v1/org/import/{kind}", {"file": fileobj, "dry_run": "true" if dry else "false"}
        )
        assert r.status_code == (200 if dry else 201), r.content.decode()[:2000]
    return r.json()


def test_from_an_empty_database_to_a_first_push():
    assert not Jurisdiction.objects.exists() and not User.objects.exists()
    out = io.StringIO()
    call_command(
        "setup",
        "--code=430971",
        "--name=益阳高新技术产业开发区",
        "--level=zone",
        "--profile=yiyang-2023",
        f"--bureau={DEPARTMENTS['bureau']}",
        stdout=out,
    )
    pw = dict(re.findall(r"^\s+(\w+)\s+\S+\s+(\S{16})$", out.getvalue(), re.M))
    sysadmin = first_login("sysadmin", pw["sysadmin"])
    secadmin = first_login("secadmin", pw["secadmin"])

    # 1. departments with their divisions (the bureau exists since setup)
    depts = [
        [DEPARTMENTS["social"], "行业主管部门", "社会事务局", "林业股、卫健股"],
        [DEPARTMENTS["industry"], "行业主管部门", "", "发展改革股"],
        [DEPARTMENTS["construction"], "行业主管部门", "", ""],
        [DEPARTMENTS["fire"], "行业主管部门", "消防大队", ""],
        ["区纪工委监工委", "纪委监委", "", ""],
        [DEPARTMENTS["bureau"], "行政审批局", "", "综合受理股、审管互动股"],
    ]
    r = import_ok(sysadmin, "departments", sheet(["部门名称", "部门类型", "简称", "科室"], depts))
    assert r["created"] == {"departments": 5, "divisions": 5}

    # 2. accounts, 3. their roles from the same sheet, by the security administrator
    accounts = sheet(
        ["用户名", "姓名", "部门", "科室", "手机号码", "角色"],
        [
            ["yy_clerk", "周敏", DEPARTMENTS["bureau"], "综合受理股", "13907370001", "窗口受理员"],
            ["yy_approver", "吴刚", DEPARTMENTS["bureau"], "", "13907370002", "审批员"],
            [
                "yy_liaison",
                "郑洁",
                DEPARTMENTS["bureau"],
                "审管互动股",
                "13907370003",
                "审批局联络员",
            ],
            ["yy_social", "王芳", "社会事务局", "林业股", "13907370004", "监管部门联络员"],
        ],
    )
    r = import_ok(sysadmin, "users", accounts)
    one_time = {a["username"]: a["password"] for a in r["accounts"]}
    assert len(one_time) == 4
    import_ok(secadmin, "roles", accounts)

    # 4. liaison persons
    import_ok(
        sysadmin,
        "liaisons",
        sheet(
            ["部门", "类型", "姓名", "手机号码", "科室", "账号", "起始日期"],
            [
                [
                    DEPARTMENTS["social"],
                    "联络员",
                    "王芳",
                    "13907370004",
                    "林业股",
                    "yy_social",
                    "2026-01-01",
                ],
                [
                    DEPARTMENTS["bureau"],
                    "联络员",
                    "郑洁",
                    "13907370003",
                    "",
                    "yy_liaison",
                    "2026-01-01",
                ],
            ],
        ),
    )

    # 5. the bureau's liaison imports the linkage list (003 attachment, first batch)
    liaison = first_login("yy_liaison", one_time["yy_liaison"])
    r = liaison.post(
        "/api/v1/catalog/import/linkage",
        {"file": _named(build_xlsx(), "联动清单.xlsx"), "dry_run": "false"},
    )
    assert r.status_code == 201, r.content.decode()[:2000]
    items = liaison.get("/api/v1/catalog/items?q=临时使用林地审批").json()["items"]
    assert len(items) == 1

    # 6. the clerk records an approval, the approver completes it: a push to the regulator
    clerk = first_login("yy_clerk", one_time["yy_clerk"])
    today = dt.date.today()
    rec = clerk.post(
        "/api/v1/linkage/records",
        {
            "item_id": items[0]["id"],
            "case_number": "GX-2026-0001",
            "applicant_kind": "person",
            "applicant_name": "刘洋",
            "applicant_id_number": PERSON_ID,
            "contact_phone": "13907379999",
            "address": "益阳高新区东部新区",
            "accepted_on": (today - dt.timedelta(days=2)).isoformat(),
            "decided_on": today.isoformat(),
            "decision_number": "益高审〔2026〕1号",
            "result": "granted",
            "licence_number": "LD-2026-0001",
        },
        content_type="application/json",
    )
    assert rec.status_code == 201, rec.content.decode()[:2000]
    approver = first_login("yy_approver", one_time["yy_approver"])
    done = approver.post(f"/api/v1/linkage/records/{rec.json()['id']}/complete")
    assert done.status_code == 200, done.content.decode()[:2000]
    (push_id,) = done.json()["push_ids"]
    push = Push.objects.get(pk=push_id)
    assert push.addressee_department.name == DEPARTMENTS["social"]

    # 7. the regulator's liaison finds it in the inbox; under yiyang-2023 a push is claimed the
    # moment it is delivered (推送即认领, 003 三(二)3)
    social = first_login("yy_social", one_time["yy_social"])
    inbox = social.get("/api/v1/linkage/pushes").json()["items"]
    assert [p["id"] for p in inbox] == [push_id]
    assert social.get(f"/api/v1/linkage/pushes/{push_id}").status_code == 200
    push.refresh_from_db()
    assert push.claimed_at is not None and push.claimed_mode == ClaimedMode.ON_PUSH


def _named(content: bytes, name: str) -> io.BytesIO:
    buf = io.BytesIO(content)
    buf.name = name
    return buf
