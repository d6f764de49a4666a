"""受审分离 (004 三(六)): the user who accepted a case (受理人, the case's registering user) may
not record its decision or complete it, where the jurisdiction's profile requires it
(`review_separation_required`). A one-person county window relaxes it with a reason
(`review_separation_waiver`): the same user may then decide, and each such decision or
completion is audited as `approval.separation_waived` with the reason.

System clients (API tokens of the province's approval system) are not judged here: the case was
accepted and decided in that system, which enforces its own separation; the facts (who decided,
who reviewed) stay on the case (ADR 0028).
"""

from __future__ import annotations

from shenguan.audit.services import audit_record
from shenguan.core.errors import PermissionDenied
from shenguan.policy.selectors import params_for_jurisdiction


def _rule(jurisdiction_id: int) -> tuple[bool, str]:
    params, _v = params_for_jurisdiction(jurisdiction_id)
    return params.review_separation_required, params.review_separation_waiver


def _same_person(actor, record) -> bool:
    return (
        actor is not None
        and getattr(actor, "kind", "") == "user"
        and record.created_by_id is not None
        and record.created_by_id == actor.pk
    )


def _deciding(record, phase: str) -> bool:
    return phase == "complete" or bool(record.result)


def on_record_validate(*, actor=None, record=None, phase: str = "", **_ignored) -> None:
    """Refuse the accepting user's decision or completion when the profile requires it."""
    if record is None or not _deciding(record, phase) or not _same_person(actor, record):
        return
    if phase == "update" and record.decided_by_id not in (None, actor.pk):
        return  # someone else decided; the acceptor only corrects other fields
    required, waiver = _rule(record.jurisdiction_id)
    if required and not waiver:
        what = "办结" if phase == "complete" else "作出审批决定"
        raise PermissionDenied(
            "review_separation",
            f"受审分离：受理本办件的人员不得{what}，请由其他审批人员办理",
            "result" if phase != "complete" else "state",
        )


def _audit_waived(actor, record, phase: str) -> None:
    if not (_same_person(actor, record) and _deciding(record, phase)):
        return
    required, waiver = _rule(record.jurisdiction_id)
    if required and waiver:
        audit_record(
            actor=actor,
            action="approval.separation_waived",
            obj=record,
            after={"phase": phase, "case_number": record.case_number, "reason": waiver},
        )


def on_record_created(*, actor=None, record=None, **_ignored) -> None:
    if record is not None and record.result:
        _audit_waived(actor, record, "create")


def on_record_updated(*, actor=None, record=None, before=None, **_ignored) -> None:
    if record is not None and record.result and not (before or {}).get("result"):
        _audit_waived(actor, record, "update")


def on_records_completed(*, actor=None, records=None, **_ignored) -> None:
    for r in records or ():
        _audit_waived(actor, r, "complete")
