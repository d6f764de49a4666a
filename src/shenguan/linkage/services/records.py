"""Approval records (审批办件): registration and correction of drafts."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.org.models import Department
from shenguan.org.roles import Perm

from .. import hooks
from .. import validators as v
from ..models import (
    AcceptanceMode,
    ApplicantKind,
    ApprovalRecord,
    ApprovalResult,
    RecordSource,
    RecordState,
)
from .common import (
    _check_handler,
    _require,
    _require_department,
    _user_id,
    actor_department,
    actor_name,
)
from .routing import complete_new_record


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


def record_problems(jurisdiction_id: int, data: dict) -> list[ValidationFailed]:
    """Every problem of a record's fields, not only the first (an import reports them all, issue
    12 item 10): each independent check runs on its own; at most one problem per field."""
    dates: dict[str, dt.date | None] = {}

    def date(field: str, label: str, required: bool = False):
        dates[field] = v.clean_date(data.get(field), field, label, required=required)
        v.not_future(dates[field], field, label)

    def identity():
        raw = v.normalize_text(data.get("applicant_kind"))
        kind = v.APPLICANT_KIND_ALIASES.get(raw) or v.clean_choice(
            raw, ApplicantKind, "applicant_kind", "申请人类型"
        )
        if kind == ApplicantKind.PERSON:
            v.clean_id_number(data.get("applicant_id_number"))
        else:
            v.clean_uscc(data.get("applicant_uscc"))

    checks = [
        lambda: v.clean_case_number(data.get("case_number")),
        lambda: v.clean_applicant(data),
        identity,
        lambda: v.clean_phone(data.get("contact_phone")),
        lambda: v.clean_text(data.get("address"), "address", "地址", 300),
        lambda: v.clean_text(data.get("contact_name"), "contact_name", "联系人", 50),
        lambda: date("accepted_on", "受理日期", required=True),
        lambda: date("decided_on", "决定日期"),
        lambda: v.clean_text(data.get("decision_number"), "decision_number", "决定文书号", 100),
        lambda: (
            v.RESULT_ALIASES.get(v.normalize_text(data.get("result")))
            or v.clean_choice(
                v.normalize_text(data.get("result")),
                ApprovalResult,
                "result",
                "审批结果",
                required=False,
            )
        ),
        lambda: v.clean_text(data.get("licence_number"), "licence_number", "证照编号", 100),
        lambda: v.clean_date(data.get("licence_valid_from"), "licence_valid_from", "有效期起"),
        lambda: v.clean_date(data.get("licence_valid_until"), "licence_valid_until", "有效期至"),
        lambda: v.clean_choice(
            data.get("acceptance_mode"),
            AcceptanceMode,
            "acceptance_mode",
            "受理方式",
            required=False,
        ),
    ]
    out: list[ValidationFailed] = []
    for check in checks:
        try:
            check()
        except ValidationFailed as exc:
            if exc.field not in {e.field for e in out}:
                out.append(exc)
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
    return actor_department(actor)


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
    handled: dict = {}  # the completion below reuses this check (same item and date)
    _check_handler(dept.pk, item, on, handled)
    now = at or timezone.now()
    try:
        with transaction.atomic():
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
                hooks.fire(
                    hooks.RECORD_VALIDATE, actor=actor, record=rec, data=data, phase="create"
                )
            # a taken case number fails this insert (the unique constraint), caught below: no
            # read before it, no savepoint around it
            rec.save(force_insert=True)
            created = {"action": "approval.record", "obj": rec, "after": _record_audit(rec)}
            if hooks.has(hooks.RECORD_CREATED):
                hooks.fire(hooks.RECORD_CREATED, actor=actor, record=rec, data=data)
            if complete:
                # the record was written by this transaction: nothing to lock or reload
                complete_new_record(actor, rec, now, handled=handled, audit_first=[created])
            else:
                audit_record(actor=actor, **created)  # last: the chain lock is held to commit
    except IntegrityError as exc:
        if "case_number" not in str(exc):  # lk_uniq_case_number, or SQLite's column list
            raise
        raise Conflict(
            "case_number_exists", f"办件编号“{cleaned['case_number']}”已存在", "case_number"
        ) from exc
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
