"""Joint review meetings (联审会, 002 §11; 会商, 004 三(三)4): convened by the bureau for one or
more cases, invitations pushed to the departments, attendance and each department's opinion,
the minutes (纪要) and a conclusion per case."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.linkage import services as lk
from shenguan.linkage.models import PushDirection, PushKind
from shenguan.org.roles import DepartmentKind, Perm
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..models import Meeting, MeetingCase, MeetingInvitee, MeetingState
from .common import actor_name, require, require_department


def _view(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "title": m.title,
        "held_at": m.held_at,
        "place": m.place,
        "video_link": m.video_link,
        "state": m.state,
        "record_ids": sorted(m.cases.values_list("record_id", flat=True)),
        "department_ids": sorted(m.invitees.values_list("department_id", flat=True)),
    }


def meeting_convene(
    *,
    actor,
    records: list,
    title: str,
    held_at,
    agenda: str,
    departments: list,
    place: str = "",
    video_link: str = "",
    draw=None,
    at: dt.datetime | None = None,
) -> Meeting:
    """Convene a meeting of the bureau's own cases; every invited department gets a push."""
    require(actor, Perm.APPROVAL_RECORD, "无权召集联审会（须为审批局办件人员）")
    if not records:
        raise ValidationFailed("required", "请选择上会的办件", "record_ids")
    bureau_id = records[0].department_id
    for r in records:
        require_department(actor, r.department_id, "只能为本部门办件召集联审会")
        if r.department_id != bureau_id:
            raise ValidationFailed("bad_record", "上会办件须属于同一审批部门", "record_ids")
    title = v.text(title, "title", "会议名称", 200, required=True)
    agenda = v.text(agenda, "agenda", "议程", 3000, required=True, multiline=True)
    place = v.text(place, "place", "地点", 200)
    video_link = v.text(video_link, "video_link", "视频会议链接", 300)
    if not place and not video_link:
        raise ValidationFailed("required", "请填写会议地点或视频会议链接", "place")
    if video_link and not video_link.startswith(("https://", "http://")):
        raise ValidationFailed("bad_link", "视频会议链接须以 https:// 开头", "video_link")
    if not isinstance(held_at, dt.datetime):
        try:
            held_at = dt.datetime.fromisoformat(str(held_at))
        except ValueError as exc:
            raise ValidationFailed("bad_datetime", "会议时间格式无效", "held_at") from exc
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    depts = {d.pk: d for d in departments or []}
    if not depts:
        raise ValidationFailed("required", "请选择参会部门", "department_ids")
    for d in depts.values():
        if d.jurisdiction_id != records[0].jurisdiction_id or d.kind not in (
            DepartmentKind.REGULATOR,
            DepartmentKind.ENFORCEMENT,
        ):
            raise ValidationFailed(
                "bad_department", f"“{d.name}”不是本辖区监管部门", "department_ids"
            )
    at = at or timezone.now()
    with transaction.atomic():
        m = Meeting.objects.create(
            jurisdiction_id=records[0].jurisdiction_id,
            bureau_id=bureau_id,
            title=title,
            held_at=held_at,
            place=place,
            video_link=video_link,
            agenda=agenda,
            draw=draw,
            convened_by_name=actor_name(actor),
            created_at=at,
        )
        MeetingCase.objects.bulk_create([MeetingCase(meeting=m, record=r) for r in records])
        local = timezone.localtime(held_at)
        for d in depts.values():
            push = lk.push_send(
                kind=PushKind.MEETING,
                direction=PushDirection.TO_REGULATOR,
                record=records[0],
                sender_id=bureau_id,
                addressee_id=d.pk,
                title=f"联审会通知：{title}（{local:%Y-%m-%d %H:%M}）",
                data={
                    "meeting": {
                        "id": m.pk,
                        "title": title,
                        "held_at": held_at,
                        "place": place,
                        "video_link": video_link,
                        "agenda": agenda,
                        "cases": [
                            {"id": r.pk, "case_number": r.case_number, "item": r.item.name}
                            for r in records
                        ],
                    }
                },
                at=at,
            )
            MeetingInvitee.objects.create(meeting=m, department=d, push=push)
        audit_record(actor=actor, action="review.meeting_convene", obj=m, after=_view(m))
    return m


def meeting_record(
    *,
    actor,
    meeting: Meeting,
    minutes: str,
    attendance: dict,
    opinions: dict,
    conclusions: dict,
    at=None,
) -> Meeting:
    """After the meeting: who attended (by department), each department's opinion, the minutes
    and a conclusion per case; the minutes go to every invited department."""
    require(actor, Perm.APPROVAL_RECORD, "无权登记会议纪要")
    require_department(actor, meeting.bureau_id, "只能登记本部门召集的会议")
    minutes = v.text(minutes, "minutes", "会议纪要", 10000, required=True, multiline=True)
    at = at or timezone.now()
    with transaction.atomic():
        m = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if m.state == MeetingState.HELD:
            raise Conflict("held", "该会议纪要已登记", "state")
        if at < m.held_at:
            raise Conflict("not_held", "会议尚未召开", "state")
        for inv in m.invitees.all():
            names = v.text(
                (attendance or {}).get(inv.department_id, ""),
                f"attendance.{inv.department_id}",
                "出席人员",
                200,
            )
            inv.attended = bool(names)
            inv.attendee_names = names
            inv.opinion = v.text(
                (opinions or {}).get(inv.department_id, ""),
                f"opinions.{inv.department_id}",
                "部门意见",
                2000,
                multiline=True,
            )
            inv.save(update_fields=["attended", "attendee_names", "opinion"])
        for case in m.cases.all():
            case.conclusion = v.text(
                (conclusions or {}).get(case.record_id, ""),
                f"conclusions.{case.record_id}",
                "会议结论",
                2000,
                required=True,
                multiline=True,
            )
            case.save(update_fields=["conclusion"])
        m.state, m.minutes, m.minutes_at = MeetingState.HELD, minutes, at
        m.save(update_fields=["state", "minutes", "minutes_at"])
        depts = sorted(m.invitees.values_list("department_id", flat=True))
        users = lk.liaison_user_ids(depts)
        outbox_emit(
            event_type="meeting.minutes",
            jurisdiction_id=m.jurisdiction_id,
            payload={**_view(m), "minutes": minutes},
            department_ids=[m.bureau_id, *depts],
            aggregate=m,
            notify_user_ids=sorted({u for lst in users.values() for u in lst}),
            notify={
                "title": f"联审会纪要：{m.title}"[:200],
                "body": minutes[:200],
                "link": f"/review/meetings/{m.pk}/",
            },
        )
        audit_record(
            actor=actor,
            action="review.meeting_minutes",
            obj=m,
            after={**_view(m), "minutes": minutes, "conclusions": conclusions},
        )
    return m
