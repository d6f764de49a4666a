"""Reading audit events: for the audit administrator, within its jurisdictions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shenguan.core.errors import NotFound
from shenguan.org.roles import Perm

from .chain import VerifyResult, verify_events
from .models import AuditEvent


def audit_event_list(*, user, filters: dict | None = None) -> QuerySet[AuditEvent]:
    """Audit events the user may read: audit administrators, their jurisdictions, unattributed."""
    if not user.is_authenticated or not user.can(Perm.AUDIT_VIEW):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.filter(
        Q(jurisdiction_id__in=user.visible_jurisdiction_ids) | Q(jurisdiction_id__isnull=True)
    )
    f = filters or {}
    if f.get("action"):
        qs = qs.filter(action__startswith=f["action"])
    if f.get("actor"):
        qs = qs.filter(actor_name__icontains=f["actor"])
    if f.get("object_type"):
        qs = qs.filter(object_type=f["object_type"])
    if f.get("object_id"):
        qs = qs.filter(object_id=str(f["object_id"]))
    if f.get("outcome"):
        qs = qs.filter(outcome=f["outcome"])
    if f.get("since"):
        qs = qs.filter(at__gte=f["since"])
    if f.get("until"):
        qs = qs.filter(at__lt=f["until"])
    return qs.order_by("-seq")


def audit_event_get(*, user, seq: int) -> AuditEvent:
    """One audit event by sequence number, or 404."""
    ev = audit_event_list(user=user).filter(seq=seq).first()
    if ev is None:
        raise NotFound()
    return ev


def audit_object_history(*, object_type: str, object_id) -> QuerySet[AuditEvent]:
    """Every event about one object, oldest first (for timelines shown by the owning app)."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by(
        "seq"
    )


def audit_verify(*, chunk: int = 5000) -> VerifyResult:
    """Re-walk the whole chain from the first event and report the first broken link."""
    return verify_events(AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk))


def audit_head() -> AuditEvent | None:
    """The latest event: its seq and hash are the chain head the discipline office keeps."""
    return AuditEvent.objects.order_by("-seq").first()
