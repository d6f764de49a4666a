"""Writes of the linkage app (审管联动): approval records and materials, completion and the pushes
it creates, claims (manual, bulk, on push, on timeout), supervision feedback, disposals,
correction answers, notices and licence state changes.

Every service validates, writes, audits and emits its outbox events in one transaction
(ARCHITECTURE "Layering", "Side effects"). The periodic sweeps (auto-claim, held penalties,
catalogue change notices, licence expiry, the daily digest) live in `sweeps.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shenguan.audit.services import audit_record, audit_record_many
from shenguan.calendar import workdays
from shenguan.calendar.models import DeadlineState
from shenguan.calendar.services import deadline_close, deadline_compute, deadline_open
from shenguan.core.bulk import db_datetime, db_json, insert_objects, insert_rows
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.core.i18n import source_choice, source_label
from shenguan.core.serialize import JsonSafe, to_jsonable
from shenguan.org.models import Department, Division, Jurisdiction, LiaisonAssignment, User
from shenguan.org.roles import OVERSIGHT_ROLES, DepartmentKind, Perm, Role
from shenguan.outbox.services import outbox_emit, outbox_emit_many
from shenguan.policy.params import ClaimMode
from shenguan.policy.selectors import params_for_jurisdiction

from . import hooks
from . import validators as v
from .models import (
    DISPOSAL_LICENCE_STATE,
    LICENCE_TRANSITIONS,
    RESULT_KINDS,
    AcceptanceMode,
    ApplicantKind,
    ApprovalRecord,
    ApprovalResult,
    CaseSuspension,
    ClaimedMode,
    Disposal,
    DisposalOutcome,
    Feedback,
    FeedbackKind,
    FeedbackState,
    Licence,
    LicenceEvent,
    LicenceState,
    Material,
    MaterialKind,
    Notice,
    NoticeKind,
    Push,
    PushDirection,
    PushKind,
    PushOpen,
    PushSnapshot,
    PushState,
    RecordSource,
    RecordState,
    ReplyOutcome,
    SuspensionKind,
)

SYSTEM_NAME = "系统"

# Outbox event types per push kind (webhook subscribers filter on them, e.g. "push.*").
CREATED_EVENT = {
    PushKind.APPROVAL: "push.created",
    PushKind.FEEDBACK: "feedback.created",
    PushKind.DISPOSAL: "disposal.recorded",
    PushKind.CORRECTION_REPLY: "correction.answered",
    PushKind.NOTICE: "notice.created",
}
CLAIMED_EVENT = {
    PushKind.APPROVAL: "push.claimed",
    PushKind.FEEDBACK: "feedback.claimed",
    PushKind.DISPOSAL: "disposal.claimed",
    PushKind.CORRECTION_REPLY: "correction.claimed",
    PushKind.NOTICE: "notice.claimed",
}
AUTO_CLAIMED_EVENT = {k: v.replace(".claimed", ".auto_claimed") for k, v in CLAIMED_EVENT.items()}


# --- common helpers ----------------------------------------------------------------------------


def actor_name(actor) -> str:
    """The name shown for an actor in timelines (the system when None)."""
    if actor is None:
        return SYSTEM_NAME
    return str(getattr(actor, "display_name", "") or actor)[:150]


def _user_id(actor) -> int | None:
    return actor.pk if actor is not None and getattr(actor, "kind", "") == "user" else None


def _require(actor, perm: str, message: str) -> None:
    """Refuse (403) unless the actor holds the permission; the system itself may do anything."""
    if actor is not None and not actor.can(perm):
        raise PermissionDenied("forbidden", message)


def _require_department(actor, department_id: int, message: str) -> None:
    """Refuse (403) unless the actor belongs to the department (the system may act for it)."""
    if actor is not None and actor.department_id != department_id:
        raise PermissionDenied("forbidden_department", message)


def jurisdiction_bureau(jurisdiction_id: int) -> Department | None:
    """The active approval bureau (行政审批局) of a jurisdiction."""
    return (
        Department.objects.filter(
            jurisdiction_id=jurisdiction_id, kind=DepartmentKind.BUREAU, active=True
        )
        .order_by("sort_order", "id")
        .first()
    )


def liaison_user_ids(department_ids: Iterable[int], on_date: dt.date | None = None) -> dict:
    """Accounts to alert per department: its current liaisons and leaders in charge, or, if it
    names none with an account, its users holding a claim right (认领权限)."""
    on_date = on_date or timezone.localdate()
    ids = sorted({int(d) for d in department_ids if d})
    out: dict[int, list[int]] = {d: [] for d in ids}
    if not ids:
        return out
    for dept_id, user_id in (
        LiaisonAssignment.objects.filter(
            department_id__in=ids, user__isnull=False, valid_from__lte=on_date
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on_date))
        .values_list("department_id", "user_id")
    ):
        out[dept_id].append(user_id)
    missing = [d for d, users in out.items() if not users]
    if missing:
        claimers = {Role.REGULATOR_LIAISON, Role.REGULATOR_LEADER, Role.BUREAU_LIAISON}
        for dept_id, user_id in (
            User.objects.filter(
                department_id__in=missing, is_active=True, role_assignments__role__in=claimers
            )
            .values_list("department_id", "pk")
            .distinct()
        ):
            out[dept_id].append(user_id)
    return {d: sorted(set(u)) for d, u in out.items()}


def oversight_user_ids(jurisdiction_id: int) -> list[int]:
    """Oversight accounts (纪委监委, 审改办) of a jurisdiction and of those above it."""
    j = Jurisdiction.objects.filter(pk=jurisdiction_id).only("path").first()
    if j is None:
        return []
    above = [
        pk for pk, path in Jurisdiction.objects.values_list("pk", "path") if j.path.startswith(path)
    ]
    return sorted(
        set(
            User.objects.filter(
                department__jurisdiction_id__in=above,
                is_active=True,
                role_assignments__role__in=list(OVERSIGHT_ROLES),
            ).values_list("pk", flat=True)
        )
    )


@dataclass
class _Ctx:
    """Per-call caches of a service run (params, liaisons) so that batches stay cheap."""

    at: dt.datetime
    params: dict = field(default_factory=dict)
    liaisons: dict = field(default_factory=dict)
    deadlines: dict = field(default_factory=dict)

    def params_for(self, jurisdiction_id: int):
        if jurisdiction_id not in self.params:
            self.params[jurisdiction_id] = params_for_jurisdiction(jurisdiction_id)
        return self.params[jurisdiction_id]

    def deadline(self, budget: int) -> tuple[dt.date, dt.datetime, bool]:
        """The claim deadline of a push made now with a budget (one calendar walk per batch)."""
        if budget not in self.deadlines:
            self.deadlines[budget] = deadline_compute(self.at, budget)
        return self.deadlines[budget]

    def liaisons_of(self, department_id: int) -> list[int]:
        if department_id not in self.liaisons:
            self.liaisons.update(liaison_user_ids([department_id], timezone.localdate(self.at)))
        return self.liaisons.get(department_id, [])


# --- pushes: creation --------------------------------------------------------------------------


def claim_terms(params, direction: str) -> tuple[str, int]:
    """The claim rule and working-day budget the profile sets for a direction (认领规则)."""
    if direction == PushDirection.TO_REGULATOR:
        return str(params.claim_mode), params.claim_window_days
    return str(params.bureau_claim_mode), params.bureau_claim_days


def _new_push(
    ctx: _Ctx,
    *,
    kind: str,
    direction: str,
    jurisdiction_id: int,
    sender_id: int,
    addressee_id: int,
    title: str,
    division_id: int | None = None,
    record: ApprovalRecord | None = None,
    licence: Licence | None = None,
    feedback: Feedback | None = None,
    notice: Notice | None = None,
    item_id: int | None = None,
    case_number: str = "",
    applicant_name: str = "",
    subject_date: dt.date | None = None,
) -> Push:
    """An unsaved push with its claim deadline (or claimed at once under 推送即认领)."""
    params, version = ctx.params_for(jurisdiction_id)
    policy, budget = claim_terms(params, direction)
    if policy == ClaimMode.ON_PUSH:
        budget = 0
    due_date, due_at, provisional = ctx.deadline(budget)
    p = Push(
        jurisdiction_id=jurisdiction_id,
        kind=kind,
        direction=direction,
        sender_department_id=sender_id,
        addressee_department_id=addressee_id,
        addressee_division_id=division_id,
        record=record,
        licence=licence,
        feedback=feedback,
        notice=notice,
        item_id=item_id,
        title=title[:300],
        case_number=case_number[:64],
        applicant_name=applicant_name[:200],
        subject_date=subject_date,
        pushed_at=ctx.at,
        claim_policy=policy,
        claim_start_at=ctx.at,
        claim_budget_days=budget,
        claim_due_date=due_date,
        claim_due_at=due_at,
        claim_provisional=provisional,
        profile_version_id=version,
    )
    if policy == ClaimMode.ON_PUSH:
        p.state = PushState.CLAIMED
        p.claimed_at = ctx.at
        p.claimed_mode = ClaimedMode.ON_PUSH
        p.claimed_by_name = "推送即认领"
        p.claim_late = False
    return p


def push_payload(p: Push) -> dict:
    """What a push event says (without the snapshot): ids, parties, deadline, claim."""
    return {
        "push_id": p.pk,
        "kind": p.kind,
        "direction": p.direction,
        "jurisdiction_id": p.jurisdiction_id,
        "sender_department_id": p.sender_department_id,
        "addressee_department_id": p.addressee_department_id,
        "addressee_division_id": p.addressee_division_id,
        "record_id": p.record_id,
        "licence_id": p.licence_id,
        "feedback_id": p.feedback_id,
        "notice_id": p.notice_id,
        "item_id": p.item_id,
        "title": p.title,
        "case_number": p.case_number,
        "pushed_at": p.pushed_at,
        "claim_policy": p.claim_policy,
        "claim_due_date": p.claim_due_date,
        "claim_due_at": p.claim_due_at,
        "claim_provisional": p.claim_provisional,
        "state": p.state,
        "claimed_at": p.claimed_at,
        "claimed_mode": p.claimed_mode,
        "claimed_by": p.claimed_by_name,
        "claim_late": p.claim_late,
    }


def _push_notice(p: Push, n: int) -> dict:
    """The in-app notification of new pushes to a department (one, or n of a batch)."""
    label = source_choice(PushKind, p.kind)
    due = (
        "已推送即认领。"
        if p.state == PushState.CLAIMED
        else f"请于{p.claim_due_date.isoformat()}前认领"
        + ("（暂定）" if p.claim_provisional else "")
        + "。"
    )
    if n == 1:
        return {
            "title": f"新的{label}推送：{p.title}"[:200],
            "body": due,
            "link": f"/linkage/pushes/{p.pk}/",
        }
    return {"title": f"{n}条新的{label}推送", "body": due, "link": "/linkage/?box=to_claim"}


def _jsonable_once(data: dict) -> JsonSafe:
    """`data` as JSON types, converted once: parts already converted (`JsonSafe`, such as a
    record's part shared by its pushes) are taken as they are, here and in the push's event."""
    return JsonSafe({k: to_jsonable(v) for k, v in data.items()})


# the columns of an open push (PushOpen), written as tuples with the push
_OPEN_FIELDS = (
    "push_id",
    "jurisdiction_id",
    "addressee_department_id",
    "sender_department_id",
    "kind",
    "claim_policy",
    "claim_due_at",
)


def _insert_pushes(ctx: _Ctx, items: list[tuple[Push, dict]]) -> list[Push]:
    """Save pushes with their frozen snapshots and emit one event per push (and a claimed event
    for those claimed on push), notifying the addressee's liaisons."""
    if not items:
        return []
    pushes = [p for p, _ in items]
    insert_objects(pushes)
    if any(p.pk is None for p in pushes):  # engines that do not return ids
        raise RuntimeError("bulk_create did not return push ids")
    frozen: list[dict] = []
    for p, data in items:
        # the content as JSON once (a record's part is shared by its pushes), then the push's ids
        frozen.append(
            _jsonable_once({**data, "push": {"id": p.pk, "kind": p.kind, "pushed_at": p.pushed_at}})
        )
    # the snapshot and open-push rows as plain tuples: no model instances (ADR 0014)
    insert_rows(
        PushSnapshot,
        ("push_id", "data"),
        [(p.pk, db_json(data)) for p, data in zip(pushes, frozen, strict=True)],
    )
    insert_rows(
        PushOpen,
        _OPEN_FIELDS,
        [
            (
                p.pk,
                p.jurisdiction_id,
                p.addressee_department_id,
                p.sender_department_id,
                p.kind,
                p.claim_policy,
                db_datetime(p.claim_due_at),
            )
            for p in pushes
            if p.state == PushState.PENDING
        ],
    )
    # one notification per addressee: a batch of 500 approvals is one message, not 500
    per_addressee: dict[int, list[Push]] = {}
    for p in pushes:
        per_addressee.setdefault(p.addressee_department_id, []).append(p)
    specs: list[dict] = []
    for (p, _data), data in zip(items, frozen, strict=True):
        payload = {**push_payload(p), "snapshot": data}
        parties = [p.addressee_department_id, p.sender_department_id]
        spec = {
            "event_type": CREATED_EVENT[p.kind],
            "jurisdiction_id": p.jurisdiction_id,
            "payload": payload,
            "department_ids": parties,
            "aggregate": p,
        }
        group = per_addressee[p.addressee_department_id]
        if group[0] is p:
            spec["notify_user_ids"] = ctx.liaisons_of(p.addressee_department_id)
            spec["notify"] = _push_notice(p, len(group))
        specs.append(spec)
        if p.state == PushState.CLAIMED:
            specs.append(
                {
                    "event_type": CLAIMED_EVENT[p.kind],
                    "jurisdiction_id": p.jurisdiction_id,
                    "payload": push_payload(p),
                    "department_ids": parties,
                    "aggregate": p,
                }
            )
    outbox_emit_many(events=specs)
    return pushes


# --- approval records --------------------------------------------------------------------------


def _item_of(jurisdiction_id: int, item):
    from shenguan.catalog.models import LicensingItem

    if item is None or item == "":
        raise ValidationFailed("required", "请选择审批事项", "item")
    if not isinstance(item, LicensingItem):
        try:
            item = LicensingItem.objects.filter(pk=int(item)).first()
        except (TypeError, ValueError):
            item = None
    if item is None or item.jurisdiction_id != jurisdiction_id:
        raise ValidationFailed("bad_item", "审批事项不存在或不属于本行政区划", "item")
    if not item.active:
        raise ValidationFailed("inactive_item", f"审批事项“{item.name}”已删减，不能再办理", "item")
    return item


def clean_record(jurisdiction_id: int, data: dict) -> dict:
    """Validate the fields of an approval record (办件); raise the first problem, naming it."""
    out = {"item": _item_of(jurisdiction_id, data.get("item"))}
    out["case_number"] = v.clean_case_number(data.get("case_number"))
    out.update(v.clean_applicant(data))
    out["accepted_on"] = v.clean_date(
        data.get("accepted_on"), "accepted_on", "受理日期", required=True
    )
    v.not_future(out["accepted_on"], "accepted_on", "受理日期")
    out["decided_on"] = v.clean_date(data.get("decided_on"), "decided_on", "决定日期")
    v.not_future(out["decided_on"], "decided_on", "决定日期")
    if out["decided_on"] and out["decided_on"] < out["accepted_on"]:
        raise ValidationFailed("decided_before_accepted", "决定日期不能早于受理日期", "decided_on")
    out["decision_number"] = v.clean_text(
        data.get("decision_number"), "decision_number", "决定文书号", 100
    )
    raw_result = v.normalize_text(data.get("result"))
    out["result"] = v.RESULT_ALIASES.get(raw_result) or v.clean_choice(
        raw_result, ApprovalResult, "result", "审批结果", required=False
    )
    out["licence_number"] = v.clean_text(
        data.get("licence_number"), "licence_number", "证照编号", 100
    )
    out["licence_valid_from"] = v.clean_date(
        data.get("licence_valid_from"), "licence_valid_from", "有效期起"
    )
    out["licence_valid_until"] = v.clean_date(
        data.get("licence_valid_until"), "licence_valid_until", "有效期至"
    )
    if out["licence_number"] and out["result"] == ApprovalResult.REFUSED:
        raise ValidationFailed(
            "licence_on_refusal", "不予许可的办件不能填写证照编号", "licence_number"
        )
    if (out["licence_valid_from"] or out["licence_valid_until"]) and not out["licence_number"]:
        raise ValidationFailed(
            "licence_number_required", "填写有效期时须填写证照编号", "licence_number"
        )
    start = out["licence_valid_from"] or out["decided_on"]
    if out["licence_valid_until"] and start and out["licence_valid_until"] < start:
        raise ValidationFailed("bad_validity", "有效期至不能早于有效期起", "licence_valid_until")
    out["risk_points"] = v.clean_text(
        data.get("risk_points"), "risk_points", "风险点", 5000, multiline=True
    )
    out.update(_clean_acceptance(data, out["accepted_on"]))
    return out


def _clean_acceptance(data: dict, accepted_on: dt.date) -> dict:
    """The acceptance mode of a case and what it needs (受理方式, 003 三(三)4): the missing
    materials and the date to supply them under 容缺受理, the commitment under 告知承诺."""
    mode = (
        v.clean_choice(
            data.get("acceptance_mode"),
            AcceptanceMode,
            "acceptance_mode",
            "受理方式",
            required=False,
        )
        or AcceptanceMode.NORMAL
    )
    out = {
        "acceptance_mode": mode,
        "deficiency_materials": "",
        "deficiency_due_date": None,
        "commitment_text": "",
    }
    if mode == AcceptanceMode.DEFICIENCY:
        out["deficiency_materials"] = v.clean_text(
            data.get("deficiency_materials"),
            "deficiency_materials",
            "容缺材料",
            2000,
            required=True,
            multiline=True,
        )
        due = v.clean_date(
            data.get("deficiency_due_date"),
            "deficiency_due_date",
            "容缺材料补齐期限",
            required=True,
        )
        if due < accepted_on:
            raise ValidationFailed(
                "bad_deficiency_due", "容缺材料补齐期限不能早于受理日期", "deficiency_due_date"
            )
        out["deficiency_due_date"] = due
    elif mode == AcceptanceMode.COMMITMENT:
        out["commitment_text"] = v.clean_text(
            data.get("commitment_text"),
            "commitment_text",
            "承诺内容",
            5000,
            required=True,
            multiline=True,
        )
    return out


def _check_handler(record_department_id: int, item, on_date: dt.date, cache=None) -> None:
    """Refuse an item the department does not handle on the date (item_handler, 004 三(三)2)."""
    from shenguan.catalog.selectors import item_handling

    key = (item.pk, on_date)
    handling = cache.get(key) if cache is not None else None
    if handling is None:
        handling = item_handling(item=item, on_date=on_date)
        if cache is not None:
            cache[key] = handling
    if handling.department.pk != record_department_id:
        why = "（待签订审管衔接备忘录）" if handling.waiting_for_memo else ""
        raise ValidationFailed(
            "item_not_handled",
            f"{on_date.isoformat()}事项“{item.name}”由{handling.department.name}办理{why}，"
            "本部门不能登记该办件",
            "item",
        )


def _record_department(actor, department) -> Department:
    if department is not None:
        if not isinstance(department, Department):
            department = Department.objects.filter(pk=department).first()
        if department is None:
            raise ValidationFailed("bad_department", "办理部门不存在", "department")
        if actor is not None and department.pk != actor.department_id:
            raise PermissionDenied("forbidden_department", "只能登记本部门办理的办件")
        return department
    if actor is None or actor.department_id is None:
        raise ValidationFailed("department_required", "请指定办理部门", "department")
    return Department.objects.get(pk=actor.department_id)


def _check_case_free(jurisdiction_id: int, case_number: str, exclude_pk=None) -> None:
    qs = ApprovalRecord.objects.filter(jurisdiction_id=jurisdiction_id, case_number=case_number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise Conflict("case_number_exists", f"办件编号“{case_number}”已存在", "case_number")


def _record_audit(r: ApprovalRecord) -> dict:
    """A record as written to the audit trail (identity numbers included: the trail is sealed)."""
    return {
        "id": r.pk,
        "case_number": r.case_number,
        "item_id": r.item_id,
        "department_id": r.department_id,
        "applicant_kind": r.applicant_kind,
        "applicant_name": r.applicant_name,
        "accepted_on": r.accepted_on,
        "decided_on": r.decided_on,
        "decision_number": r.decision_number,
        "result": r.result,
        "licence_number": r.licence_number,
        "state": r.state,
        "source": r.source,
        "acceptance_mode": r.acceptance_mode,
        "decided_by_name": r.decided_by_name,
    }


def record_create(
    *,
    actor,
    data: dict,
    source: str = RecordSource.UI,
    department=None,
    complete: bool = False,
    at: dt.datetime | None = None,
) -> ApprovalRecord:
    """Register an approval record (登记办件); with complete=True also complete and push it."""
    _require(actor, Perm.APPROVAL_RECORD, "无权登记办件")
    if complete:
        _require(actor, Perm.APPROVAL_COMPLETE, "无权办结办件")
    dept = _record_department(actor, department)
    cleaned = clean_record(dept.jurisdiction_id, data)
    item = cleaned["item"]
    on = cleaned["decided_on"] or cleaned["accepted_on"]
    _check_handler(dept.pk, item, on)
    now = at or timezone.now()
    with transaction.atomic():
        _check_case_free(dept.jurisdiction_id, cleaned["case_number"])
        rec = ApprovalRecord(
            jurisdiction_id=dept.jurisdiction_id,
            department=dept,
            source=source,
            created_by_id=_user_id(actor),
            created_by_name=actor_name(actor),
            created_at=now,
            updated_at=now,
            **cleaned,
        )
        if rec.result:
            _mark_decided(rec, actor, now)
        if hooks.has(hooks.RECORD_VALIDATE):
            hooks.fire(hooks.RECORD_VALIDATE, actor=actor, record=rec, data=data, phase="create")
        try:
            with transaction.atomic():
                rec.save(force_insert=True)
        except IntegrityError as exc:
            raise Conflict(
                "case_number_exists", f"办件编号“{rec.case_number}”已存在", "case_number"
            ) from exc
        audit_record(actor=actor, action="approval.record", obj=rec, after=_record_audit(rec))
        if hooks.has(hooks.RECORD_CREATED):
            hooks.fire(hooks.RECORD_CREATED, actor=actor, record=rec, data=data)
        if complete:
            complete_records(actor=actor, records=[rec], at=now)
    return rec


def record_update(*, actor, record: ApprovalRecord, data: dict) -> ApprovalRecord:
    """Correct a record not yet completed (修改办件); completed records are frozen."""
    _require(actor, Perm.APPROVAL_RECORD, "无权修改办件")
    _require_department(actor, record.department_id, "只能修改本部门的办件")
    merged = {f: getattr(record, f) for f in _EDITABLE}
    merged["item"] = record.item
    merged.update({k: val for k, val in data.items() if k in _EDITABLE or k == "item"})
    cleaned = clean_record(record.jurisdiction_id, merged)
    on = cleaned["decided_on"] or cleaned["accepted_on"]
    _check_handler(record.department_id, cleaned["item"], on)
    with transaction.atomic():
        rec = ApprovalRecord.objects.select_for_update().get(pk=record.pk)
        if rec.state != RecordState.DRAFT:
            raise Conflict("record_completed", "办件已办结推送，不能修改", "state")
        _check_case_free(rec.jurisdiction_id, cleaned["case_number"], exclude_pk=rec.pk)
        before = _record_audit(rec)
        had_result = bool(rec.result)
        for k, val in cleaned.items():
            setattr(rec, k, val)
        rec.updated_at = timezone.now()
        if rec.result and not had_result:
            _mark_decided(rec, actor, rec.updated_at)
        elif not rec.result:
            rec.decided_by_id, rec.decided_by_name, rec.decided_at = None, "", None
        if hooks.has(hooks.RECORD_VALIDATE):
            hooks.fire(hooks.RECORD_VALIDATE, actor=actor, record=rec, data=data, phase="update")
        rec.save()
        audit_record(
            actor=actor, action="approval.update", obj=rec, before=before, after=_record_audit(rec)
        )
        if hooks.has(hooks.RECORD_UPDATED):
            hooks.fire(hooks.RECORD_UPDATED, actor=actor, record=rec, data=data, before=before)
    return rec


def _mark_decided(rec: ApprovalRecord, actor, at: dt.datetime) -> None:
    """Record who entered the decision of a case and when (决定人, 受审分离 004 三(六))."""
    rec.decided_by_id = _user_id(actor)
    rec.decided_by_name = actor_name(actor)
    rec.decided_at = at


_EDITABLE = (
    "case_number",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_uscc",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "accepted_on",
    "decided_on",
    "decision_number",
    "result",
    "licence_number",
    "licence_valid_from",
    "licence_valid_until",
    "risk_points",
    "acceptance_mode",
    "deficiency_materials",
    "deficiency_due_date",
    "commitment_text",
)


# --- materials ---------------------------------------------------------------------------------

# Accepted file types: extension → (MIME type, magic bytes at the start).
MATERIAL_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}


def material_max_bytes() -> int:
    """The size limit of one material file (settings.SHENGUAN_MATERIAL_MAX_BYTES, 10 MB)."""
    return int(getattr(settings, "SHENGUAN_MATERIAL_MAX_BYTES", 10 * 1024 * 1024))


def clean_filename(name: str) -> str:
    """The last path component of an uploaded name, NFKC-normalised, no control characters."""
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if ord(c) >= 32 and c not in '<>:"|?*').strip(" .")
    return name[:200]


def material_path(sha256: str, ext: str) -> str:
    """Where a file is stored under MEDIA_ROOT: by its hash, never by the name it came with."""
    return f"linkage/{sha256[:2]}/{sha256[2:4]}/{sha256}{ext}"


def material_add(
    *, actor, record: ApprovalRecord, kind: str, name: str, filename: str, fileobj
) -> Material:
    """Attach a file to a draft record (上传材料): type and size checked, sha256 kept."""
    _require(actor, Perm.APPROVAL_RECORD, "无权上传办件材料")
    _require_department(actor, record.department_id, "只能为本部门的办件上传材料")
    kind = v.clean_choice(kind, MaterialKind, "kind", "材料类型")
    filename = clean_filename(filename)
    if not filename:
        raise ValidationFailed("filename_required", "文件名无效", "file")
    ext = os.path.splitext(filename)[1].lower()
    if ext not in MATERIAL_TYPES:
        allowed = "、".join(sorted(MATERIAL_TYPES))
        raise ValidationFailed("bad_file_type", f"不支持的文件类型：仅限 {allowed}", "file")
    name = v.clean_text(
        name or os.path.splitext(filename)[0], "name", "材料名称", 200, required=True
    )
    mime, magics = MATERIAL_TYPES[ext]
    limit = material_max_bytes()
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = fileobj.read(1024 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise ValidationFailed(
                "file_too_large", f"文件过大：不得超过 {limit // (1024 * 1024)} MB", "file"
            )
        digest.update(chunk)
        chunks.append(chunk)
    if size == 0:
        raise ValidationFailed("empty_file", "文件为空", "file")
    head = chunks[0][:16]
    if not any(head.startswith(m) for m in magics):
        raise ValidationFailed("file_type_mismatch", "文件内容与扩展名不符", "file")
    sha = digest.hexdigest()
    rel = material_path(sha, ext)
    root = os.path.realpath(settings.MEDIA_ROOT)
    full = os.path.realpath(os.path.join(root, rel))
    if not full.startswith(root + os.sep):  # defence in depth: rel is built from hex only
        raise ValidationFailed("bad_path", "文件存储位置无效", "file")
    if not os.path.exists(full):
        os.makedirs(os.path.dirname(full), exist_ok=True)
        tmp = f"{full}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, full)
    with transaction.atomic():
        rec = ApprovalRecord.objects.select_for_update().get(pk=record.pk)
        if rec.state != RecordState.DRAFT:
            raise Conflict("record_completed", "办件已办结推送，不能再上传材料", "state")
        m = Material.objects.create(
            jurisdiction_id=rec.jurisdiction_id,
            record=rec,
            kind=kind,
            name=name,
            filename=filename,
            content_type=mime,
            size=size,
            sha256=sha,
            storage_path=rel,
            uploaded_by_name=actor_name(actor),
        )
        audit_record(
            actor=actor,
            action="approval.material.add",
            obj=m,
            after={"record_id": rec.pk, "name": name, "sha256": sha, "size": size, "kind": kind},
        )
    return m


def material_open(material: Material):
    """The stored file of a material, opened for reading (the caller checked visibility)."""
    root = os.path.realpath(settings.MEDIA_ROOT)
    full = os.path.realpath(os.path.join(root, material.storage_path))
    if not full.startswith(root + os.sep) or not os.path.exists(full):
        raise NotFound("文件不存在", code="file_missing")
    return open(full, "rb")


# --- completion and routing --------------------------------------------------------------------


def _material_entry(m: Material) -> dict:
    return {
        "id": m.pk,
        "kind": m.kind,
        "name": m.name,
        "filename": m.filename,
        "content_type": m.content_type,
        "size": m.size,
        "sha256": m.sha256,
        "url": f"/linkage/materials/{m.pk}/download",
    }


def record_snapshot(r: ApprovalRecord, materials: list[Material], licence: Licence | None) -> dict:
    """Everything an approval push carries (000 §15, 002 §17(一), 003 三(二)2): the item, the
    applicant with contact and address, dates, decision, result, licence, risk points, all
    materials, key documents and legal documents."""
    by_kind: dict[str, list] = {k: [] for k in MaterialKind.values}
    for m in materials:
        by_kind[m.kind].append(_material_entry(m))
    return {
        "record": {
            "id": r.pk,
            "case_number": r.case_number,
            "item": {"id": r.item.pk, "code": r.item.code, "name": r.item.name},
            "department": {"id": r.department_id, "name": r.department.name},
            "applicant": {
                "kind": r.applicant_kind,
                "name": r.applicant_name,
                "id_number": r.applicant_id_number,
                "uscc": r.applicant_uscc,
                "legal_representative": r.legal_representative,
                "contact_name": r.contact_name,
                "contact_phone": r.contact_phone,
                "address": r.address,
            },
            "accepted_on": r.accepted_on,
            "decided_on": r.decided_on,
            "decision_number": r.decision_number,
            "result": r.result,
            "result_label": source_choice(ApprovalResult, r.result),
            "risk_points": r.risk_points,
            "completed_at": r.completed_at,
            "source": r.source,
        },
        "licence": (
            {
                "id": licence.pk,
                "number": licence.number,
                "valid_from": licence.valid_from,
                "valid_until": licence.valid_until,
                "state": licence.state,
            }
            if licence
            else None
        ),
        "materials": by_kind[MaterialKind.MATERIAL],
        "key_documents": by_kind[MaterialKind.KEY_DOCUMENT],
        "legal_documents": by_kind[MaterialKind.LEGAL_DOCUMENT],
        "result_documents": by_kind[MaterialKind.RESULT],
    }


def _route_entry(route) -> dict:
    return {
        "entry_id": route.entry_id,
        "regulator_division": (
            {"id": route.regulator_division.pk, "name": route.regulator_division.name}
            if route.regulator_division
            else None
        ),
        "supervision_items": [{"code": s.code, "name": s.name} for s in route.supervision_items],
        "stages": list(route.stages),
        "push_method": route.push_method,
        "responsible_person": route.responsible_person,
        "contact_phone": route.contact_phone,
        "via_main": route.via_main,
    }


def group_routes(routes) -> list[dict]:
    """Routes grouped by regulator (one push per department), in list order."""
    out: dict[int, dict] = {}
    for r in routes:
        g = out.setdefault(
            r.regulator.pk,
            {"regulator": r.regulator, "division": r.regulator_division, "entries": []},
        )
        g["entries"].append(_route_entry(r))
        if g["division"] is None and r.regulator_division is not None:
            g["division"] = r.regulator_division
    return list(out.values())


def _approval_push(
    ctx: _Ctx,
    r: ApprovalRecord,
    base: dict,
    regulator: Department,
    division,
    route: dict,
    licence: Licence | None,
) -> tuple[Push, dict]:
    p = _new_push(
        ctx,
        kind=PushKind.APPROVAL,
        direction=PushDirection.TO_REGULATOR,
        jurisdiction_id=r.jurisdiction_id,
        sender_id=r.department_id,
        addressee_id=regulator.pk,
        division_id=division.pk if division else None,
        record=r,
        licence=licence,
        item_id=r.item_id,
        title=f"{r.item.name}：{r.applicant_name}",
        case_number=r.case_number,
        applicant_name=r.applicant_name,
        subject_date=r.decided_on,
    )
    data = {**base, "route": {"regulator": {"id": regulator.pk, "name": regulator.name}, **route}}
    return p, data


def _completion_problem(r: ApprovalRecord) -> ValidationFailed | None:
    if not r.decided_on:
        return ValidationFailed("required", "办结前请填写决定日期", "decided_on")
    if not r.decision_number:
        return ValidationFailed("required", "办结前请填写决定文书号", "decision_number")
    if not r.result:
        return ValidationFailed("required", "办结前请选择审批结果", "result")
    return None


def complete_records(
    *, actor, records: list[ApprovalRecord], at: dt.datetime | None = None
) -> list[Push]:
    """Complete approval records and push each at once (办结推送, 002 §17(一)): in one transaction
    per call, one push per regulator named by the live linkage list, each with a frozen snapshot;
    a granted record with a licence number enters the licence register. A record whose item has
    no linkage entry is flagged as a supervision gap (监管空白) and the bureau and oversight are
    alerted. Used for one record (record_complete) and for batches (imports, the province API)."""
    from shenguan.catalog.models import LicensingItem
    from shenguan.catalog.selectors import linkage_routes

    _require(actor, Perm.APPROVAL_COMPLETE, "无权办结办件")
    ctx = _Ctx(at=at or timezone.now())
    today = timezone.localdate(ctx.at)
    handler_cache: dict = {}
    routes_cache: dict = {}
    pushes: list[tuple[Push, dict]] = []
    validate = hooks.has(hooks.RECORD_VALIDATE)
    with transaction.atomic():
        ids = [r.pk for r in records]
        locked = {r.pk: r for r in ApprovalRecord.objects.select_for_update().filter(pk__in=ids)}
        # a batch's records share few items and departments: one instance each, not one per row
        items = LicensingItem.objects.in_bulk({r.item_id for r in locked.values()})
        depts = Department.objects.in_bulk({r.department_id for r in locked.values()})
        for r in locked.values():
            r.item = items[r.item_id]
            r.department = depts[r.department_id]
        mats: dict[int, list[Material]] = {}
        for m in Material.objects.filter(record_id__in=ids).order_by("id"):
            mats.setdefault(m.record_id, []).append(m)
        new_licences: list[tuple[ApprovalRecord, Licence]] = []
        gaps: list[ApprovalRecord] = []
        ordered = [locked[i] for i in ids if i in locked]
        if len(ordered) != len(ids):
            raise NotFound()
        for r in ordered:
            _require_department(actor, r.department_id, "只能办结本部门的办件")
            if r.state != RecordState.DRAFT:
                raise Conflict("record_completed", f"办件“{r.case_number}”已办结推送", "state")
            problem = _completion_problem(r)
            if problem:
                raise problem
            _check_handler(r.department_id, r.item, r.decided_on, handler_cache)
            if validate:
                hooks.fire(hooks.RECORD_VALIDATE, actor=actor, record=r, data={}, phase="complete")
            r.state = RecordState.COMPLETED
            r.completed_at = ctx.at
            r.completed_by_name = actor_name(actor)
            r.updated_at = ctx.at
            if r.result == ApprovalResult.GRANTED and r.licence_number:
                new_licences.append((r, _licence_for(r)))
        if new_licences:
            numbers = [lic.number for _, lic in new_licences]
            if (
                len(set(numbers)) != len(numbers)
                or Licence.objects.filter(
                    jurisdiction_id__in={r.jurisdiction_id for r in ordered}, number__in=numbers
                ).exists()
            ):
                taken = set(
                    Licence.objects.filter(number__in=numbers).values_list("number", flat=True)
                )
                dup = next((n for n in numbers if n in taken or numbers.count(n) > 1), numbers[0])
                raise Conflict("licence_number_exists", f"证照编号“{dup}”已存在", "licence_number")
            insert_objects([lic for _, lic in new_licences])
            insert_objects(
                [
                    LicenceEvent(
                        jurisdiction_id=lic.jurisdiction_id,
                        licence=lic,
                        from_state="",
                        to_state=LicenceState.VALID,
                        effective_on=lic.issued_on,
                        decision_number=lic.decision_number,
                        reason="准予许可，发证",
                        actor_name=actor_name(actor),
                        at=ctx.at,
                    )
                    for _, lic in new_licences
                ]
            )
        licence_of = {r.pk: lic for r, lic in new_licences}
        extras = hooks.snapshot_extras(ordered) if hooks.has(hooks.SNAPSHOT_EXTRAS) else {}
        for r in ordered:
            key = r.item_id
            if key not in routes_cache:
                routes_cache[key] = group_routes(linkage_routes(item=r.item, on_date=today))
            groups = routes_cache[key]
            if not groups:
                r.supervision_gap = True
                gaps.append(r)
                continue
            lic = licence_of.get(r.pk)
            snap = record_snapshot(r, mats.get(r.pk, []), lic)
            if r.pk in extras:
                snap["extensions"] = extras[r.pk]
            base = {
                k: JsonSafe(to_jsonable(v)) if isinstance(v, dict) else to_jsonable(v)
                for k, v in snap.items()
            }
            for g in groups:
                route = {"division": _division_ref(g["division"]), "entries": g["entries"]}
                pushes.append(
                    _approval_push(ctx, r, base, g["regulator"], g["division"], route, lic)
                )
        ApprovalRecord.objects.filter(pk__in=ids).update(
            state=RecordState.COMPLETED,
            completed_at=ctx.at,
            completed_by_name=actor_name(actor),
            updated_at=ctx.at,
        )
        if gaps:
            ApprovalRecord.objects.filter(pk__in=[r.pk for r in gaps]).update(supervision_gap=True)
        saved = _insert_pushes(ctx, pushes)
        by_record: dict[int, list[int]] = {}
        for p in saved:
            by_record.setdefault(p.record_id, []).append(p.pk)
        for r in gaps:
            _alert_gap(ctx, r)
        audit_record_many(
            actor=actor,
            entries=[
                {
                    "action": "approval.complete",
                    "obj": r,
                    "after": {
                        "case_number": r.case_number,
                        "push_ids": by_record.get(r.pk, []),
                        "licence_id": licence_of[r.pk].pk if r.pk in licence_of else None,
                        "supervision_gap": r.supervision_gap,
                    },
                }
                for r in ordered
            ],
        )
        if hooks.has(hooks.RECORDS_COMPLETED):
            hooks.fire(
                hooks.RECORDS_COMPLETED,
                actor=actor,
                records=ordered,
                pushes=saved,
                licences=licence_of,
                at=ctx.at,
            )
    return saved


def _division_ref(d: Division | None) -> dict | None:
    return {"id": d.pk, "name": d.name} if d else None


def _licence_for(r: ApprovalRecord) -> Licence:
    """The licence a granted record enters in the register (发证)."""
    holder_code = (
        r.applicant_uscc if r.applicant_kind == ApplicantKind.LEGAL else (r.applicant_id_number)
    )
    return Licence(
        jurisdiction_id=r.jurisdiction_id,
        number=r.licence_number,
        item_id=r.item_id,
        record=r,
        department_id=r.department_id,
        holder_kind=r.applicant_kind,
        holder_name=r.applicant_name,
        holder_code=holder_code,
        legal_representative=r.legal_representative,
        decision_number=r.decision_number,
        issued_on=r.decided_on,
        valid_from=r.licence_valid_from or r.decided_on,
        valid_until=r.licence_valid_until,
        state=LicenceState.VALID,
        state_since=r.decided_on,
    )


def _alert_gap(ctx: _Ctx, r: ApprovalRecord) -> None:
    """Tell the bureau and oversight that a completed approval has nobody to push to."""
    users = set(ctx.liaisons_of(r.department_id))
    users |= set(
        User.objects.filter(
            department_id=r.department_id,
            is_active=True,
            role_assignments__role__in=[Role.BUREAU_HEAD, Role.BUREAU_LIAISON],
        ).values_list("pk", flat=True)
    )
    users |= set(oversight_user_ids(r.jurisdiction_id))
    outbox_emit(
        event_type="approval.supervision_gap",
        jurisdiction_id=r.jurisdiction_id,
        payload={
            "record_id": r.pk,
            "case_number": r.case_number,
            "item_id": r.item_id,
            "item_name": r.item.name,
            "department_id": r.department_id,
            "completed_at": r.completed_at,
        },
        department_ids=[r.department_id],
        aggregate=r,
        notify_user_ids=sorted(users),
        notify={
            "title": f"监管空白：办件{r.case_number}无对应监管部门",
            "body": f"事项“{r.item.name}”不在审管联动事项清单中，请指定监管部门后推送。",
            "link": f"/linkage/records/{r.pk}/",
        },
    )


def record_complete(*, actor, record: ApprovalRecord, at: dt.datetime | None = None) -> list[Push]:
    """Complete one approval record and push it (办结推送)."""
    return complete_records(actor=actor, records=[record], at=at)


def record_route_manually(
    *, actor, record: ApprovalRecord, regulator, division=None, note: str = ""
) -> Push:
    """Route a supervision-gap record to a chosen regulator by hand (人工指定监管部门)."""
    if actor is not None and not (
        actor.can(Perm.APPROVAL_COMPLETE) or actor.can(Perm.CATALOG_MANAGE)
    ):
        raise PermissionDenied("forbidden", "无权为监管空白办件指定监管部门")
    _require_department(actor, record.department_id, "只能处理本部门的办件")
    note = v.clean_text(note, "note", "说明", 500, required=True)
    if not isinstance(regulator, Department):
        regulator = Department.objects.filter(pk=regulator).first()
    if (
        regulator is None
        or regulator.jurisdiction_id != record.jurisdiction_id
        or regulator.kind not in (DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT)
        or not regulator.active
    ):
        raise ValidationFailed("bad_regulator", "请选择本行政区划的行业主管部门", "regulator")
    if division not in (None, ""):
        if not isinstance(division, Division):
            division = Division.objects.filter(pk=division).first()
        if division is None or division.department_id != regulator.pk:
            raise ValidationFailed("bad_division", f"科室不属于{regulator.name}", "division")
    else:
        division = None
    ctx = _Ctx(at=timezone.now())
    with transaction.atomic():
        r = (
            ApprovalRecord.objects.select_for_update(of=("self",))
            .select_related("item", "department")
            .get(pk=record.pk)
        )
        if r.state != RecordState.COMPLETED or not r.supervision_gap:
            raise Conflict(
                "not_a_gap", "只有已办结且处于监管空白的办件可以人工指定监管部门", "state"
            )
        if Push.objects.filter(record_id=r.pk, addressee_department_id=regulator.pk).exists():
            raise Conflict("already_routed", f"该办件已推送至{regulator.name}", "regulator")
        lic = Licence.objects.filter(record_id=r.pk).first()
        base = record_snapshot(r, list(r.materials.order_by("id")), lic)
        if hooks.has(hooks.SNAPSHOT_EXTRAS):
            extra = hooks.snapshot_extras([r]).get(r.pk)
            if extra:
                base["extensions"] = extra
        route = {
            "division": _division_ref(division),
            "entries": [],
            "manual": {"by": actor_name(actor), "note": note, "at": ctx.at},
        }
        item = _approval_push(ctx, r, base, regulator, division, route, lic)
        (push,) = _insert_pushes(ctx, [item])
        r.supervision_gap = False
        r.gap_resolved_at = ctx.at
        r.gap_resolved_by_name = actor_name(actor)
        r.gap_note = note
        r.save(
            update_fields=["supervision_gap", "gap_resolved_at", "gap_resolved_by_name", "gap_note"]
        )
        outbox_emit(
            event_type="approval.routed",
            jurisdiction_id=r.jurisdiction_id,
            payload={
                "record_id": r.pk,
                "push_id": push.pk,
                "regulator_id": regulator.pk,
                "note": note,
            },
            department_ids=[r.department_id, regulator.pk],
            aggregate=r,
        )
        audit_record(
            actor=actor,
            action="approval.route_manual",
            obj=r,
            after={"push_id": push.pk, "regulator_id": regulator.pk, "note": note},
        )
    return push


# --- claims ------------------------------------------------------------------------------------


def _claim_perm(direction: str) -> tuple[str, str]:
    if direction == PushDirection.TO_REGULATOR:
        return Perm.PUSH_CLAIM, "无权认领推送信息（须为监管部门联络员或分管领导）"
    return Perm.FEEDBACK_CLAIM, "无权认领监管反馈信息（须为审批局联络员）"


def _claimed_message(p: Push) -> str:
    when = timezone.localtime(p.claimed_at).strftime("%Y-%m-%d %H:%M") if p.claimed_at else ""
    mode = source_choice(ClaimedMode, p.claimed_mode) if p.claimed_mode else ""
    return f"该推送已于{when}由{p.claimed_by_name or SYSTEM_NAME}认领（{mode}）"


def _take_claim(push_id: int, *, actor, at: dt.datetime, due_at: dt.datetime) -> bool:
    """Close a push for a manual claim: delete its PushOpen row (exactly one claim can) and
    write the claim on the push row. False when the push was no longer open (ADR 0014)."""
    deleted, _ = PushOpen.objects.filter(push_id=push_id).delete()
    if not deleted:
        return False
    Push.objects.filter(pk=push_id, state=PushState.PENDING).update(
        state=PushState.CLAIMED,
        claimed_at=at,
        claimed_mode=ClaimedMode.MANUAL,
        claimed_by_id=_user_id(actor),
        claimed_by_name=actor_name(actor),
        claim_late=at >= due_at,
    )
    return True


def push_claim(*, actor, push: Push, at: dt.datetime | None = None) -> Push:
    """Claim a push addressed to the actor's department (认领): exactly once — a second claim,
    or one after the timeout sweep, answers 409."""
    perm, message = _claim_perm(push.direction)
    _require(actor, perm, message)
    _require_department(actor, push.addressee_department_id, "只能认领推送给本部门的信息")
    at = at or timezone.now()
    with transaction.atomic():
        done = _take_claim(push.pk, actor=actor, at=at, due_at=push.claim_due_at)
        p = Push.objects.with_claim().get(pk=push.pk)
        if not done:
            raise Conflict("already_claimed", _claimed_message(p), "state")
        outbox_emit(
            event_type=CLAIMED_EVENT[p.kind],
            jurisdiction_id=p.jurisdiction_id,
            payload=push_payload(p),
            department_ids=[p.addressee_department_id, p.sender_department_id],
            aggregate=p,
        )
        audit_record(
            actor=actor,
            action="push.claim",
            obj=p,
            before={"state": PushState.PENDING},
            after={
                "state": p.state,
                "claimed_at": p.claimed_at,
                "mode": p.claimed_mode,
                "late": p.claim_late,
            },
        )
        _fire_claimed(actor, [p], "manual", at)
    return p


def _fire_claimed(actor, pushes: list[Push], mode: str, at: dt.datetime) -> None:
    """Tell the apps above linkage that pushes were claimed (hooks.PUSHES_CLAIMED)."""
    if pushes and hooks.has(hooks.PUSHES_CLAIMED):
        hooks.fire(
            hooks.PUSHES_CLAIMED,
            actor=actor,
            pushes=pushes,
            push_ids=[p.pk for p in pushes],
            mode=mode,
            at=at,
        )


def push_claim_bulk(*, actor, push_ids: Iterable[int], at: dt.datetime | None = None) -> dict:
    """Claim several pushes addressed to the actor's department at once (批量认领). Pushes
    already claimed or not addressed to the department are reported, not claimed."""
    if actor is None or actor.department_id is None:
        raise PermissionDenied("forbidden", "只有部门用户可以批量认领")
    try:
        ids = sorted({int(i) for i in push_ids})
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("bad_ids", "推送编号须为整数", "ids") from exc
    if not ids:
        raise ValidationFailed("ids_required", "请选择要认领的推送", "ids")
    if len(ids) > 500:
        raise ValidationFailed("too_many_ids", "一次最多认领500条", "ids")
    at = at or timezone.now()
    directions = []
    if actor.can(Perm.PUSH_CLAIM):
        directions.append(PushDirection.TO_REGULATOR)
    if actor.can(Perm.FEEDBACK_CLAIM):
        directions.append(PushDirection.TO_BUREAU)
    if not directions:
        raise PermissionDenied("forbidden", "无权认领推送信息")
    claimed: list[Push] = []
    with transaction.atomic():
        mine = Push.objects.filter(
            pk__in=ids,
            jurisdiction_id=actor.jurisdiction_id,
            addressee_department_id=actor.department_id,
            direction__in=directions,
        )
        candidates = list(mine.filter(open__isnull=False).order_by("id"))
        for p in candidates:
            if _take_claim(p.pk, actor=actor, at=at, due_at=p.claim_due_at):
                p.state, p.claimed_at, p.claimed_mode = PushState.CLAIMED, at, ClaimedMode.MANUAL
                p.claimed_by_name, p.claim_late = actor_name(actor), at >= p.claim_due_at
                claimed.append(p)
        for p in claimed:
            outbox_emit(
                event_type=CLAIMED_EVENT[p.kind],
                jurisdiction_id=p.jurisdiction_id,
                payload=push_payload(p),
                department_ids=[p.addressee_department_id, p.sender_department_id],
                aggregate=p,
            )
        got = {p.pk for p in claimed}
        known = set(mine.values_list("pk", flat=True))
        skipped = [
            {"id": i, "reason": "already_claimed" if i in known else "not_found"}
            for i in ids
            if i not in got
        ]
        if claimed:
            audit_record(
                actor=actor,
                action="push.claim_bulk",
                obj=("linkage.push", ",".join(str(p.pk) for p in claimed)[:64]),
                after={
                    "push_ids": sorted(got),
                    "late": sorted(p.pk for p in claimed if p.claim_late),
                },
            )
        _fire_claimed(actor, claimed, "manual", at)
    return {"claimed": sorted(got), "skipped": skipped}


def _claim_if_pending(ctx: _Ctx, actor, push: Push) -> None:
    """Claim a push implicitly when its addressee acts on it (disposal, answer) before claiming."""
    if _take_claim(push.pk, actor=actor, at=ctx.at, due_at=push.claim_due_at):
        p = Push.objects.get(pk=push.pk)
        outbox_emit(
            event_type=CLAIMED_EVENT[p.kind],
            jurisdiction_id=p.jurisdiction_id,
            payload=push_payload(p),
            department_ids=[p.addressee_department_id, p.sender_department_id],
            aggregate=p,
        )
        audit_record(
            actor=actor,
            action="push.claim",
            obj=p,
            after={"state": p.state, "implicit": True, "late": p.claim_late},
        )
        _fire_claimed(actor, [p], "implicit", ctx.at)


# --- licences ----------------------------------------------------------------------------------


def _licence_transition(
    ctx: _Ctx,
    actor,
    lic: Licence,
    to_state: str,
    *,
    effective_on: dt.date,
    decision_number: str = "",
    reason: str = "",
    feedback: Feedback | None = None,
) -> LicenceEvent:
    """Move a locked licence to a new state by the transition table, with a dated history row."""
    if to_state not in LICENCE_TRANSITIONS.get(lic.state, frozenset()):
        raise Conflict(
            "bad_transition",
            f"证照当前状态为“{source_choice(LicenceState, lic.state)}”，不能变更为“"
            f"{source_choice(LicenceState, to_state)}”",
            "state",
        )
    before = lic.state
    lic.state = to_state
    lic.state_since = effective_on
    lic.updated_at = ctx.at
    lic.save(update_fields=["state", "state_since", "updated_at"])
    ev = LicenceEvent.objects.create(
        jurisdiction_id=lic.jurisdiction_id,
        licence=lic,
        from_state=before,
        to_state=to_state,
        effective_on=effective_on,
        decision_number=decision_number,
        reason=reason,
        feedback=feedback,
        actor_name=actor_name(actor),
        at=ctx.at,
    )
    outbox_emit(
        event_type="licence.state_changed",
        jurisdiction_id=lic.jurisdiction_id,
        payload={
            "licence_id": lic.pk,
            "number": lic.number,
            "from_state": before,
            "to_state": to_state,
            "effective_on": effective_on,
            "decision_number": decision_number,
            "reason": reason,
        },
        department_ids=[lic.department_id],
        aggregate=lic,
    )
    audit_record(
        actor=actor,
        action="licence.transition",
        obj=lic,
        before={"state": before},
        after={
            "state": to_state,
            "effective_on": effective_on,
            "decision_number": decision_number,
            "reason": reason,
        },
    )
    if hooks.has(hooks.LICENCE_TRANSITIONED):
        hooks.fire(
            hooks.LICENCE_TRANSITIONED,
            actor=actor,
            licence=lic,
            from_state=before,
            to_state=to_state,
            event=ev,
        )
    return ev


def licence_transition(
    *,
    actor,
    licence: Licence,
    to_state: str,
    effective_on,
    decision_number: str = "",
    reason: str = "",
) -> Licence:
    """Change a licence's state in the register (证照状态变更) by the transition table."""
    _require(actor, Perm.DISPOSAL_RECORD, "无权变更证照状态")
    _require_department(actor, licence.department_id, "只能变更本部门发放的证照")
    to_state = v.clean_choice(to_state, LicenceState, "to_state", "新状态")
    effective_on = v.clean_date(effective_on, "effective_on", "生效日期", required=True)
    decision_number = v.clean_text(decision_number, "decision_number", "决定文书号", 100)
    reason = v.clean_text(reason, "reason", "原因", 500, required=True)
    if to_state in (LicenceState.REVOKED, LicenceState.CANCELLED, LicenceState.ANNULLED) and (
        not decision_number
    ):
        raise ValidationFailed("required", "请填写决定文书号", "decision_number")
    ctx = _Ctx(at=timezone.now())
    with transaction.atomic():
        lic = Licence.objects.select_for_update().get(pk=licence.pk)
        _licence_transition(
            ctx,
            actor,
            lic,
            to_state,
            effective_on=effective_on,
            decision_number=decision_number,
            reason=reason,
        )
    return lic


# --- feedback ----------------------------------------------------------------------------------


def _feedback_push(ctx: _Ctx, fb: Feedback) -> Push:
    """Push a feedback to the bureau (监管信息推送) and mark it sent, late or not."""
    fb.state = FeedbackState.PUSHED
    fb.sent_at = ctx.at
    fb.send_late = bool(fb.send_due_date and timezone.localdate(ctx.at) > fb.send_due_date)
    fb.save(update_fields=["state", "sent_at", "send_late"])
    snapshot = feedback_snapshot(fb)
    p = _new_push(
        ctx,
        kind=PushKind.FEEDBACK,
        direction=PushDirection.TO_BUREAU,
        jurisdiction_id=fb.jurisdiction_id,
        sender_id=fb.sender_department_id,
        addressee_id=fb.addressee_department_id,
        record=fb.record,
        licence=fb.licence,
        feedback=fb,
        item_id=fb.record.item_id
        if fb.record_id
        else (fb.licence.item_id if fb.licence_id else None),
        title=f"{source_choice(FeedbackKind, fb.kind)}：{fb.title}",
        case_number=fb.record.case_number if fb.record_id else "",
        applicant_name=(
            fb.record.applicant_name
            if fb.record_id
            else (fb.licence.holder_name if fb.licence_id else "")
        ),
        subject_date=fb.effective_on or fb.published_on,
    )
    (push,) = _insert_pushes(ctx, [(p, snapshot)])
    return push


def feedback_snapshot(fb: Feedback) -> dict:
    """What a feedback push carries: the information and what it concerns."""
    return {
        "feedback": {
            "id": fb.pk,
            "kind": fb.kind,
            "kind_label": source_choice(FeedbackKind, fb.kind),
            "title": fb.title,
            "content": fb.content,
            "document_number": fb.document_number,
            "published_on": fb.published_on,
            "effective_on": fb.effective_on,
            "abnormal": fb.abnormal,
            "sender": {"id": fb.sender_department_id, "name": fb.sender_department.name},
            "send_due_date": fb.send_due_date,
            "send_late": fb.send_late,
            "created_by": fb.created_by_name,
        },
        "record": (
            {
                "id": fb.record_id,
                "case_number": fb.record.case_number,
                "applicant_name": fb.record.applicant_name,
            }
            if fb.record_id
            else None
        ),
        "licence": (
            {
                "id": fb.licence_id,
                "number": fb.licence.number,
                "holder_name": fb.licence.holder_name,
                "state": fb.licence.state,
            }
            if fb.licence_id
            else None
        ),
    }


def feedback_create(
    *,
    actor,
    kind: str,
    title: str,
    content: str,
    published_on,
    record: ApprovalRecord | None = None,
    licence: Licence | None = None,
    abnormal: bool | None = None,
    document_number: str = "",
    effective_on=None,
    at: dt.datetime | None = None,
    department=None,
) -> Feedback:
    """Send supervision information to the bureau (监管信息反馈, 000 §17, 002 §17(二)).

    Deadline: `feedback_push_days` working days after its publication or decision date (the
    effective date for penalties under `penalty_feedback_on_effect`); later is flagged late.
    Under `abnormal_only_feedback` a normal inspection result is recorded without a push; a
    penalty not yet effective under `penalty_feedback_on_effect` is held and pushed when it
    takes effect (the held-feedback sweep)."""
    _require(actor, Perm.FEEDBACK_SEND, "无权发送监管信息")
    if department is not None:
        sender = (
            department
            if isinstance(department, Department)
            else (Department.objects.filter(pk=department).first())
        )
        if sender is None:
            raise ValidationFailed("bad_department", "发送部门不存在", "department")
        _require_department(actor, sender.pk, "只能以本部门名义发送监管信息")
    else:
        if actor is None or actor.department_id is None:
            raise ValidationFailed("department_required", "请指定发送部门", "department")
        sender = Department.objects.get(pk=actor.department_id)
    if sender.kind not in (DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT):
        raise PermissionDenied("forbidden", "只有行业主管部门和执法机构可以发送监管信息")
    jid = sender.jurisdiction_id
    kind = v.clean_choice(kind, FeedbackKind, "kind", "信息类型")
    title = v.clean_text(title, "title", "标题", 200, required=True)
    content = v.clean_text(content, "content", "内容", 10000, required=True, multiline=True)
    document_number = v.clean_text(document_number, "document_number", "文书号", 100)
    published_on = v.clean_date(published_on, "published_on", "公布/决定日期", required=True)
    v.not_future(published_on, "published_on", "公布/决定日期")
    effective_on = v.clean_date(effective_on, "effective_on", "生效日期")
    if record is not None and record.jurisdiction_id != jid:
        raise ValidationFailed("bad_record", "办件不属于本行政区划", "record")
    if licence is not None and licence.jurisdiction_id != jid:
        raise ValidationFailed("bad_licence", "证照不属于本行政区划", "licence")
    if record is not None and licence is None:
        licence = Licence.objects.filter(record_id=record.pk).first()
    if licence is not None and record is None and licence.record_id:
        record = licence.record
    if record is not None and licence is not None and licence.record_id not in (None, record.pk):
        raise ValidationFailed("licence_mismatch", "证照与办件不对应", "licence")
    params, version = params_for_jurisdiction(jid)
    if kind in RESULT_KINDS and abnormal is None:
        raise ValidationFailed("abnormal_required", "请说明检查结果是否异常", "abnormal")
    if kind not in RESULT_KINDS:
        abnormal = None
    if kind == FeedbackKind.PENALTY and params.penalty_feedback_on_effect and not effective_on:
        raise ValidationFailed("effective_on_required", "请填写处罚决定生效日期", "effective_on")
    if kind == FeedbackKind.REVOCATION_OPINION and licence is None:
        raise ValidationFailed("licence_required", "处置意见须指明所涉证照", "licence")
    if kind == FeedbackKind.CORRECTION_REQUEST and record is None:
        raise ValidationFailed("record_required", "纠错建议须指明所涉办件", "record")
    if effective_on and effective_on < published_on:
        raise ValidationFailed("bad_effective_on", "生效日期不能早于决定日期", "effective_on")
    if record is not None:
        bureau_id = record.department_id
    elif licence is not None:
        bureau_id = licence.department_id
    else:
        bureau = jurisdiction_bureau(jid)
        if bureau is None:
            raise ValidationFailed("no_bureau", "本行政区划尚未设立行政审批局", "jurisdiction")
        bureau_id = bureau.pk
    ctx = _Ctx(at=at or timezone.now())
    ctx.params[jid] = (params, version)
    today = timezone.localdate(ctx.at)
    held = bool(
        kind == FeedbackKind.PENALTY
        and params.penalty_feedback_on_effect
        and effective_on
        and effective_on > today
    )
    start = (
        effective_on
        if (kind == FeedbackKind.PENALTY and params.penalty_feedback_on_effect and effective_on)
        else published_on
    )
    due = workdays.add_working_days(start, params.feedback_push_days)
    recorded_only = bool(
        params.abnormal_only_feedback and kind in RESULT_KINDS and abnormal is False
    )
    with transaction.atomic():
        fb = Feedback.objects.create(
            jurisdiction_id=jid,
            kind=kind,
            sender_department=sender,
            addressee_department_id=bureau_id,
            record=record,
            licence=licence,
            abnormal=abnormal,
            title=title,
            content=content,
            document_number=document_number,
            published_on=published_on,
            effective_on=effective_on,
            send_due_date=due.date,
            send_provisional=due.provisional,
            state=(
                FeedbackState.HELD
                if held
                else FeedbackState.RECORDED
                if recorded_only
                else FeedbackState.PUSHED
            ),
            profile_version_id=version,
            created_by_name=actor_name(actor),
            created_at=ctx.at,
        )
        push = None
        if fb.state == FeedbackState.PUSHED:
            push = _feedback_push(ctx, fb)
        else:
            outbox_emit(
                event_type="feedback.recorded",
                jurisdiction_id=jid,
                payload={
                    "feedback_id": fb.pk,
                    "kind": kind,
                    "state": fb.state,
                    "effective_on": effective_on,
                },
                department_ids=[sender.pk],
                aggregate=fb,
            )
        if kind == FeedbackKind.CORRECTION_REQUEST and push is not None:
            dl = deadline_open(
                jurisdiction_id=jid,
                subject_type="linkage.feedback",
                subject_id=fb.pk,
                purpose="correction_reply",
                start_at=ctx.at,
                budget_days=params.correction_reply_days,
                profile_version_id=version,
            )
            fb.reply_deadline = dl
            fb.save(update_fields=["reply_deadline"])
        audit_record(
            actor=actor,
            action="feedback.create",
            obj=fb,
            after={
                "kind": kind,
                "title": title,
                "record_id": fb.record_id,
                "licence_id": fb.licence_id,
                "state": fb.state,
                "send_due_date": fb.send_due_date,
                "send_late": fb.send_late,
                "push_id": push.pk if push else None,
            },
        )
        if hooks.has(hooks.FEEDBACK_CREATED):
            hooks.fire(hooks.FEEDBACK_CREATED, actor=actor, feedback=fb, push=push)
    return fb


def feedback_release(*, feedback: Feedback, at: dt.datetime | None = None) -> Push | None:
    """Push a held penalty once it has taken effect (处罚决定生效后推送, 003 四(三)); idempotent."""
    ctx = _Ctx(at=at or timezone.now())
    with transaction.atomic():
        fb = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("sender_department", "record", "licence")
            .get(pk=feedback.pk)
        )
        if fb.state != FeedbackState.HELD:
            return None
        if fb.effective_on and fb.effective_on > timezone.localdate(ctx.at):
            return None
        push = _feedback_push(ctx, fb)
        audit_record(
            actor=None,
            action="feedback.release",
            obj=fb,
            after={"push_id": push.pk, "effective_on": fb.effective_on, "send_late": fb.send_late},
        )
        if hooks.has(hooks.FEEDBACK_RELEASED):
            hooks.fire(hooks.FEEDBACK_RELEASED, actor=None, feedback=fb, push=push)
    return push


def _bureau_push_of(fb: Feedback) -> Push | None:
    return Push.objects.filter(feedback_id=fb.pk, kind=PushKind.FEEDBACK).order_by("id").first()


def disposal_record(
    *,
    actor,
    feedback: Feedback,
    outcome: str,
    decided_on,
    decision_number: str = "",
    reason: str = "",
) -> Disposal:
    """Record the bureau's disposal of a revocation opinion (处置意见办理, 000 §17): the licence is
    cancelled (注销), annulled (撤销) or revoked (吊销) with the decision number and date — or
    the opinion is declined with reasons — and the outcome is pushed back to the regulator."""
    _require(actor, Perm.DISPOSAL_RECORD, "无权办理处置意见")
    _require_department(actor, feedback.addressee_department_id, "只能办理推送给本部门的处置意见")
    if feedback.kind != FeedbackKind.REVOCATION_OPINION:
        raise Conflict("not_revocation_opinion", "只有吊销/注销处置意见需要办理处置", "feedback")
    outcome = v.clean_choice(outcome, DisposalOutcome, "outcome", "处置结果")
    decided_on = v.clean_date(decided_on, "decided_on", "决定日期", required=True)
    v.not_future(decided_on, "decided_on", "决定日期")
    decision_number = v.clean_text(decision_number, "decision_number", "决定文书号", 100)
    reason = v.clean_text(reason, "reason", "说明", 1000, multiline=True)
    if outcome == DisposalOutcome.DECLINE and not reason:
        raise ValidationFailed("required", "不予处置须说明理由", "reason")
    if outcome != DisposalOutcome.DECLINE and not decision_number:
        raise ValidationFailed("required", "请填写决定文书号", "decision_number")
    ctx = _Ctx(at=timezone.now())
    with transaction.atomic():
        fb = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("sender_department", "record", "licence")
            .get(pk=feedback.pk)
        )
        if fb.state != FeedbackState.PUSHED:
            raise Conflict("not_pushed", "该信息尚未推送至本部门", "feedback")
        if Disposal.objects.filter(feedback_id=fb.pk).exists():
            raise Conflict("already_disposed", "该处置意见已办理", "feedback")
        bp = _bureau_push_of(fb)
        if bp is not None:
            _claim_if_pending(ctx, actor, bp)
        lic = Licence.objects.select_for_update().get(pk=fb.licence_id) if fb.licence_id else None
        if outcome != DisposalOutcome.DECLINE:
            _licence_transition(
                ctx,
                actor,
                lic,
                DISPOSAL_LICENCE_STATE[outcome],
                effective_on=decided_on,
                decision_number=decision_number,
                reason=reason or fb.title,
                feedback=fb,
            )
        d = Disposal.objects.create(
            jurisdiction_id=fb.jurisdiction_id,
            feedback=fb,
            licence=lic,
            department_id=fb.addressee_department_id,
            outcome=outcome,
            decision_number=decision_number,
            decided_on=decided_on,
            reason=reason,
            recorded_by_name=actor_name(actor),
            recorded_at=ctx.at,
        )
        p = _new_push(
            ctx,
            kind=PushKind.DISPOSAL,
            direction=PushDirection.TO_REGULATOR,
            jurisdiction_id=fb.jurisdiction_id,
            sender_id=fb.addressee_department_id,
            addressee_id=fb.sender_department_id,
            record=fb.record,
            licence=lic,
            feedback=fb,
            item_id=lic.item_id if lic else None,
            title=f"处置结果（{source_choice(DisposalOutcome, outcome)}）：{fb.title}",
            case_number=fb.record.case_number if fb.record_id else "",
            applicant_name=lic.holder_name if lic else "",
            subject_date=decided_on,
        )
        snap = {
            "disposal": {
                "id": d.pk,
                "outcome": outcome,
                "outcome_label": source_choice(DisposalOutcome, outcome),
                "decision_number": decision_number,
                "decided_on": decided_on,
                "reason": reason,
                "recorded_by": d.recorded_by_name,
            },
            **feedback_snapshot(fb),
        }
        (push,) = _insert_pushes(ctx, [(p, snap)])
        audit_record(
            actor=actor,
            action="disposal.record",
            obj=d,
            after={
                "feedback_id": fb.pk,
                "licence_id": lic.pk if lic else None,
                "outcome": outcome,
                "decision_number": decision_number,
                "decided_on": decided_on,
                "push_id": push.pk,
            },
        )
    return d


def correction_reply(*, actor, feedback: Feedback, outcome: str, text: str) -> Feedback:
    """Answer a correction request (纠错答复, 000 §20): corrected or explained, within the
    profile's `correction_reply_days`; the answer is pushed back to the regulator."""
    _require(actor, Perm.DISPOSAL_RECORD, "无权答复纠错建议")
    _require_department(actor, feedback.addressee_department_id, "只能答复推送给本部门的纠错建议")
    if feedback.kind != FeedbackKind.CORRECTION_REQUEST:
        raise Conflict("not_correction_request", "只有纠错建议需要答复", "feedback")
    outcome = v.clean_choice(outcome, ReplyOutcome, "outcome", "答复结果")
    text = v.clean_text(text, "text", "答复内容", 5000, required=True, multiline=True)
    ctx = _Ctx(at=timezone.now())
    with transaction.atomic():
        fb = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("sender_department", "record", "licence", "reply_deadline")
            .get(pk=feedback.pk)
        )
        if fb.replied_at is not None:
            raise Conflict("already_replied", "该纠错建议已答复", "feedback")
        if fb.state != FeedbackState.PUSHED:
            raise Conflict("not_pushed", "该信息尚未推送至本部门", "feedback")
        bp = _bureau_push_of(fb)
        if bp is not None:
            _claim_if_pending(ctx, actor, bp)
        late = False
        if fb.reply_deadline_id and fb.reply_deadline.state == DeadlineState.OPEN:
            dl = deadline_close(deadline=fb.reply_deadline, at=ctx.at)
            late = dl.state == DeadlineState.LATE
        fb.reply_outcome = outcome
        fb.reply_text = text
        fb.replied_at = ctx.at
        fb.replied_by_name = actor_name(actor)
        fb.reply_late = late
        fb.save(
            update_fields=[
                "reply_outcome",
                "reply_text",
                "replied_at",
                "replied_by_name",
                "reply_late",
            ]
        )
        p = _new_push(
            ctx,
            kind=PushKind.CORRECTION_REPLY,
            direction=PushDirection.TO_REGULATOR,
            jurisdiction_id=fb.jurisdiction_id,
            sender_id=fb.addressee_department_id,
            addressee_id=fb.sender_department_id,
            record=fb.record,
            licence=fb.licence,
            feedback=fb,
            item_id=fb.record.item_id if fb.record_id else None,
            title=f"纠错答复（{source_choice(ReplyOutcome, outcome)}）：{fb.title}",
            case_number=fb.record.case_number if fb.record_id else "",
            applicant_name=fb.record.applicant_name if fb.record_id else "",
            subject_date=timezone.localdate(ctx.at),
        )
        snap = {
            "reply": {
                "outcome": outcome,
                "outcome_label": source_choice(ReplyOutcome, outcome),
                "text": text,
                "replied_by": fb.replied_by_name,
                "late": late,
            },
            **feedback_snapshot(fb),
        }
        (push,) = _insert_pushes(ctx, [(p, snap)])
        audit_record(
            actor=actor,
            action="correction.reply",
            obj=fb,
            after={"outcome": outcome, "late": late, "push_id": push.pk},
        )
    return fb


# --- notices -----------------------------------------------------------------------------------


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


# --- suspensions of the approval time limit ----------------------------------------------------


def _suspension_audit(s: CaseSuspension) -> dict:
    return {
        "record_id": s.record_id,
        "kind": s.kind,
        "started_on": s.started_on,
        "ended_on": s.ended_on,
        "reason": s.reason,
        "source": s.source,
    }


def suspension_start(
    *,
    actor,
    record: ApprovalRecord,
    kind: str,
    started_on: dt.date,
    reason: str,
    source: str = "",
    ended_on: dt.date | None = None,
) -> CaseSuspension:
    """Stop a case's approval clock for a hearing, expert review, inspection, testing …
    (中止计算审批时限, 行政许可法第四十五条); `ended_on` records a finished period at once."""
    _require(actor, Perm.APPROVAL_RECORD, "无权登记审批时限中止")
    _require_department(actor, record.department_id, "只能登记本部门办件的时限中止")
    kind = v.clean_choice(kind, SuspensionKind, "kind", "中止类型")
    started_on = v.clean_date(started_on, "started_on", "开始日期", required=True)
    ended_on = v.clean_date(ended_on, "ended_on", "结束日期")
    reason = v.clean_text(reason, "reason", "事由", 500, required=True)
    source = v.clean_text(source, "source", "来源", 64)
    with transaction.atomic():
        r = ApprovalRecord.objects.select_for_update().get(pk=record.pk)
        if r.state != RecordState.DRAFT:
            raise Conflict("record_completed", "办件已办结，不能再中止审批时限", "state")
        if started_on < r.accepted_on:
            raise ValidationFailed("before_acceptance", "开始日期不能早于受理日期", "started_on")
        if ended_on is not None and ended_on < started_on:
            raise ValidationFailed("bad_period", "结束日期不能早于开始日期", "ended_on")
        s = CaseSuspension.objects.create(
            jurisdiction_id=r.jurisdiction_id,
            record=r,
            kind=kind,
            started_on=started_on,
            ended_on=ended_on,
            reason=reason,
            source=source,
            created_by_name=actor_name(actor),
            ended_by_name=actor_name(actor) if ended_on else "",
        )
        outbox_emit(
            event_type="approval.suspended",
            jurisdiction_id=r.jurisdiction_id,
            payload={"id": s.pk, **_suspension_audit(s)},
            department_ids=[r.department_id],
            aggregate=r,
        )
        audit_record(actor=actor, action="approval.suspend", obj=s, after=_suspension_audit(s))
    return s


def suspension_end(*, actor, suspension: CaseSuspension, ended_on: dt.date) -> CaseSuspension:
    """Restart a case's approval clock at the end of a suspension (恢复计算审批时限)."""
    _require(actor, Perm.APPROVAL_RECORD, "无权登记审批时限恢复")
    ended_on = v.clean_date(ended_on, "ended_on", "结束日期", required=True)
    with transaction.atomic():
        s = (
            CaseSuspension.objects.select_for_update()
            .select_related("record")
            .get(pk=suspension.pk)
        )
        _require_department(actor, s.record.department_id, "只能登记本部门办件的时限恢复")
        if s.ended_on is not None:
            raise Conflict("suspension_ended", "该时限中止已结束", "ended_on")
        if ended_on < s.started_on:
            raise ValidationFailed("bad_period", "结束日期不能早于开始日期", "ended_on")
        before = _suspension_audit(s)
        s.ended_on = ended_on
        s.ended_by_name = actor_name(actor)
        s.save(update_fields=["ended_on", "ended_by_name"])
        outbox_emit(
            event_type="approval.resumed",
            jurisdiction_id=s.jurisdiction_id,
            payload={"id": s.pk, **_suspension_audit(s)},
            department_ids=[s.record.department_id],
            aggregate=s.record,
        )
        audit_record(
            actor=actor, action="approval.resume", obj=s, before=before, after=_suspension_audit(s)
        )
    return s
