"""Completion, routing and snapshots (办结推送): `complete_records` is a short sequence of named
steps (lock, check, licences, routes, writes, audit), and manual routing of supervision gaps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record, audit_record_many
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.core.serialize import JsonSafe, to_jsonable
from shenguan.org.models import Department, Division, User
from shenguan.org.roles import DepartmentKind, Perm, Role
from shenguan.outbox.services import outbox_emit

from .. import hooks
from .. import validators as v
from ..models import (
    ApprovalRecord,
    ApprovalResult,
    Licence,
    Material,
    MaterialKind,
    Push,
    PushDirection,
    PushKind,
    RecordState,
)
from .common import (
    _check_handler,
    _Ctx,
    _require,
    _require_department,
    actor_name,
    oversight_user_ids,
)
from .licences import _issue_licences
from .pushes import _insert_pushes, _new_push


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
            "result_label": source_choice(ApprovalResult, r.result) if r.result else "",
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
    _require(actor, Perm.APPROVAL_COMPLETE, "无权办结办件")
    ctx = _Ctx(at=at or timezone.now())
    with transaction.atomic():
        return _complete(actor, ctx, _lock_batch(records))


def complete_new_record(
    actor, rec: ApprovalRecord, at: dt.datetime, *, handled: dict, audit_first: list
) -> list[Push]:
    """Complete a record registered in the caller's transaction (登记并办结): it is not locked
    or read again (no other transaction can see it), has no materials yet, and its handler was
    checked at registration (`handled`); its registration's audit entry is appended with the
    completion's, as the transaction's last write."""
    _require(actor, Perm.APPROVAL_COMPLETE, "无权办结办件")
    return _complete(
        actor, _Ctx(at=at), _Batch([rec], {}), handled=handled, audit_first=audit_first
    )


def _complete(
    actor, ctx: _Ctx, batch: _Batch, *, handled: dict | None = None, audit_first: list = ()
) -> list[Push]:
    _check_completable(actor, ctx, batch, handled)
    licence_of = _issue_licences(actor, ctx, batch.records)
    pushes, gaps = _route_batch(ctx, batch, licence_of)
    saved = _write_completion(actor, ctx, batch.records, pushes, gaps)
    if hooks.has(hooks.RECORDS_COMPLETED):
        hooks.fire(
            hooks.RECORDS_COMPLETED,
            actor=actor,
            records=batch.records,
            pushes=saved,
            licences=licence_of,
            at=ctx.at,
        )
    # last: the chain lock is held from here to the commit only
    _audit_completion(actor, batch.records, saved, licence_of, audit_first)
    return saved


@dataclass
class _Batch:
    """The records of one completion, locked, in input order, with their materials."""

    records: list[ApprovalRecord]
    materials: dict[int, list[Material]]


def _lock_batch(records: list[ApprovalRecord]) -> _Batch:
    """Lock the records (a batch's records share few items and departments: one instance each,
    not one per row) and load their materials."""
    from shenguan.catalog.models import LicensingItem

    ids = [r.pk for r in records]
    locked = {r.pk: r for r in ApprovalRecord.objects.select_for_update().filter(pk__in=ids)}
    items = LicensingItem.objects.in_bulk({r.item_id for r in locked.values()})
    depts = Department.objects.in_bulk({r.department_id for r in locked.values()})
    for r in locked.values():
        r.item = items[r.item_id]
        r.department = depts[r.department_id]
    mats: dict[int, list[Material]] = {}
    for m in Material.objects.filter(record_id__in=ids).order_by("id"):
        mats.setdefault(m.record_id, []).append(m)
    ordered = [locked[i] for i in ids if i in locked]
    if len(ordered) != len(ids):
        raise NotFound()
    return _Batch(ordered, mats)


def _check_completable(actor, ctx: _Ctx, batch: _Batch, handled: dict | None = None) -> None:
    """Refuse the batch unless every record may be completed by the actor (its department,
    a draft, decided, handled by its department, accepted by the apps' checks); then mark each
    completed in memory."""
    handler_cache: dict = handled if handled is not None else {}
    validate = hooks.has(hooks.RECORD_VALIDATE)
    for r in batch.records:
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


def _route_batch(
    ctx: _Ctx, batch: _Batch, licence_of: dict[int, Licence]
) -> tuple[list[tuple[Push, dict]], list[ApprovalRecord]]:
    """The approval pushes of the batch, one per regulator the live linkage list names for each
    record's item, each with its frozen snapshot; and the records nobody supervises (gaps)."""
    from shenguan.catalog.selectors import linkage_routes

    today = timezone.localdate(ctx.at)
    routes_cache: dict = {}
    pushes: list[tuple[Push, dict]] = []
    gaps: list[ApprovalRecord] = []
    extras = hooks.snapshot_extras(batch.records) if hooks.has(hooks.SNAPSHOT_EXTRAS) else {}
    for r in batch.records:
        key = r.item_id
        if key not in routes_cache:
            routes_cache[key] = group_routes(linkage_routes(item=r.item, on_date=today))
        groups = routes_cache[key]
        if not groups:
            r.supervision_gap = True
            gaps.append(r)
            continue
        lic = licence_of.get(r.pk)
        snap = record_snapshot(r, batch.materials.get(r.pk, []), lic)
        if r.pk in extras:
            snap["extensions"] = extras[r.pk]
        base = {
            k: JsonSafe(to_jsonable(v)) if isinstance(v, dict) else to_jsonable(v)
            for k, v in snap.items()
        }
        for g in groups:
            route = {"division": _division_ref(g["division"]), "entries": g["entries"]}
            pushes.append(_approval_push(ctx, r, base, g["regulator"], g["division"], route, lic))
    return pushes, gaps


def _write_completion(
    actor, ctx: _Ctx, records: list[ApprovalRecord], pushes, gaps: list[ApprovalRecord]
) -> list[Push]:
    """Write the records' new state and the pushes; alert the bureau and oversight of gaps."""
    ApprovalRecord.objects.filter(pk__in=[r.pk for r in records]).update(
        state=RecordState.COMPLETED,
        completed_at=ctx.at,
        completed_by_name=actor_name(actor),
        updated_at=ctx.at,
    )
    if gaps:
        ApprovalRecord.objects.filter(pk__in=[r.pk for r in gaps]).update(supervision_gap=True)
    saved = _insert_pushes(ctx, pushes)
    for r in gaps:
        _alert_gap(ctx, r)
    return saved


def _audit_completion(
    actor, records, saved: list[Push], licence_of: dict[int, Licence], first=()
) -> None:
    """One audit event per completed record, naming its pushes and licence (after `first`)."""
    by_record: dict[int, list[int]] = {}
    for p in saved:
        by_record.setdefault(p.record_id, []).append(p.pk)
    audit_record_many(
        actor=actor,
        entries=[*first]
        + [
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
            for r in records
        ],
    )


def _division_ref(d: Division | None) -> dict | None:
    return {"id": d.pk, "name": d.name} if d else None


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
