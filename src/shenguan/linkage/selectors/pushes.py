"""Reads of pushes: inboxes, details, countdowns and timelines (推送查询)."""

from __future__ import annotations

import datetime as dt
import heapq

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shenguan.calendar import workdays
from shenguan.org.roles import Perm

from ..models import (
    AUTO_CLAIM_NAME,
    ApprovalResult,
    ClaimedMode,
    Disposal,
    DisposalOutcome,
    Feedback,
    FeedbackKind,
    FeedbackState,
    Licence,
    LicenceEvent,
    NoticeKind,
    Push,
    PushState,
    ReplyOutcome,
)
from .common import _day_start, _one

BOXES = ("to_claim", "claimed", "auto_claimed", "sent", "all")


def _push_filters(qs, f: dict):
    now = timezone.now()
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("direction"):
        qs = qs.filter(direction=f["direction"])
    if f.get("item_id"):
        qs = qs.filter(item_id=f["item_id"])
    if f.get("case_number"):
        qs = qs.filter(case_number=str(f["case_number"]).strip())
    if f.get("applicant"):
        qs = qs.filter(applicant_name__icontains=str(f["applicant"]).strip())
    if f.get("subject_from"):
        qs = qs.filter(subject_date__gte=f["subject_from"])
    if f.get("subject_to"):
        qs = qs.filter(subject_date__lte=f["subject_to"])
    if f.get("pushed_from"):
        qs = qs.filter(pushed_at__gte=_day_start(f["pushed_from"]))
    if f.get("pushed_to"):
        qs = qs.filter(pushed_at__lt=workdays.end_of_day(f["pushed_to"]))
    if f.get("state") == PushState.PENDING:
        qs = qs.filter(OPEN)
    elif f.get("state") == PushState.CLAIMED:
        qs = qs.filter(open__isnull=True)
    if f.get("claimed_mode") == ClaimedMode.TIMEOUT:
        qs = qs.filter(AUTO_CLAIMED)
    elif f.get("claimed_mode"):
        qs = qs.filter(claimed_mode=f["claimed_mode"])
    if f.get("claimant"):
        who = str(f["claimant"]).strip()
        q = Q(claimed_by_name__icontains=who)
        if who and who in AUTO_CLAIM_NAME:
            q |= AUTO_PENDING_ROW
        qs = qs.filter(q)
    if f.get("claimed_from"):
        start = _day_start(f["claimed_from"])
        qs = qs.filter(Q(claimed_at__gte=start) | (AUTO_PENDING_ROW & Q(claim_due_at__gte=start)))
    if f.get("claimed_to"):
        end = workdays.end_of_day(f["claimed_to"])
        qs = qs.filter(Q(claimed_at__lt=end) | (AUTO_PENDING_ROW & Q(claim_due_at__lt=end)))
    if f.get("department_id"):
        d = f["department_id"]
        qs = qs.filter(Q(sender_department_id=d) | Q(addressee_department_id=d))
    if f.get("overdue"):
        qs = qs.filter(OPEN, claim_due_at__lte=now)
    if f.get("late") is True:
        qs = qs.filter(Q(claim_late=True) | AUTO_PENDING_ROW)
    elif f.get("late") is False:
        qs = qs.filter(claim_late=False).exclude(AUTO_PENDING_ROW)
    if f.get("provisional"):
        qs = qs.filter(OPEN, claim_provisional=True)
    return qs


# A push is open (待认领) while its PushOpen row exists; a timeout push whose open row the sweep
# deleted is claimed, even before the follow-up sweep rewrote its row (ADR 0014).
OPEN = Q(open__isnull=False)


AUTO_PENDING_ROW = Q(state=PushState.PENDING, claim_policy="timeout", open__isnull=True)


AUTO_CLAIMED = Q(claimed_mode=ClaimedMode.TIMEOUT) | AUTO_PENDING_ROW


class MergedPushes:
    """A read-only union of push querysets, each ordered newest first (pushed_at, id): slicing
    reads only the first rows of each part, through its own index, and merges them. Supports
    what lists, pages and exports do: slicing, iteration, count()."""

    def __init__(self, parts: list):
        self.parts = parts

    def _head(self, stop: int | None) -> list:
        key = lambda x: (x.pushed_at, x.pk)  # noqa: E731
        fetched = [
            sorted(p[:stop] if stop is not None else p, key=key, reverse=True) for p in self.parts
        ]
        merged = heapq.merge(*fetched, key=key, reverse=True)
        return list(merged)[:stop] if stop is not None else list(merged)

    def __getitem__(self, s):
        if isinstance(s, int):
            return self._head(s + 1)[s]
        if s.step not in (None, 1):
            raise ValueError("no step slicing")
        return self._head(s.stop)[s.start or 0 :]

    def __iter__(self):
        return iter(self._head(None))

    def __len__(self) -> int:
        return self.count()

    def count(self) -> int:
        return sum(p.count() for p in self.parts)

    def exists(self) -> bool:
        return any(p.exists() for p in self.parts)


def _push_base(user):
    """Pushes of the actor's visible jurisdictions, if it may read pushes at all. The department
    rule of Push.scope_q (addressee or sender) is applied by each box itself, so that each part
    of a box stays on one index instead of an OR of two."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Push.objects.none()
    if not getattr(user, "is_active", True) or not user.visible_jurisdiction_ids:
        return Push.objects.none()
    if not user.is_oversight and (user.department_id is None or not user.can(Perm.PUSH_READ)):
        return Push.objects.none()
    return (
        Push.objects.filter(jurisdiction_id__in=user.visible_jurisdiction_ids)
        .with_claim()
        .select_related("sender_department", "addressee_department", "item")
    )


def push_list(*, user, box: str = "all", filters: dict | None = None):
    """The actor's inbox (收件箱) of pushes: to claim (most urgent first), claimed, auto-claimed,
    sent, or all it may see (newest first); with the filters real platforms offer.

    Department users see what their department received or sent (Push.scope_q); oversight
    roles everything in their jurisdictions. Each box of a department reads one composite index
    that starts with the jurisdiction and the department (ADR 0014); boxes made of several parts
    (all = received ∪ sent; claimed = manual ∪ on push; auto-claimed = rewritten ∪ not yet) are
    merged from the head of each part. The result is sliceable and countable, not filterable."""
    qs = _push_filters(_push_base(user), filters or {})
    mine = None if user.is_oversight else user.department_id
    if not mine:  # oversight: the jurisdictions' pushes, newest first
        if box == "to_claim":
            return qs.filter(OPEN).order_by("open__claim_due_at", "id")
        if box == "claimed":
            return qs.filter(claimed_mode__in=[ClaimedMode.MANUAL, ClaimedMode.ON_PUSH]).order_by(
                "-id"
            )
        if box == "auto_claimed":
            return qs.filter(AUTO_CLAIMED).order_by("-id")
        return qs.order_by("-id")
    received = qs.filter(addressee_department_id=mine)
    newest = ("-pushed_at", "-id")
    if box == "to_claim":  # driven by the open rows' index (jurisdiction, addressee, due)
        return qs.filter(
            open__jurisdiction_id__in=user.visible_jurisdiction_ids,
            open__addressee_department_id=mine,
        ).order_by("open__claim_due_at", "id")
    if box == "claimed":
        return MergedPushes(
            [
                received.filter(claimed_mode=mode).order_by(*newest)
                for mode in (ClaimedMode.MANUAL, ClaimedMode.ON_PUSH)
            ]
        )
    if box == "auto_claimed":
        # Claimed on timeout but not rewritten yet: only pushes whose deadline has passed, read
        # backwards from now on the department's deadline index (its open pushes not yet due
        # are never touched). The deadline grows with the push time (one claim budget), and
        # the merge sorts the rows it takes by push time.
        swept = received.filter(AUTO_PENDING_ROW, claim_due_at__lte=timezone.now())
        return MergedPushes(
            [
                received.filter(claimed_mode=ClaimedMode.TIMEOUT).order_by(*newest),
                swept.order_by("-claim_due_at", "-id"),
            ]
        )
    sent = qs.filter(sender_department_id=mine).order_by(*newest)
    if box == "sent":
        return sent
    return MergedPushes([received.order_by(*newest), sent])


def push_get(*, user, pk) -> Push:
    """One push the actor may see, or 404: the row by its key with its open flag, the two
    departments every caller shows, its record (the timeline's) and its content. Its other
    relations (item, licence, feedback…) load when read: a join of ten tables cost PostgreSQL
    more to plan than to run (issue 15)."""
    return _one(
        Push.objects.restrict(user)
        .with_claim()
        .select_related("sender_department", "addressee_department", "record", "snapshot"),
        pk,
    )


def countdown(push: Push, today: dt.date | None = None) -> dict:
    """Working days left to claim (认领倒计时): days, overdue flag, provisional flag."""
    today = today or timezone.localdate()
    if push.state != PushState.PENDING:
        return {"days": None, "overdue": False, "provisional": push.claim_provisional}
    overdue = timezone.now() >= push.claim_due_at
    days = workdays.working_days_between(today, push.claim_due_date)
    if not overdue and not workdays.is_working_day(today):
        days = max(days - 1, 0) if days > 0 else days
    return {"days": days, "overdue": overdue, "provisional": push.claim_provisional}


def responsibility(push: Push) -> dict:
    """Who answers for what from when (000 §4): the sender before the push, the addressee from
    its receipt; for an approval: approval by the bureau, supervision by the regulator."""
    return {
        "before": push.sender_department.name,
        "after": push.addressee_department.name,
        "from": push.pushed_at,
    }


# Where a push's frozen content keeps a choice code (part, code key, label key) and its choices.
_SNAPSHOT_CHOICES = {
    "result": ("record", "result", "result_label", ApprovalResult),
    "feedback": ("feedback", "kind", "kind_label", FeedbackKind),
    "disposal": ("disposal", "outcome", "outcome_label", DisposalOutcome),
    "reply": ("reply", "outcome", "outcome_label", ReplyOutcome),
    "notice": ("notice", "kind", "kind_label", NoticeKind),
}


def snapshot_labels(snap: dict) -> dict:
    """The labels of a push's frozen content in the reader's language, from the codes it keeps
    (the labels frozen beside them are Chinese; one of a code no longer known is shown as is)."""
    out = {}
    for key, (part, code_key, label_key, choices) in _SNAPSHOT_CHOICES.items():
        frozen = snap.get(part) or {}
        code = frozen.get(code_key)
        out[key] = choices(code).label if code in choices.values else frozen.get(label_key, "")
    return out


def _at(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=workdays.SHANGHAI)


def push_timeline(*, user, push: Push) -> list[dict]:
    """The whole story of a push (时间线): record → pushed → claimed → feedback → disposal."""
    ev: list[dict] = []

    def add(at, label, who="", detail="", tag=""):
        if at is not None:
            ev.append({"at": _at(at), "label": label, "who": who, "detail": detail, "tag": tag})

    rec = push.record if push.record_id else None
    if rec is not None:
        add(rec.accepted_on, _("受理"), rec.department.name, rec.case_number)
        add(
            rec.decided_on,
            _("作出审批决定"),
            rec.department.name,
            f"{rec.get_result_display()} {rec.decision_number}".strip(),
        )
    related = Q(pk=push.pk)
    if rec is not None:
        related |= Q(record_id=rec.pk)
    if push.feedback_id:
        related |= Q(feedback_id=push.feedback_id)
    if push.notice_id:
        related |= Q(notice_id=push.notice_id)
    pushes = list(
        Push.objects.restrict(user)
        .with_claim()
        .filter(related)
        .select_related("sender_department", "addressee_department")
        .order_by("pushed_at", "id")
    )
    for p in pushes:
        add(
            p.pushed_at,
            _("推送%(kind)s") % {"kind": p.get_kind_display()},
            p.sender_department.name,
            f"→ {p.addressee_department.name}",
            "push",
        )
        if p.state == PushState.CLAIMED:
            mode = {"mode": p.get_claimed_mode_display()}
            add(
                p.claimed_at,
                (_("认领（%(mode)s）（逾期）") if p.claim_late else _("认领（%(mode)s）")) % mode,
                " ".join(filter(None, [p.addressee_department.name, p.claimant_name])),
                "",
                "claim",
            )
    fq = Q(pk=push.feedback_id) if push.feedback_id else Q(pk__in=[])
    if rec is not None:
        fq |= Q(record_id=rec.pk)
    if push.licence_id:
        fq |= Q(licence_id=push.licence_id)
    feedback = list(Feedback.objects.restrict(user).filter(fq).select_related("sender_department"))
    for fb in feedback:
        if fb.state == FeedbackState.RECORDED:
            label = _("登记%(kind)s（正常结果，仅登记不推送）")
        elif fb.state == FeedbackState.HELD:
            label = _("登记%(kind)s（待处罚决定生效后推送）")
        elif fb.send_late:
            label = _("登记%(kind)s（逾期推送）")
        else:
            label = _("登记%(kind)s")
        add(
            fb.created_at,
            label % {"kind": fb.get_kind_display()},
            fb.sender_department.name,
            fb.title,
            "feedback",
        )
        if fb.replied_at:
            outcome = {"outcome": fb.get_reply_outcome_display()}
            add(
                fb.replied_at,
                (
                    _("纠错答复：%(outcome)s（逾期）")
                    if fb.reply_late
                    else _("纠错答复：%(outcome)s")
                )
                % outcome,
                fb.replied_by_name,
                fb.reply_text[:100],
                "reply",
            )
    for d in Disposal.objects.restrict(user).filter(feedback__in=[f.pk for f in feedback]):
        add(
            d.recorded_at,
            _("处置：%(outcome)s") % {"outcome": d.get_outcome_display()},
            d.recorded_by_name,
            f"{d.decision_number} {d.decided_on.isoformat()}".strip(),
            "disposal",
        )
    lic_id = push.licence_id or (
        Licence.objects.filter(record_id=rec.pk).values_list("pk", flat=True).first()
        if rec
        else None
    )
    if lic_id:
        for e in LicenceEvent.objects.restrict(user).filter(licence_id=lic_id).order_by("at"):
            if not e.from_state:
                continue
            add(
                e.at,
                _("证照状态：%(before)s → %(after)s")
                % {"before": e.get_from_state_display(), "after": e.get_to_state_display()},
                e.actor_name,
                f"{e.decision_number} {e.reason}".strip(),
                "licence",
            )
    ev.sort(key=lambda e: e["at"])
    return ev
