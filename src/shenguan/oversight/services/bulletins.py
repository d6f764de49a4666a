"""Periodic bulletins (定期通报, 002 §23): the worker drafts one per jurisdiction after each
period of its profile; reform-office staff refresh, review (remarks) and publish it; a
published bulletin never changes — a correction is a new version that supersedes it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.org.models import Department, Jurisdiction
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..figures import period_bounds, period_label, previous_period
from ..indicators import period_indicators
from ..models import Bulletin, BulletinState
from ._common import actor_name, require, require_reach


def _title(j: Jurisdiction, label: str, version: int) -> str:
    title = f"{j.name}审管互动信息认领情况通报（{label}）"
    return title if version == 1 else f"{title}（更正版第{version}版）"


def _audit_view(b: Bulletin) -> dict:
    return {
        "state": b.state,
        "version": b.version,
        "period_start": b.period_start,
        "period_end": b.period_end,
        "as_of": b.as_of,
        "remarks": b.remarks,
        "serious": b.figures.get("serious", []),
    }


def bulletin_generate(
    *,
    actor,
    jurisdiction: Jurisdiction,
    period_start: dt.date,
    as_of: dt.datetime | None = None,
) -> Bulletin:
    """Draft the bulletin of the period that starts on `period_start` (通报草稿): every figure
    computed from the rows at `as_of` (now). Refused while the period is not over, or when a
    version already exists (refresh the draft, or correct the published one)."""
    require(actor, Perm.BULLETIN_MANAGE, "无权生成通报（须为审改办工作人员）")
    require_reach(actor, jurisdiction.pk, "无权为该行政区划生成通报")
    from shenguan.policy.selectors import params_for_jurisdiction

    params, version_id = params_for_jurisdiction(jurisdiction.pk)
    period = params.bulletin_period
    period_start = v.date(period_start, "period_start", "通报期起始日期", required=True)
    start, end = period_bounds(period, period_start)
    if start != period_start:
        raise ValidationFailed("bad_period", "起始日期须为通报周期的第一天", "period_start")
    as_of = as_of or timezone.now()
    if workdays.local_date(as_of) <= end:
        raise ValidationFailed("period_not_over", "通报期尚未结束", "period_start")
    label = period_label(period, start)
    with transaction.atomic():
        if Bulletin.objects.filter(
            jurisdiction=jurisdiction, period_start=start, period_end=end
        ).exists():
            raise Conflict("bulletin_exists", f"{label}的通报已存在", "period_start")
        b = Bulletin.objects.create(
            jurisdiction=jurisdiction,
            period=period,
            period_start=start,
            period_end=end,
            label=label,
            version=1,
            title=_title(jurisdiction, label, 1),
            as_of=as_of,
            figures=period_indicators(jurisdiction.pk, start, end, as_of),
            profile_version_id=version_id,
            generated_by_name=actor_name(actor),
        )
        audit_record(actor=actor, action="bulletin.generate", obj=b, after=_audit_view(b))
        # the reform office finds drafts on its home page (待审核发布的通报); the event is for
        # subscribed systems
        outbox_emit(
            event_type="bulletin.drafted",
            jurisdiction_id=jurisdiction.pk,
            payload={"bulletin_id": b.pk, "label": label},
            aggregate=b,
        )
    return b


def _locked_draft(bulletin: Bulletin) -> Bulletin:
    b = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if b.state != BulletinState.DRAFT:
        raise Conflict("bulletin_published", "通报已发布，不能修改；如需更正请生成更正版", "state")
    return b


def bulletin_refresh(*, actor, bulletin: Bulletin, as_of: dt.datetime | None = None) -> Bulletin:
    """Recompute a draft's figures from the rows as they are now (刷新数据)."""
    require(actor, Perm.BULLETIN_MANAGE, "无权修改通报")
    require_reach(actor, bulletin.jurisdiction_id, "无权修改该行政区划的通报")
    with transaction.atomic():
        b = _locked_draft(bulletin)
        before = _audit_view(b)
        b.as_of = as_of or timezone.now()
        b.figures = period_indicators(b.jurisdiction_id, b.period_start, b.period_end, b.as_of)
        b.save(update_fields=["as_of", "figures"])
        audit_record(
            actor=actor, action="bulletin.refresh", obj=b, before=before, after=_audit_view(b)
        )
    return b


def bulletin_review(*, actor, bulletin: Bulletin, remarks: str) -> Bulletin:
    """Record the reform office's review of a draft: its remarks (审核意见与说明)."""
    require(actor, Perm.BULLETIN_MANAGE, "无权审核通报")
    require_reach(actor, bulletin.jurisdiction_id, "无权审核该行政区划的通报")
    remarks = v.text(remarks, "remarks", "审核意见与说明", 5000, required=True, multiline=True)
    with transaction.atomic():
        b = _locked_draft(bulletin)
        before = _audit_view(b)
        b.remarks = remarks
        b.reviewed_at = timezone.now()
        b.reviewed_by_name = actor_name(actor)
        b.save(update_fields=["remarks", "reviewed_at", "reviewed_by_name"])
        audit_record(
            actor=actor, action="bulletin.review", obj=b, before=before, after=_audit_view(b)
        )
    return b


def bulletin_publish(*, actor, bulletin: Bulletin) -> Bulletin:
    """Publish a reviewed draft (发布): frozen for good, delivered to every department of the
    jurisdiction; the version it corrects is superseded; open escalations are evaluated
    against it (002 §23: no improvement → 约谈)."""
    from .escalations import escalations_evaluate

    require(actor, Perm.BULLETIN_MANAGE, "无权发布通报")
    require_reach(actor, bulletin.jurisdiction_id, "无权发布该行政区划的通报")
    with transaction.atomic():
        b = _locked_draft(bulletin)
        if not b.reviewed_at:
            raise Conflict("not_reviewed", "通报须经审核（填写审核意见）后方可发布", "remarks")
        before = _audit_view(b)
        b.state = BulletinState.PUBLISHED
        b.published_at = timezone.now()
        b.published_by_name = actor_name(actor)
        b.save(update_fields=["state", "published_at", "published_by_name"])
        if b.supersedes_id:
            Bulletin.objects.filter(pk=b.supersedes_id, state=BulletinState.PUBLISHED).update(
                state=BulletinState.SUPERSEDED
            )
        audit_record(
            actor=actor, action="bulletin.publish", obj=b, before=before, after=_audit_view(b)
        )
        depts = list(
            Department.objects.filter(jurisdiction_id=b.jurisdiction_id, active=True).values_list(
                "pk", flat=True
            )
        )
        from shenguan.linkage.services import liaison_user_ids

        users = sorted({u for us in liaison_user_ids(depts).values() for u in us})
        outbox_emit(
            event_type="bulletin.published",
            jurisdiction_id=b.jurisdiction_id,
            payload={
                "bulletin_id": b.pk,
                "label": b.label,
                "version": b.version,
                "serious": b.figures.get("serious", []),
            },
            department_ids=depts,
            aggregate=b,
            notify_user_ids=users,
            notify={
                "title": f"{b.title}已发布",
                "body": "请查阅本部门的认领、反馈和监管情况。",
                "link": f"/oversight/bulletins/{b.pk}/",
            },
        )
        escalations_evaluate(bulletin=b)
    return b


def bulletin_correct(*, actor, bulletin: Bulletin, reason: str) -> Bulletin:
    """Start a correction of a published bulletin (更正): a new draft version recomputed from
    the rows, which supersedes the published one when it is published in turn."""
    require(actor, Perm.BULLETIN_MANAGE, "无权更正通报")
    require_reach(actor, bulletin.jurisdiction_id, "无权更正该行政区划的通报")
    reason = v.text(reason, "reason", "更正原因", 500, required=True)
    with transaction.atomic():
        b = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if b.state != BulletinState.PUBLISHED:
            raise Conflict("not_published", "只能更正已发布的现行通报", "state")
        if Bulletin.objects.filter(supersedes=b).exists():
            raise Conflict("correction_exists", "该通报已有更正版草稿", "state")
        last = (
            Bulletin.objects.filter(
                jurisdiction_id=b.jurisdiction_id,
                period_start=b.period_start,
                period_end=b.period_end,
            )
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        version = (last or b.version) + 1
        now = timezone.now()
        from shenguan.policy.selectors import params_for_jurisdiction

        c = Bulletin.objects.create(
            jurisdiction_id=b.jurisdiction_id,
            period=b.period,
            period_start=b.period_start,
            period_end=b.period_end,
            label=b.label,
            version=version,
            title=_title(b.jurisdiction, b.label, version),
            as_of=now,
            figures=period_indicators(b.jurisdiction_id, b.period_start, b.period_end, now),
            correction_reason=reason,
            supersedes=b,
            profile_version_id=params_for_jurisdiction(b.jurisdiction_id)[1],
            generated_by_name=actor_name(actor),
        )
        audit_record(
            actor=actor,
            action="bulletin.correct",
            obj=c,
            after=_audit_view(c) | {"supersedes": b.pk, "reason": reason},
        )
    return c


def bulletins_draft_due(*, now: dt.datetime | None = None) -> dict:
    """The worker's sweep: on the first working day after a period of a jurisdiction's
    profile, draft its bulletin (once); idempotent."""
    from shenguan.policy.selectors import params_for_jurisdiction

    now = now or timezone.now()
    today = workdays.local_date(now)
    made = 0
    for j in Jurisdiction.objects.order_by("path"):
        period = params_for_jurisdiction(j.pk)[0].bulletin_period
        start, end = previous_period(period, today)
        if workdays.next_working_day(end) > today:
            continue
        if Bulletin.objects.filter(jurisdiction=j, period_start=start, period_end=end).exists():
            continue
        try:
            bulletin_generate(actor=None, jurisdiction=j, period_start=start, as_of=now)
            made += 1
        except Conflict:  # another worker made it meanwhile
            continue
    return {"drafted": made}
