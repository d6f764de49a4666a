"""Certificates issued by regulators after the bureau's approval (监管部门配发证照, 002 §13)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shenguan.core.models import JurisdictionScoped
from shenguan.org.roles import Perm

from .common import CertificateState


class CertificateTask(JurisdictionScoped):
    """On completion of a granted case whose item's certificate the regulator issues, the
    regulator gets this task with the statutory or promised limit as its deadline; issuance
    records the number and date (and the licence register); disagreement with the approval
    opens a coordination thread instead of silence."""

    record = models.OneToOneField(
        "linkage.ApprovalRecord", verbose_name="办件", on_delete=models.PROTECT, related_name="+"
    )
    licence = models.ForeignKey(
        "linkage.Licence",
        verbose_name="证照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    bureau = models.ForeignKey(
        "org.Department",
        verbose_name="审批部门",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="发证部门", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("下达时间", default=timezone.now)
    start_date = models.DateField("起算日期")
    budget_days = models.PositiveSmallIntegerField("发证时限（工作日）")
    due_date = models.DateField("发证截止日期")
    provisional = models.BooleanField("截止日期暂定", default=False)
    basis = models.CharField("时限依据", max_length=200)
    state = models.CharField(
        "状态", max_length=10, choices=CertificateState.choices, default=CertificateState.OPEN
    )
    certificate_number = models.CharField("证照编号", max_length=100, blank=True)
    issued_on = models.DateField("发证日期", null=True, blank=True)
    issued_at = models.DateTimeField("登记时间", null=True, blank=True)
    issued_by_name = models.CharField("登记人", max_length=150, blank=True)
    issued_late = models.BooleanField("逾期发证", default=False)

    class Meta:
        verbose_name = "配发证照任务"
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["jurisdiction", "department", "state"], name="rv_cert_j_dept"),
            models.Index(fields=["due_date"], condition=~Q(state="issued"), name="rv_cert_open"),
        ]

    def __str__(self) -> str:
        return f"certificate {self.record_id}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The issuing regulator, the bureau, and oversight roles."""
        if actor.is_oversight:
            return Q()
        if actor.department_id is None or not actor.can(Perm.PUSH_READ):
            return None
        return Q(department_id=actor.department_id) | Q(bureau_id=actor.department_id)


class CertificateMessage(models.Model):
    """One message of the coordination thread of a disputed certificate task (协调记录)."""

    task = models.ForeignKey(CertificateTask, on_delete=models.CASCADE, related_name="messages")
    at = models.DateTimeField(default=timezone.now)
    department_name = models.CharField("部门", max_length=200)
    by_name = models.CharField("发言人", max_length=150)
    text = models.TextField("内容")
    resolves = models.BooleanField("协调完毕", default=False)

    class Meta:
        verbose_name = "发证协调记录"
        ordering = ["task_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}@{self.at:%Y-%m-%d}"
