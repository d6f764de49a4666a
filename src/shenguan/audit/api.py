"""HTTP API of the audit trail, for the audit administrator (审计管理员) only."""

from ninja import Query, Router

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import PermissionDenied
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.org.roles import Perm

from . import selectors
from .schemas import AuditEventOut, AuditFilters, ChainHead, VerifyOut, selector_filters, verify_out
from .services import audit_record

router = Router(tags=["audit"])


def _require_auditor(request) -> None:
    if not request.auth.can(Perm.AUDIT_VIEW):
        raise PermissionDenied("forbidden", "只有审计管理员可以查看审计日志")


@router.get(
    "/events",
    response={200: Page[AuditEventOut], **error_responses(403)},
    summary="审计事件列表",
)
def event_list(request, filters: Query[AuditFilters], page: Query[PageParams]):
    """Events of the auditor's jurisdictions (and unattributed ones), newest first."""
    _require_auditor(request)
    qs = selectors.audit_event_list(user=request.auth, filters=selector_filters(filters.dict()))
    return paginate(qs, page)


@router.get(
    "/events/{int:seq}",
    response={200: AuditEventOut, **error_responses(403, 404)},
    summary="审计事件详情",
)
def event_detail(request, seq: int):
    """One event by its sequence number."""
    _require_auditor(request)
    return selectors.audit_event_get(user=request.auth, seq=seq)


@router.get("/head", response={200: ChainHead, **error_responses(403)}, summary="审计链头")
def head(request):
    """The latest event's seq and hash, for the discipline office to keep."""
    _require_auditor(request)
    ev = selectors.audit_head()
    return {
        "seq": ev.seq if ev else None,
        "hash": ev.hash if ev else None,
        "at": ev.at if ev else None,
    }


@router.post("/verify", response={200: VerifyOut, **error_responses(403)}, summary="校验审计链")
def verify(request):
    """Re-walk the whole chain; name the first broken link. The check itself is audited."""
    _require_auditor(request)
    result = selectors.audit_verify()
    out = verify_out(result)
    audit_record(
        actor=request.auth,
        action="audit.verify",
        after={"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq},
    )
    return out
