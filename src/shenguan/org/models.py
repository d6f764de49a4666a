"""Organisation models: jurisdictions, departments, divisions, users, roles, liaisons, tokens."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shenguan.core.models import RestrictedQuerySet

from .roles import ADMIN_ROLES, OVERSIGHT_ROLES, DepartmentKind, Role, perms_for


class JurisdictionLevel(models.TextChoices):
    """Administrative level of a jurisdiction (行政区划级别)."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    ZONE = "zone", _("开发区/园区")


class Jurisdiction(models.Model):
    """A jurisdiction (行政区划) identified by its GB/T 2260 code, under a policy profile."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=16, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    profile = models.ForeignKey(
        "policy.PolicyProfile",
        verbose_name="政策配置",
        on_delete=models.PROTECT,
        related_name="jurisdictions",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """A jurisdiction is visible to those whose visible jurisdictions include it."""
        return models.Q(pk__in=actor.visible_jurisdiction_ids)

    jurisdiction_field = None  # a jurisdiction is its own scope


class Department(models.Model):
    """A government department (部门) of one jurisdiction: the bureau, a regulator, an office…"""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField("部门名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("部门类型", max_length=20, choices=DepartmentKind.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "部门"
        ordering = ["jurisdiction__path", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="uniq_department_name")
        ]
        indexes = [models.Index(fields=["jurisdiction", "kind"])]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """Departments are a public directory inside the actor's visible jurisdictions."""
        return models.Q()


class Division(models.Model):
    """A division (科室/股室) inside a department."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="divisions"
    )
    name = models.CharField("科室名称", max_length=100)
    active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "科室"
        ordering = ["department_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="uniq_division_name")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """Divisions are part of the department directory."""
        return models.Q()


class _RestrictedUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    """The user manager with `.restrict(actor)`."""

    use_in_migrations = False


class User(AbstractUser):
    """A person's account (用户): belongs to one department and holds roles."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    division = models.ForeignKey(
        Division,
        verbose_name="科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # A one-time password (set by `shenguan setup`, an import or an administrator's reset) must
    # be replaced by the user at the next login before anything else (org.middleware).
    must_change_password = models.BooleanField("须修改初始密码", default=False)

    # The default manager (declared first on the model): it must also be a UserManager, since
    # authentication calls _default_manager.get_by_natural_key. Not used in migrations, so the
    # migration state is unchanged.
    objects_restricted = _RestrictedUserManager()

    class Meta:
        verbose_name = "用户"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name or self.username

    # --- the actor protocol shared with API tokens ---
    kind = "user"

    @property
    def display_name(self) -> str:
        """The name shown in timelines and audit events."""
        return self.full_name or self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        """Roles this user holds."""
        if not self.pk:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    @cached_property
    def perms(self) -> frozenset[str]:
        """Permissions granted by the user's roles."""
        return perms_for(self.role_set)

    def can(self, perm: str) -> bool:
        """Whether the user holds a permission through a role."""
        return self.is_active and perm in self.perms

    @property
    def jurisdiction_id(self):
        """The jurisdiction of the user's department."""
        return self.department.jurisdiction_id if self.department_id else None

    @cached_property
    def visible_jurisdiction_ids(self) -> frozenset[int]:
        """Jurisdictions this user may read: the subtree for oversight and admins, else its own."""
        return visible_jurisdiction_ids_for(self.jurisdiction_id, self.role_set)

    @property
    def is_oversight(self) -> bool:
        """Whether the user reads everything in its jurisdictions (纪委, 审改办)."""
        return bool(self.role_set & OVERSIGHT_ROLES)

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """Administrators see every account below them; others see their own department's."""
        if actor.role_set & {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}:
            return models.Q()
        if actor.department_id:
            return models.Q(department_id=actor.department_id)
        return models.Q(pk=actor.pk)

    jurisdiction_field = "department__jurisdiction"


def visible_jurisdiction_ids_for(jurisdiction_id, roles) -> frozenset[int]:
    """Own jurisdiction, plus every jurisdiction below it for oversight and administrator roles."""
    if jurisdiction_id is None:
        return frozenset()
    if roles & (OVERSIGHT_ROLES | ADMIN_ROLES):
        root = (
            Jurisdiction.objects.filter(pk=jurisdiction_id).values_list("path", flat=True).first()
        )
        if root:
            return frozenset(
                Jurisdiction.objects.filter(path__startswith=root).values_list("pk", flat=True)
            )
    return frozenset({jurisdiction_id})


class RoleAssignment(models.Model):
    """A role held by a user (角色授权), granted by a security administrator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class LiaisonKind(models.TextChoices):
    """Kind of contact person a department names (联络人类型)."""

    LIAISON = "liaison", pgettext_lazy("liaison kind", "联络员")
    LEADER = "leader_in_charge", _("分管领导")


class LiaisonAssignment(models.Model):
    """A department's liaison person or leader in charge over a dated period (000 §16, 002 §16)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="liaisons"
    )
    kind = models.CharField("类型", max_length=20, choices=LiaisonKind.choices)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=20)
    division = models.ForeignKey(
        Division,
        verbose_name="科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        User,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_assignments",
    )
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "联络人"
        ordering = ["department_id", "kind", "-valid_from", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "department", "kind", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.department} {self.get_kind_display()} {self.name}"

    @property
    def is_current(self) -> bool:
        """Whether this person holds the post today."""
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to > today)

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """Liaison persons are the contact directory of the actor's jurisdictions."""
        return models.Q()


class ApiToken(models.Model):
    """A system client's bearer token (接口令牌): per department, role-scoped, hashed, expiring."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    roles = models.JSONField("角色", default=list)
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField("每分钟请求上限", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        """Not revoked and not expired."""
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> models.Q:
        """Tokens are seen by the security and audit administrators only."""
        if actor.role_set & {Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}:
            return models.Q()
        return models.Q(pk__in=[])
