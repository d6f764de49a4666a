"""Home-page sections and menu entries of the oversight app: live counts that link to the
filtered lists behind them (never made-up figures)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.org.roles import BUREAU_ROLES, OVERSIGHT_ROLES, REGULATOR_ROLES, Perm, Role


def _monitoring(user) -> dict:
    """电子监察: open red and yellow alerts, red ones not reviewed yet, failed supervision,
    bulletin drafts and open escalations of the user's jurisdictions."""
    from .models import Alert, Bulletin, Escalation, SupervisionTask

    alerts = Alert.objects.restrict(user).filter(closed_at__isnull=True)
    by = dict(alerts.values_list("level").annotate(n=Count("pk")).order_by())
    now = timezone.now()
    rows = [
        (
            _("红灯预警（未办结）"),
            by.get("red", 0),
            "/oversight/alerts/?level=red&open=1",
            "ov-red",
        ),
        (
            _("黄灯预警（未办结）"),
            by.get("yellow", 0),
            "/oversight/alerts/?level=yellow&open=1",
            "ov-yellow",
        ),
        (
            _("待核查的红灯"),
            alerts.filter(level="red", review="").count(),
            "/oversight/alerts/?level=red&open=1&review=none",
            "ov-unreviewed",
        ),
        (
            _("监管不到位（逾期未启动监管）"),
            SupervisionTask.objects.restrict(user)
            .filter(started_at__isnull=True, start_due_at__lte=now)
            .count(),
            "/oversight/supervision/?overdue=1",
            "ov-supervision",
        ),
        (
            _("进行中的督办"),
            Escalation.objects.restrict(user).filter(state="open").count(),
            "/oversight/escalations/?state=open",
            "ov-escalations",
        ),
    ]
    if user.can(Perm.BULLETIN_MANAGE):
        rows.append(
            (
                _("待审核发布的通报"),
                Bulletin.objects.restrict(user).filter(state="draft").count(),
                "/oversight/bulletins/",
                "ov-drafts",
            )
        )
    return {"rows": rows, "dashboard": user.can(Perm.OVERSIGHT_DASHBOARD)}


def _department(user) -> dict:
    """The user's department: its open alerts, supervision to start, feedback to handle."""
    from .models import Alert, Escalation, SupervisionTask
    from .selectors import feedback_unhandled

    if user.department_id is None:
        return {"rows": []}
    alerts = Alert.objects.restrict(user).filter(
        closed_at__isnull=True, department_id=user.department_id
    )
    by = dict(alerts.values_list("level").annotate(n=Count("pk")).order_by())
    rows = [
        (_("本部门红灯预警"), by.get("red", 0), "/oversight/alerts/?level=red&open=1", "ov-red"),
        (
            _("本部门黄灯预警"),
            by.get("yellow", 0),
            "/oversight/alerts/?level=yellow&open=1",
            "ov-yellow",
        ),
    ]
    if user.role_set & REGULATOR_ROLES:
        tasks = SupervisionTask.objects.restrict(user).filter(department_id=user.department_id)
        rows += [
            (
                _("待启动的监管任务"),
                tasks.filter(started_at__isnull=True).count(),
                "/oversight/supervision/?state=waiting",
                "ov-waiting",
            ),
            (
                _("逾期未启动监管"),
                tasks.filter(started_at__isnull=True, start_due_at__lte=timezone.now()).count(),
                "/oversight/supervision/?overdue=1",
                "ov-overdue",
            ),
        ]
    if user.can(Perm.FEEDBACK_HANDLE):
        rows.append(
            (
                _("待登记处理情况的监管信息"),
                feedback_unhandled(user=user).count(),
                "/oversight/feedback/",
                "ov-handling",
            )
        )
    rows.append(
        (
            _("涉及本部门的督办"),
            Escalation.objects.restrict(user)
            .filter(Q(department_id=user.department_id), state="open")
            .count(),
            "/oversight/escalations/?state=open",
            "ov-escalations",
        )
    )
    return {"rows": rows, "dashboard": user.can(Perm.OVERSIGHT_DASHBOARD)}


def register() -> None:
    """Menu entries and the home sections for oversight, regulator and bureau roles."""
    from shenguan.core.home import HomeSection, register_home_section
    from shenguan.core.navigation import NavEntry, register_nav

    group = _("电子监察与督办")
    business = frozenset(BUREAU_ROLES | REGULATOR_ROLES | OVERSIGHT_ROLES)
    for label, url, perm, roles, order in (
        (_("监察看板"), "oversight:dashboard", Perm.OVERSIGHT_DASHBOARD, frozenset(), 60),
        (_("监管预警"), "oversight:alert_list", None, business, 61),
        (
            _("事中事后监管任务"),
            "oversight:supervision_list",
            None,
            frozenset(REGULATOR_ROLES | OVERSIGHT_ROLES),
            62,
        ),
        (_("监管信息处理情况"), "oversight:handling_list", Perm.FEEDBACK_HANDLE, frozenset(), 63),
        (_("定期通报"), "oversight:bulletin_list", None, business, 64),
        (_("督办"), "oversight:escalation_list", None, business, 65),
        (_("年度绩效考核"), "oversight:scores", Perm.OVERSIGHT_DASHBOARD, frozenset(), 66),
    ):
        register_nav(
            NavEntry(label=label, url_name=url, group=group, perm=perm, roles=roles, order=order)
        )
    register_home_section(
        HomeSection(
            key="oversight-monitoring",
            title=_("电子监察"),
            template="oversight/home_monitoring.html",
            roles=frozenset(OVERSIGHT_ROLES),
            context=_monitoring,
            order=3,
        )
    )
    register_home_section(
        HomeSection(
            key="oversight-department",
            title=_("预警与督办"),
            template="oversight/home_department.html",
            roles=frozenset(BUREAU_ROLES | REGULATOR_ROLES | {Role.ENFORCEMENT_OFFICER}),
            context=_department,
            order=6,
        )
    )
