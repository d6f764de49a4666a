"""Issue 12 item 11: the organisation set up from spreadsheets — departments with divisions,
accounts (roles granted by the security administrator from the same sheet) and liaison persons
— through real xlsx files: template, dry run, all-or-nothing, every problem by row and column."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from shenguan.audit.models import AuditEvent
from shenguan.org.models import Department, Division, LiaisonAssignment, User
from shenguan.org.roles import Role

pytestmark = pytest.mark.django_db

DEPT_HEADERS = ["部门名称*", "部门类型*", "简称", "统一社会信用代码", "科室"]
USER_HEADERS = ["用户名*", "姓名*", "部门*", "科室", "手机号码", "角色"]
LIAISON_HEADERS = ["部门*", "类型*", "姓名*", "手机号码*", "科室", "账号", "起始日期*"]


def xlsx(headers, rows, *, title: str | None = "导入表") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "import.xlsx"
    return buf


def api(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(client, kind, fileobj, dry_run: bool):
    fileobj.seek(0)
    return client.post(
        f"/api/v1/org/import/{kind}",
        {"file": fileobj, "dry_run": "true" if dry_run else "false"},
    )


DEPTS = [
    ["数据资源管理局", "行业主管部门", "数据局", "", "综合科、数据管理科"],
    ["应急管理局", "行业主管部门", "", "", "综合科"],
    ["应急管理局", "行业主管部门", "", "", "危化品监管科"],  # one division a row
]


def test_departments_with_divisions_dry_run_then_import(world):
    sysadmin = api(world.users[Role.SYSTEM_ADMIN])
    before = (Department.objects.count(), Division.objects.count(), AuditEvent.objects.count())
    dry = post(sysadmin, "departments", xlsx(DEPT_HEADERS, DEPTS), True)
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert body["ok"] and body["records"] == 3
    assert body["created"] == {"departments": 2, "divisions": 4}
    assert (
        Department.objects.count(),
        Division.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    done = post(sysadmin, "departments", xlsx(DEPT_HEADERS, DEPTS), False)
    assert done.status_code == 201, done.content
    d = Department.objects.get(jurisdiction=world.city, name="应急管理局")
    assert sorted(d.divisions.values_list("name", flat=True)) == ["危化品监管科", "综合科"]
    assert Department.objects.get(name="数据资源管理局").short_name == "数据局"
    # running the same file again writes nothing new
    again = post(sysadmin, "departments", xlsx(DEPT_HEADERS, DEPTS), False)
    assert again.status_code == 201 and again.json()["created"] == {}


def test_a_bad_row_refuses_the_whole_file_naming_each_problem(world):
    sysadmin = api(world.users[Role.SYSTEM_ADMIN])
    rows = [
        *DEPTS,
        ["", "行业主管部门", "", "", ""],
        ["文旅局", "不知道的类型", "", "", ""],
        ["市场监管局二", "行业主管部门", "", "91370000MA3C123456", ""],
        ["第二个审批局", "行政审批局", "", "", ""],  # the city has its bureau already
    ]
    before = Department.objects.count()
    r = post(sysadmin, "departments", xlsx(DEPT_HEADERS, rows), False)
    assert r.status_code == 422, r.content
    problems = r.json()["problems"]
    got = {(p["row"], p["column"].rstrip("*"), p["code"]) for p in problems}
    assert (6, "部门名称", "required") in got
    assert (7, "部门类型", "bad_kind") in got
    assert (8, "统一社会信用代码", "bad_uscc") in got
    assert (9, "部门类型", "bureau_exists") in got
    assert all(p["message"].startswith(f"第{p['row']}行") for p in problems)
    assert Department.objects.count() == before  # nothing written, not even the good rows


def test_accounts_then_roles_from_the_same_sheet(world):
    sysadmin = api(world.users[Role.SYSTEM_ADMIN])
    secadmin = api(world.users[Role.SECURITY_ADMIN])
    bureau, reg = world.depts["bureau"].name, world.depts["reg_a"].name
    rows = [
        ["zhangwei", "张伟", bureau, "", "13806350201", "窗口受理员"],
        ["lina", "李娜", reg, "", "13806350202", "监管部门联络员、监管人员"],
    ]
    sheet = xlsx(USER_HEADERS, rows)
    r = post(sysadmin, "users", sheet, False)
    assert r.status_code == 201, r.content
    accounts = {a["username"]: a["password"] for a in r.json()["accounts"]}
    assert set(accounts) == {"zhangwei", "lina"}
    u = User.objects.get(username="lina")
    assert u.must_change_password and u.check_password(accounts["lina"]) and not u.role_set
    # the system administrator may not grant roles (三权分立)
    assert post(sysadmin, "roles", sheet, True).status_code == 403
    r = post(secadmin, "roles", sheet, False)
    assert r.status_code == 201, r.content
    assert User.objects.get(username="lina").role_set == {Role.REGULATOR_LIAISON, Role.INSPECTOR}
    assert User.objects.get(username="zhangwei").role_set == {Role.WINDOW_CLERK}


def test_roles_are_checked_against_the_department(world):
    sysadmin = api(world.users[Role.SYSTEM_ADMIN])
    secadmin = api(world.users[Role.SECURITY_ADMIN])
    rows = [["wangqiang", "王强", world.depts["reg_a"].name, "", "", "审批员"]]
    assert post(sysadmin, "users", xlsx(USER_HEADERS, rows), False).status_code == 201
    r = post(secadmin, "roles", xlsx(USER_HEADERS, rows), False)
    assert r.status_code == 422
    (p,) = r.json()["problems"]
    assert (p["row"], p["column"], p["code"]) == (3, "角色", "role_department_mismatch")


def test_liaisons_import(world):
    sysadmin = api(world.users[Role.SYSTEM_ADMIN])
    reg = world.depts["reg_a"]
    rows = [
        [reg.name, "联络员", "赵敏", "13806350301", "", "", "2026-01-05"],
        [reg.name, "分管领导", "钱进", "13806350302", "", "", "2026年1月5日"],
        [reg.name, "联络员", "孙丽", "1380635", "", "", "2026-02-30"],
    ]
    r = post(sysadmin, "liaisons", xlsx(LIAISON_HEADERS, rows), False)
    assert r.status_code == 422
    got = {(p["row"], p["column"].rstrip("*"), p["code"]) for p in r.json()["problems"]}
    assert got == {(5, "起始日期", "bad_date")}
    rows[2][-1] = "2026-02-01"
    r = post(sysadmin, "liaisons", xlsx(LIAISON_HEADERS, rows), False)
    assert r.status_code == 422
    got = {(p["row"], p["column"].rstrip("*"), p["code"]) for p in r.json()["problems"]}
    assert got == {(5, "手机号码", "bad_phone")}
    rows[2][3] = "13806350303"
    r = post(sysadmin, "liaisons", xlsx(LIAISON_HEADERS, rows), False)
    assert r.status_code == 201, r.content
    current = LiaisonAssignment.objects.filter(department=reg, valid_to=None)
    assert sorted(current.values_list("name", flat=True)) == ["孙丽", "钱进"]


def test_templates_are_real_xlsx_files_the_import_reads(world):
    sysadmin = api(world.users[Role.SYSTEM_ADMIN])
    for kind in ("departments", "users", "liaisons"):
        r = sysadmin.get(f"/api/v1/org/import/{kind}/template")
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(r.content)).active
        values = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
        assert "模板" in values[0][0] and values[-1][0].startswith("注：")
        # the empty template itself is a file with no records (the note row is skipped)
        r2 = post(sysadmin, kind, _named(r.content), True)
        assert r2.status_code == 200 and r2.json()["records"] == 0
    assert (
        api(world.users[Role.INSPECTOR]).get("/api/v1/org/import/users/template").status_code == 403
    )


def _named(content: bytes) -> io.BytesIO:
    buf = io.BytesIO(content)
    buf.name = "template.xlsx"
    return buf


def test_imports_need_their_administrator(world):
    sheet = xlsx(DEPT_HEADERS, DEPTS)
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.APPROVER, Role.INSPECTOR):
        assert post(api(world.users[role]), "departments", sheet, True).status_code == 403


def test_the_import_page_dry_runs_confirms_and_shows_the_passwords_once(world):
    c = api(world.users[Role.SYSTEM_ADMIN])
    page = c.get("/org/import/").content.decode()
    assert 'data-testid="template-departments"' in page
    assert 'data-testid="template-roles"' not in page  # not the system administrator's
    rows = [["zhaoyun", "赵云", world.depts["reg_a"].name, "", "13806350401", "监管人员"]]
    sheet = xlsx(USER_HEADERS, rows)
    r = c.post("/org/import/", {"kind": "users", "file": sheet})
    html = r.content.decode()
    assert 'data-testid="import-report"' in html and not User.objects.filter(username="zhaoyun")
    token = html.split('name="token" value="')[1].split('"')[0]
    r = c.post("/org/import/", {"token": token})
    html = r.content.decode()
    assert 'data-testid="import-accounts"' in html
    u = User.objects.get(username="zhaoyun")
    password = html.split("<code>")[1].split("</code>")[0]
    assert u.check_password(password) and u.must_change_password
    # the token is spent: a second confirmation imports nothing
    r = c.post("/org/import/", {"token": token})
    assert r.status_code == 302 and User.objects.filter(username="zhaoyun").count() == 1


def test_the_import_page_lists_every_problem(world):
    c = api(world.users[Role.SYSTEM_ADMIN])
    rows = [["", "行业主管部门", "", "", ""], ["文旅局", "?", "", "", ""]]
    r = c.post("/org/import/", {"kind": "departments", "file": xlsx(DEPT_HEADERS, rows)})
    html = r.content.decode()
    assert 'data-testid="import-problems"' in html
    assert "第3行" in html and "第4行" in html
    assert 'name="token"' not in html


def test_the_template_downloads_from_the_page(world):
    c = api(world.users[Role.SECURITY_ADMIN])
    r = c.get("/org/import/template/roles/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
