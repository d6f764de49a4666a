"""`shenguan setup`: the first run of a real deployment (首次初始化) — see portal/setup.py and
docs/deployment.md, "First run"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from shenguan.audit import checkpoints
from shenguan.core.errors import DomainError
from shenguan.org.models import JurisdictionLevel
from shenguan.org.roles import Role
from shenguan.policy.selectors import profile_list
from shenguan.portal.setup import platform_setup


class Command(BaseCommand):
    help = (
        "首次初始化：创建顶级行政区划（及其政策配置）、行政审批局和三名管理员（一次性密码），"
        "只能运行一次 / "
        "First run: the top jurisdiction with its policy profile, the approval bureau and the "
        "three administrators with one-time passwords; refuses to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", help="行政区划代码（GB/T 2260，6位），如 371500")
        parser.add_argument("--name", help="行政区划名称，如 聊城市")
        parser.add_argument(
            "--level", choices=JurisdictionLevel.values, default=JurisdictionLevel.CITY
        )
        parser.add_argument("--profile", help="政策配置代码，如 liaocheng-2021（--list-profiles）")
        parser.add_argument(
            "--bureau", default="", help="行政审批局名称（默认：<名称>行政审批服务局）"
        )
        parser.add_argument("--sysadmin", default="sysadmin", help="系统管理员用户名")
        parser.add_argument("--secadmin", default="secadmin", help="安全管理员用户名")
        parser.add_argument("--auditadmin", default="auditadmin", help="审计管理员用户名")
        parser.add_argument("--list-profiles", action="store_true", help="列出可选的政策配置")

    def handle(self, *args, **o):
        if o["list_profiles"]:
            for p in profile_list().order_by("code"):
                self.stdout.write(f"{p.code}\t{p.name}")
            return
        missing = [f"--{k}" for k in ("code", "name", "profile") if not o[k]]
        if missing:
            raise CommandError(f"缺少参数 / missing: {' '.join(missing)}")
        try:
            result = platform_setup(
                code=o["code"],
                name=o["name"],
                level=o["level"],
                profile_code=o["profile"],
                bureau_name=o["bureau"],
                usernames={
                    Role.SYSTEM_ADMIN: o["sysadmin"],
                    Role.SECURITY_ADMIN: o["secadmin"],
                    Role.AUDIT_ADMIN: o["auditadmin"],
                },
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        j = result.jurisdiction
        w = self.stdout.write
        w(self.style.SUCCESS(f"已初始化 / set up: {j.name}（{j.code}），政策配置 {j.profile.code}"))
        w(f"行政审批局 / bureau: {result.bureau_name}")
        w("")
        w("管理员账号（一次性密码，只显示这一次，首次登录须修改）")
        w("administrators and their one-time passwords (shown this once, changed at first login):")
        for username, role, password in result.accounts:
            w(f"  {username:<16} {Role(role).label:<8} {password}")
        w("")
        try:
            key = checkpoints.signing_key()
        except checkpoints.CheckpointKeyMissing as exc:
            w(f"审计链锚定未启用 / audit anchoring off: {exc} (shenguan audit keygen)")
        else:
            w(f"审计锚定公钥 / audit checkpoint public key (key_id={checkpoints.key_id(key)}):")
            w(checkpoints.public_pem(key).rstrip())
        w("")
        w(
            "下一步 / next: 系统管理员登录后导入部门和科室、账号、联络员（组织机构 → 导入）；"
            "安全管理员用同一账号表授予角色；启动 shenguan worker。见 docs/deployment.md。"
        )
