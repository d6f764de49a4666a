"""Notices to departments (函告)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import PermissionDenied, ValidationFailed
from shenguan.core.i18n import source_choice, source_label
from shenguan.org.models import Department, LiaisonAssignment
from shenguan.org.roles import DepartmentKind, Perm

from .. import validators as v
from ..models import (
    Notice,
    NoticeKind,
    Push,
    PushDirection,
    PushKind,
)
from .common import SYSTEM_NAME, _Ctx, _require, actor_name
from .pushes import _insert_pushes, _new_push


def notice_snapshot(n: Notice) -> dict:
    """What a notice push carries."""
    return {
        "notice": {
            "id": n.pk,
            "kind": n.kind,
            "kind_label": source_choice(NoticeKind, n.kind),
            "title": n.title,
            "content": n.content,
            "document_number": n.document_number,
            "published_on": n.published_on,
            "effective_on": n.effective_on,
            "sender": {"id": n.sender_department_id, "name": n.sender_department.name},
            "change_notice_id": n.change_notice_id,
        }
    }


def _notice_pushes(ctx: _Ctx, n: Notice, addressees: list[Department]) -> list[Push]:
    snap = notice_snapshot(n)
    items = []
    for d in addressees:
        direction = (
            PushDirection.TO_BUREAU
            if d.kind == DepartmentKind.BUREAU
            else PushDirection.TO_REGULATOR
        )
        p = _new_push(
            ctx,
            kind=PushKind.NOTICE,
            direction=direction,
            jurisdiction_id=n.jurisdiction_id,
            sender_id=n.sender_department_id,
            addressee_id=d.pk,
            notice=n,
            item_id=n.change_notice.item_id if n.change_notice_id else None,
            title=f"{source_choice(NoticeKind, n.kind)}：{n.title}",
            subject_date=n.effective_on or n.published_on,
        )
        items.append((p, snap))
    return _insert_pushes(ctx, items)


def notice_create(
    *,
    actor,
    kind: str,
    title: str,
    content: str,
    published_on,
    addressees,
    document_number: str = "",
    effective_on=None,
) -> Notice:
    """Send a notice (通知函告): the bureau to regulators (copies of its documents), a regulator to
    the bureau (law and policy changes, copies, consultations on drafts; 000 §21, 002 §10 §20)."""
    _require(actor, Perm.NOTICE_SEND, "无权发送通知函告")
    if actor is None or actor.department_id is None:
        raise PermissionDenied("forbidden", "只有部门用户可以发送通知函告")
    sender = Department.objects.get(pk=actor.department_id)
    kind = v.clean_choice(kind, NoticeKind, "kind", "函告类型")
    if kind == NoticeKind.ITEM_CHANGE:
        raise ValidationFailed(
            "item_change_from_catalog", "审批事项调整函告请在事项清单中发起", "kind"
        )
    title = v.clean_text(title, "title", "标题", 200, required=True)
    content = v.clean_text(content, "content", "内容", 10000, required=True, multiline=True)
    document_number = v.clean_text(document_number, "document_number", "文号", 100)
    published_on = v.clean_date(published_on, "published_on", "发文日期", required=True)
    effective_on = v.clean_date(effective_on, "effective_on", "生效日期")
    depts = []
    for d in addressees or []:
        if not isinstance(d, Department):
            try:
                d = Department.objects.filter(pk=int(d)).first()
            except (TypeError, ValueError):
                d = None
        if d is None or d.jurisdiction_id != sender.jurisdiction_id or not d.active:
            raise ValidationFailed(
                "bad_addressee", "接收部门须为本行政区划的在用部门", "addressees"
            )
        if d.pk == sender.pk:
            raise ValidationFailed("self_addressee", "接收部门不能是本部门", "addressees")
        if sender.kind == DepartmentKind.BUREAU and d.kind not in (
            DepartmentKind.REGULATOR,
            DepartmentKind.ENFORCEMENT,
        ):
            raise ValidationFailed("bad_addressee", "审批局的函告发往行业主管部门", "addressees")
        if sender.kind != DepartmentKind.BUREAU and d.kind != DepartmentKind.BUREAU:
            raise ValidationFailed("bad_addressee", "监管部门的函告发往行政审批局", "addressees")
        depts.append(d)
    depts = list({d.pk: d for d in depts}.values())
    if not depts:
        raise ValidationFailed("addressees_required", "请选择接收部门", "addressees")
    ctx = _Ctx(at=timezone.now())
    with transaction.atomic():
        n = Notice.objects.create(
            jurisdiction_id=sender.jurisdiction_id,
            kind=kind,
            sender_department=sender,
            title=title,
            content=content,
            document_number=document_number,
            published_on=published_on,
            effective_on=effective_on,
            created_by_name=actor_name(actor),
            created_at=ctx.at,
        )
        pushes = _notice_pushes(ctx, n, depts)
        audit_record(
            actor=actor,
            action="notice.create",
            obj=n,
            after={"kind": kind, "title": title, "push_ids": [p.pk for p in pushes]},
        )
    return n


def notice_from_change(*, change_notice, at: dt.datetime | None = None) -> Notice | None:
    """Turn a catalogue change notice (审批事项调整函告, 002 §20) into a notice with one claimable
    push per addressed regulator; idempotent (None when it was already turned)."""
    from shenguan.catalog.models import ChangeNoticeRecipient

    ctx = _Ctx(at=at or timezone.now())
    cn = change_notice
    recipients = list(
        Department.objects.filter(
            pk__in=ChangeNoticeRecipient.objects.filter(notice_id=cn.pk).values("department_id")
        ).order_by("sort_order", "id")
    )
    item_name = cn.item.name if cn.item_id else ""
    title = f"{source_label(cn, 'kind')}{('：' + item_name) if item_name else ''}"
    # the catalogue already notified the recipients' liaisons of this change in-app (event
    # catalog.change.notice): the push is not notified to them a second time
    ctx.notified = set(
        LiaisonAssignment.objects.filter(
            department_id__in=[d.pk for d in recipients],
            user__isnull=False,
            valid_from__lte=cn.notified_on,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=cn.notified_on))
        .values_list("user_id", flat=True)
    )
    try:
        with transaction.atomic():
            if Notice.objects.filter(change_notice_id=cn.pk).exists():
                return None
            n = Notice.objects.create(
                jurisdiction_id=cn.jurisdiction_id,
                kind=NoticeKind.ITEM_CHANGE,
                sender_department_id=cn.department_id,
                title=title[:200],
                content=cn.summary,
                published_on=cn.notified_on,
                effective_on=cn.effective_on,
                change_notice=cn,
                created_by_name=SYSTEM_NAME,
                created_at=ctx.at,
            )
            pushes = _notice_pushes(ctx, n, recipients)
            audit_record(
                actor=None,
                action="notice.from_change",
                obj=n,
                jurisdiction_id=cn.jurisdiction_id,
                after={"change_notice_id": cn.pk, "push_ids": [p.pk for p in pushes]},
            )
    except IntegrityError:  # another worker turned it meanwhile
        return None
    return n
