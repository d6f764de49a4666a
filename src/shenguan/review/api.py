"""HTTP API of the review app (审批过程审管互动接口): the technical-step table, opinion requests,
their written opinions and waivers — scoped like the pages."""

from __future__ import annotations

from ninja import Query, Router, Status

from shenguan.catalog import selectors as catalog_sel
from shenguan.core.api_errors import error_responses
from shenguan.core.errors import ValidationFailed
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.linkage import selectors as lk_sel
from shenguan.org.models import Department

from . import selectors as sel
from . import services as svc
from .schemas import (
    ReviewAnswerIn,
    ReviewRequestFilters,
    ReviewRequestIn,
    ReviewRequestOut,
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
