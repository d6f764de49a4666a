"""API of handover memoranda (交接备忘录)."""

from __future__ import annotations

from ninja import Query, Status

from shenguan.core.pagination import Page, PageParams, paginate

from .. import selectors, services
from ..schemas import (
    MemoAmendIn,
    MemoDetail,
    MemoFilters,
    MemoIn,
    MemoOut,
    MemoPatch,
    MemoSignIn,
)
from .common import DETAIL, READ, WRITE, _present, router


@router.get("/memos", response={200: Page[MemoOut], **READ}, summary="审管衔接备忘录列表")
def memo_list(request, filters: Query[MemoFilters], page: Query[PageParams]):
    """Memos the caller's department is party to (oversight roles: all)."""
    return paginate(selectors.memo_list(user=request.auth, filters=filters.dict()), page)


@router.get("/memos/{int:memo_id}", response={200: MemoDetail, **DETAIL}, summary="备忘录详情")
def memo_detail(request, memo_id: int):
    """One memo with its items and amendments."""
    return selectors.memo_get(user=request.auth, pk=memo_id)


def _memo_content(data: dict) -> dict:
    out = _present(
        {
            k: data.get(k)
            for k in (
                "number",
                "title",
                "duty_boundary",
                "feedback_arrangement",
                "technical_support",
                "from_signatory",
                "from_signatory_title",
                "to_signatory",
                "to_signatory_title",
            )
        }
    )
    if data.get("checklist") is not None:
        out["checklist"] = data["checklist"]
    return out


@router.post("/memos", response={201: MemoDetail, **WRITE}, summary="起草审管衔接备忘录")
def memo_create(request, payload: MemoIn):
    """Draft a memo for items of one original department (related items included)."""
    data = payload.dict()
    memo = services.memo_create(
        actor=request.auth,
        from_department=data["from_department_id"],
        to_department=data["to_department_id"],
        items=data["item_ids"],
        include_related=data["include_related"],
        exclude_related=data["exclude_related"],
        **_memo_content(data),
    )
    return Status(201, selectors.memo_get(user=request.auth, pk=memo.pk))


@router.patch("/memos/{int:memo_id}", response={200: MemoDetail, **WRITE}, summary="修改备忘录草稿")
def memo_update(request, memo_id: int, payload: MemoPatch):
    """Edit a draft memo."""
    memo = selectors.memo_get(user=request.auth, pk=memo_id)
    data = payload.dict()
    services.memo_update(
        actor=request.auth,
        memo=memo,
        items=data["item_ids"],
        include_related=data["include_related"],
        exclude_related=data["exclude_related"],
        **_memo_content(data),
    )
    return selectors.memo_get(user=request.auth, pk=memo_id)


@router.post(
    "/memos/{int:memo_id}/sign",
    response={200: MemoDetail, **WRITE},
    summary="登记备忘录签订（自签订之日起由审批局办理）",
)
def memo_sign(request, memo_id: int, payload: MemoSignIn):
    """Record the signing; both departments are notified."""
    memo = selectors.memo_get(user=request.auth, pk=memo_id)
    services.memo_sign(actor=request.auth, memo=memo, **payload.dict())
    return selectors.memo_get(user=request.auth, pk=memo_id)


@router.post(
    "/memos/{int:memo_id}/amendments", response={201: MemoDetail, **WRITE}, summary="修订备忘录"
)
def memo_amend(request, memo_id: int, payload: MemoAmendIn):
    """Amend a signed memo; the previous text is kept."""
    memo = selectors.memo_get(user=request.auth, pk=memo_id)
    data = payload.dict()
    services.memo_amend(
        actor=request.auth,
        memo=memo,
        signed_on=data["signed_on"],
        reason=data["reason"],
        add_items=data["add_item_ids"],
        include_related=data["include_related"],
        exclude_related=data["exclude_related"],
        **_memo_content(data),
    )
    return Status(201, selectors.memo_get(user=request.auth, pk=memo_id))
