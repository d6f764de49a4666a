"""Seals (印章) and electronic licences (电子证照): the signed documents of the licence register."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.core.models import JurisdictionScoped


class SealState(models.TextChoices):
    """Whether a seal is in use (印章状态)."""

    ACTIVE = "active", _("启用")
    RETIRED = "retired", _("已废止")


class Seal(JurisdictionScoped):
    """A seal of the jurisdiction: the bureau's licensing seal, or a department's retired seal.

    The key is never here: `key_ref` names it in the key store (documents.keys); the row keeps
    only public parts (certificates, SM2 public key)."""

    name = models.CharField("印章名称", max_length=100)
    department = models.ForeignKey(
        "org.Department", verbose_name="所属部门", on_delete=models.PROTECT, related_name="+"
    )
    seal_text = models.CharField("印文", max_length=60)
    state = models.CharField(
        "状态", max_length=10, choices=SealState.choices, default=SealState.ACTIVE
    )
    image = models.BinaryField("印模图片（PNG）", blank=True, default=b"", editable=False)
    key_ref = models.CharField("密钥引用", max_length=200, blank=True)
    certificate_pem = models.TextField("签名证书", blank=True)
    ca_certificate_pem = models.TextField("根证书", blank=True)
    certificate_sha256 = models.CharField("证书指纹（SHA-256）", max_length=64, blank=True)
    certificate_subject = models.CharField("证书主题", max_length=300, blank=True)
    certificate_not_after = models.DateTimeField("证书有效期至", null=True, blank=True)
    sm2_public_key = models.CharField("SM2 公钥", max_length=130, blank=True)
    enabled_on = models.DateField("启用日期", null=True, blank=True)
    retired_on = models.DateField("废止日期", null=True, blank=True)
    retirement_memo = models.CharField("废止依据", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "印章"
        ordering = ["state", "-enabled_on", "id"]
        indexes = [models.Index(fields=["jurisdiction", "state"], name="doc_seal_j_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def can_sign(self) -> bool:
        return self.state == SealState.ACTIVE and bool(self.key_ref and self.certificate_pem)

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """The seal register is public (001 二(二)); every user of the jurisdiction sees it."""
        return Q()


class LicenceTemplate(JurisdictionScoped):
    """How an item's licence is printed (证照模板): its title and the scope text."""

    item = models.OneToOneField(
        "catalog.LicensingItem", verbose_name="审批事项", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("证照名称", max_length=60)
    scope = models.CharField("许可范围", max_length=500, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "证照模板"

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        return Q()


class DocumentState(models.TextChoices):
    """Where a licence document stands (电子证照文件状态)."""

    PENDING = "pending", _("待签章")
    CURRENT = "current", _("现行")
    SUPERSEDED = "superseded", _("已被替换")


class ElectronicLicence(JurisdictionScoped):
    """One signed PDF of a licence (电子证照文件); a change (变更) issues a new version and
    keeps the old one, marked superseded."""

    licence = models.ForeignKey(
        "linkage.Licence", verbose_name="证照", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField("版本")
    state = models.CharField(
        "状态", max_length=12, choices=DocumentState.choices, default=DocumentState.PENDING
    )
    seal = models.ForeignKey(Seal, verbose_name="印章", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("签发原因", max_length=200)
    pdf = models.BinaryField("PDF", blank=True, default=b"", editable=False)
    size = models.PositiveIntegerField("文件大小", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    sm2_signature = models.CharField("SM2 签名值", max_length=128, blank=True)
    requested_at = models.DateTimeField("申请签发时间", default=timezone.now)
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by_name = models.CharField("经办人", max_length=150, blank=True)
    superseded_at = models.DateTimeField("替换时间", null=True, blank=True)
    superseded_reason = models.CharField("替换原因", max_length=200, blank=True)
    error = models.CharField("签章错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "电子证照"
        ordering = ["licence_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "version"], name="doc_uniq_licence_version")
        ]
        indexes = [
            models.Index(fields=["sha256"], name="doc_el_sha256"),
            models.Index(fields=["licence", "state"], name="doc_el_licence_state"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} v{self.version}"

    @classmethod
    def scope_q(cls, actor, action: str = "view") -> Q | None:
        """Visible with its licence (linkage's rule)."""
        from shenguan.linkage.models import Licence

        lic = Licence.scope_q(actor, action)
        if lic is None:
            return None
        return Q(licence__in=Licence.objects.filter(lic))
