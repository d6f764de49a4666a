"""The credit look-up (信用查询) and the check at acceptance (受理信用核查, 003 三(三)4).

A look-up consults three sources for every subject identified by a USCC or ID number: the
joint-punishment lists imported here, the warning library, and the provincial credit platform
(when connected). A current hit restricts 容缺受理, 告知承诺 and 绿色通道 (a Chinese 422 naming the
entry) unless a leader authorised an exception beforehand; an unavailable platform allows only
normal acceptance. The look-up of every case is stored (`CreditCheck`) and shown on its page.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, ValidationFailed
from shenguan.org.roles import Perm

from ..models import (
    CreditCheck,
    CreditOverride,
    PlatformStatus,
)
from ..platform import configured_platform
from .common import actor_name, clean_subject_code, normalize_code, require, user_id

NORMAL = "normal"
MODE_LABELS = {"deficiency": "容缺受理", "commitment": "告知承诺", "green": "绿色通道"}


def record_subjects(record) -> list[dict]:
    """Who is looked up for a case: the applicant by USCC or ID number; the legal representative
    of a legal person is listed but matched only when a number is known (never by name)."""
    out = []
    code = normalize_code(
        record.applicant_uscc if record.applicant_kind == "legal" else record.applicant_id_number
    )
    out.append(
        {
            "role": "applicant",
            "name": record.applicant_name,
            "kind": record.applicant_kind,
            "code": code,
        }
    )
    if record.applicant_kind == "legal" and record.legal_representative:
        out.append(
            {
                "role": "legal_representative",
                "name": record.legal_representative,
                "kind": "person",
                "code": "",
            }
        )
    return out


_HITS_SQL = """
SELECT 'list', e.id, e.code, e.subject_name, e.list_name, e.measures, e.source_document,
       e.valid_from, e.valid_until, ''
FROM credit_listentry e
WHERE e.code IN ({codes}) AND e.valid_from <= %s AND (e.valid_until IS NULL OR e.valid_until >= %s)
  AND e.jurisdiction_id IN ({juris})
UNION ALL
SELECT 'warning', w.id, w.code, w.subject_name, '', w.measures, w.reason, w.valid_from,
       w.valid_until, w.reason_kind
FROM credit_warningentry w
WHERE w.code IN ({codes}) AND w.valid_from <= %s AND (w.valid_until IS NULL OR w.valid_until >= %s)
  AND w.removed_at IS NULL AND w.jurisdiction_id IN ({juris})
ORDER BY 1, 2
"""
# the jurisdiction and those above it, by path prefix ("/370000/" is above "/370000/371500/")
_JURIS_SQL = (
    "SELECT a.id FROM org_jurisdiction a, org_jurisdiction me "
    "WHERE me.id = %s AND substr(me.path, 1, length(a.path)) = a.path"
)


def _local_hits(jurisdiction_id: int, codes: list[str], on: dt.date) -> list[dict]:
    """Current entries of the lists and of the warning library for the codes, in the
    jurisdiction and those above it: one indexed query (a look-up sits in every registration)."""
    from django.db import connection

    from ..models import WarningReason

    if not codes:
        return []
    marks = ", ".join(["%s"] * len(codes))
    sql = _HITS_SQL.format(codes=marks, juris=_JURIS_SQL)
    params = [*codes, on, on, jurisdiction_id, *codes, on, on, jurisdiction_id]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchmany(100)
    labels = dict(WarningReason.choices)
    hits = []
    for source, pk, code, name, list_name, measures, document, vfrom, vuntil, reason in rows:
        if source == "warning":
            list_name = f"警示信息库（{labels.get(reason, reason)}）"
            measures = measures or document
        hits.append(
            {
                "source": source,
                "entry_id": pk,
                "code": code,
                "subject_name": name,
                "list_name": list_name,
                "measures": measures,
                "document": document,
                "valid_from": _as_date(vfrom),
                "valid_until": _as_date(vuntil),
            }
        )
    return hits


def _as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def credit_lookup(
    *, jurisdiction_id: int, subjects: list[dict], on: dt.date | None = None, platform=True
) -> dict:
    """Look subjects up in every source (reads only). Returns {subjects, sources, hits,
    platform_status, platform_reference, platform_error}."""
    on = on or timezone.localdate()
    codes = sorted({s["code"] for s in subjects if s.get("code")})
    hits = _local_hits(jurisdiction_id, codes, on)
    sources = [
        {"source": "list", "label": "联合惩戒名单", "status": "ok"},
        {"source": "warning", "label": "警示信息库", "status": "ok"},
    ]
    p = configured_platform() if platform else None
    status, reference, error = PlatformStatus.NOT_CONFIGURED, "", ""
    if p is not None and codes:
        refs, status = [], PlatformStatus.OK
        for s in subjects:
            if not s.get("code"):
                continue
            ans = p.query(code=s["code"], name=s.get("name", ""))
            if ans.status != PlatformStatus.OK:
                status, error = PlatformStatus.UNAVAILABLE, ans.error
                break
            refs.append(ans.reference)
            for h in ans.hits:
                hits.append(
                    {
                        "source": "platform",
                        "entry_id": None,
                        "code": s["code"],
                        "subject_name": s.get("name", ""),
                        **h,
                    }
                )
        reference = ",".join(r for r in refs if r)[:100]
    sources.append(
        {
            "source": "platform",
            "label": "省信用信息平台",
            "status": str(status),
            "reference": reference,
            "error": error,
        }
    )
    return {
        "subjects": subjects,
        "sources": sources,
        "hits": hits,
        "platform_status": str(status),
        "platform_reference": reference,
        "platform_error": error,
        "on": on,
    }


def _profile_requires(jurisdiction_id: int) -> bool:
    from shenguan.policy.selectors import params_for_jurisdiction

    params, _v = params_for_jurisdiction(jurisdiction_id)
    return bool(params.credit_check_at_acceptance)


def _open_override(jurisdiction_id: int, code: str, mode: str, on: dt.date):
    if not code:
        return None
    return (
        CreditOverride.objects.filter(
            jurisdiction_id=jurisdiction_id,
            code=code,
            acceptance_mode=mode,
            used_record_id__isnull=True,
            valid_until__gte=on,
        )
        .order_by("id")
        .first()
    )


def hit_text(h: dict) -> str:
    """A hit as a clerk reads it: the list, the subject and the measures."""
    doc = f"，{h['document']}" if h.get("document") and h["document"] != h.get("measures") else ""
    return f"{h['list_name']}：{h.get('subject_name', '')}{doc}（{h.get('measures', '')}）"


def on_record_validate(*, actor, record, data=None, phase: str = "create", **_ignored) -> None:
    """linkage RECORD_VALIDATE: restrict facilitated acceptance of dishonest subjects; refuse
    completing a case that has no look-up where the profile requires one. Writes nothing."""
    if phase == "complete":
        if (
            record.pk
            and _profile_requires(record.jurisdiction_id)
            and not CreditCheck.objects.filter(record_id=record.pk).exists()
        ):
            raise ValidationFailed(
                "credit_check_missing",
                f"办件“{record.case_number}”尚未进行受理信用核查，"
                "按本地政策须查询信用后方可办结（《聊城市强化审管互动工作暂行办法》第十九条）",
                "credit",
            )
        return
    mode = record.acceptance_mode or NORMAL
    facilitated = mode != NORMAL
    if not facilitated and not _profile_requires(record.jurisdiction_id):
        return
    if phase == "update" and not facilitated:
        return
    result = credit_lookup(
        jurisdiction_id=record.jurisdiction_id,
        subjects=record_subjects(record),
        on=timezone.localdate(),
    )
    record._credit_lookup = result
    if not facilitated:
        return
    label = MODE_LABELS.get(mode, mode)
    if result["hits"]:
        code = result["subjects"][0]["code"]
        override = _open_override(record.jurisdiction_id, code, mode, timezone.localdate())
        if override is None:
            raise ValidationFailed(
                "credit_restricted",
                f"申请人存在失信联合惩戒信息，不得按{label}受理："
                f"{hit_text(result['hits'][0])}。如确需例外受理，须经审批局领导批准并记录理由",
                "acceptance_mode",
            )
        record._credit_override = override
    elif result["platform_status"] == PlatformStatus.UNAVAILABLE:
        raise ValidationFailed(
            "credit_platform_unavailable",
            f"信用平台暂不可用（{result['platform_error']}），无法确认申请人信用状况，"
            f"不能按{label}受理，只能按一般受理方式受理",
            "acceptance_mode",
        )


def _store_check(*, actor, record, result: dict, override=None) -> CreditCheck:
    restricted = bool(result["hits"])
    chk = CreditCheck.objects.create(
        jurisdiction_id=record.jurisdiction_id,
        record_id=record.pk,
        checked_at=timezone.now(),
        checked_by_id=user_id(actor),
        checked_by_name=actor_name(actor),
        subjects=_jsonable(result["subjects"]),
        sources=_jsonable(result["sources"]),
        hits=_jsonable(result["hits"]),
        platform_status=result["platform_status"],
        platform_reference=result["platform_reference"],
        acceptance_mode=record.acceptance_mode,
        restricted=restricted,
        override_reason=override.reason if override else "",
        override_by_name=override.granted_by_name if override else "",
    )
    if override is not None:
        CreditOverride.objects.filter(pk=override.pk).update(used_record_id=record.pk)
    if restricted:
        from shenguan.outbox.services import outbox_emit

        outbox_emit(
            event_type="credit.check_hit",
            jurisdiction_id=record.jurisdiction_id,
            payload={
                "record_id": record.pk,
                "case_number": record.case_number,
                "lists": sorted({h["list_name"] for h in result["hits"]}),
                "acceptance_mode": record.acceptance_mode,
                "override": override is not None,
            },
            department_ids=[record.department_id],
            aggregate=chk,
        )
    audit_record(
        actor=actor,
        action="credit.check",
        obj=chk,
        after={
            "record_id": record.pk,
            "case_number": record.case_number,
            "hits": [
                {"source": h["source"], "entry_id": h.get("entry_id"), "list": h["list_name"]}
                for h in result["hits"]
            ],
            "platform_status": result["platform_status"],
            "platform_reference": result["platform_reference"],
            "acceptance_mode": record.acceptance_mode,
            "override_id": override.pk if override else None,
            "override_reason": override.reason if override else "",
        },
    )
    return chk


def _jsonable(value):
    from shenguan.core.serialize import to_jsonable

    return to_jsonable(value)


def on_record_created(*, actor, record, **_ignored) -> None:
    """linkage RECORD_CREATED: store the look-up made when the case was validated (or make it
    now: an import validates a probe record), in the registration's transaction."""
    result = getattr(record, "_credit_lookup", None)
    override = getattr(record, "_credit_override", None)
    if result is None:
        mode = record.acceptance_mode or NORMAL
        if mode == NORMAL and not _profile_requires(record.jurisdiction_id):
            return
        result = credit_lookup(
            jurisdiction_id=record.jurisdiction_id,
            subjects=record_subjects(record),
            on=timezone.localdate(),
        )
        if result["hits"] and mode != NORMAL:
            override = _open_override(
                record.jurisdiction_id, result["subjects"][0]["code"], mode, timezone.localdate()
            )
    _store_check(actor=actor, record=record, result=result, override=override)


def credit_check_record(*, actor, record) -> CreditCheck:
    """Look a registered case up again (补查信用), e.g. one registered before the profile asked
    for it; the new look-up is stored with the others."""
    require(actor, Perm.APPROVAL_RECORD, "无权查询办件信用")
    if actor is not None and actor.department_id != record.department_id:
        from shenguan.core.errors import PermissionDenied

        raise PermissionDenied("forbidden_department", "只能查询本部门办件的信用")
    if record.state != "draft":
        raise Conflict("record_completed", "办件已办结，信用核查记录不能再补充", "record")
    result = credit_lookup(
        jurisdiction_id=record.jurisdiction_id,
        subjects=record_subjects(record),
        on=timezone.localdate(),
    )
    with transaction.atomic():
        return _store_check(actor=actor, record=record, result=result)


def credit_override_grant(
    *,
    actor,
    jurisdiction_id: int,
    code: str,
    acceptance_mode: str,
    reason: str,
    subject_name: str = "",
    valid_days: int = 7,
) -> CreditOverride:
    """A leader authorises one facilitated acceptance of a restricted subject (领导审批例外),
    with a recorded reason; audited, used by the next registration of that code."""
    require(actor, Perm.CREDIT_OVERRIDE, "仅审批局领导可以批准失信主体例外受理")
    code, _kind = clean_subject_code(code)
    if acceptance_mode not in MODE_LABELS:
        raise ValidationFailed(
            "bad_acceptance_mode", "受理方式须为容缺受理、告知承诺或绿色通道", "acceptance_mode"
        )
    reason = " ".join(str(reason or "").split())
    if len(reason) < 4:
        raise ValidationFailed("reason_required", "请填写例外受理的理由（至少4个字）", "reason")
    if len(reason) > 1000:
        raise ValidationFailed("reason_too_long", "理由不得超过1000字", "reason")
    if actor is not None and jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise ValidationFailed("bad_jurisdiction", "行政区划不存在或无权操作", "jurisdiction_id")
    with transaction.atomic():
        o = CreditOverride.objects.create(
            jurisdiction_id=jurisdiction_id,
            code=code,
            subject_name=str(subject_name or "")[:200],
            acceptance_mode=acceptance_mode,
            reason=reason,
            granted_by_id=user_id(actor),
            granted_by_name=actor_name(actor),
            valid_until=timezone.localdate() + dt.timedelta(days=max(1, min(valid_days, 30))),
        )
        audit_record(
            actor=actor,
            action="credit.override",
            obj=o,
            after={"code": code, "acceptance_mode": acceptance_mode, "reason": reason},
        )
    return o


def snapshot_extras(*, records, **_ignored) -> dict:
    """linkage SNAPSHOT_EXTRAS: the latest look-up of each case, frozen into its push."""
    ids = [r.pk for r in records]
    out: dict[int, dict] = {}
    for c in CreditCheck.objects.filter(record_id__in=ids).order_by(
        "record_id", "checked_at", "id"
    ):
        out[c.record_id] = {
            "credit_check": {
                "checked_at": c.checked_at,
                "checked_by": c.checked_by_name,
                "sources": [s.get("label") for s in c.sources],
                "platform_status": c.platform_status,
                "platform_reference": c.platform_reference,
                "hits": [
                    {"list": h.get("list_name"), "measures": h.get("measures")} for h in c.hits
                ],
                "acceptance_mode": c.acceptance_mode,
                "override_reason": c.override_reason,
                "override_by": c.override_by_name,
            }
        }
    return {k: _jsonable(v) for k, v in out.items()}
