from django.apps import AppConfig


class OrgConfig(AppConfig):
    """Organisation (组织机构)."""

    name = "shenguan.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shenguan.core.api_auth import register_token_backend
        from shenguan.core.masking import register_unmask_permission
        from shenguan.core.navigation import NavEntry, register_nav
        from shenguan.core.roles import register_roles

        from .auth import authenticate_token, parse_token
        from .roles import ROLE_PERMS, Perm, Role

        # what core needs of the organisation, registered so that core imports no app (ADR 0020)
        register_roles(Role.choices, ROLE_PERMS)
        register_unmask_permission(Perm.UNMASK)
        register_token_backend(authenticate=authenticate_token, parse=parse_token)

        ref, sysadm, secadm = _("参考信息"), _("系统管理"), _("安全管理")
        for entry in (
            NavEntry(label=_("部门"), url_name="org:department_list", group=ref, order=10),
            NavEntry(label=_("联络员"), url_name="org:liaison_list", group=ref, order=11),
            NavEntry(
                label=_("账号"),
                url_name="org:user_list",
                group=sysadm,
                perm=Perm.USER_MANAGE,
                order=10,
            ),
            NavEntry(
                label=_("新建账号"),
                url_name="org:user_create",
                group=sysadm,
                perm=Perm.USER_MANAGE,
                order=11,
            ),
            NavEntry(
                label=_("组织机构导入"),
                url_name="org:import",
                group=sysadm,
                perm=Perm.ORG_MANAGE,
                order=12,
            ),
            NavEntry(
                label=_("导入账号角色"),
                url_name="org:import",
                group=secadm,
                perm=Perm.ROLE_GRANT,
                order=13,
            ),
            NavEntry(
                label=_("角色授权"),
                url_name="org:role_list",
                group=secadm,
                perm=Perm.ROLE_GRANT,
                order=10,
            ),
            NavEntry(
                label=_("接口令牌"),
                url_name="org:token_list",
                group=secadm,
                perm=Perm.TOKEN_MANAGE,
                order=11,
            ),
            NavEntry(
                label=_("登录锁定"),
                url_name="org:lockout_list",
                group=secadm,
                perm=Perm.LOCKOUT_MANAGE,
                order=12,
            ),
            NavEntry(
                label=_("审计日志"),
                url_name="audit:event_list",
                group=_("审计"),
                perm=Perm.AUDIT_VIEW,
                order=10,
            ),
            NavEntry(
                label=_("接口令牌（只读）"),
                url_name="org:token_list",
                group=_("审计"),
                perm=Perm.AUDIT_VIEW,
                order=11,
            ),
        ):
            register_nav(entry)
