"""The organisation step of the demo (order 10 of `shenguan demo_load`): Liaocheng city with two
counties under the liaocheng-2021 profile, and the Yiyang hi-tech zone under yiyang-2023 with the
departments named in the attachment of seed 003. The data are plain constants so that scripts
can print the demo accounts without setting Django up. It lives in the portal app because it
writes through the org services (core imports no app, ADR 0020).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# --- the organisation step --------------------------------------------------------------------

# The shared password of every demo account (printed by `shenguan demo_load` and `make demo`).
DEMO_PASSWORD = "Shenguan@Demo2026"  # noqa: S105 - published demo credential, never production


@dataclass(frozen=True)
class DemoDept:
    """A department of the demo set: name, kind, short name, divisions, liaison and leader."""

    key: str
    name: str
    kind: str
    short_name: str = ""
    divisions: tuple[str, ...] = ()
    # (name, phone, division or "") of the liaison person and of the leader in charge
    liaison: tuple[str, str, str] | None = None
    leader: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class DemoJurisdiction:
    """A jurisdiction of the demo set with its departments."""

    code: str
    name: str
    level: str
    profile: str
    parent: str | None
    depts: tuple[DemoDept, ...]
    liaison_from: dt.date


@dataclass(frozen=True)
class DemoAccount:
    """A demo account: username, full name, jurisdiction code, department key, division, role."""

    username: str
    full_name: str
    jurisdiction: str
    dept: str
    role: str
    division: str = ""
    phone: str = ""
    # make this account the department's liaison person / leader in charge
    liaison_of: str = ""


B, R, E, C, D, OFF, G = (
    "BUREAU",
    "REGULATOR",
    "ENFORCEMENT",
    "CREDIT_PLATFORM",
    "DISCIPLINE",
    "REFORM_OFFICE",
    "GOV_OFFICE",
)

LIAOCHENG = DemoJurisdiction(
    code="371500",
    name="聊城市",
    level="city",
    profile="liaocheng-2021",
    parent=None,
    liaison_from=dt.date(2021, 9, 1),  # the Liaocheng measures took effect in August 2021
    depts=(
        DemoDept(
            "bureau",
            "聊城市行政审批服务局",
            B,
            "市审批局",
            (
                "综合受理科",
                "市场准入审批科",
                "投资建设审批科",
                "社会事务审批科",
                "审管互动科",
                "信息技术科",
            ),
            ("孙晓燕", "13806350101", "审管互动科"),
            ("高建国", "13806350102", ""),
        ),
        DemoDept(
            "samr",
            "聊城市市场监督管理局",
            R,
            "市市场监管局",
            ("食品生产监管科", "特种设备安全监察科", "信用监督管理科"),
            ("李文静", "13806350201", "信用监督管理科"),
            ("王志强", "13806350202", ""),
        ),
        DemoDept(
            "housing",
            "聊城市住房和城乡建设局",
            R,
            "市住建局",
            ("建筑市场监管科", "工程质量安全监管科"),
            ("赵海涛", "13806350301", "建筑市场监管科"),
            ("刘长青", "13806350302", ""),
        ),
        DemoDept(
            "transport",
            "聊城市交通运输局",
            R,
            "市交通运输局",
            ("运输管理科", "公路建设管理科"),
            ("周丽娜", "13806350401", "运输管理科"),
            ("陈明", "13806350402", ""),
        ),
        DemoDept(
            "health",
            "聊城市卫生健康委员会",
            R,
            "市卫健委",
            ("医政医管科", "公共卫生科"),
            ("郑雪梅", "13806350501", "医政医管科"),
            ("马立新", "13806350502", ""),
        ),
        DemoDept(
            "ecology",
            "聊城市生态环境局",
            R,
            "市生态环境局",
            ("环境影响评价科", "生态环境执法监督科"),
            ("韩冰", "13806350601", "环境影响评价科"),
            ("杨德胜", "13806350602", ""),
        ),
        DemoDept(
            "enforcement",
            "聊城市综合行政执法局",
            E,
            "市综合执法局",
            ("法制审核科", "执法监督科"),
            ("吴磊", "13806350701", "执法监督科"),
            ("徐卫东", "13806350702", ""),
        ),
        DemoDept("credit", "聊城市公共信用信息平台", C, "市信用平台"),
        DemoDept(
            "discipline",
            "聊城市纪委监委",
            D,
            "市纪委监委",
            ("党风政风监督室",),
            ("冯秀兰", "13806350801", "党风政风监督室"),
            None,
        ),
        DemoDept(
            "reform",
            "聊城市委编办（审改办）",
            OFF,
            "市审改办",
            ("审改科",),
            ("何静", "13806350901", "审改科"),
            None,
        ),
        DemoDept(
            "gov",
            "聊城市人民政府办公室",
            G,
            "市政府办公室",
            ("督查科",),
            ("罗春生", "13806351001", "督查科"),
            None,
        ),
    ),
)

YANGGU = DemoJurisdiction(
    code="371521",
    name="阳谷县",
    level="county",
    profile="liaocheng-2021",
    parent="371500",
    liaison_from=dt.date(2021, 10, 1),
    depts=(
        DemoDept(
            "bureau",
            "阳谷县行政审批服务局",
            B,
            "县审批局",
            ("综合受理股", "审管互动股"),
            ("张红", "13806351101", "审管互动股"),
            ("石国庆", "13806351102", ""),
        ),
        DemoDept(
            "samr",
            "阳谷县市场监督管理局",
            R,
            "县市场监管局",
            ("食品安全监管股",),
            ("孔令华", "13806351201", "食品安全监管股"),
            ("侯建军", "13806351202", ""),
        ),
        DemoDept(
            "housing",
            "阳谷县住房和城乡建设局",
            R,
            "县住建局",
            ("建筑管理股",),
            ("田野", "13806351301", "建筑管理股"),
            ("贾志远", "13806351302", ""),
        ),
        DemoDept("enforcement", "阳谷县综合行政执法局", E, "县综合执法局"),
        DemoDept("discipline", "阳谷县纪委监委", D, "县纪委监委"),
        DemoDept("gov", "阳谷县人民政府办公室", G, "县政府办公室"),
    ),
)

SHENXIAN = DemoJurisdiction(
    code="371522",
    name="莘县",
    level="county",
    profile="liaocheng-2021",
    parent="371500",
    liaison_from=dt.date(2021, 10, 1),
    depts=(
        DemoDept(
            "bureau",
            "莘县行政审批服务局",
            B,
            "县审批局",
            ("综合受理股", "审管互动股"),
            ("宋玉梅", "13806351401", "审管互动股"),
            ("袁振华", "13806351402", ""),
        ),
        DemoDept(
            "samr",
            "莘县市场监督管理局",
            R,
            "县市场监管局",
            ("特种设备监察股",),
            ("邓丽", "13806351501", "特种设备监察股"),
            ("许宏伟", "13806351502", ""),
        ),
        DemoDept(
            "agri",
            "莘县农业农村局",
            R,
            "县农业农村局",
            ("种子管理股",),
            ("彭立军", "13806351601", "种子管理股"),
            ("曾宪明", "13806351602", ""),
        ),
        DemoDept("discipline", "莘县纪委监委", D, "县纪委监委"),
        DemoDept("gov", "莘县人民政府办公室", G, "县政府办公室"),
    ),
)

# 益阳高新技术产业开发区: departments as named in the attachment of 003 and its 三(四)5.
YIYANG = DemoJurisdiction(
    code="430971",
    name="益阳高新技术产业开发区",
    level="zone",
    profile="yiyang-2023",
    parent=None,
    liaison_from=dt.date(2023, 10, 1),  # the zone's linkage plan dates from October 2023
    depts=(
        DemoDept(
            "bureau",
            "区经济合作局（政务管理服务局）",
            B,
            "区经合局",
            ("行政审批科", "政务服务科"),
            ("谭亚平", "13807370101", "行政审批科"),
            ("曹伟", "13807370102", ""),
        ),
        DemoDept(
            "social",
            "区社会事务局",
            R,
            "区社会事务局",
            ("林业站", "社会事业股"),
            ("邹敏", "13807370201", "林业站"),
            ("熊志刚", "13807370202", ""),
        ),
        DemoDept(
            "industry",
            "区产业发展局",
            R,
            "区产业发展局",
            ("投资项目管理股",),
            ("蒋丽华", "13807370301", "投资项目管理股"),
            ("夏建平", "13807370302", ""),
        ),
        DemoDept(
            "construction",
            "区开发建设局",
            R,
            "区开发建设局",
            ("建设工程质量安全监督站", "规划建设股"),
            ("龙海燕", "13807370401", "规划建设股"),
            ("段国平", "13807370402", ""),
        ),
        DemoDept(
            "fire",
            "区消防救援大队",
            R,
            "区消防救援大队",
            ("防火监督组",),
            ("尹涛", "13807370501", "防火监督组"),
            ("黎明", "13807370502", ""),
        ),
        DemoDept("discipline", "区纪检监察工委", D, "区纪工委"),
        DemoDept("coordination", "区协调小组办公室", OFF, "区协调小组办公室"),
        DemoDept("optimise", "区优办", OFF, "区优办"),
        DemoDept("gov", "区管委会办公室", G, "区管委办"),
    ),
)

DEMO_JURISDICTIONS: tuple[DemoJurisdiction, ...] = (LIAOCHENG, YANGGU, SHENXIAN, YIYANG)

DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    # 聊城市: one account for every role (13), plus a government-office reform staff member.
    DemoAccount(
        "lc_clerk", "刘雨婷", "371500", "bureau", "window_clerk", "综合受理科", "13806352001"
    ),
    DemoAccount(
        "lc_approver", "陈思远", "371500", "bureau", "approver", "市场准入审批科", "13806352002"
    ),
    DemoAccount(
        "lc_bureau_liaison",
        "孙晓燕",
        "371500",
        "bureau",
        "bureau_liaison",
        "审管互动科",
        "13806350101",
        liaison_of="liaison",
    ),
    DemoAccount(
        "lc_bureau_head",
        "高建国",
        "371500",
        "bureau",
        "bureau_head",
        "",
        "13806350102",
        liaison_of="leader_in_charge",
    ),
    DemoAccount(
        "lc_reg_liaison",
        "李文静",
        "371500",
        "samr",
        "regulator_liaison",
        "信用监督管理科",
        "13806350201",
        liaison_of="liaison",
    ),
    DemoAccount(
        "lc_inspector", "黄振宇", "371500", "samr", "inspector", "食品生产监管科", "13806352006"
    ),
    DemoAccount(
        "lc_reg_leader",
        "王志强",
        "371500",
        "samr",
        "regulator_leader",
        "",
        "13806350202",
        liaison_of="leader_in_charge",
    ),
    DemoAccount(
        "lc_enforcement",
        "吴磊",
        "371500",
        "enforcement",
        "enforcement_officer",
        "执法监督科",
        "13806350701",
        liaison_of="liaison",
    ),
    DemoAccount(
        "lc_discipline",
        "冯秀兰",
        "371500",
        "discipline",
        "discipline_inspector",
        "党风政风监督室",
        "13806350801",
        liaison_of="liaison",
    ),
    DemoAccount(
        "lc_reform",
        "何静",
        "371500",
        "reform",
        "reform_staff",
        "审改科",
        "13806350901",
        liaison_of="liaison",
    ),
    DemoAccount(
        "lc_gov_office",
        "罗春生",
        "371500",
        "gov",
        "reform_staff",
        "督查科",
        "13806351001",
        liaison_of="liaison",
    ),
    DemoAccount(
        "lc_sysadmin", "钱晨", "371500", "bureau", "system_admin", "信息技术科", "13806352012"
    ),
    DemoAccount(
        "lc_secadmin", "蔡安", "371500", "bureau", "security_admin", "信息技术科", "13806352013"
    ),
    DemoAccount("lc_auditadmin", "姜审", "371500", "discipline", "audit_admin", "", "13806352014"),
    # 益阳高新区: the bureau's and a regulator's roles.
    DemoAccount(
        "yy_clerk", "易文", "430971", "bureau", "window_clerk", "政务服务科", "13807372001"
    ),
    DemoAccount("yy_approver", "胡佳", "430971", "bureau", "approver", "行政审批科", "13807372002"),
    DemoAccount(
        "yy_bureau_liaison",
        "谭亚平",
        "430971",
        "bureau",
        "bureau_liaison",
        "行政审批科",
        "13807370101",
        liaison_of="liaison",
    ),
    DemoAccount(
        "yy_bureau_head",
        "曹伟",
        "430971",
        "bureau",
        "bureau_head",
        "",
        "13807370102",
        liaison_of="leader_in_charge",
    ),
    DemoAccount(
        "yy_reg_liaison",
        "龙海燕",
        "430971",
        "construction",
        "regulator_liaison",
        "规划建设股",
        "13807370401",
        liaison_of="liaison",
    ),
    DemoAccount(
        "yy_inspector",
        "戴强",
        "430971",
        "construction",
        "inspector",
        "建设工程质量安全监督站",
        "13807372006",
    ),
    DemoAccount(
        "yy_reg_leader",
        "段国平",
        "430971",
        "construction",
        "regulator_leader",
        "",
        "13807370402",
        liaison_of="leader_in_charge",
    ),
)


def demo_accounts_table(lang: str = "zh") -> list[tuple[str, str, str, str]]:
    """(username, role label, department, jurisdiction) for every demo account."""
    from shenguan.org.roles import Role

    by_code = {j.code: j for j in DEMO_JURISDICTIONS}
    rows = []
    for a in DEMO_ACCOUNTS:
        j = by_code[a.jurisdiction]
        dept = next(d for d in j.depts if d.key == a.dept)
        label = Role(a.role).label if lang == "zh" else a.role
        rows.append((a.username, label, dept.name, j.name))
    return rows


def demo_summary() -> str:
    """What to open and the demo accounts, in Chinese and English, for the terminal."""
    rows = demo_accounts_table()
    w_user = max(len(r[0]) for r in rows)
    lines = [
        "演示账号 / Demo accounts (共同密码 / shared password: " + DEMO_PASSWORD + ")",
        "",
        f"  {'用户名 username':<{w_user + 2}} 角色 role / 部门 department",
    ]
    for username, label, dept, juris in rows:
        role = next(a.role for a in DEMO_ACCOUNTS if a.username == username)
        lines.append(f"  {username:<{w_user + 2}} {label}（{role}） · {juris} {dept}")
    return "\n".join(lines)


class _Counter:
    """Counts what the step created (nothing on a second run)."""

    def __init__(self) -> None:
        self.created: dict[str, int] = {}

    def add(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    def summary(self) -> str:
        if not self.created:
            return "组织机构已存在，未写入新数据 / organisation already present, nothing written"
        parts = [f"{k} {v}" for k, v in self.created.items()]
        return "新建 / created: " + ", ".join(parts)


def load_organisation() -> str:
    """Demo step 10: jurisdictions, departments, divisions, liaisons and one account per role.

    Every write goes through the org services with actor=None (the system); existing rows are
    looked up first, so a second run writes nothing.
    """
    from shenguan.org import services as org
    from shenguan.org.models import (
        Department,
        Division,
        Jurisdiction,
        LiaisonAssignment,
        LiaisonKind,
        RoleAssignment,
        User,
    )
    from shenguan.policy.models import PolicyProfile

    n = _Counter()
    juris: dict[str, Jurisdiction] = {}
    depts: dict[tuple[str, str], Department] = {}
    divisions: dict[tuple[str, str, str], Division] = {}

    for spec in DEMO_JURISDICTIONS:
        j = Jurisdiction.objects.filter(code=spec.code).first()
        if j is None:
            j = org.jurisdiction_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                level=spec.level,
                profile=PolicyProfile.objects.get(code=spec.profile),
                parent=juris[spec.parent] if spec.parent else None,
            )
            n.add("jurisdictions")
        juris[spec.code] = j
        for order, dspec in enumerate(spec.depts, start=1):
            d = Department.objects.filter(jurisdiction=j, name=dspec.name).first()
            if d is None:
                d = org.department_create(
                    actor=None,
                    jurisdiction=j,
                    name=dspec.name,
                    kind=dspec.kind,
                    short_name=dspec.short_name,
                    sort_order=order * 10,
                )
                n.add("departments")
            depts[(spec.code, dspec.key)] = d
            for div_name in dspec.divisions:
                div = Division.objects.filter(department=d, name=div_name).first()
                if div is None:
                    div = org.division_create(actor=None, department=d, name=div_name)
                    n.add("divisions")
                divisions[(spec.code, dspec.key, div_name)] = div

    users: dict[str, User] = {}
    for a in DEMO_ACCOUNTS:
        d = depts[(a.jurisdiction, a.dept)]
        div = divisions[(a.jurisdiction, a.dept, a.division)] if a.division else None
        u = User.objects.filter(username=a.username).first()
        if u is None:
            u = org.user_create(
                actor=None,
                username=a.username,
                full_name=a.full_name,
                department=d,
                password=DEMO_PASSWORD,
                phone=a.phone,
                division=div,
            )
            n.add("users")
        held = set(RoleAssignment.objects.filter(user=u).values_list("role", flat=True))
        if held != {a.role}:
            org.user_set_roles(actor=None, user=u, roles={a.role})
            n.add("role grants")
        users[a.username] = u

    account_for = {
        (a.jurisdiction, a.dept, a.liaison_of): users[a.username]
        for a in DEMO_ACCOUNTS
        if a.liaison_of
    }
    for spec in DEMO_JURISDICTIONS:
        for dspec in spec.depts:
            d = depts[(spec.code, dspec.key)]
            for kind, person in (
                (LiaisonKind.LIAISON, dspec.liaison),
                (LiaisonKind.LEADER, dspec.leader),
            ):
                if person is None:
                    continue
                name, phone, div_name = person
                div = divisions[(spec.code, dspec.key, div_name)] if div_name else None
                if LiaisonAssignment.objects.filter(
                    department=d, kind=kind, name=name, valid_to__isnull=True
                ).exists():
                    continue
                user = account_for.get((spec.code, dspec.key, kind.value))
                org.liaison_appoint(
                    actor=None,
                    department=d,
                    kind=kind,
                    name=name,
                    phone=phone,
                    valid_from=spec.liaison_from,
                    division=div,
                    user=user if user is not None and user.full_name == name else None,
                )
                n.add("liaison persons")
    return n.summary()
