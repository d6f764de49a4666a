"""The role homes (首页): one home-page section per role — what the role does on the platform,
with the articles of the seeds it rests on, the pages of the menu meant for that role, and for
the three administrators a few counts read from the database (never made-up figures). In the
portal app because the counts read several apps (core imports no app, ADR 0020).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from shenguan.core.home import HomeSection, register_home_section

# --- the role homes -----------------------------------------------------------------------------

# Role names as shown in the UI (translatable; the same words as org.roles.Role labels).
ROLE_LABELS: dict[str, object] = {
    "window_clerk": _("窗口受理员"),
    "approver": _("审批员"),
    "bureau_liaison": _("审批局联络员"),
    "bureau_head": _("审批局领导"),
    "regulator_liaison": _("监管部门联络员"),
    "inspector": _("监管人员"),
    "regulator_leader": _("监管部门分管领导"),
    "enforcement_officer": _("执法人员"),
    "discipline_inspector": _("纪检监察人员"),
    "reform_staff": _("审改办/政府办工作人员"),
    "system_admin": _("系统管理员"),
    "security_admin": _("安全管理员"),
    "audit_admin": _("审计管理员"),
}


# What each role does here, in the words of the seeds (cited by file and article).
ROLE_DUTIES: dict[str, list] = {
    "window_clerk": [
        _("在综合受理窗口收件、受理行政许可申请。"),
        _("受理时在线查询申请人的社会信用信息和联合惩戒信息，查询情况存入案卷（003 三(三)4）。"),
        _(
            "对信用良好的申请人可适用绿色通道、容缺受理、告知承"
            "诺；对失信主体限制这些便利（002 §19(一)）。"
        ),
    ],
    "approver": [
        _("依据审管联动事项清单办理审批，一枚印章管审批（001 二(二)）。"),
        _("需现场勘察、专家评审、论证听证的，推送行业主管部门出具书面意见后再作决定（000 §18）。"),
        _(
            "审批完成后立即将全部材料、审批结果和审批中发现的风险点"
            "推送监管部门（002 §17(一)，000 §15）。"
        ),
    ],
    "bureau_liaison": [
        _("负责审管信息的推送与接收，是本局的审管互动联络员（000 §16，003 三(二)3）。"),
        _(
            "在 2 个工作日内认领监管部门反馈的检查结果、行政处罚、"
            "吊销意见等信息，逾期系统自动认领（002 §17(二)）。"
        ),
        _("维护审管互动边界清单和事项目录，并向社会公开（002 §9，004 三(二)1）。"),
    ],
    "bureau_head": [
        _("统筹本局审管联动工作，掌握推送、认领和反馈的整体情况。"),
        _("对监管部门提出的吊销处置意见，按程序注销许可证件（000 §17）。"),
        _("对认领迟滞严重的部门进行提醒（002 §23）。"),
    ],
    "regulator_liaison": [
        _("在 2 个工作日内认领审批局推送的审批结果，逾期由系统自动认领并计入通报（002 §17(一)）。"),
        _("监管中发现可能影响许可的信息，公布后 3 个工作日内推送审批局（002 §17(二)）。"),
        _("法律、法规、标准和政策变化涉及划转事项的，及时书面转送审批局（000 §21，003 四(四)）。"),
    ],
    "inspector": [
        _("对已认领的审批结果开展事中事后监管，自接收之时起承担监管责任（000 §4）。"),
        _(
            "登记监督检查、抽查结果、采取的措施和行政处罚，异常结"
            "果反馈审批局（000 §17，003 三(二)2）。"
        ),
        _("对告知承诺方式取得的许可开展针对性核查（002 §19(二)）。"),
    ],
    "regulator_leader": [
        _("对本部门审管联动工作负责，掌握认领和反馈的时效。"),
        _("需吊销许可的，签发书面处置意见送审批局（000 §17）。"),
        _("组织现场勘察、专家评审、论证听证并出具书面意见（000 §18）。"),
    ],
    "enforcement_officer": [
        _("推送执法检查、行政处罚、行政强制等信息（000 §17）。"),
        _(
            "处罚决定生效后及时通报审批部门（003 四(三)），监管"
            "信息 7 个工作日内推送信用平台（002 §19(一)）。"
        ),
    ],
    "discipline_inspector": [
        _(
            "通过电子监察查看超时审批、信息未及时阅知或认领、监管"
            "不到位等情况（000 §25，004 三(三)6）。"
        ),
        _("对履职不到位的部门和人员依规依纪追责问责（002 §24）。"),
    ],
    "reform_staff": [
        _("统筹审管联动机制运行，按季度通报认领情况，纳入年度绩效考核（002 §23）。"),
        _("对认领迟滞且提醒后仍未改进的部门，由政府办公室约谈（002 §23）。"),
        _("监督事项划转和清单动态调整（000 §26–27）。"),
    ],
    "system_admin": [
        _("维护行政区划、部门、科室、联络员和分管领导，管理账号（授权除外）。"),
        _("维护工作日历、政策配置和 Webhook 订阅。"),
        _("三权分立：系统管理员不得兼任安全管理员、审计管理员或业务角色。"),
    ],
    "security_admin": [
        _("为账号授予和收回角色，签发和吊销系统接入令牌。"),
        _("处理登录失败锁定（连续失败 5 次锁定 30 分钟）。"),
        _("三权分立：安全管理员不得兼任系统管理员、审计管理员或业务角色。"),
    ],
    "audit_admin": [
        _("查阅审计日志：所有状态变更、登录、登录失败和被拒绝的访问。"),
        _("校验审计哈希链，核对链头，发现被篡改的记录。"),
        _("三权分立：审计管理员不得兼任系统管理员、安全管理员或业务角色。"),
    ],
}


def _count_system_admin(user) -> list[tuple]:
    from shenguan.calendar.models import CalendarYear
    from shenguan.org import selectors as org
    from shenguan.policy.models import PolicyProfile

    years = list(CalendarYear.objects.order_by("-year").values_list("year", flat=True)[:1])
    rows = [
        (_("行政区划"), org.jurisdiction_list(user=user).count()),
        (_("部门"), org.department_list(user=user).count()),
        (_("启用的账号"), org.user_list(user=user, filters={"active": True}).count()),
        (_("现任联络员和分管领导"), org.liaison_list(user=user, current_only=True).count()),
        (_("政策配置"), PolicyProfile.objects.count()),
        (_("已载入日历的最后年度"), years[0] if years else "—"),
    ]
    from shenguan.outbox.models import WebhookEndpoint

    rows.append(
        (
            _("启用的 Webhook 订阅"),
            WebhookEndpoint.objects.restrict(user).filter(active=True).count(),
        )
    )
    return rows


def _count_security_admin(user) -> list[tuple]:
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    from shenguan.org import selectors as org

    users = org.user_list(user=user)
    usernames = users.values_list("username", flat=True)
    locked = AccessAttempt.objects.filter(
        username__in=usernames, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cool_off = get_cool_off()
    if cool_off is not None:  # a lockout ends by itself after the cool-off period
        locked = locked.filter(attempt_time__gte=timezone.now() - cool_off)
    return [
        (_("账号"), users.count()),
        (_("未授予角色的账号"), users.filter(role_assignments__isnull=True).count()),
        (
            _("有效的接口令牌"),
            org.token_list(user=user)
            .filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
            .count(),
        ),
        (_("当前被锁定的登录"), locked.count()),
    ]


def _count_audit_admin(user) -> list[tuple]:
    import datetime as dt

    from django.utils import timezone

    from shenguan.audit.selectors import audit_event_list

    events = audit_event_list(user=user)
    since = timezone.now() - dt.timedelta(days=1)
    last = events.values_list("seq", "at").first()
    return [
        (_("可查阅的审计事件"), events.count()),
        (
            _("最近 24 小时登录失败"),
            events.filter(action="auth.login_failed", at__gte=since).count(),
        ),
        (_("最近 24 小时被拒绝的操作"), events.filter(outcome="denied", at__gte=since).count()),
        (_("最新事件序号"), last[0] if last else "—"),
    ]


ADMIN_COUNTS: dict[str, Callable] = {
    "system_admin": _count_system_admin,
    "security_admin": _count_security_admin,
    "audit_admin": _count_audit_admin,
}


def _role_context(role: str) -> Callable:
    def build(user) -> dict:
        from shenguan.core.navigation import nav_entries_for_role

        counts = ADMIN_COUNTS[role](user) if role in ADMIN_COUNTS else []
        return {
            "role": role,
            "duties": ROLE_DUTIES.get(role, []),
            "links": nav_entries_for_role(user, role),
            "counts": counts,
        }

    return build


def register_role_homes() -> None:
    """Register one home section per role (from core's AppConfig.ready())."""
    from shenguan.org.roles import Role

    for i, role in enumerate(Role):
        register_home_section(
            HomeSection(
                key=f"role-{role.value}",
                title=ROLE_LABELS.get(role.value, role.label),
                template="core/home/role.html",
                roles=frozenset({role.value}),
                context=_role_context(role.value),
                order=10 + i,
            )
        )
