"""HTTP API of the credit app (信用联动接口): look-ups, cases' credit results, 双公示 records
(JSON and files), the warning library, joint-punishment lists, 告知承诺 verification and
leaders' exceptions — scoped like the pages."""

from __future__ import annotations

from typing import Annotated

from ninja import File, Form, Query, Router, Status, UploadedFile

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import PermissionDenied, ValidationFailed
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.org.roles import Perm

from . import selectors as sel
from . import services as svc
from .exports import XLSX, export_bytes, file_response
from .schemas import (
    CreditCheckOut,
    CreditCommitmentFilters,
    CreditCommitmentOut,
    CreditImportOut,
    CreditListEntryFilters,
    CreditListEntryOut,
    CreditLookupIn,
    CreditLookupOut,
    CreditOverrideIn,
    CreditOverrideOut,
    CreditRecordFilters,
    CreditRecordOut,
    CreditRepairIn,
    CreditVerifyIn,
    CreditWarningFilters,
    CreditWarningIn,
    CreditWarningOut,
)

router = Router(tags=["credit"])

READ = error_responses(403)
DETAIL = error_responses(403, 404)
WRITE = error_responses(400, 403, 404, 409)
MAX_UPLOAD = 20 * 1024 * 1024


def _jid(request) -> int:
    jid = request.auth.jurisdiction_id
    if jid is None:
        raise PermissionDenied("forbidden", "账号未归属行政区划")
    return jid


@router.post("/lookups", response={200: CreditLookupOut, **WRITE}, summary="信用查询")
def lookup(request, payload: CreditLookupIn):
    """Look one subject up in the lists, the warning library and the credit platform."""
    if not request.auth.can(Perm.CREDIT_READ):
        raise PermissionDenied("forbidden", "无权查询信用信息")
    from .services.common import clean_subject_code

    code, kind = clean_subject_code(payload.code)
    return svc.credit_lookup(
        jurisdiction_id=_jid(request),
        subjects=[{"role": "subject", "name": payload.name, "kind": kind, "code": code}],
    )


@router.get(
    "/cases/{int:record_id}/checks",
    response={200: list[CreditCheckOut], **DETAIL},
    summary="办件受理信用核查记录",
)
def case_checks(request, record_id: int):
    """The look-ups of a case (whoever may see the case)."""
    from shenguan.linkage.selectors import record_get

    rec = record_get(user=request.auth, pk=record_id)
    return list(sel.checks_for_record(user=request.auth, record=rec)[:50])


@router.post(
    "/cases/{int:record_id}/checks",
    response={201: CreditCheckOut, **WRITE},
    summary="补查办件信用",
)
def case_recheck(request, record_id: int):
    """Look a registered (not yet completed) case up again."""
    from shenguan.linkage.selectors import record_get

    rec = record_get(user=request.auth, pk=record_id)
    return Status(201, svc.credit_check_record(actor=request.auth, record=rec))


@router.get("/records", response={200: Page[CreditRecordOut], **READ}, summary="双公示信用信息")
def record_list(request, filters: Query[CreditRecordFilters], page: Query[PageParams]):
    return paginate(sel.record_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/records/export",
    response={200: None, **error_responses(400, 403)},
    summary="导出双公示信息（国家标准列顺序，xlsx 或 csv）",
    openapi_extra={
        "responses": {
            200: {
                "description": "双公示文件",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def record_export(request, kind: str = "licence", format: str = "xlsx"):
    if kind not in ("licence", "penalty"):
        raise ValidationFailed("bad_kind", "类别须为 licence 或 penalty", "kind")
    if format not in ("xlsx", "csv"):
        raise ValidationFailed("bad_format", "格式须为 xlsx 或 csv", "format")
    qs = sel.record_list(user=request.auth, filters={"kind": kind})
    content, ctype, name = export_bytes(kind, qs, format)
    return file_response(content, ctype, name)


@router.get(
    "/records/{int:record_id}", response={200: CreditRecordOut, **DETAIL}, summary="双公示信息详情"
)
def record_detail(request, record_id: int):
    return sel.record_get(user=request.auth, pk=record_id)


@router.post(
    "/records/{int:record_id}/resend",
    response={200: CreditRecordOut, **WRITE},
    summary="重新校验并推送",
)
def record_resend(request, record_id: int):
    r = sel.record_get(user=request.auth, pk=record_id)
    return svc.credit_record_resend(actor=request.auth, record=r)


@router.get("/warnings", response={200: Page[CreditWarningOut], **READ}, summary="警示信息库")
def warning_list(request, filters: Query[CreditWarningFilters], page: Query[PageParams]):
    return paginate(sel.warning_list(user=request.auth, filters=filters.dict()), page)


@router.post("/warnings", response={201: CreditWarningOut, **WRITE}, summary="登记警示信息")
def warning_create(request, payload: CreditWarningIn):
    if not request.auth.can(Perm.CREDIT_MANAGE):
        raise PermissionDenied("forbidden", "无权登记警示信息")
    w = svc.warning_create(actor=request.auth, jurisdiction_id=_jid(request), **payload.dict())
    return Status(201, w)


@router.get(
    "/warnings/{int:entry_id}", response={200: CreditWarningOut, **DETAIL}, summary="警示信息详情"
)
def warning_detail(request, entry_id: int):
    return sel.warning_get(user=request.auth, pk=entry_id)


@router.post(
    "/warnings/{int:entry_id}/repair",
    response={200: CreditWarningOut, **WRITE},
    summary="信用修复（移出警示信息库）",
)
def warning_repair(request, entry_id: int, payload: CreditRepairIn):
    w = sel.warning_get(user=request.auth, pk=entry_id)
    return svc.warning_repair(
        actor=request.auth, entry=w, decision=payload.decision, reason=payload.reason
    )


@router.get(
    "/list-entries", response={200: Page[CreditListEntryOut], **READ}, summary="联合惩戒名单"
)
def list_entries(request, filters: Query[CreditListEntryFilters], page: Query[PageParams]):
    return paginate(sel.list_entries(user=request.auth, filters=filters.dict()), page)


@router.post(
    "/list-entries/import",
    response={200: CreditImportOut, 201: CreditImportOut, **WRITE},
    summary="导入联合惩戒名单（xlsx/csv；先预检，全部通过才写入）",
)
def list_import(
    request,
    file: Annotated[UploadedFile, File(description="xlsx 或 csv 文件")],
    dry_run: Annotated[bool, Form(description="只预检，不写入")] = True,
):
    if not request.auth.can(Perm.CREDIT_MANAGE):
        raise PermissionDenied("forbidden", "无权导入联合惩戒名单")
    if file.size is not None and file.size > MAX_UPLOAD:
        raise ValidationFailed("file_too_large", "文件过大：不得超过 20 MB", "file")
    out = svc.list_import(
        actor=request.auth,
        jurisdiction_id=_jid(request),
        fileobj=file,
        filename=file.name or "",
        dry_run=dry_run,
    )
    return Status(200 if dry_run else 201, out)


@router.get(
    "/commitments", response={200: Page[CreditCommitmentOut], **READ}, summary="告知承诺核查任务"
)
def commitment_list(request, filters: Query[CreditCommitmentFilters], page: Query[PageParams]):
    return paginate(sel.commitment_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/commitments/{int:task_id}",
    response={200: CreditCommitmentOut, **DETAIL},
    summary="告知承诺核查任务详情",
)
def commitment_detail(request, task_id: int):
    return sel.commitment_get(user=request.auth, pk=task_id)


@router.post(
    "/commitments/{int:task_id}/verify",
    response={200: CreditCommitmentOut, **WRITE},
    summary="记录告知承诺核查结果",
)
def commitment_verify(request, task_id: int, payload: CreditVerifyIn):
    t = sel.commitment_get(user=request.auth, pk=task_id)
    return svc.commitment_verify(
        actor=request.auth, task=t, kept=payload.kept, evidence=payload.evidence
    )


@router.post(
    "/overrides", response={201: CreditOverrideOut, **WRITE}, summary="批准失信主体例外受理"
)
def override_grant(request, payload: CreditOverrideIn):
    o = svc.credit_override_grant(
        actor=request.auth, jurisdiction_id=_jid(request), **payload.dict()
    )
    return Status(201, o)
