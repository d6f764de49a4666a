"""The licence register (证照): issuing on completion and changes of state."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.bulk import insert_objects
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from .. import hooks
from .. import validators as v
from ..models import (
    LICENCE_TRANSITIONS,
    ApplicantKind,
    ApprovalRecord,
    ApprovalResult,
    Feedback,
    Licence,
    LicenceEvent,
    LicenceState,
)
from .common import _Ctx, _require, _require_department, actor_name


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


def _issue_licences(actor, ctx: _Ctx, records: list[ApprovalRecord]) -> dict[int, Licence]:
    """Enter the licences of granted records with a licence number in the register (发证), with
    their first history row; refuse a number already used. {record id: licence}."""
    new = [
        (r, _licence_for(r))
        for r in records
        if r.result == ApprovalResult.GRANTED and r.licence_number
    ]
    if not new:
        return {}
    numbers = [lic.number for _, lic in new]
    if (
        len(set(numbers)) != len(numbers)
        or Licence.objects.filter(
            jurisdiction_id__in={r.jurisdiction_id for r in records}, number__in=numbers
        ).exists()
    ):
        taken = set(Licence.objects.filter(number__in=numbers).values_list("number", flat=True))
        dup = next((n for n in numbers if n in taken or numbers.count(n) > 1), numbers[0])
        raise Conflict("licence_number_exists", f"证照编号“{dup}”已存在", "licence_number")
    insert_objects([lic for _, lic in new])
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
            for _, lic in new
        ]
    )
    return {r.pk: lic for r, lic in new}


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


def licence_certificate_record(
    *, actor, licence: Licence, number: str, issued_on, issuer_name: str
) -> Licence:
    """Enter in the register the certificate a regulator issued after the bureau's approval
    (监管部门配发证照, 《聊城市强化审管互动工作暂行办法》第十三条): its number and date. Called by
    the review app, which checks that the actor belongs to the issuing regulator; the licence
    stays the bureau's (its changes of state are still the bureau's to record)."""
    number = v.clean_text(number, "certificate_number", "证照编号", 100, required=True)
    issued_on = v.clean_date(issued_on, "issued_on", "发证日期", required=True)
    with transaction.atomic():
        lic = Licence.objects.select_for_update().get(pk=licence.pk)
        if (
            Licence.objects.filter(jurisdiction_id=lic.jurisdiction_id, number=number)
            .exclude(pk=lic.pk)
            .exists()
        ):
            raise Conflict("duplicate_number", f"证照编号“{number}”已被使用", "certificate_number")
        before = {"number": lic.number, "issued_on": lic.issued_on}
        lic.number, lic.issued_on, lic.updated_at = number, issued_on, timezone.now()
        lic.save(update_fields=["number", "issued_on", "updated_at"])
        after = {"number": lic.number, "issued_on": lic.issued_on, "issuer": issuer_name}
        outbox_emit(
            event_type="licence.certificate_issued",
            jurisdiction_id=lic.jurisdiction_id,
            payload={"licence_id": lic.pk, "record_id": lic.record_id, **after},
            department_ids=[lic.department_id],
            aggregate=lic,
        )
        audit_record(actor=actor, action="licence.certificate", obj=lic, before=before, after=after)
    return lic
