"""Public notices before a decision (审批公示, 《乌海市“审管分离”工作制度》第十九条): published on
the public site; the regulators report problems in writing during the period; the public
comments through a rate-limited form; at the end every regulator that did not answer is recorded
as having no objection (逾期视为无异议) as of the moment the period ended — by the bureau closing
the notice, or by the worker's sweep, set-based."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.core import ratelimit
from shenguan.core.errors import Conflict, PermissionDenied, RateLimited, ValidationFailed
from shenguan.core.masking import mask_name
from shenguan.linkage import services as lk
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind, Perm
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..models import NoticeComment, NoticeParty, NoticeState, PartyAnswer, PeriodUnit, PublicNotice
from .common import actor_name, local_date, require, require_department

DEEMED_NAME = "系统（逾期视为无异议）"
COMMENTS_PER_HOUR = 5
_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Free text with resident ID numbers and mobile numbers masked (公示内容脱敏)."""
    return _PHONE.sub(r"\1****\2", _ID.sub(r"\1********\2", text))


def period_end(starts_on: dt.date, unit: str, days: int) -> dt.date:
    """The last day of a period of `days` starting on `starts_on` (which counts): calendar days,
    or working days (a start on a rest day counts from the next working day)."""
    if unit == PeriodUnit.CALENDAR:
        return starts_on + dt.timedelta(days=days - 1)
    return workdays.add_working_days(starts_on, days - 1).date


def deemed_at(ends_on: dt.date) -> dt.datetime:
    """The moment silence becomes no objection: the end of the period's last day."""
    return workdays.end_of_day(ends_on)


def _view(n: PublicNotice) -> dict:
    return {
        "id": n.pk,
        "record_id": n.record_id,
        "title": n.title,
        "period_unit": n.period_unit,
        "period_days": n.period_days,
        "starts_on": n.starts_on,
        "ends_on": n.ends_on,
        "state": n.state,
    }


def notice_publish(
    *,
    actor,
    record,
    title: str,
    content: str,
    period_unit: str,
    period_days,
    regulators: list[Department],
    starts_on=None,
    at: dt.datetime | None = None,
) -> PublicNotice:
    """Publish a notice of a case whose item is flagged for public notice."""
    require(actor, Perm.APPROVAL_RECORD, "无权发布审批公示")
    require_department(actor, record.department_id, "只能为本部门办件发布公示")
    at = at or timezone.now()
    if not record.item.needs_public_notice:
        raise ValidationFailed("no_notice", "该事项不属于需要公示的事项", "record")
    if record.state != "draft":
        raise Conflict("record_completed", "办件已办结，不能再发布公示", "record")
    title = v.text(title, "title", "公示标题", 200, required=True)
    content = mask_text(v.text(content, "content", "公示内容", 5000, required=True, multiline=True))
    period_unit = v.choice(period_unit, PeriodUnit, "period_unit", "公示期计算方式")
    period_days = v.integer(period_days, "period_days", "公示期（日）", lo=1, hi=90)
    starts_on = v.date(starts_on, "starts_on", "公示开始日期") or local_date(at)
    if starts_on < local_date(at) - dt.timedelta(days=1):
        raise ValidationFailed("past_start", "公示开始日期不能早于今天", "starts_on")
    regs = {d.pk: d for d in regulators or []}
    if not regs:
        raise ValidationFailed("required", "请选择征求意见的监管部门", "regulators")
    for d in regs.values():
        if d.jurisdiction_id != record.jurisdiction_id or d.kind not in (
            DepartmentKind.REGULATOR,
            DepartmentKind.ENFORCEMENT,
        ):
            raise ValidationFailed("bad_regulator", f"“{d.name}”不是本辖区监管部门", "regulators")
    try:
        ends_on = period_end(starts_on, period_unit, period_days)
    except ValueError as exc:
        raise ValidationFailed("bad_period", "公示期超出工作日历范围", "starts_on") from exc
    applicant = (
        mask_name(record.applicant_name)
        if record.applicant_kind == "person"
        else record.applicant_name
    )
    with transaction.atomic():
        n = PublicNotice.objects.create(
            jurisdiction_id=record.jurisdiction_id,
            record=record,
            bureau_id=record.department_id,
            title=title,
            content=content,
            applicant_shown=applicant,
            period_unit=period_unit,
            period_days=period_days,
            starts_on=starts_on,
            ends_on=ends_on,
            published_at=at,
            published_by_name=actor_name(actor),
        )
        NoticeParty.objects.bulk_create([NoticeParty(notice=n, department_id=d) for d in regs])
        users = lk.liaison_user_ids(list(regs))
        outbox_emit(
            event_type="public_notice.published",
            jurisdiction_id=n.jurisdiction_id,
            payload={**_view(n), "regulator_ids": sorted(regs)},
            department_ids=[n.bureau_id, *sorted(regs)],
            aggregate=n,
            notify_user_ids=sorted({u for lst in users.values() for u in lst}),
            notify={
                "title": f"审批公示征求意见：{title}"[:200],
                "body": f"请于{ends_on.isoformat()}前书面提出发现的问题，逾期视为无异议。",
                "link": f"/review/notices/{n.pk}/",
            },
        )
        audit_record(actor=actor, action="review.notice_publish", obj=n, after=_view(n))
    return n


def notice_answer(
    *, actor, notice: PublicNotice, objection: bool, text: str = "", at=None
) -> NoticeParty:
    """A regulator answers in writing during the period: the problems it found (异议), or
    that it has none."""
    require(actor, Perm.FEEDBACK_SEND, "无权答复审批公示（须为监管部门人员）")
    at = at or timezone.now()
    text = v.text(text, "text", "书面意见", 2000, required=objection, multiline=True)
    with transaction.atomic():
        n = PublicNotice.objects.select_for_update().get(pk=notice.pk)
        party = NoticeParty.objects.filter(
            notice=n, department_id=getattr(actor, "department_id", None)
        ).first()
        if party is None:
            raise PermissionDenied("forbidden_department", "本部门不在该公示的征求意见范围内")
        if n.state != NoticeState.OPEN or at >= deemed_at(n.ends_on):
            raise Conflict("notice_ended", "公示期已结束，逾期视为无异议", "state")
        if party.answer != PartyAnswer.PENDING:
            raise Conflict("answered", "本部门已答复该公示", "state")
        party.answer = PartyAnswer.OBJECTION if objection else PartyAnswer.NO_OBJECTION
        party.text, party.answered_at, party.answered_by_name = text, at, actor_name(actor)
        party.save()
        after = {"notice_id": n.pk, "department_id": party.department_id, "answer": party.answer}
        outbox_emit(
            event_type="public_notice.answered",
            jurisdiction_id=n.jurisdiction_id,
            payload={**after, "text": text},
            department_ids=[n.bureau_id, party.department_id],
            aggregate=n,
            notify_user_ids=lk.liaison_user_ids([n.bureau_id]).get(n.bureau_id, []),
            notify={
                "title": f"公示{party.get_answer_display()}：{n.title}"[:200],
                "body": text[:200],
                "link": f"/review/notices/{n.pk}/",
            },
        )
        audit_record(actor=actor, action="review.notice_answer", obj=n, after=after)
    return party


def notice_handle(*, actor, notice: PublicNotice, party=None, comment=None, handling: str):
    """The bureau records how it handled an objection or a public comment."""
    require(actor, Perm.APPROVAL_RECORD, "无权处理公示意见")
    require_department(actor, notice.bureau_id, "只能处理本部门公示的意见")
    handling = v.text(handling, "handling", "处理情况", 2000, required=True, multiline=True)
    target = party if party is not None else comment
    if target is None or target.notice_id != notice.pk:
        raise ValidationFailed("bad_target", "请选择要处理的意见", "handling")
    if party is not None and party.answer != PartyAnswer.OBJECTION:
        raise Conflict("no_objection", "该部门未提出问题，无需处理", "handling")
    with transaction.atomic():
        target.handling, target.handled_at = handling, timezone.now()
        target.handled_by_name = actor_name(actor)
        target.save(update_fields=["handling", "handled_at", "handled_by_name"])
        audit_record(
            actor=actor,
            action="review.notice_handle",
            obj=notice,
            after={
                "party": getattr(party, "pk", None),
                "comment": getattr(comment, "pk", None),
                "handling": handling,
            },
        )
    return target


def notice_comment(
    *, notice: PublicNotice, name: str, contact: str, text: str, client_key: str, at=None
) -> NoticeComment:
    """A comment of the public (no login), at most COMMENTS_PER_HOUR per client and hour."""
    at = at or timezone.now()
    name = v.text(name, "name", "姓名", 50)
    contact = v.text(contact, "contact", "联系方式", 50)
    text = v.text(text, "text", "意见内容", 2000, required=True, multiline=True)
    if notice.state != NoticeState.OPEN or at >= deemed_at(notice.ends_on):
        raise Conflict("notice_ended", "公示期已结束", "text")
    if at.date() < notice.starts_on - dt.timedelta(days=1):
        raise Conflict("notice_not_started", "公示尚未开始", "text")
    count, left = ratelimit.hit(f"review.comment:{client_key}"[:120], seconds=3600)
    if count > COMMENTS_PER_HOUR:
        raise RateLimited("rate_limited", f"提交过于频繁，请于{left // 60 + 1}分钟后再试", "text")
    with transaction.atomic():
        c = NoticeComment.objects.create(
            notice=notice, name=name, contact=contact, text=text, created_at=at
        )
        outbox_emit(
            event_type="public_notice.commented",
            jurisdiction_id=notice.jurisdiction_id,
            payload={"notice_id": notice.pk, "comment_id": c.pk},
            department_ids=[notice.bureau_id],
            aggregate=notice,
        )
        audit_record(
            actor=None,
            action="review.notice_comment",
            obj=notice,
            after={"comment_id": c.pk},
            actor_name="公众",
            jurisdiction_id=notice.jurisdiction_id,
        )
    return c


def notice_close(*, actor, notice: PublicNotice, at=None) -> PublicNotice:
    """The bureau closes a notice whose period has ended: every regulator that did not answer
    is recorded as having no objection as of the end of the period (逾期视为无异议)."""
    require(actor, Perm.APPROVAL_RECORD, "无权结束审批公示")
    require_department(actor, notice.bureau_id, "只能结束本部门的公示")
    at = at or timezone.now()
    with transaction.atomic():
        n = PublicNotice.objects.select_for_update().get(pk=notice.pk)
        if n.state != NoticeState.OPEN:
            raise Conflict("closed", "该公示已结束", "state")
        if at < deemed_at(n.ends_on):
            raise Conflict("period_running", f"公示期至{n.ends_on.isoformat()}，尚未届满", "state")
        silent = list(
            NoticeParty.objects.filter(notice=n, answer=PartyAnswer.PENDING).values_list(
                "department_id", flat=True
            )
        )
        NoticeParty.objects.filter(notice=n, answer=PartyAnswer.PENDING).update(
            answer=PartyAnswer.DEEMED,
            answered_at=deemed_at(n.ends_on),
            answered_by_name=DEEMED_NAME,
        )
        n.state, n.closed_at, n.closed_by_name = NoticeState.CLOSED, at, actor_name(actor)
        n.save(update_fields=["state", "closed_at", "closed_by_name"])
        outbox_emit(
            event_type="public_notice.closed",
            jurisdiction_id=n.jurisdiction_id,
            payload={**_view(n), "deemed_no_objection": silent},
            department_ids=[n.bureau_id, *silent],
            aggregate=n,
        )
        audit_record(
            actor=actor,
            action="review.notice_close",
            obj=n,
            after={**_view(n), "deemed_no_objection": silent},
        )
    return n


def notices_close_due(*, now: dt.datetime | None = None) -> int:
    """The worker's sweep: close every notice whose period ended, set-based — per distinct last
    day one UPDATE of the silent parties (deemed at the end of that day) and one of the notices;
    one audit event and one outbox event per jurisdiction. Returns the number closed."""
    now = now or timezone.now()
    today = local_date(now)
    due = PublicNotice.objects.filter(state=NoticeState.OPEN, ends_on__lt=today)
    groups = list(due.values_list("jurisdiction_id", "ends_on").order_by().distinct())
    if not groups:
        return 0
    closed = 0
    per_j: dict[int, int] = {}
    with transaction.atomic():
        for j, ends_on in groups:
            ids = due.filter(jurisdiction_id=j, ends_on=ends_on).values("pk")
            NoticeParty.objects.filter(notice_id__in=ids, answer=PartyAnswer.PENDING).update(
                answer=PartyAnswer.DEEMED,
                answered_at=deemed_at(ends_on),
                answered_by_name=DEEMED_NAME,
            )
            n = PublicNotice.objects.filter(
                jurisdiction_id=j, state=NoticeState.OPEN, ends_on=ends_on
            ).update(state=NoticeState.CLOSED, closed_at=now, closed_by_name=DEEMED_NAME)
            per_j[j] = per_j.get(j, 0) + n
            closed += n
        for j, n in per_j.items():
            audit_record(
                actor=None,
                action="review.notices_close_due",
                obj=("review.publicnotice", f"j{j}"),
                after={"closed": n, "before": today},
                jurisdiction_id=j,
            )
            outbox_emit(
                event_type="public_notice.closed_due",
                jurisdiction_id=j,
                payload={"closed": n, "before": today},
            )
    return closed
