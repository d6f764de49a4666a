"""HTTP API of the review app (审批过程审管互动接口): the technical-step table, opinion requests,
their written opinions and waivers — scoped like the pages."""

from __future__ import annotations

from typing import Annotated

from ninja import File, Form, Query, Router, Status, UploadedFile

from shenguan.catalog import selectors as catalog_sel
from shenguan.core.api_errors import error_responses
from shenguan.core.errors import ErrorList, ValidationFailed
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.linkage import selectors as lk_sel
from shenguan.org.models import Department

from . import selectors as sel
from . import services as svc
from .schemas import (
    ReviewAnswerIn,
    ReviewCertificateFilters,
    ReviewCertificateOut,
    ReviewConflictIn,
    ReviewDrawFilters,
    ReviewDrawIn,
    ReviewDrawOut,
    ReviewExpertDetail,
    ReviewExpertFilters,
    ReviewExpertIn,
    ReviewExpertOut,
    ReviewImportErrorOut,
    ReviewImportOut,
    ReviewIssueIn,
    ReviewMeetingFilters,
    ReviewMeetingIn,
    ReviewMeetingOut,
    ReviewMeetingRecordIn,
    ReviewMessageIn,
    ReviewNoticeAnswerIn,
    ReviewNoticeFilters,
    ReviewNoticeIn,
    ReviewNoticeOut,
    ReviewOpinionIn,
    ReviewReplayOut,
    ReviewRequestFilters,
    ReviewRequestIn,
    ReviewRequestOut,
    ReviewRespondIn,
    ReviewStepFilters,
    ReviewStepIn,
    ReviewStepOut,
    ReviewWaiveIn,
)

router = Router(tags=["review"])

READ = error_responses()
DETAIL = error_responses(404)
WRITE = error_responses(400, 403, 404, 409)


@router.get("/steps", response={200: Page[ReviewStepOut], **READ}, summary="技术性环节清单")
def step_list(request, filters: Query[ReviewStepFilters], page: Query[PageParams]):
    """The technical-step table (004 三(三)4), all versions unless `current`."""
    return paginate(sel.step_list(user=request.auth, filters=filters.dict()), page)


@router.get("/steps/{int:step_id}", response={200: ReviewStepOut, **DETAIL}, summary="技术性环节")
def step_detail(request, step_id: int):
    return sel.step_get(user=request.auth, pk=step_id)


@router.post("/steps", response={201: ReviewStepOut, **WRITE}, summary="新增技术性环节版本")
def step_create(request, payload: ReviewStepIn):
    """A new version of an item's step; the one in force before it ends when it starts."""
    item = catalog_sel.item_get(user=request.auth, pk=payload.item_id)
    dept = Department.objects.filter(
        pk=payload.department_id, jurisdiction_id=item.jurisdiction_id
    ).first()
    if dept is None:
        raise ValidationFailed("bad_department", "实施部门须为本辖区部门", "department_id")
    s = svc.step_create(
        actor=request.auth,
        item=item,
        step_kind=payload.step_kind,
        performer=payload.performer,
        department=dept,
        procedure=payload.procedure,
        time_limit_days=payload.time_limit_days,
        valid_from=payload.valid_from,
        basis=payload.basis,
    )
    return Status(201, sel.step_get(user=request.auth, pk=s.pk))


@router.post(
    "/steps/import",
    response={200: ReviewImportOut, **error_responses(400, 403), 422: ReviewImportErrorOut},
    summary="导入技术性环节清单",
)
def steps_import(
    request,
    file: Annotated[UploadedFile, File(description="xlsx 或 csv 文件")],
    dry_run: Annotated[bool, Form(description="试运行：只校验不写入")] = True,
):
    """xlsx or csv with the columns 事项编码, 技术环节, 实施主体, 实施部门, 实施程序,
    办理时限（工作日）, 依据, 生效日期; a dry run (default) checks every row and writes nothing;
    any problem lists every row's problems and writes nothing."""
    if file.size is not None and file.size > 5 * 1024 * 1024:
        raise ValidationFailed("file_too_large", "文件过大：不得超过 5 MB", "file")
    if request.auth.department_id is None:
        raise ValidationFailed("no_department", "须为部门用户", "file")
    try:
        return svc.steps_import(
            actor=request.auth, fileobj=file, filename=file.name or "", dry_run=dry_run
        )
    except ErrorList as exc:
        return Status(422, exc.as_dict())


@router.get("/requests", response={200: Page[ReviewRequestOut], **READ}, summary="技术审查函列表")
def request_list(request, filters: Query[ReviewRequestFilters], page: Query[PageParams]):
    """Requests the caller may see: the bureau that asked, the department asked, oversight."""
    return paginate(sel.request_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/requests/{int:request_id}", response={200: ReviewRequestOut, **DETAIL}, summary="技术审查函"
)
def request_detail(request, request_id: int):
    return sel.request_get(user=request.auth, pk=request_id)


@router.post("/requests", response={201: ReviewRequestOut, **WRITE}, summary="发出技术审查函")
def request_create(request, payload: ReviewRequestIn):
    """The bureau asks for a technical step of an accepted case (000 §18); the request is pushed
    and the case's time limit is suspended until the written opinion arrives."""
    record = lk_sel.record_get(user=request.auth, pk=payload.record_id)
    r = svc.opinion_request(
        actor=request.auth, record=record, step_kind=payload.step_kind, question=payload.question
    )
    return Status(201, sel.request_get(user=request.auth, pk=r.pk))


@router.post(
    "/requests/{int:request_id}/answer",
    response={200: ReviewRequestOut, **WRITE},
    summary="书面答复技术审查函",
)
def request_answer(request, request_id: int, payload: ReviewAnswerIn):
    """The regulator's written opinion; it is pushed back to the bureau."""
    r = sel.request_get(user=request.auth, pk=request_id)
    svc.opinion_answer(
        actor=request.auth,
        request=r,
        conclusion=payload.conclusion,
        reasons=payload.reasons,
        performers=payload.performers,
        signing_leader=payload.signing_leader,
        opinion_date=payload.opinion_date,
        attachments=[a.dict() for a in payload.attachments],
    )
    return sel.request_get(user=request.auth, pk=request_id)


@router.post(
    "/requests/{int:request_id}/waive",
    response={200: ReviewRequestOut, **WRITE},
    summary="登记未等待答复的理由",
)
def request_waive(request, request_id: int, payload: ReviewWaiveIn):
    """The bureau decides without the opinion and records why."""
    r = sel.request_get(user=request.auth, pk=request_id)
    svc.opinion_waive(actor=request.auth, request=r, reason=payload.reason)
    return sel.request_get(user=request.auth, pk=request_id)


# --- the expert pool and draws -----------------------------------------------------------------


@router.get("/experts", response={200: Page[ReviewExpertOut], **READ}, summary="评审专家库")
def expert_list(request, filters: Query[ReviewExpertFilters], page: Query[PageParams]):
    """The city-and-county expert pool (002 §14); phones masked."""
    return paginate(sel.expert_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/experts/{int:expert_id}", response={200: ReviewExpertDetail, **DETAIL}, summary="评审专家"
)
def expert_detail(request, expert_id: int):
    """One expert with the history of the entry."""
    return sel.expert_get(user=request.auth, pk=expert_id)


@router.post("/experts", response={201: ReviewExpertDetail, **WRITE}, summary="新增评审专家")
def expert_create(request, payload: ReviewExpertIn):
    """The bureau or a regulator adds an expert to the pool of its jurisdiction."""
    actor = request.auth
    if actor.department_id is None:
        raise ValidationFailed("no_department", "须为部门用户", "department")
    e = svc.expert_create(
        actor=actor,
        jurisdiction_id=actor.department.jurisdiction_id,
        department_id=actor.department_id,
        data=payload.dict(exclude_none=True),
    )
    return Status(201, sel.expert_get(user=actor, pk=e.pk))


@router.post(
    "/experts/{int:expert_id}", response={200: ReviewExpertDetail, **WRITE}, summary="修改评审专家"
)
def expert_update(request, expert_id: int, payload: ReviewExpertIn):
    """Change the fields given (availability, review date, specialities …)."""
    e = sel.expert_get(user=request.auth, pk=expert_id)
    svc.expert_update(actor=request.auth, expert=e, data=payload.dict(exclude_none=True))
    return sel.expert_get(user=request.auth, pk=expert_id)


@router.post(
    "/experts/{int:expert_id}/conflicts",
    response={200: ReviewExpertDetail, **WRITE},
    summary="登记利益冲突申报",
)
def expert_conflict(request, expert_id: int, payload: ReviewConflictIn):
    e = sel.expert_get(user=request.auth, pk=expert_id)
    svc.expert_conflict_declare(actor=request.auth, expert=e, **payload.dict())
    return sel.expert_get(user=request.auth, pk=expert_id)


@router.get("/draws", response={200: Page[ReviewDrawOut], **READ}, summary="专家抽取记录")
def draw_list(request, filters: Query[ReviewDrawFilters], page: Query[PageParams]):
    return paginate(sel.draw_list(user=request.auth, filters=filters.dict()), page)


@router.get("/draws/{int:draw_id}", response={200: ReviewDrawOut, **DETAIL}, summary="专家抽取")
def draw_detail(request, draw_id: int):
    return sel.draw_get(user=request.auth, pk=draw_id)


@router.post("/draws", response={201: ReviewDrawOut, **WRITE}, summary="随机抽取专家")
def draw_create(request, payload: ReviewDrawIn):
    """Draw experts for a case (the bureau) or for a technical opinion request (the department
    asked); the seed, candidates and exclusions are recorded for replay."""
    record = lk_sel.record_get(user=request.auth, pk=payload.record_id)
    req = (
        sel.request_get(user=request.auth, pk=payload.opinion_request_id)
        if payload.opinion_request_id
        else None
    )
    d = svc.draw_create(
        actor=request.auth,
        record=record,
        needs=payload.needs,
        purpose=payload.purpose,
        related_usccs=payload.related_usccs,
        opinion_request=req,
    )
    return Status(201, sel.draw_get(user=request.auth, pk=d.pk))


@router.post(
    "/draws/{int:draw_id}/members/{int:member_id}/respond",
    response={200: ReviewDrawOut, **WRITE},
    summary="登记专家是否参加",
)
def draw_respond(request, draw_id: int, member_id: int, payload: ReviewRespondIn):
    """A decline draws a replacement from the remaining candidates."""
    d = sel.draw_get(user=request.auth, pk=draw_id)
    m = sel.member_get(draw=d, pk=member_id)
    svc.draw_respond(actor=request.auth, member=m, accept=payload.accept, reason=payload.reason)
    return sel.draw_get(user=request.auth, pk=draw_id)


@router.post(
    "/draws/{int:draw_id}/members/{int:member_id}/opinion",
    response={200: ReviewDrawOut, **WRITE},
    summary="登记专家意见",
)
def draw_opinion(request, draw_id: int, member_id: int, payload: ReviewOpinionIn):
    d = sel.draw_get(user=request.auth, pk=draw_id)
    m = sel.member_get(draw=d, pk=member_id)
    svc.draw_opinion(actor=request.auth, member=m, opinion=payload.opinion)
    return sel.draw_get(user=request.auth, pk=draw_id)


@router.get(
    "/draws/{int:draw_id}/replay",
    response={200: ReviewReplayOut, **error_responses(403, 404)},
    summary="复核抽取过程",
)
def draw_replay(request, draw_id: int):
    """Recompute the draw from its seed and candidates (audit administrator, oversight)."""
    d = sel.draw_get(user=request.auth, pk=draw_id)
    return svc.draw_replay(actor=request.auth, draw=d)


# --- certificates issued by regulators ---------------------------------------------------------


@router.get(
    "/certificates", response={200: Page[ReviewCertificateOut], **READ}, summary="配发证照任务"
)
def certificate_list(request, filters: Query[ReviewCertificateFilters], page: Query[PageParams]):
    """Tasks of the issuing regulator and of the bureau; oversight reads them all."""
    return paginate(sel.certificate_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/certificates/{int:task_id}",
    response={200: ReviewCertificateOut, **DETAIL},
    summary="配发证照任务详情",
)
def certificate_detail(request, task_id: int):
    return sel.certificate_get(user=request.auth, pk=task_id)


@router.post(
    "/certificates/{int:task_id}/issue",
    response={200: ReviewCertificateOut, **WRITE},
    summary="登记发证",
)
def certificate_issue(request, task_id: int, payload: ReviewIssueIn):
    """The regulator records the certificate; the licence register takes its number."""
    t = sel.certificate_get(user=request.auth, pk=task_id)
    svc.certificate_issue(
        actor=request.auth, task=t, number=payload.certificate_number, issued_on=payload.issued_on
    )
    return sel.certificate_get(user=request.auth, pk=task_id)


@router.post(
    "/certificates/{int:task_id}/messages",
    response={200: ReviewCertificateOut, **WRITE},
    summary="提出异议或协调",
)
def certificate_message(request, task_id: int, payload: ReviewMessageIn):
    """Disagreement with the approval result opens a coordination thread (never silence)."""
    t = sel.certificate_get(user=request.auth, pk=task_id)
    svc.certificate_message(
        actor=request.auth, task=t, text=payload.text, resolves=payload.resolves
    )
    return sel.certificate_get(user=request.auth, pk=task_id)


# --- public notices --------------------------------------------------------------------------


@router.get("/notices", response={200: Page[ReviewNoticeOut], **READ}, summary="审批公示")
def notice_list(request, filters: Query[ReviewNoticeFilters], page: Query[PageParams]):
    """Notices of the caller's bureau or asking the caller's department; oversight all."""
    return paginate(sel.notice_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/notices/{int:notice_id}", response={200: ReviewNoticeOut, **DETAIL}, summary="审批公示详情"
)
def notice_detail(request, notice_id: int):
    return sel.notice_get(user=request.auth, pk=notice_id)


@router.post("/notices", response={201: ReviewNoticeOut, **WRITE}, summary="发布审批公示")
def notice_publish(request, payload: ReviewNoticeIn):
    """Publish a notice of a case whose item is flagged for public notice (000 §19)."""
    record = lk_sel.record_get(user=request.auth, pk=payload.record_id)
    regs = list(
        Department.objects.filter(
            pk__in=payload.regulator_ids, jurisdiction_id=record.jurisdiction_id
        )
    )
    if len(regs) != len(set(payload.regulator_ids)):
        raise ValidationFailed("bad_regulator", "监管部门须为本辖区部门", "regulator_ids")
    n = svc.notice_publish(
        actor=request.auth,
        record=record,
        title=payload.title,
        content=payload.content,
        period_unit=payload.period_unit,
        period_days=payload.period_days,
        regulators=regs,
        starts_on=payload.starts_on,
    )
    return Status(201, sel.notice_get(user=request.auth, pk=n.pk))


@router.post(
    "/notices/{int:notice_id}/answer",
    response={200: ReviewNoticeOut, **WRITE},
    summary="书面答复审批公示",
)
def notice_answer(request, notice_id: int, payload: ReviewNoticeAnswerIn):
    n = sel.notice_get(user=request.auth, pk=notice_id)
    svc.notice_answer(actor=request.auth, notice=n, objection=payload.objection, text=payload.text)
    return sel.notice_get(user=request.auth, pk=notice_id)


@router.post(
    "/notices/{int:notice_id}/close", response={200: ReviewNoticeOut, **WRITE}, summary="结束公示"
)
def notice_close(request, notice_id: int):
    """After the period: every regulator that did not answer is deemed to have no objection."""
    n = sel.notice_get(user=request.auth, pk=notice_id)
    svc.notice_close(actor=request.auth, notice=n)
    return sel.notice_get(user=request.auth, pk=notice_id)


# --- joint review meetings ---------------------------------------------------------------------


@router.get("/meetings", response={200: Page[ReviewMeetingOut], **READ}, summary="联审会")
def meeting_list(request, filters: Query[ReviewMeetingFilters], page: Query[PageParams]):
    return paginate(sel.meeting_list(user=request.auth, filters=filters.dict()), page)


@router.get(
    "/meetings/{int:meeting_id}", response={200: ReviewMeetingOut, **DETAIL}, summary="联审会详情"
)
def meeting_detail(request, meeting_id: int):
    return sel.meeting_get(user=request.auth, pk=meeting_id)


@router.post("/meetings", response={201: ReviewMeetingOut, **WRITE}, summary="召集联审会")
def meeting_convene(request, payload: ReviewMeetingIn):
    """Convene a meeting of the bureau's cases; each invited department gets a push."""
    records = [
        lk_sel.record_get(user=request.auth, pk=i) for i in dict.fromkeys(payload.record_ids)
    ]
    depts = list(
        Department.objects.filter(
            pk__in=payload.department_ids, jurisdiction_id=records[0].jurisdiction_id
        )
    )
    if len(depts) != len(set(payload.department_ids)):
        raise ValidationFailed("bad_department", "参会部门须为本辖区部门", "department_ids")
    draw = sel.draw_get(user=request.auth, pk=payload.draw_id) if payload.draw_id else None
    m = svc.meeting_convene(
        actor=request.auth,
        records=records,
        title=payload.title,
        held_at=payload.held_at,
        agenda=payload.agenda,
        departments=depts,
        place=payload.place,
        video_link=payload.video_link,
        draw=draw,
    )
    return Status(201, sel.meeting_get(user=request.auth, pk=m.pk))


@router.post(
    "/meetings/{int:meeting_id}/record",
    response={200: ReviewMeetingOut, **WRITE},
    summary="登记会议纪要",
)
def meeting_record(request, meeting_id: int, payload: ReviewMeetingRecordIn):
    """Attendance and opinions per department, a conclusion per case, and the minutes."""
    m = sel.meeting_get(user=request.auth, pk=meeting_id)
    svc.meeting_record(
        actor=request.auth,
        meeting=m,
        minutes=payload.minutes,
        attendance=payload.attendance,
        opinions=payload.opinions,
        conclusions=payload.conclusions,
    )
    return sel.meeting_get(user=request.auth, pk=meeting_id)
