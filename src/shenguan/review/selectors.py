"""Reads of the review app, scoped to the acting user: the technical-step table, opinion
requests with their opinions, and the entries the case page shows."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from shenguan.core.errors import NotFound

from .models import OpinionRequest, RequestState, TechnicalStep


def _one(qs: QuerySet, pk):
    try:
        return qs.get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, qs.model.DoesNotExist) as exc:
        raise NotFound() from exc


def step_list(*, user, filters: dict | None = None) -> QuerySet[TechnicalStep]:
    """Technical steps the user may read (everyone who reads the catalogue); `current` keeps
    the versions in force today."""
    f = filters or {}
    qs = TechnicalStep.objects.restrict(user).select_related("item", "department")
    if f.get("item_id"):
        qs = qs.filter(item_id=f["item_id"])
    if f.get("step_kind"):
        qs = qs.filter(step_kind=f["step_kind"])
    if f.get("current"):
        today = timezone.localdate()
        qs = qs.filter(valid_from__lte=today).exclude(valid_to__lte=today)
    return qs.order_by("item__code", "step_kind", "-valid_from", "id")


def step_get(*, user, pk) -> TechnicalStep:
    return _one(step_list(user=user), pk)


def request_list(*, user, filters: dict | None = None) -> QuerySet[OpinionRequest]:
    """Opinion requests the user may see (the bureau that asked, the department asked,
    oversight roles), newest first."""
    f = filters or {}
    qs = OpinionRequest.objects.restrict(user).select_related(
        "record", "record__item", "department", "bureau"
    )
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("record_id"):
        qs = qs.filter(record_id=f["record_id"])
    if f.get("step_kind"):
        qs = qs.filter(step_kind=f["step_kind"])
    if f.get("overdue"):
        qs = qs.filter(state=RequestState.REQUESTED, due_date__lt=timezone.localdate())
    return qs.order_by("-requested_at", "-id")


def request_get(*, user, pk) -> OpinionRequest:
    return _one(request_list(user=user), pk)


def request_for_push(*, user, push) -> OpinionRequest | None:
    """The request a technical-opinion push (either way) belongs to, if the user may see it."""
    qs = request_list(user=user)
    if push.kind == "tech_request":
        return qs.filter(request_push_id=push.pk).first()
    if push.kind == "tech_opinion":
        return qs.filter(opinion_push_id=push.pk).first()
    return None


def _at(value):
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=timezone.get_current_timezone())


def record_timeline(*, user, record) -> list[dict]:
    """Timeline entries of a case (linkage RECORD_TIMELINE): requested, answered, waived; the
    claims of both pushes are on the pushes' own timelines and here."""
    from shenguan.linkage.models import Push

    out: list[dict] = []
    reqs = list(request_list(user=user, filters={"record_id": record.pk}))
    push_ids = [p for r in reqs for p in (r.request_push_id, r.opinion_push_id) if p]
    pushes = {p.pk: p for p in Push.objects.with_claim().filter(pk__in=push_ids)}
    for r in reqs:
        link = f"/review/requests/{r.pk}/"
        label = r.get_step_kind_display()
        out.append(
            {
                "at": r.requested_at,
                "title": f"发出技术审查函（{label}）",
                "actor": r.requested_by_name,
                "detail": f"→ {r.department.name}，{r.due_date:%Y-%m-%d}前书面答复",
                "link": link,
            }
        )
        for pid, what in ((r.request_push_id, "技术审查函"), (r.opinion_push_id, "书面意见")):
            p = pushes.get(pid)
            if p is not None and p.claimed_at:
                out.append(
                    {
                        "at": p.claimed_at,
                        "title": f"认领{what}（{label}）",
                        "actor": p.claimed_by_name,
                        "detail": "逾期认领" if p.claim_late else "",
                        "link": f"/linkage/pushes/{p.pk}/",
                    }
                )
        if r.answered_at:
            out.append(
                {
                    "at": r.answered_at,
                    "title": f"书面意见：{r.get_conclusion_display()}（{label}）",
                    "actor": (
                        f"{r.department.name} {r.answered_by_name}（签发：{r.signing_leader}）"
                    ),
                    "detail": r.reasons[:200] + ("（逾期答复）" if r.answer_late else ""),
                    "link": link,
                }
            )
        if r.waived_at:
            out.append(
                {
                    "at": r.waived_at,
                    "title": f"未等待书面意见即决定（{label}）",
                    "actor": r.waived_by_name,
                    "detail": r.waiver_reason,
                    "link": link,
                }
            )
    for n in notice_list(user=user, filters={"record_id": record.pk}):
        link = f"/review/notices/{n.pk}/"
        out.append(
            {
                "at": n.published_at,
                "title": f"发布审批公示（{n.starts_on:%Y-%m-%d}至{n.ends_on:%Y-%m-%d}）",
                "actor": n.published_by_name,
                "detail": n.title,
                "link": link,
            }
        )
        for p in n.parties.select_related("department").exclude(answer="pending"):
            out.append(
                {
                    "at": p.answered_at,
                    "title": f"公示意见：{p.department.name} {p.get_answer_display()}",
                    "actor": p.answered_by_name,
                    "detail": p.text[:200],
                    "link": link,
                }
            )
        if n.closed_at:
            out.append(
                {
                    "at": n.closed_at,
                    "title": "公示结束",
                    "actor": n.closed_by_name,
                    "detail": "",
                    "link": link,
                }
            )
    for m in meeting_list(user=user, filters={"record_id": record.pk}):
        link = f"/review/meetings/{m.pk}/"
        out.append(
            {
                "at": m.created_at,
                "title": f"召集联审会：{m.title}",
                "actor": m.convened_by_name,
                "detail": f"{timezone.localtime(m.held_at):%Y-%m-%d %H:%M} "
                + (m.place or m.video_link),
                "link": link,
            }
        )
        if m.minutes_at:
            case = m.cases.filter(record_id=record.pk).first()
            out.append(
                {
                    "at": m.minutes_at,
                    "title": "联审会纪要",
                    "actor": m.bureau.name,
                    "detail": (case.conclusion if case else "")[:200],
                    "link": link,
                }
            )
    for t in certificate_list(user=user, filters={"record_id": record.pk}):
        link = f"/review/certificates/{t.pk}/"
        out.append(
            {
                "at": t.created_at,
                "title": "下达配发证照任务",
                "actor": t.department.name,
                "detail": f"{t.due_date:%Y-%m-%d}前发证（{t.basis}）",
                "link": link,
            }
        )
        for m in t.messages.all():
            out.append(
                {
                    "at": m.at,
                    "title": "发证协调：协调完毕" if m.resolves else "发证协调",
                    "actor": f"{m.department_name} {m.by_name}",
                    "detail": m.text[:200],
                    "link": link,
                }
            )
        if t.issued_at:
            out.append(
                {
                    "at": t.issued_at,
                    "title": f"监管部门发证：{t.certificate_number}",
                    "actor": f"{t.department.name} {t.issued_by_name}",
                    "detail": f"发证日期 {t.issued_on:%Y-%m-%d}"
                    + ("（逾期）" if t.issued_late else ""),
                    "link": link,
                }
            )
    return out


# --- experts and draws ---------------------------------------------------------------------------


def expert_list(*, user, filters: dict | None = None):
    """The pool of the user's jurisdictions (contacts are masked where shown)."""
    from django.db.models import Q

    from .models import Expert, ExpertSpeciality

    f = filters or {}
    qs = Expert.objects.restrict(user)
    if f.get("speciality"):
        qs = qs.filter(
            pk__in=ExpertSpeciality.objects.filter(speciality=f["speciality"]).values("expert_id")
        )
    if f.get("available") is not None:
        qs = qs.filter(available=f["available"])
    if f.get("q"):
        q = f["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(employer__icontains=q))
    return qs.order_by("name", "id")


def expert_get(*, user, pk):
    return _one(expert_list(user=user), pk)


def draw_list(*, user, filters: dict | None = None):
    """Draws of the user's department (drawn by it or for its cases); oversight and the audit
    administrator read them all."""
    from .models import ExpertDraw

    f = filters or {}
    qs = ExpertDraw.objects.restrict(user).select_related("record")
    if f.get("record_id"):
        qs = qs.filter(record_id=f["record_id"])
    return qs.order_by("-drawn_at", "-id")


def draw_get(*, user, pk):
    return _one(draw_list(user=user), pk)


def member_get(*, draw, pk):
    from .models import DrawnExpert

    return _one(DrawnExpert.objects.filter(draw=draw).select_related("expert"), pk)


# --- certificates ---------------------------------------------------------------------------


def certificate_list(*, user, filters: dict | None = None):
    """Certificate tasks of the user's department (issuing or approving); oversight all."""
    from .models import CertificateTask

    f = filters or {}
    qs = CertificateTask.objects.restrict(user).select_related(
        "record", "record__item", "department", "bureau"
    )
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("overdue"):
        qs = qs.exclude(state="issued").filter(due_date__lt=timezone.localdate())
    if f.get("record_id"):
        qs = qs.filter(record_id=f["record_id"])
    return qs.order_by("due_date", "id")


def certificate_get(*, user, pk):
    return _one(certificate_list(user=user), pk)


# --- public notices ------------------------------------------------------------------------------


def notice_list(*, user, filters: dict | None = None):
    """Notices of the user's bureau or asking the user's department; oversight all."""
    from .models import PublicNotice

    f = filters or {}
    qs = PublicNotice.objects.restrict(user).select_related("record", "bureau")
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("record_id"):
        qs = qs.filter(record_id=f["record_id"])
    return qs.order_by("-starts_on", "-id")


def notice_get(*, user, pk):
    return _one(notice_list(user=user), pk)


def public_notice_list(*, jurisdiction_code: str):
    """Notices on the public site: open ones and those closed within 90 days."""
    from .models import PublicNotice

    since = timezone.localdate() - dt.timedelta(days=90)
    return (
        PublicNotice.objects.filter(jurisdiction__code=jurisdiction_code, ends_on__gte=since)
        .select_related("record__item")
        .order_by("-starts_on", "-id")
    )


def public_notice_get(pk):
    from .models import PublicNotice

    since = timezone.localdate() - dt.timedelta(days=90)
    return _one(
        PublicNotice.objects.filter(ends_on__gte=since).select_related(
            "record__item", "bureau", "jurisdiction"
        ),
        pk,
    )


# --- joint review meetings ----------------------------------------------------------------------


def meeting_list(*, user, filters: dict | None = None):
    """Meetings the user's department convened or is invited to; oversight all."""
    from .models import Meeting

    f = filters or {}
    qs = Meeting.objects.restrict(user).select_related("bureau")
    if f.get("record_id"):
        qs = qs.filter(cases__record_id=f["record_id"])
    return qs.order_by("-held_at", "-id")


def meeting_get(*, user, pk):
    return _one(meeting_list(user=user), pk)


def public_step_list(*, jurisdiction_code: str):
    """The technical-step table in force today, for the public site (公开)."""
    today = timezone.localdate()
    return (
        TechnicalStep.objects.filter(jurisdiction__code=jurisdiction_code, valid_from__lte=today)
        .exclude(valid_to__lte=today)
        .select_related("item", "department")
        .order_by("item__code", "step_kind", "id")
    )
