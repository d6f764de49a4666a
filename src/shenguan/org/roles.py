"""Roles, department kinds and the permissions each role grants (角色与权限)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    """Kind of department (部门类型), as in GLOSSARY.md."""

    BUREAU = "BUREAU", _("行政审批局")
    REGULATOR = "REGULATOR", _("行业主管部门")
    ENFORCEMENT = "ENFORCEMENT", _("执法机构")
    CREDIT_PLATFORM = "CREDIT_PLATFORM", _("信用平台")
    DISCIPLINE = "DISCIPLINE", _("纪委监委")
    REFORM_OFFICE = "REFORM_OFFICE", _("编办/审改办")
    GOV_OFFICE = "GOV_OFFICE", _("政府办公室")


class Role(models.TextChoices):
    """A role a user or system client holds (角色)."""

    WINDOW_CLERK = "window_clerk", _("窗口受理员")
    APPROVER = "approver", _("审批员")
    BUREAU_LIAISON = "bureau_liaison", _("审批局联络员")
    BUREAU_HEAD = "bureau_head", _("审批局领导")
    REGULATOR_LIAISON = "regulator_liaison", _("监管部门联络员")
    INSPECTOR = "inspector", _("监管人员")
    REGULATOR_LEADER = "regulator_leader", _("监管部门分管领导")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("执法人员")
    DISCIPLINE_INSPECTOR = "discipline_inspector", _("纪检监察人员")
    REFORM_STAFF = "reform_staff", _("审改办/政府办工作人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# The three administrators (三权分立): each may hold no other role.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Oversight roles read everything in their jurisdiction and the jurisdictions below it.
OVERSIGHT_ROLES = frozenset({Role.DISCIPLINE_INSPECTOR, Role.REFORM_STAFF})

BUREAU_ROLES = frozenset({Role.WINDOW_CLERK, Role.APPROVER, Role.BUREAU_LIAISON, Role.BUREAU_HEAD})
REGULATOR_ROLES = frozenset({Role.REGULATOR_LIAISON, Role.INSPECTOR, Role.REGULATOR_LEADER})

# Which department kinds may hold which business role. Administrators may sit in any department.
ROLE_DEPARTMENT_KINDS: dict[str, frozenset[str]] = {
    Role.WINDOW_CLERK: frozenset({DepartmentKind.BUREAU}),
    Role.APPROVER: frozenset({DepartmentKind.BUREAU}),
    Role.BUREAU_LIAISON: frozenset({DepartmentKind.BUREAU}),
    Role.BUREAU_HEAD: frozenset({DepartmentKind.BUREAU}),
    Role.REGULATOR_LIAISON: frozenset({DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT}),
    Role.INSPECTOR: frozenset({DepartmentKind.REGULATOR}),
    Role.REGULATOR_LEADER: frozenset({DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT}),
    Role.ENFORCEMENT_OFFICER: frozenset({DepartmentKind.ENFORCEMENT, DepartmentKind.REGULATOR}),
    Role.DISCIPLINE_INSPECTOR: frozenset({DepartmentKind.DISCIPLINE}),
    Role.REFORM_STAFF: frozenset({DepartmentKind.REFORM_OFFICE, DepartmentKind.GOV_OFFICE}),
    Role.SYSTEM_ADMIN: frozenset(DepartmentKind.values),
    Role.SECURITY_ADMIN: frozenset(DepartmentKind.values),
    Role.AUDIT_ADMIN: frozenset(DepartmentKind.values),
}


class Perm:
    """Permission names checked by services and views (权限)."""

    # organisation and configuration: system administrator
    ORG_MANAGE = "org.manage"  # jurisdictions, departments, divisions, liaison persons
    USER_MANAGE = "user.manage"  # create, edit, deactivate accounts (no role grants)
    CALENDAR_MANAGE = "calendar.manage"
    POLICY_MANAGE = "policy.manage"
    WEBHOOK_MANAGE = "webhook.manage"
    # security administrator
    ROLE_GRANT = "role.grant"
    TOKEN_MANAGE = "token.manage"  # noqa: S105 - a permission name, not a secret
    LOCKOUT_MANAGE = "lockout.manage"
    # audit administrator
    AUDIT_VIEW = "audit.view"
    # business
    UNMASK = "personal.unmask"
    OVERSIGHT_READ = "oversight.read"
    CATALOG_MANAGE = "catalog.manage"
    CATALOG_READ = "catalog.read"
    APPROVAL_RECORD = "approval.record"
    APPROVAL_COMPLETE = "approval.complete"
    PUSH_CLAIM = "push.claim"
    PUSH_READ = "push.read"
    FEEDBACK_SEND = "feedback.send"
    FEEDBACK_CLAIM = "feedback.claim"
    DISPOSAL_RECORD = "disposal.record"
    NOTICE_SEND = "notice.send"
    # e-monitoring, supervision follow-up, bulletins and escalation (oversight app)
    ALERT_EXPLAIN = "alert.explain"  # attach an explanation (情况说明) to own department's alert
    ALERT_REVIEW = "alert.review"  # mark an alert verified, excused or referred
    SUPERVISION_ASSIGN = "supervision.assign"  # dispatch a claimed approval (调度监管)
    SUPERVISION_RECORD = "supervision.record"  # record supervision started / finished
    FEEDBACK_HANDLE = "feedback.handle"  # the bureau records what it did with feedback
    BULLETIN_MANAGE = "bulletin.manage"  # draft, review and publish bulletins (定期通报)
    ESCALATION_REMIND = "escalation.remind"  # the bureau reminds a department (提醒)
    ESCALATION_INTERVIEW = "escalation.interview"  # the government office holds a 约谈
    ESCALATION_REFER = "escalation.refer"  # refer a department to the discipline office
    ACCOUNTABILITY_RECORD = "accountability.record"  # the discipline office records 问责
    OVERSIGHT_DASHBOARD = "oversight.dashboard"  # claim and monitoring dashboards
    # credit (信用联动, credit app)
    CREDIT_READ = "credit.read"  # look-ups, warning library, 双公示 records, subject pages
    CREDIT_MANAGE = "credit.manage"  # import lists, warning entries, credit repair, exports
    CREDIT_OVERRIDE = "credit.override"  # accept a restricted subject with a recorded reason
    COMMITMENT_VERIFY = "commitment.verify"  # record a 告知承诺 kept / not kept
    # seals and e-licences (documents app)
    SEAL_MANAGE = "seal.manage"  # register, key and retire seals (security administrator)


ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.WINDOW_CLERK: frozenset(
        {Perm.CATALOG_READ, Perm.APPROVAL_RECORD, Perm.PUSH_READ, Perm.UNMASK}
    ),
    Role.APPROVER: frozenset(
        {
            Perm.CATALOG_READ,
            Perm.APPROVAL_RECORD,
            Perm.APPROVAL_COMPLETE,
            Perm.PUSH_READ,
            Perm.DISPOSAL_RECORD,
            Perm.UNMASK,
            Perm.FEEDBACK_HANDLE,
        }
    ),
    Role.BUREAU_LIAISON: frozenset(
        {
            Perm.CATALOG_READ,
            Perm.CATALOG_MANAGE,
            Perm.PUSH_READ,
            Perm.FEEDBACK_CLAIM,
            Perm.NOTICE_SEND,
            Perm.DISPOSAL_RECORD,
            Perm.ALERT_EXPLAIN,
            Perm.FEEDBACK_HANDLE,
        }
    ),
    Role.BUREAU_HEAD: frozenset(
        {
            Perm.CATALOG_READ,
            Perm.CATALOG_MANAGE,
            Perm.PUSH_READ,
            Perm.DISPOSAL_RECORD,
            Perm.UNMASK,
            Perm.ALERT_EXPLAIN,
            Perm.FEEDBACK_HANDLE,
            Perm.ESCALATION_REMIND,
            Perm.OVERSIGHT_DASHBOARD,
        }
    ),
    Role.REGULATOR_LIAISON: frozenset(
        {
            Perm.CATALOG_READ,
            Perm.PUSH_READ,
            Perm.PUSH_CLAIM,
            Perm.FEEDBACK_SEND,
            Perm.NOTICE_SEND,
            Perm.ALERT_EXPLAIN,
            Perm.SUPERVISION_ASSIGN,
            Perm.SUPERVISION_RECORD,
        }
    ),
    Role.INSPECTOR: frozenset(
        {Perm.CATALOG_READ, Perm.PUSH_READ, Perm.FEEDBACK_SEND, Perm.SUPERVISION_RECORD}
    ),
    Role.REGULATOR_LEADER: frozenset(
        {
            Perm.CATALOG_READ,
            Perm.PUSH_READ,
            Perm.PUSH_CLAIM,
            Perm.FEEDBACK_SEND,
            Perm.NOTICE_SEND,
            Perm.ALERT_EXPLAIN,
            Perm.SUPERVISION_ASSIGN,
            Perm.SUPERVISION_RECORD,
        }
    ),
    Role.ENFORCEMENT_OFFICER: frozenset({Perm.CATALOG_READ, Perm.PUSH_READ, Perm.FEEDBACK_SEND}),
    Role.DISCIPLINE_INSPECTOR: frozenset(
        {
            Perm.CATALOG_READ,
            Perm.PUSH_READ,
            Perm.OVERSIGHT_READ,
            Perm.ALERT_REVIEW,
            Perm.ACCOUNTABILITY_RECORD,
            Perm.OVERSIGHT_DASHBOARD,
        }
    ),
    Role.REFORM_STAFF: frozenset(
        {
            Perm.CATALOG_READ,
            Perm.PUSH_READ,
            Perm.OVERSIGHT_READ,
            Perm.ALERT_REVIEW,
            Perm.BULLETIN_MANAGE,
            Perm.ESCALATION_INTERVIEW,
            Perm.ESCALATION_REFER,
            Perm.OVERSIGHT_DASHBOARD,
        }
    ),
    Role.SYSTEM_ADMIN: frozenset(
        {
            Perm.ORG_MANAGE,
            Perm.USER_MANAGE,
            Perm.CALENDAR_MANAGE,
            Perm.POLICY_MANAGE,
            Perm.WEBHOOK_MANAGE,
        }
    ),
    Role.SECURITY_ADMIN: frozenset(
        {Perm.ROLE_GRANT, Perm.TOKEN_MANAGE, Perm.LOCKOUT_MANAGE, Perm.SEAL_MANAGE}
    ),
    Role.AUDIT_ADMIN: frozenset({Perm.AUDIT_VIEW}),
}

# credit (信用联动): added to the grants above
_CREDIT_GRANTS: dict[str, frozenset[str]] = {
    Role.WINDOW_CLERK: frozenset({Perm.CREDIT_READ}),
    Role.APPROVER: frozenset({Perm.CREDIT_READ}),
    Role.BUREAU_LIAISON: frozenset({Perm.CREDIT_READ, Perm.CREDIT_MANAGE}),
    Role.BUREAU_HEAD: frozenset({Perm.CREDIT_READ, Perm.CREDIT_MANAGE, Perm.CREDIT_OVERRIDE}),
    Role.REGULATOR_LIAISON: frozenset({Perm.CREDIT_READ, Perm.COMMITMENT_VERIFY}),
    Role.INSPECTOR: frozenset({Perm.CREDIT_READ, Perm.COMMITMENT_VERIFY}),
    Role.REGULATOR_LEADER: frozenset({Perm.CREDIT_READ, Perm.COMMITMENT_VERIFY}),
    Role.ENFORCEMENT_OFFICER: frozenset({Perm.CREDIT_READ}),
    Role.DISCIPLINE_INSPECTOR: frozenset({Perm.CREDIT_READ}),
    Role.REFORM_STAFF: frozenset({Perm.CREDIT_READ}),
}
for _role, _perms in _CREDIT_GRANTS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms


def perms_for(roles) -> frozenset[str]:
    """Every permission granted by a set of roles."""
    out: set[str] = set()
    for r in roles:
        out |= ROLE_PERMS.get(r, frozenset())
    return frozenset(out)
