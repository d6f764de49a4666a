"""The demo data set: organisation step, idempotence, accounts, and the demo_load command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from shenguan.core.demo import demo_steps
from shenguan.org.models import Department, Jurisdiction, LiaisonAssignment, User
from shenguan.org.roles import BUREAU_ROLES, REGULATOR_ROLES, DepartmentKind, Role
from shenguan.portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_organisation

pytestmark = pytest.mark.django_db

# Tables whose row counts must not move on a second run (a plain SQL count is the oracle).
TABLES = [
    "org_jurisdiction",
    "org_department",
    "org_division",
    "org_user",
    "org_roleassignment",
    "org_liaisonassignment",
    "audit_auditevent",
    "outbox_outboxevent",
]

# The departments of seed 003's attachment (审批部门 and 行业主管部门 columns).
YIYANG_ATTACHMENT = {
    "区经济合作局（政务管理服务局）": DepartmentKind.BUREAU,
    "区社会事务局": DepartmentKind.REGULATOR,
    "区产业发展局": DepartmentKind.REGULATOR,
    "区开发建设局": DepartmentKind.REGULATOR,
    "区消防救援大队": DepartmentKind.REGULATOR,
}


def _counts() -> dict[str, int]:
    out = {}
    with connection.cursor() as cur:
        for t in TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {t}")  # noqa: S608 - fixed table names
            out[t] = cur.fetchone()[0]
    return out


def test_the_org_step_is_registered_first():
    steps = demo_steps()
    org = [s for s in steps if s.name == "organisation"]
    assert org and org[0].order == 10
    assert steps[0].order <= 10


def test_jurisdictions_levels_profiles_and_parents(demo_org):
    j = {x.code: x for x in Jurisdiction.objects.select_related("profile", "parent")}
    assert j["371500"].name == "聊城市" and j["371500"].level == "city"
    assert j["371500"].profile.code == "liaocheng-2021" and j["371500"].parent is None
    for code, name in (("371521", "阳谷县"), ("371522", "莘县")):
        assert j[code].name == name and j[code].level == "county"
        assert j[code].parent == j["371500"] and j[code].profile.code == "liaocheng-2021"
    zone = j["430971"]
    assert zone.level == "zone" and zone.profile.code == "yiyang-2023"
    assert zone.name == "益阳高新技术产业开发区"


def test_yiyang_has_the_departments_of_seed_003(demo_org):
    zone = Jurisdiction.objects.get(code="430971")
    kinds = dict(Department.objects.filter(jurisdiction=zone).values_list("name", "kind"))
    for name, kind in YIYANG_ATTACHMENT.items():
        assert kinds.get(name) == kind, name
    present = set(kinds.values())
    for k in (DepartmentKind.DISCIPLINE, DepartmentKind.REFORM_OFFICE, DepartmentKind.GOV_OFFICE):
        assert k in present
    assert any("协调小组办公室" in n for n in kinds) and "区优办" in kinds


def test_every_jurisdiction_has_exactly_one_bureau(demo_org):
    for j in Jurisdiction.objects.all():
        assert Department.objects.filter(jurisdiction=j, kind=DepartmentKind.BUREAU).count() == 1


def test_liaocheng_city_has_a_user_for_every_role(demo_org):
    roles = set(
        User.objects.filter(department__jurisdiction__code="371500").values_list(
            "role_assignments__role", flat=True
        )
    )
    assert roles == set(Role.values)


def test_yiyang_has_the_bureau_and_regulator_roles(demo_org):
    roles = set(
        User.objects.filter(department__jurisdiction__code="430971").values_list(
            "role_assignments__role", flat=True
        )
    )
    assert set(BUREAU_ROLES) | set(REGULATOR_ROLES) <= roles


def test_every_demo_account_logs_in_with_the_shared_password(demo_org):
    for a in DEMO_ACCOUNTS:
        assert User.objects.get(username=a.username).check_password(DEMO_PASSWORD), a.username
    assert User.objects.filter(is_superuser=True).count() == 0


def test_each_account_holds_one_role_of_its_department_kind(demo_org):
    from shenguan.org.roles import ROLE_DEPARTMENT_KINDS

    for a in DEMO_ACCOUNTS:
        u = User.objects.select_related("department").get(username=a.username)
        assert u.role_set == {a.role}
        assert u.department.kind in ROLE_DEPARTMENT_KINDS[a.role]


def test_departments_have_a_current_liaison_with_a_phone(demo_org):
    city = Jurisdiction.objects.get(code="371500")
    for d in Department.objects.filter(jurisdiction=city).exclude(
        kind=DepartmentKind.CREDIT_PLATFORM
    ):
        current = LiaisonAssignment.objects.filter(
            department=d, kind="liaison", valid_to__isnull=True
        )
        assert current.count() == 1, d.name
        assert current[0].phone
    bureau = Department.objects.get(jurisdiction=city, kind=DepartmentKind.BUREAU)
    leader = LiaisonAssignment.objects.get(department=bureau, kind="leader_in_charge")
    assert leader.user is not None and leader.user.username == "lc_bureau_head"


def test_a_second_run_writes_nothing():
    first = load_organisation()
    before = _counts()
    assert before["org_user"] == len(DEMO_ACCOUNTS)
    second = load_organisation()
    assert _counts() == before
    assert "nothing written" in second and "created" in first


def test_the_command_runs_twice_and_prints_the_accounts():
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    text = out.getvalue()
    for a in DEMO_ACCOUNTS:
        assert a.username in text
    assert DEMO_PASSWORD in text and "127.0.0.1:8000" in text
    before = _counts()
    out2 = io.StringIO()
    call_command("demo_load", stdout=out2)
    assert _counts() == before
    assert "nothing written" in out2.getvalue()


def test_a_failing_step_rolls_back_and_names_itself(monkeypatch):
    from django.core.management.base import CommandError

    from shenguan.core import demo
    from shenguan.org import services
    from shenguan.policy.models import PolicyProfile

    def broken():
        services.jurisdiction_create(
            actor=None,
            code="110000",
            name="北京市",
            level="province",
            profile=PolicyProfile.objects.first(),
        )
        raise RuntimeError("boom")

    monkeypatch.setattr(demo, "_STEPS", {"broken": demo.DemoStep(5, "broken", broken)})
    with pytest.raises(CommandError, match="broken"):
        call_command("demo_load", stdout=io.StringIO())
    assert not Jurisdiction.objects.filter(code="110000").exists()
