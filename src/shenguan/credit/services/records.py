"""双公示 credit records (002 §19(一)): every licence decision and every effective penalty
decision becomes a record in the national format, due at the credit platform within the
profile's `credit_push_days` working days of its decision date, checked against the format
before it is queued on the outbox's credit channel (a record that fails the check, or that the
platform rejects, is a visible task, never a silent failure)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.calendar import workdays
from shenguan.core.bulk import allocate_ids, insert_objects
from shenguan.core.errors import Conflict
from shenguan.org.roles import Perm

from .. import formats
from ..models import CreditRecord, CreditRecordKind, CreditRecordState, SubjectKind
from .common import normalize_code, require
from .warnings import DEFAULT_YEARS, _add_years

DATA_SOURCE_FALLBACK = "审管联动平台"


def _iso(d) -> str:
    return d.isoformat() if d else ""


def _subject(kind: str, name: str, code: str, legal_rep: str) -> dict:
    code = normalize_code(code)
    if kind == SubjectKind.LEGAL:
        return {
            "subject_name": name,
            "subject_category": formats.SUBJECT_CATEGORY["legal"],
            "uscc": code,
            "id_type": "",
            "id_number": "",
            "legal_representative": legal_rep,
        }
    return {
        "subject_name": name,
        "subject_category": formats.SUBJECT_CATEGORY["person"],
        "uscc": "",
        "id_type": "身份证",
        "id_number": code,
        "legal_representative": "",
    }


def licence_data(r, item_name: str, dept: dict, licence=None) -> dict:
    """The 行政许可 record of a granted case."""
    code = r.applicant_uscc if r.applicant_kind == "legal" else r.applicant_id_number
    data = _subject(r.applicant_kind, r.applicant_name, code, r.legal_representative)
    valid_from = r.licence_valid_from or r.decided_on
    data.update(
        {
            "document_name": f"{item_name}准予行政许可决定书",
            "document_number": r.decision_number,
            "licence_category": "普通",
            "certificate_name": item_name if r.licence_number else "",
            "licence_number": r.licence_number,
            "licence_content": item_name,
            "decision_date": _iso(r.decided_on),
            "valid_from": _iso(valid_from),
            "valid_until": _iso(r.licence_valid_until) or "2099-12-31",
            "authority": dept["name"],
            "authority_uscc": dept["uscc"],
            "status": "有效" if licence is None else _licence_status(licence),
            "data_source": dept["name"],
            "data_source_uscc": dept["uscc"],
        }
    )
    return data


def _licence_status(licence) -> str:
    return {
        "valid": "有效",
        "suspended": "暂扣",
        "revoked": "吊销",
        "cancelled": "注销",
        "annulled": "撤销",
        "expired": "有效期届满",
    }.get(licence.state, "有效")


def penalty_data(fb, subject: dict | None, dept: dict, decision_date: dt.date) -> dict:
    """The 行政处罚 record of an effective penalty feedback (subject from its case or licence)."""
    if subject is None:
        data = _subject(SubjectKind.LEGAL, "", "", "")
        data["subject_category"] = ""
    else:
        data = _subject(subject["kind"], subject["name"], subject["code"], subject["legal_rep"])
    public_until = _add_years(decision_date, DEFAULT_YEARS)
    data.update(
        {
            "document_number": fb.document_number,
            "offence_type": fb.title,
            "offence_facts": fb.content[:2000],
            "legal_basis": f"见行政处罚决定书{fb.document_number}",
            "penalty_category": "其他",
            "penalty_content": fb.content[:2000],
            "fine_amount": "",
            "confiscated_amount": "",
            "licence_affected": subject.get("licence", "") if subject else "",
            "decision_date": _iso(decision_date),
            "valid_until": _iso(public_until),
            "public_until": _iso(public_until),
            "authority": dept["name"],
            "authority_uscc": dept["uscc"],
            "data_source": dept["name"],
            "data_source_uscc": dept["uscc"],
        }
    )
    return data


class _Budgets:
    """`credit_push_days` per jurisdiction, read once per batch."""

    def __init__(self):
        self.cache: dict[int, int | None] = {}

    def __call__(self, jid: int) -> int | None:
        if jid not in self.cache:
            from shenguan.policy.selectors import params_for_jurisdiction

            self.cache[jid] = params_for_jurisdiction(jid)[0].credit_push_days
        return self.cache[jid]


def _due(decision_date: dt.date, budget: int | None):
    if budget is None:
        return None, False
    try:
        due = workdays.add_working_days(decision_date, budget)
    except ValueError:
        return None, True
    return due.date, due.provisional


def _new(kind, jid, dept_id, subject, data, decision_date, budget, **links) -> CreditRecord:
    problems = formats.validate(kind, data)
    due, provisional = _due(decision_date, budget)
    return CreditRecord(
        jurisdiction_id=jid,
        kind=kind,
        department_id=dept_id,
        subject_kind=subject.get("kind", SubjectKind.LEGAL),
        subject_name=data.get("subject_name", "")[:200],
        code=(data.get("uscc") or data.get("id_number") or "")[:18],
        document_number=data.get("document_number", "")[:100],
        decision_date=decision_date,
        data=data,
        problems=problems,
        budget_days=budget,
        due_date=due,
        provisional=provisional,
        state=CreditRecordState.INVALID if problems else CreditRecordState.QUEUED,
        public_until=dt.date.fromisoformat(data["public_until"])
        if data.get("public_until")
        else (dt.date.fromisoformat(data["valid_until"]) if data.get("valid_until") else None),
        created_at=timezone.now(),
        **links,
    )


def _queue(rows: list[CreditRecord]) -> None:
    """Insert the records and put the valid ones on the outbox credit channel (one event each,
    with a webhook event for subscribers; invalid ones get a credit.record_invalid event), in
    the caller's transaction: keys reserved first, events written, then the records in one
    bulk insert that already carries their event ids."""
    from shenguan.outbox.services import outbox_emit_many

    if not rows:
        return
    for r, pk in zip(rows, allocate_ids(CreditRecord, len(rows)), strict=True):
        r.pk = pk
    specs = [
        _event_spec(r)
        if r.state == CreditRecordState.QUEUED
        else {
            "event_type": "credit.record_invalid",
            "jurisdiction_id": r.jurisdiction_id,
            "payload": {"credit_record_id": r.pk, "kind": r.kind, "problems": r.problems},
            "department_ids": [r.department_id],
            "aggregate": r,
        }
        for r in rows
    ]
    events = outbox_emit_many(events=specs)
    for r, e in zip(rows, events, strict=True):
        if r.state == CreditRecordState.QUEUED:
            r.event_id = e.pk
    insert_objects(rows)


def _event_spec(r: CreditRecord) -> dict:
    return {
        "event_type": "credit.record_queued",
        "jurisdiction_id": r.jurisdiction_id,
        "payload": {
            "credit_record_id": r.pk,
            "kind": r.kind,
            "document_number": r.document_number,
            "decision_date": r.decision_date,
            "due_date": r.due_date,
        },
        "department_ids": [r.department_id],
        "aggregate": r,
        "extra": [("credit", {"credit_record_id": r.pk})],
    }


def credit_records_for_completion(*, actor=None, records, licences=None, **_ignored) -> list:
    """linkage RECORDS_COMPLETED: a 行政许可 record for every granted case of the batch."""
    from shenguan.catalog.models import LicensingItem
    from shenguan.org.models import Department

    granted = [r for r in records if r.result == "granted" and r.decided_on]
    if not granted:
        return []
    items = dict(
        LicensingItem.objects.filter(pk__in={r.item_id for r in granted}).values_list("pk", "name")
    )
    depts = {
        d["pk"]: d
        for d in Department.objects.filter(pk__in={r.department_id for r in granted}).values(
            "pk", "name", "uscc"
        )
    }
    budgets = _Budgets()
    licences = licences or {}
    rows = []
    for r in granted:
        data = licence_data(r, items.get(r.item_id, ""), depts[r.department_id], licences.get(r.pk))
        subject = {"kind": r.applicant_kind}
        rows.append(
            _new(
                CreditRecordKind.LICENCE,
                r.jurisdiction_id,
                r.department_id,
                subject,
                data,
                r.decided_on,
                budgets(r.jurisdiction_id),
                record_id=r.pk,
            )
        )
    _queue(rows)
    # one audit event per batch (the completion it follows is audited case by case)
    audit_record(
        actor=actor,
        action="credit.records_create",
        obj=("credit.creditrecord", f"{rows[0].pk}-{rows[-1].pk}"),
        jurisdiction_id=rows[0].jurisdiction_id,
        after={
            "kind": "licence",
            "ids": [r.pk for r in rows],
            "invalid": [r.pk for r in rows if r.state == CreditRecordState.INVALID],
        },
    )
    return rows


def _penalty_subject(fb) -> dict | None:
    rec = fb.record
    lic = fb.licence
    if rec is not None:
        code = rec.applicant_uscc if rec.applicant_kind == "legal" else rec.applicant_id_number
        return {
            "kind": rec.applicant_kind,
            "name": rec.applicant_name,
            "code": code,
            "legal_rep": rec.legal_representative,
            "licence": f"{lic.number}" if lic is not None else "",
        }
    if lic is not None:
        return {
            "kind": lic.holder_kind,
            "name": lic.holder_name,
            "code": lic.holder_code,
            "legal_rep": lic.legal_representative,
            "licence": lic.number,
        }
    return None


def credit_record_for_penalty(*, actor, feedback) -> CreditRecord | None:
    """A 行政处罚 record for an effective penalty (idempotent), plus its warning-library entry."""
    from shenguan.org.models import Department

    from .warnings import warning_add_system

    if feedback.kind != "penalty":
        return None
    if CreditRecord.objects.filter(kind=CreditRecordKind.PENALTY, feedback_id=feedback.pk).exists():
        return None
    dept = Department.objects.filter(pk=feedback.sender_department_id).values("pk", "name", "uscc")[
        0
    ]
    decision_date = feedback.effective_on or feedback.published_on
    subject = _penalty_subject(feedback)
    data = penalty_data(feedback, subject, dept, decision_date)
    row = _new(
        CreditRecordKind.PENALTY,
        feedback.jurisdiction_id,
        feedback.sender_department_id,
        subject or {},
        data,
        decision_date,
        _Budgets()(feedback.jurisdiction_id),
        feedback_id=feedback.pk,
        record_id=feedback.record_id,
    )
    _queue([row])
    audit_record(
        actor=actor,
        action="credit.record_create",
        obj=row,
        after={"kind": row.kind, "state": row.state, "due_date": row.due_date},
    )
    if subject is not None and subject["code"]:
        warning_add_system(
            jurisdiction_id=feedback.jurisdiction_id,
            code=normalize_code(subject["code"]),
            subject_name=subject["name"],
            subject_kind=subject["kind"],
            reason_kind="penalty",
            reason=f"行政处罚：{feedback.title}（{feedback.document_number}）",
            source_type="linkage.feedback",
            source_id=feedback.pk,
            measures="受理时不适用容缺受理、告知承诺、绿色通道",
            valid_from=decision_date,
            actor=actor,
        )
    return row


def on_feedback_created(*, actor, feedback, push=None, **_ignored) -> None:
    """linkage FEEDBACK_CREATED: a penalty in effect (not held) becomes a credit record."""
    if feedback.kind == "penalty" and feedback.state != "held":
        credit_record_for_penalty(actor=actor, feedback=feedback)


def on_feedback_released(*, actor=None, feedback, **_ignored) -> None:
    """linkage FEEDBACK_RELEASED: a held penalty that took effect becomes a credit record."""
    if feedback.kind == "penalty":
        credit_record_for_penalty(actor=actor, feedback=feedback)


def credit_record_resend(*, actor, record: CreditRecord) -> CreditRecord:
    """Check a rejected or invalid record again against the format (after its source was
    corrected) and queue it anew; audited."""
    require(actor, Perm.CREDIT_MANAGE, "无权重新推送信用信息")
    with transaction.atomic():
        r = CreditRecord.objects.select_for_update().get(pk=record.pk)
        if r.state not in (CreditRecordState.REJECTED, CreditRecordState.INVALID):
            raise Conflict(
                "not_resendable", "只有数据不合规或被信用平台退回的信息可以重新推送", "state"
            )
        r.problems = formats.validate(r.kind, r.data)
        if r.problems:
            r.state = CreditRecordState.INVALID
            r.save(update_fields=["problems", "state"])
            audit_record(
                actor=actor,
                action="credit.record_resend",
                obj=r,
                after={"state": r.state, "problems": r.problems},
                outcome="failed",
            )
            return r
        from shenguan.outbox.services import outbox_emit_many

        r.state = CreditRecordState.QUEUED
        r.rejection_reasons = []
        (event,) = outbox_emit_many(events=[_event_spec(r)])
        r.event_id = event.pk
        r.save(update_fields=["problems", "state", "rejection_reasons", "event_id"])
        audit_record(actor=actor, action="credit.record_resend", obj=r, after={"state": r.state})
    return r


def credit_record_outcome(
    *, record_id: int, accepted: bool, receipt: str = "", reasons=None, at=None
) -> None:
    """What the platform answered for a record (called by the credit channel): acknowledged
    once (the first acknowledgement is kept), or rejected with its reasons."""
    at = at or timezone.now()
    with transaction.atomic():
        r = CreditRecord.objects.select_for_update().filter(pk=record_id).first()
        if r is None:
            return
        r.sent_count += 1
        if accepted:
            if r.acknowledged_at is None:
                r.acknowledged_at = at
                r.receipt = str(receipt or "")[:100]
            r.state = CreditRecordState.ACKNOWLEDGED
            r.save(update_fields=["sent_count", "acknowledged_at", "receipt", "state"])
            audit_record(
                actor=None, action="credit.record_acknowledged", obj=r, after={"receipt": r.receipt}
            )
        else:
            r.state = CreditRecordState.REJECTED
            r.rejection_reasons = [str(x)[:500] for x in (reasons or [])][:20]
            r.save(update_fields=["sent_count", "state", "rejection_reasons"])
            from shenguan.outbox.services import outbox_emit

            outbox_emit(
                event_type="credit.record_rejected",
                jurisdiction_id=r.jurisdiction_id,
                payload={"credit_record_id": r.pk, "kind": r.kind, "reasons": r.rejection_reasons},
                department_ids=[r.department_id],
                aggregate=r,
            )
            audit_record(
                actor=None,
                action="credit.record_rejected",
                obj=r,
                after={"reasons": r.rejection_reasons},
                outcome="failed",
            )


def on_licence_transitioned(*, actor=None, licence, to_state: str = "", event=None, **_ignored):
    """linkage LICENCE_TRANSITIONED: a revoked or annulled licence puts its holder in the
    warning library (吊销/撤销许可)."""
    from .warnings import warning_add_system

    if to_state not in ("revoked", "annulled") or not licence.holder_code:
        return
    label = "吊销" if to_state == "revoked" else "撤销"
    warning_add_system(
        jurisdiction_id=licence.jurisdiction_id,
        code=normalize_code(licence.holder_code),
        subject_name=licence.holder_name,
        subject_kind=licence.holder_kind,
        reason_kind="revocation",
        reason=f"许可证{licence.number}被{label}（{getattr(event, 'decision_number', '') or ''}）",
        source_type="linkage.licence",
        source_id=licence.pk,
        measures="受理时不适用容缺受理、告知承诺、绿色通道",
        valid_from=getattr(event, "effective_on", None),
        actor=actor,
    )
