"""Fixtures of the linkage tests: items transferred to the bureau, the linkage list routing them,
liaisons, and valid applicant data (identity numbers checked by python-stdnum)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from stdnum.cn import ric, uscc

from shenguan.catalog import services as cat
from shenguan.org import services as org
from shenguan.org.models import LiaisonKind
from shenguan.org.roles import DepartmentKind, Role
from tests import factories

TRANSFERRED_ON = dt.date(2020, 1, 1)


def id_number(prefix17: str = "37150219980101001") -> str:
    """A resident ID number with its check digit computed by stdnum (the oracle)."""
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


def credit_code(prefix17: str = "91371500MA3C00000") -> str:
    """A unified social credit code with its check digit computed by stdnum."""
    return prefix17 + uscc.calc_check_digit(prefix17 + "0")


PERSON_ID = id_number()
COMPANY_USCC = credit_code()


def make_item(j, dept, name: str, code: str, *, transferred_on=TRANSFERRED_ON, **kw):
    """A licensing item of a regulator, transferred to the bureau on a date (None: never)."""
    item = cat.item_create(
        actor=None, jurisdiction=j, name=name, code=code, original_department=dept, **kw
    )
    if transferred_on is not None:
        cat.transfer_record(
            actor=None, item=item, status="transferred", effective_on=transferred_on
        )
        item.refresh_from_db()
    return item


def make_entry(j, item, regulator, sup_code: str, sup_name: str = "监督检查", **kw):
    """A linkage entry item → regulator with one supervision item, live from 2020."""
    from shenguan.catalog.models import SupervisionItem

    sup = SupervisionItem.objects.filter(jurisdiction=j, code=sup_code).first()
    if sup is None:
        sup = cat.supervision_item_create(
            actor=None, jurisdiction=j, code=sup_code, name=sup_name, regulator=regulator
        )
    return cat.entry_create(
        actor=None,
        jurisdiction=j,
        item=item,
        regulator=regulator,
        supervision_items=[sup],
        valid_from=TRANSFERRED_ON,
        notify=False,
        responsible_person="张科长",
        contact_phone="13806350000",
        **kw,
    )


def record_data(item, case_number: str = "LC-2026-0001", **over) -> dict:
    """Valid data of a natural-person approval record, decided today (granted with a licence)."""
    today = dt.date.today()
    data = {
        "item": item,
        "case_number": case_number,
        "applicant_kind": "person",
        "applicant_name": "张三",
        "applicant_id_number": PERSON_ID,
        "contact_name": "张三",
        "contact_phone": "13806351234",
        "address": "聊城市东昌府区柳园街道1号",
        "accepted_on": today - dt.timedelta(days=10),
        "decided_on": today,
        "decision_number": "聊审批食许〔2026〕1号",
        "result": "granted",
        "licence_number": f"XK-{case_number}",
        "licence_valid_until": today.replace(year=today.year + 5),
        "risk_points": "经营场所靠近学校，需关注食品安全。",
    }
    data.update(over)
    return data


@dataclass
class Linkage:
    """A jurisdiction with its bureau, two regulators, items and their routes."""

    j: object
    bureau: object
    reg_a: object
    reg_b: object
    enforcement: object
    users: dict
    food: object  # routed to reg_a
    building: object  # routed to reg_b and reg_a (two pushes)
    orphan: object  # transferred, no linkage entry (supervision gap)
    hall: object  # not transferred: handled by reg_a itself
    extra: dict = field(default_factory=dict)


def build_linkage(j, depts: dict, users: dict, tag: str) -> Linkage:
    """Items, transfers, linkage entries and liaisons for one jurisdiction."""
    food = make_item(j, depts["reg_a"], "食品经营许可", f"{tag}SC0005")
    building = make_item(j, depts["reg_b"], "建筑工程施工许可", f"{tag}ZJ0001")
    orphan = make_item(j, depts["reg_a"], "特种设备使用登记", f"{tag}SC0006")
    hall = make_item(j, depts["reg_a"], "食品生产许可", f"{tag}SC0001", transferred_on=None)
    make_entry(j, food, depts["reg_a"], f"{tag}00101W00", "对食品经营者的监督检查")
    make_entry(j, building, depts["reg_b"], f"{tag}00201W00", "对建筑工程施工的监督检查")
    make_entry(j, building, depts["reg_a"], f"{tag}00102W00", "食品安全抽检")
    for dept_key, role in (("reg_a", "regulator_liaison"), ("bureau", "bureau_liaison")):
        u = users[role]
        org.liaison_appoint(
            actor=None,
            department=depts[dept_key],
            kind=LiaisonKind.LIAISON,
            name=u.full_name or "联络员",
            phone="13806350001",
            valid_from=TRANSFERRED_ON,
            user=u,
        )
    return Linkage(
        j=j,
        bureau=depts["bureau"],
        reg_a=depts["reg_a"],
        reg_b=depts["reg_b"],
        enforcement=depts["enforcement"],
        users=users,
        food=food,
        building=building,
        orphan=orphan,
        hall=hall,
    )


@pytest.fixture(autouse=True)
def _fast_hasher(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lk(world) -> Linkage:
    """The city of `world` (liaocheng-2021) with items and routes."""
    out = build_linkage(world.city, world.depts, world.users, "3715")
    out.extra["world"] = world
    return out


@pytest.fixture
def county_lk(world, lk) -> Linkage:
    """The county of `world` with its own items and routes (a second jurisdiction)."""
    return build_linkage(world.county, world.county_depts, world.county_users, "3721")


def profile_world(code: str, profile: str, name: str) -> Linkage:
    """A jurisdiction under another profile with departments and one user per business role."""
    j = factories.jurisdiction(code, name, profile_code=profile)
    depts = {
        "bureau": factories.department(j, DepartmentKind.BUREAU, f"{name}行政审批局"),
        "reg_a": factories.department(j, DepartmentKind.REGULATOR, f"{name}市场监督管理局"),
        "reg_b": factories.department(j, DepartmentKind.REGULATOR, f"{name}住房和城乡建设局"),
        "enforcement": factories.department(j, DepartmentKind.ENFORCEMENT, f"{name}综合执法局"),
        "discipline": factories.department(j, DepartmentKind.DISCIPLINE, f"{name}纪委监委"),
    }
    users = {}
    for role, key in (
        (Role.WINDOW_CLERK, "bureau"),
        (Role.APPROVER, "bureau"),
        (Role.BUREAU_LIAISON, "bureau"),
        (Role.BUREAU_HEAD, "bureau"),
        (Role.REGULATOR_LIAISON, "reg_a"),
        (Role.INSPECTOR, "reg_a"),
        (Role.REGULATOR_LEADER, "reg_a"),
        (Role.ENFORCEMENT_OFFICER, "enforcement"),
        (Role.DISCIPLINE_INSPECTOR, "discipline"),
    ):
        users[role.value] = factories.user(depts[key], role, username=f"{role.value}_{code}")
    return build_linkage(j, depts, users, code[:4])


@pytest.fixture
def yiyang(db) -> Linkage:
    """A zone under yiyang-2023 (推送即认领, abnormal-only feedback, penalties once effective)."""
    return profile_world("430971", "yiyang-2023", "益阳高新区")


@pytest.fixture
def wuhai(db) -> Linkage:
    """A city under wuhai-2018 (revocation opinion → the bureau cancels the licence)."""
    return profile_world("150300", "wuhai-2018", "乌海市")
