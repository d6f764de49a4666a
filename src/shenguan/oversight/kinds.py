"""The deadline kinds oversight declares in core.deadlines (电子监察时限类别): the linkage
deadlines (approval time limits, claims, feedback, corrections, disposals) and its own
(supervision start, escalation steps).

Each kind's `rows()` reads in bulk (a few queries per call, `values_list`) and yields
`DeadlineRow`s. The monitor consumes every registered kind through `rows()`; the two
high-volume kinds (claims of pushes, supervision windows) also have set-based SQL paths in
`fastpaths.py` that the monitor uses instead.

Deadlines that linkage stores (a push's claim, a feedback's send date, a correction's answer)
are read as stored. Deadlines that oversight introduces over linkage's rows are derived when
read, with the profile's budget in force: the approval time limit (受理 → 决定 against the
item's promised or statutory working days, minus the suspensions of 行政许可法第四十五条) and the
disposal of a revocation opinion (`disposal_days` from the moment it was pushed).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenguan.calendar import workdays
from shenguan.core.deadlines import DeadlineKind, DeadlineRow, register_deadline_kind

CHUNK = 5000

# kind codes (stable identifiers, stored on alerts)
APPROVAL_PROMISED = "linkage.approval_promised"
APPROVAL_STATUTORY = "linkage.approval_statutory"
PUSH_CLAIM = "linkage.push_claim"
FEEDBACK_CLAIM = "linkage.feedback_claim"
FEEDBACK_SEND = "linkage.feedback_send"
CORRECTION_REPLY = "linkage.correction_reply"
DISPOSAL = "linkage.disposal"
SUPERVISION_START = "oversight.supervision_start"
ESCALATION_STEP = "oversight.escalation_step"

PUSH_KINDS = (PUSH_CLAIM, FEEDBACK_CLAIM)
STEP_PURPOSE = "oversight.escalation_step"


def _chunks(seq: list, n: int = CHUNK):
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _noon(d: dt.date) -> dt.datetime:
    """A moment on a date (Asia/Shanghai), for deadlines closed by a date, not a moment."""
    return dt.datetime.combine(d, dt.time(12, 0), tzinfo=workdays.SHANGHAI)


def closed_moment(on: dt.date, at: dt.datetime | None) -> dt.datetime:
    """When a deadline closed by a dated act closed: the recorded moment if it falls on that
    date, else noon of the date (lateness is judged by the date)."""
    if at is not None and workdays.local_date(at) == on:
        return at
    return _noon(on)


def budget_between(start: dt.date | dt.datetime, due: dt.date, cal=None) -> int:
    """The working-day budget that leads from a start to a stored due date (ADR 0004)."""
    r = workdays.receipt_date(start, cal=cal)
    return max(0, workdays.working_days_between(r, due, cal=cal))


class _Params:
    """Profile parameters per jurisdiction, read once per call."""

    def __init__(self):
        self._cache: dict[int, object] = {}

    def __call__(self, jid: int):
        if jid not in self._cache:
            from shenguan.policy.selectors import params_for_jurisdiction

            self._cache[jid] = params_for_jurisdiction(jid)[0]
        return self._cache[jid]


def _scope(qs, field: str, jurisdiction_ids):
    return qs.filter(**{f"{field}__in": list(jurisdiction_ids)}) if jurisdiction_ids else qs


# --- the approval time limit (审批时限) ---------------------------------------------------------


def approval_deadline_rows(qs, *, statutory: bool) -> Iterator[DeadlineRow]:
    """The time limits of the approval records of a queryset (statutory or promised, the
    promised one falling back to the statutory), extended by their suspensions."""
    from shenguan.linkage.models import CaseSuspension
    from shenguan.linkage.selectors import suspended_working_days

    code = APPROVAL_STATUTORY if statutory else APPROVAL_PROMISED
    cal = workdays.calendar()
    today = timezone.localdate()
    if statutory:
        qs = qs.filter(item__statutory_days__isnull=False)
    else:
        qs = qs.filter(Q(item__promised_days__isnull=False) | Q(item__statutory_days__isnull=False))
    rows_ = list(
        qs.values_list(
            "pk",
            "jurisdiction_id",
            "department_id",
            "case_number",
            "applicant_name",
            "item__name",
            "item__promised_days",
            "item__statutory_days",
            "accepted_on",
            "decided_on",
            "decided_at",
        )
    )
    label = str(_("法定时限") if statutory else _("承诺时限"))
    dues: dict[tuple, workdays.Due | None] = {}
    for chunk in _chunks(rows_):
        periods: dict[int, list] = defaultdict(list)
        for rid, a, b in CaseSuspension.objects.filter(
            record_id__in=[r[0] for r in chunk]
        ).values_list("record_id", "started_on", "ended_on"):
            periods[rid].append((a, b))
        for pk, jid, dept, case, applicant, item, promised, stat, accepted, decided, at in chunk:
            budget = stat if statutory else (promised if promised is not None else stat)
            if budget is None or accepted is None:
                continue
            until = decided or today
            susp = suspended_working_days(periods[pk], until, cal=cal) if pk in periods else 0
            key = (accepted, budget + susp)
            if key not in dues:
                try:
                    dues[key] = workdays.add_working_days(accepted, budget + susp, cal=cal)
                except ValueError:
                    dues[key] = None
            due = dues[key]
            if due is None:
                continue
            yield DeadlineRow(
                kind=code,
                object_type="linkage.approvalrecord",
                object_id=pk,
                jurisdiction_id=jid,
                department_id=dept,
                title=f"{case} {item}（{applicant}）{label}",
                start=accepted,
                budget_days=budget,
                due_date=due.date,
                provisional=due.provisional,
                closed_at=closed_moment(decided, at) if decided else None,
                suspended_days=susp,
                url=f"/linkage/records/{pk}/",
            )


def _approval_rows(statutory: bool):
    def rows(*, jurisdiction_ids=None, open_only=True, closed_since=None) -> Iterator[DeadlineRow]:
        from shenguan.linkage.models import ApprovalRecord

        qs = _scope(ApprovalRecord.objects.all(), "jurisdiction_id", jurisdiction_ids)
        cond = Q(decided_on__isnull=True)
        if not open_only:
            if closed_since is None:
                cond |= Q(decided_on__isnull=False)
            else:
                cond |= Q(decided_on__isnull=False) & (
                    Q(decided_at__gte=closed_since)
                    | Q(decided_at__isnull=True, updated_at__gte=closed_since)
                )
        return approval_deadline_rows(qs.filter(cond), statutory=statutory)

    return rows


# --- claims of pushes (认领) --------------------------------------------------------------------


def _push_rows(direction: str, code: str):
    def rows(*, jurisdiction_ids=None, open_only=True, closed_since=None) -> Iterator[DeadlineRow]:
        from shenguan.linkage.models import Push, PushOpen

        qs = _scope(Push.objects.filter(direction=direction), "jurisdiction_id", jurisdiction_ids)
        open_ids = PushOpen.objects.values("push_id")
        cond = Q(pk__in=open_ids)
        if not open_only:
            closed = ~Q(pk__in=open_ids)
            if closed_since is not None:
                closed &= Q(claimed_at__gte=closed_since) | Q(
                    claimed_at__isnull=True, claim_due_at__gte=closed_since
                )
            cond |= closed
        cols = (
            "pk",
            "jurisdiction_id",
            "addressee_department_id",
            "title",
            "claim_start_at",
            "claim_budget_days",
            "claim_due_date",
            "claim_provisional",
            "claimed_at",
            "claim_due_at",
            "open__push_id",
        )
        for pk, jid, dept, title, start, budget, due, prov, claimed, due_at, open_ in (
            qs.filter(cond).values_list(*cols).iterator(chunk_size=CHUNK)
        ):
            yield DeadlineRow(
                kind=code,
                object_type="linkage.push",
                object_id=pk,
                jurisdiction_id=jid,
                department_id=dept,
                title=title,
                start=workdays.local_date(start),
                budget_days=budget,
                due_date=due,
                provisional=prov,
                closed_at=None if open_ else (claimed or due_at),
                url=f"/linkage/pushes/{pk}/",
            )

    return rows


# --- sending feedback (监管信息推送) --------------------------------------------------------------


def feedback_send_rows(
    *, jurisdiction_ids=None, open_only=True, closed_since=None
) -> Iterator[DeadlineRow]:
    """Supervision feedback to be pushed within `feedback_push_days` of its publication (or of
    the penalty taking effect): open while held, closed when pushed."""
    from shenguan.linkage.models import Feedback, FeedbackState

    cal = workdays.calendar()
    qs = _scope(
        Feedback.objects.filter(send_due_date__isnull=False), "jurisdiction_id", jurisdiction_ids
    )
    cond = Q(state=FeedbackState.HELD)
    if not open_only:
        sent = Q(state=FeedbackState.PUSHED)
        if closed_since is not None:
            sent &= Q(sent_at__gte=closed_since)
        cond |= sent
    for pk, jid, dept, title, published, effective, due, prov, sent_at in (
        qs.filter(cond)
        .values_list(
            "pk",
            "jurisdiction_id",
            "sender_department_id",
            "title",
            "published_on",
            "effective_on",
            "send_due_date",
            "send_provisional",
            "sent_at",
        )
        .iterator(chunk_size=CHUNK)
    ):
        start = published
        if effective and effective > published and workdays.receipt_date(effective, cal=cal) <= due:
            start = effective  # a penalty pushed once effective counts from its effective date
        yield DeadlineRow(
            kind=FEEDBACK_SEND,
            object_type="linkage.feedback",
            object_id=pk,
            jurisdiction_id=jid,
            department_id=dept,
            title=title,
            start=start,
            budget_days=budget_between(start, due, cal),
            due_date=due,
            provisional=prov,
            closed_at=sent_at,
            url=f"/linkage/feedback/{pk}/",
        )


# --- the answer to a correction request (纠错答复) ------------------------------------------------


def _calendar_deadline_rows(
    purpose: str, code: str, object_type: str, subjects, department_of, title_of, url_of
):
    def rows(*, jurisdiction_ids=None, open_only=True, closed_since=None) -> Iterator[DeadlineRow]:
        from shenguan.calendar.models import Deadline, DeadlineState

        qs = _scope(Deadline.objects.filter(purpose=purpose), "jurisdiction_id", jurisdiction_ids)
        cond = Q(state=DeadlineState.OPEN)
        if not open_only:
            closed = Q(state__in=[DeadlineState.MET, DeadlineState.LATE])
            if closed_since is not None:
                closed &= Q(closed_at__gte=closed_since)
            cond |= closed
        items = list(
            qs.filter(cond).values_list(
                "subject_id",
                "jurisdiction_id",
                "start_at",
                "budget_days",
                "due_date",
                "provisional",
                "closed_at",
            )
        )
        for chunk in _chunks(items):
            found = subjects([c[0] for c in chunk])
            for sid, jid, start, budget, due, prov, closed in chunk:
                obj = found.get(sid)
                if obj is None:
                    continue
                dept = department_of(obj)
                if dept is None:
                    continue
                yield DeadlineRow(
                    kind=code,
                    object_type=object_type,
                    object_id=sid,
                    jurisdiction_id=jid,
                    department_id=dept,
                    title=title_of(obj),
                    start=workdays.local_date(start),
                    budget_days=budget,
                    due_date=due,
                    provisional=prov,
                    closed_at=closed,
                    url=url_of(obj),
                )

    return rows


def _feedback_subjects(ids: list[int]) -> dict:
    from shenguan.linkage.models import Feedback

    return {o.pk: o for o in Feedback.objects.filter(pk__in=ids)}


def _step_subjects(ids: list[int]) -> dict:
    from .models import EscalationStep

    return {o.pk: o for o in EscalationStep.objects.select_related("escalation").filter(pk__in=ids)}


def _step_department(step) -> int | None:
    """Who must act before a step's deadline: the department under a reminder (rectify), the
    office that holds the 约谈 or decides the 问责."""
    from .models import EscalationLevel

    if step.level == EscalationLevel.REMINDER:
        return step.escalation.department_id
    return step.issued_by_department_id or step.escalation.department_id


# --- the disposal of a revocation opinion (处置意见办理) ------------------------------------------


def disposal_rows(
    *, jurisdiction_ids=None, open_only=True, closed_since=None
) -> Iterator[DeadlineRow]:
    """A revocation opinion pushed to the bureau is disposed of (注销/撤销/吊销 or refused) within
    the profile's `disposal_days` of its push (000 §17)."""
    from shenguan.linkage.models import Feedback, FeedbackKind, FeedbackState

    cal = workdays.calendar()
    params = _Params()
    qs = _scope(
        Feedback.objects.filter(
            kind=FeedbackKind.REVOCATION_OPINION, state=FeedbackState.PUSHED, sent_at__isnull=False
        ),
        "jurisdiction_id",
        jurisdiction_ids,
    )
    cond = Q(disposal__isnull=True)
    if not open_only:
        done = Q(disposal__isnull=False)
        if closed_since is not None:
            done &= Q(disposal__recorded_at__gte=closed_since)
        cond |= done
    dues: dict[tuple, workdays.Due] = {}
    for pk, jid, dept, title, sent_at, recorded_at in (
        qs.filter(cond)
        .values_list(
            "pk",
            "jurisdiction_id",
            "addressee_department_id",
            "title",
            "sent_at",
            "disposal__recorded_at",
        )
        .iterator(chunk_size=CHUNK)
    ):
        budget = params(jid).disposal_days
        key = (budget, workdays.receipt_date(sent_at, cal=cal))
        if key not in dues:
            dues[key] = workdays.add_working_days(key[1], budget, cal=cal)
        due = dues[key]
        yield DeadlineRow(
            kind=DISPOSAL,
            object_type="linkage.feedback",
            object_id=pk,
            jurisdiction_id=jid,
            department_id=dept,
            title=title,
            start=workdays.local_date(sent_at),
            budget_days=budget,
            due_date=due.date,
            provisional=due.provisional,
            closed_at=recorded_at,
            url=f"/linkage/feedback/{pk}/",
        )


# --- oversight's own: the supervision window (启动监管时限) ---------------------------------------


def supervision_rows(
    *, jurisdiction_ids=None, open_only=True, closed_since=None
) -> Iterator[DeadlineRow]:
    """A claimed approval's supervision must start within the profile's window."""
    from .models import SupervisionTask

    qs = _scope(SupervisionTask.objects.all(), "jurisdiction_id", jurisdiction_ids)
    cond = Q(started_at__isnull=True)
    if not open_only:
        started = Q(started_at__isnull=False)
        if closed_since is not None:
            started &= Q(started_at__gte=closed_since)
        cond |= started
    for pk, jid, dept, title, claimed, budget, due, prov, started in (
        qs.filter(cond)
        .values_list(
            "pk",
            "jurisdiction_id",
            "department_id",
            "title",
            "claimed_at",
            "start_budget_days",
            "start_due_date",
            "start_provisional",
            "started_at",
        )
        .iterator(chunk_size=CHUNK)
    ):
        yield DeadlineRow(
            kind=SUPERVISION_START,
            object_type="oversight.supervisiontask",
            object_id=pk,
            jurisdiction_id=jid,
            department_id=dept,
            title=title,
            start=workdays.local_date(claimed),
            budget_days=budget,
            due_date=due,
            provisional=prov,
            closed_at=started,
            url=f"/oversight/supervision/{pk}/",
        )


def register_kinds() -> None:
    """Declare every kind above in core.deadlines (from AppConfig.ready())."""
    from shenguan.linkage.models import PushDirection

    def feedback_title(fb) -> str:
        return fb.title

    def step_title(step) -> str:
        return f"{step.get_level_display()}：{step.document_title}"

    kinds = [
        DeadlineKind(
            code=APPROVAL_PROMISED,
            label=_("审批承诺时限"),
            app_label="linkage",
            rows=_approval_rows(statutory=False),
            order=10,
            basis=_(
                "《乌海市“审管分离”工作制度》第十五条 按照承诺时限作出审批、第二十五条 超时审批；"
                "《中华人民共和国行政许可法》第四十五条 听证、检验、检测、鉴定和专家评审所需时间"
                "不计算在期限内"
            ),
        ),
        DeadlineKind(
            code=APPROVAL_STATUTORY,
            label=_("审批法定时限"),
            app_label="linkage",
            rows=_approval_rows(statutory=True),
            order=11,
            basis=_("《中华人民共和国行政许可法》第四十二条、第四十五条"),
        ),
        DeadlineKind(
            code=PUSH_CLAIM,
            label=_("监管部门认领推送信息"),
            app_label="linkage",
            rows=_push_rows(PushDirection.TO_REGULATOR, PUSH_CLAIM),
            order=20,
            basis=_(
                "《聊城市强化审管互动工作暂行办法》第十七条(一)；"
                "《达拉特旗相对集中行政许可权改革工作实施方案》三(三)6 不按规定时限认领审批信息"
            ),
        ),
        DeadlineKind(
            code=FEEDBACK_SEND,
            label=_("监管信息推送审批局"),
            app_label="linkage",
            rows=feedback_send_rows,
            order=30,
            basis=_("《聊城市强化审管互动工作暂行办法》第十七条(二) 公布3个工作日内推送"),
        ),
        DeadlineKind(
            code=FEEDBACK_CLAIM,
            label=_("审批局认领监管信息"),
            app_label="linkage",
            rows=_push_rows(PushDirection.TO_BUREAU, FEEDBACK_CLAIM),
            order=31,
            basis=_("《聊城市强化审管互动工作暂行办法》第十七条(二) 市行政审批局2个工作日内认领"),
        ),
        DeadlineKind(
            code=CORRECTION_REPLY,
            label=_("纠错建议答复"),
            app_label="linkage",
            rows=_calendar_deadline_rows(
                "correction_reply",
                CORRECTION_REPLY,
                "linkage.feedback",
                _feedback_subjects,
                lambda fb: fb.addressee_department_id,
                feedback_title,
                lambda fb: f"/linkage/feedback/{fb.pk}/",
            ),
            order=32,
            basis=_("《乌海市“审管分离”工作制度》第二十条 及时告知审批服务局予以纠正"),
        ),
        DeadlineKind(
            code=DISPOSAL,
            label=_("吊销/注销处置意见办理"),
            app_label="linkage",
            rows=disposal_rows,
            order=33,
            basis=_("《乌海市“审管分离”工作制度》第十七条 按规定程序予以备案注销"),
        ),
        DeadlineKind(
            code=SUPERVISION_START,
            label=_("认领后启动事中事后监管"),
            app_label="oversight",
            rows=supervision_rows,
            order=40,
            basis=_(
                "《达拉特旗相对集中行政许可权改革工作实施方案》三(三)3 “及时接收，启动事中事后监"
                "管程序”；"
                "《乌海市“审管分离”工作制度》第二十五条"
            ),
        ),
        DeadlineKind(
            code=ESCALATION_STEP,
            label=_("督办环节办理"),
            app_label="oversight",
            rows=_calendar_deadline_rows(
                STEP_PURPOSE,
                ESCALATION_STEP,
                "oversight.escalationstep",
                _step_subjects,
                _step_department,
                step_title,
                lambda s: f"/oversight/escalations/{s.escalation_id}/",
            ),
            order=50,
            basis=_("《聊城市强化审管互动工作暂行办法》第二十三条、第二十四条"),
        ),
    ]
    for k in kinds:
        register_deadline_kind(k)
