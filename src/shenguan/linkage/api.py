"""HTTP API of the linkage app (审管联动接口, 002 §18): the province's approval system posts
records (with `Idempotency-Key`); regulators' own systems list, claim and send feedback; every
push, claim, feedback and disposal is also an outbox event for subscribed webhooks.

Handlers are thin: reads through selectors (another department's object answers 404), writes
through services (403 without the right, 409 on a state conflict, 422 on bad input).
"""

from __future__ import annotations

from typing import Annotated

from django.db import transaction
from ninja import File, Form, Query, Router, Status, UploadedFile

from shenguan.audit.services import audit_record
from shenguan.core.api_errors import error_responses
from shenguan.core.errors import ErrorList, PermissionDenied, ValidationFailed
from shenguan.core.masking import can_unmask
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.org.roles import Perm

from . import selectors as sel
from . import services as svc
from .importer import records_import
from .models import Material
from .schemas import (
    BulkClaimIn,
    BulkClaimOut,
    CompletedOut,
    DisposalIn,
    DisposalOut,
    FeedbackFilters,
    FeedbackIn,
    FeedbackOut,
    LicenceDetail,
    LicenceFilters,
    LicenceOut,
    LicenceVerifyOut,
    LinkageNoticeFilters,
    LinkageNoticeIn,
    LinkageNoticeOut,
    MaterialOut,
    PushDetail,
    PushFilters,
    PushOut,
    RecordFilters,
    RecordImportErrorOut,
    RecordImportOut,
    RecordIn,
    RecordOut,
    ReplyIn,
    RouteIn,
    SummaryOut,
    SuspensionEndIn,
    SuspensionIn,
    SuspensionOut,
    TransitionIn,
)

router = Router(tags=["linkage"])

READ = error_responses()
DETAIL = error_responses(404)
WRITE = error_responses(400, 403, 404, 409)
MAX_UPLOAD = 20 * 1024 * 1024


def _unmask(request, unmask: bool, obj) -> None:
    """Show personal data in full for this request: only with the right, and audited."""
    if not unmask:
        return
    if not can_unmask(request.auth):
        raise PermissionDenied("forbidden_unmask", "无权查看完整的个人信息", "unmask")
    with transaction.atomic():
        audit_record(
            actor=request.auth,
            action="personal.unmask",
            obj=obj,
            after={"fields": ["id_number", "phone"]},
        )
    request.sg_unmask = True


# --- pushes ------------------------------------------------------------------------------------


@router.get("/pushes", response={200: Page[PushOut], **READ}, summary="审管推送收件箱")
def push_list(request, filters: Query[PushFilters], page: Query[PageParams]):
    """Pushes addressed to or sent by the caller's department, by box and filters: to claim
    (most urgent first), claimed, auto-claimed on timeout, sent, or all."""
    f = filters.dict()
    box = f.pop("box")
    qs = sel.push_list(user=request.auth, box=box, filters=f)
    return paginate(qs, page)


@router.get(
    "/pushes/{int:push_id}",
    response={200: PushDetail, **DETAIL},
    summary="推送详情（含内容与时间线）",
)
def push_detail(request, push_id: int, unmask: bool = False):
    """One push with its frozen content, the working days left and the whole timeline."""
    p = sel.push_get(user=request.auth, pk=push_id)
    _unmask(request, unmask, p)
    c = sel.countdown(p)
    p.working_days_left = c["days"]
    p.overdue = c["overdue"]
    p.timeline = sel.push_timeline(user=request.auth, push=p)
    return p


@router.post("/pushes/{int:push_id}/claim", response={200: PushOut, **WRITE}, summary="认领推送")
def push_claim(request, push_id: int):
    """Claim a push addressed to the caller's department; a second claim answers 409."""
    p = sel.push_get(user=request.auth, pk=push_id)
    svc.push_claim(actor=request.auth, push=p)
    return sel.push_get(user=request.auth, pk=push_id)


@router.post("/pushes/claim", response={200: BulkClaimOut, **WRITE}, summary="批量认领")
def push_claim_bulk(request, payload: BulkClaimIn):
    """Claim several pushes at once; those already claimed or not addressed to the caller's
    department are listed as skipped."""
    return svc.push_claim_bulk(actor=request.auth, push_ids=payload.ids)


@router.get("/summary", response={200: SummaryOut, **READ}, summary="待办统计")
def summary(request):
    """Live counts of the caller's department: to claim, overdue, feedback pending…"""
    return sel.inbox_counts(user=request.auth)


# --- records -----------------------------------------------------------------------------------


def _record_data(payload: RecordIn, actor) -> dict:
    from shenguan.catalog.models import LicensingItem

    data = payload.dict()
    data.pop("complete", None)
    item_id, code = data.pop("item_id"), data.pop("item_code")
    if item_id is None:
        if not code:
            raise ValidationFailed("required", "请指定审批事项（item_id 或 item_code）", "item_id")
        item = (
            LicensingItem.objects.filter(jurisdiction_id=actor.jurisdiction_id, code=code.strip())
            .values_list("pk", flat=True)
            .first()
        )
        if item is None:
            raise ValidationFailed("bad_item", f"审批事项编码“{code[:64]}”不存在", "item_code")
        item_id = item
    data["item"] = item_id
    return data


@router.get("/records", response={200: Page[RecordOut], **READ}, summary="办件列表")
def record_list(request, filters: Query[RecordFilters], page: Query[PageParams]):
    """Records of the caller's department, or pushed to it; oversight reads them all."""
    return paginate(sel.record_list(user=request.auth, filters=filters.dict()), page)


@router.post("/records", response={201: RecordOut, **WRITE}, summary="登记办件（可同时办结推送）")
def record_create(request, payload: RecordIn):
    """Register an approval record; with `complete` it is completed and pushed in the same
    transaction. Send an `Idempotency-Key` so that a retry does not register it twice."""
    if not request.auth.can(Perm.APPROVAL_RECORD):  # before the body is looked at
        raise PermissionDenied("forbidden", "无权登记办件")
    rec = svc.record_create(
        actor=request.auth,
        data=_record_data(payload, request.auth),
        source="api" if getattr(request.auth, "kind", "") == "token" else "ui",
        complete=payload.complete,
    )
    return Status(201, sel.record_get(user=request.auth, pk=rec.pk))


@router.get("/records/{int:record_id}", response={200: RecordOut, **DETAIL}, summary="办件详情")
def record_detail(request, record_id: int, unmask: bool = False):
    """One record (ID number and phone masked unless `unmask` by a holder of the right)."""
    rec = sel.record_get(user=request.auth, pk=record_id)
    _unmask(request, unmask, rec)
    return rec


@router.get(
    "/records/{int:record_id}/suspensions",
    response={200: list[SuspensionOut], **DETAIL},
    summary="办件的审批时限中止",
)
def suspension_list(request, record_id: int):
    """Periods that do not count in the case's approval time limit (行政许可法第四十五条)."""
    rec = sel.record_get(user=request.auth, pk=record_id)
    return list(sel.suspension_list(user=request.auth, record=rec))


@router.post(
    "/records/{int:record_id}/suspensions",
    response={201: SuspensionOut, **WRITE},
    summary="登记审批时限中止",
)
def suspension_create(request, record_id: int, payload: SuspensionIn):
    """Stop the case's approval clock (hearing, expert review, inspection, testing …)."""
    rec = sel.record_get(user=request.auth, pk=record_id)
    s = svc.suspension_start(actor=request.auth, record=rec, **payload.dict())
    return Status(201, s)


@router.post(
    "/suspensions/{int:suspension_id}/end",
    response={200: SuspensionOut, **WRITE},
    summary="结束审批时限中止",
)
def suspension_end(request, suspension_id: int, payload: SuspensionEndIn):
    """Restart the case's approval clock."""
    s = sel.suspension_get(user=request.auth, pk=suspension_id)
    return svc.suspension_end(actor=request.auth, suspension=s, ended_on=payload.ended_on)


@router.post(
    "/records/{int:record_id}/complete",
    response={200: CompletedOut, **WRITE},
    summary="办结并推送",
)
def record_complete(request, record_id: int):
    """Complete a record: one push per regulator of the linkage list, or a supervision gap."""
    rec = sel.record_get(user=request.auth, pk=record_id)
    pushes = svc.record_complete(actor=request.auth, record=rec)
    rec = sel.record_get(user=request.auth, pk=record_id)
    return {
        "record": rec,
        "push_ids": [p.pk for p in pushes],
        "supervision_gap": rec.supervision_gap,
    }


@router.post(
    "/records/{int:record_id}/route", response={201: PushOut, **WRITE}, summary="监管空白人工指定"
)
def record_route(request, record_id: int, payload: RouteIn):
    """Push a supervision-gap record to a regulator chosen by hand (audited)."""
    rec = sel.record_get(user=request.auth, pk=record_id)
    p = svc.record_route_manually(
        actor=request.auth,
        record=rec,
        regulator=payload.regulator_id,
        division=payload.division_id,
        note=payload.note,
    )
    return Status(201, sel.push_get(user=request.auth, pk=p.pk))


@router.post(
    "/records/{int:record_id}/materials",
    response={201: MaterialOut, **WRITE},
    summary="上传办件材料",
)
def material_upload(
    request,
    record_id: int,
    file: Annotated[UploadedFile, File(description="PDF/OFD/JPG/PNG/DOCX/XLSX，不超过10MB")],
    kind: Annotated[
        str, Form(max_length=20, description="material/key_document/legal_document/result")
    ] = "material",
    name: Annotated[str, Form(max_length=200)] = "",
):
    """Attach a file to a draft record; its sha256 is kept and sent with the push."""
    rec = sel.record_get(user=request.auth, pk=record_id)
    m = svc.material_add(
        actor=request.auth,
        record=rec,
        kind=kind,
        name=name,
        filename=file.name or "",
        fileobj=file,
    )
    return Status(201, Material.objects.get(pk=m.pk))


@router.post(
    "/records/import",
    response={
        200: RecordImportOut,
        201: RecordImportOut,
        **error_responses(400, 403, 409),
        422: RecordImportErrorOut,
    },
    summary="批量导入办件（xlsx/csv，整批校验；dry_run 只校验不写入）",
)
def record_import(
    request,
    file: Annotated[UploadedFile, File(description="xlsx 或 csv 文件")],
    complete: Annotated[bool, Form(description="导入后立即办结并推送")] = False,
    dry_run: Annotated[bool, Form(description="试运行：逐行校验并列出全部问题，不写入")] = False,
):
    """Import records all or nothing; a refusal lists every problem with its row and column."""
    if file.size is not None and file.size > MAX_UPLOAD:
        raise ValidationFailed("file_too_large", "文件过大：不得超过 20 MB", "file")
    try:
        report = records_import(
            actor=request.auth,
            fileobj=file,
            filename=file.name or "",
            complete=complete,
            dry_run=dry_run,
        )
    except ErrorList as exc:
        return Status(422, exc.as_dict())
    return Status(200 if dry_run else 201, report)


# --- licences ----------------------------------------------------------------------------------


@router.get("/licences", response={200: Page[LicenceOut], **READ}, summary="许可证照列表")
def licence_list(request, filters: Query[LicenceFilters], page: Query[PageParams]):
    """Licences issued by the caller's department or concerning records pushed to it."""
    return paginate(sel.licence_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/licences/{int:licence_id}", response={200: LicenceDetail, **DETAIL}, summary="证照详情"
)
def licence_detail(request, licence_id: int):
    """One licence with its dated state history."""
    lic = sel.licence_get(user=request.auth, pk=licence_id)
    lic.history = list(sel.licence_history(user=request.auth, licence=lic))
    return lic


@router.post(
    "/licences/{int:licence_id}/transition",
    response={200: LicenceDetail, **WRITE},
    summary="变更证照状态",
)
def licence_transition(request, licence_id: int, payload: TransitionIn):
    """Change a licence's state by the transition table (a move not in it answers 409)."""
    lic = sel.licence_get(user=request.auth, pk=licence_id)
    svc.licence_transition(actor=request.auth, licence=lic, **payload.dict())
    return licence_detail(request, licence_id)


@router.get(
    "/verify",
    response={200: list[LicenceVerifyOut], **error_responses()},
    auth=None,
    summary="许可证照公开核验（无需认证）",
)
def licence_verify(request, number: str):
    """Public verification by licence number: item, masked holder, state, validity."""
    from shenguan.core.masking import mask_name

    if len(number) > 100:
        raise ValidationFailed("too_long", "证照编号不得超过100个字符", "number")
    from django.conf import settings

    from shenguan.core.errors import RateLimited
    from shenguan.core.ratelimit import over_public_limit

    limit = getattr(settings, "SHENGUAN_VERIFY_RATE_LIMIT_PER_MINUTE", 60)
    left = over_public_limit(request, "verify", per_minute=limit)
    if left is not None:
        err = RateLimited("rate_limited", f"核验请求过于频繁：每分钟不得超过 {limit} 次")
        err.retry_after = left
        raise err
    return [
        {
            "number": lic.number,
            "item": lic.item.name,
            "holder": mask_name(lic.holder_name)
            if lic.holder_kind == "person"
            else lic.holder_name,
            "state": lic.state,
            "state_label": lic.get_state_display(),
            "state_since": lic.state_since,
            "valid_from": lic.valid_from,
            "valid_until": lic.valid_until,
            "issuer": lic.department.name,
            "jurisdiction": lic.jurisdiction.name,
        }
        for lic in sel.licence_verify(number=number)
    ]


# --- feedback ----------------------------------------------------------------------------------


@router.get("/feedback", response={200: Page[FeedbackOut], **READ}, summary="监管信息列表")
def feedback_list(request, filters: Query[FeedbackFilters], page: Query[PageParams]):
    """Feedback the caller's department sent or received."""
    return paginate(
        sel.feedback_list(user=request.auth, filters=filters.dict()).select_related("disposal"),
        page,
    )


@router.post("/feedback", response={201: FeedbackOut, **WRITE}, summary="报送监管信息")
def feedback_create(request, payload: FeedbackIn):
    """Send supervision information to the bureau; the profile's deadline flags late ones, a
    normal result under abnormal-only profiles is recorded without a push, a penalty not yet
    effective under penalty-on-effect profiles is held until it is."""
    actor = request.auth
    record = sel.record_get(user=actor, pk=payload.record_id) if payload.record_id else None
    licence = sel.licence_get(user=actor, pk=payload.licence_id) if payload.licence_id else None
    fb = svc.feedback_create(
        actor=actor,
        kind=payload.kind,
        title=payload.title,
        content=payload.content,
        published_on=payload.published_on,
        effective_on=payload.effective_on,
        abnormal=payload.abnormal,
        document_number=payload.document_number,
        record=record,
        licence=licence,
    )
    return Status(201, sel.feedback_get(user=actor, pk=fb.pk))


@router.get(
    "/feedback/{int:feedback_id}", response={200: FeedbackOut, **DETAIL}, summary="监管信息详情"
)
def feedback_detail(request, feedback_id: int):
    """One feedback."""
    return sel.feedback_get(user=request.auth, pk=feedback_id)


@router.post(
    "/feedback/{int:feedback_id}/disposal",
    response={201: DisposalOut, **WRITE},
    summary="办理吊销/注销处置意见",
)
def feedback_disposal(request, feedback_id: int, payload: DisposalIn):
    """Record the bureau's disposal; the licence changes state and the outcome is pushed back."""
    fb = sel.feedback_get(user=request.auth, pk=feedback_id)
    d = svc.disposal_record(actor=request.auth, feedback=fb, **payload.dict())
    return Status(201, d)


@router.post(
    "/feedback/{int:feedback_id}/reply",
    response={200: FeedbackOut, **WRITE},
    summary="答复纠错建议",
)
def feedback_reply(request, feedback_id: int, payload: ReplyIn):
    """Answer a correction request (corrected / explained); the answer is pushed back."""
    fb = sel.feedback_get(user=request.auth, pk=feedback_id)
    svc.correction_reply(actor=request.auth, feedback=fb, **payload.dict())
    return sel.feedback_get(user=request.auth, pk=feedback_id)


# --- notices -----------------------------------------------------------------------------------


@router.get("/notices", response={200: Page[LinkageNoticeOut], **READ}, summary="通知函告列表")
def notice_list(request, filters: Query[LinkageNoticeFilters], page: Query[PageParams]):
    """Notices the caller's department sent or received."""
    return paginate(sel.notice_list(user=request.auth, filters=filters.dict()), page)


@router.post("/notices", response={201: LinkageNoticeOut, **WRITE}, summary="发送通知函告")
def notice_create(request, payload: LinkageNoticeIn):
    """Send a notice to departments of the jurisdiction; each gets a claimable push."""
    n = svc.notice_create(
        actor=request.auth,
        kind=payload.kind,
        title=payload.title,
        content=payload.content,
        published_on=payload.published_on,
        effective_on=payload.effective_on,
        document_number=payload.document_number,
        addressees=payload.addressee_ids,
    )
    return Status(201, n)


@router.get(
    "/notices/{int:notice_id}", response={200: LinkageNoticeOut, **DETAIL}, summary="通知函告详情"
)
def notice_detail(request, notice_id: int):
    """One notice."""
    return sel.notice_get(user=request.auth, pk=notice_id)
