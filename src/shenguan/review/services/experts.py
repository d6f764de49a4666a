"""The expert pool (审批专家库, 002 §14): kept by the bureau and the regulators together, with the
history of every entry and the conflicts of interest experts declare."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.codes import check_uscc
from shenguan.core.errors import PermissionDenied, ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.core.masking import mask_phone
from shenguan.core.text import normalize_text
from shenguan.org.roles import Perm
from shenguan.org.validators import clean_phone

from .. import validators as v
from ..models import Expert, ExpertChange, ExpertConflict, ExpertSpeciality, ExpertTitle, Speciality
from .common import actor_name

FIELDS = (
    "name",
    "title",
    "employer",
    "employer_uscc",
    "phone",
    "available",
    "unavailable_note",
    "review_due",
    "active",
    "specialities",
)


def can_keep_pool(actor) -> bool:
    """The bureau (catalogue keepers) and the regulators' liaisons and leaders keep the pool."""
    return actor is None or actor.can(Perm.CATALOG_MANAGE) or actor.can(Perm.PUSH_CLAIM)


def _require_keeper(actor) -> None:
    if not can_keep_pool(actor):
        raise PermissionDenied("forbidden", "无权维护专家库（须为审批局或行业主管部门联络员）")


def _bool(value, field: str, label: str) -> bool:
    if isinstance(value, bool):
        return value
    text = normalize_text(value).lower()
    if text in ("1", "true", "on", "yes", "是"):
        return True
    if text in ("0", "false", "off", "no", "否", ""):
        return False
    raise ValidationFailed("bad_bool", f"{label}须为是或否", field)


def _default(data: dict, key: str, default=True):
    value = data.get(key)
    return default if value is None else value


def clean_expert(data: dict, *, partial: bool = False, base: Expert | None = None) -> dict:
    """The cleaned values of an expert entry (all fields, or only those given when partial)."""
    out: dict = {}

    def given(k):
        return not partial or k in data

    if given("name"):
        out["name"] = v.text(data.get("name"), "name", "姓名", 50, required=True)
    if given("title"):
        out["title"] = v.choice(data.get("title"), ExpertTitle, "title", "职称")
    if given("employer"):
        out["employer"] = v.text(data.get("employer"), "employer", "工作单位", 200, required=True)
    if given("employer_uscc"):
        raw = normalize_text(data.get("employer_uscc"))
        out["employer_uscc"] = check_uscc(raw, "employer_uscc") if raw else ""
    if given("phone"):
        out["phone"] = clean_phone(normalize_text(data.get("phone")), "phone")
    if given("available"):
        out["available"] = _bool(_default(data, "available"), "available", "可参加评审")
    if given("unavailable_note"):
        out["unavailable_note"] = v.text(
            data.get("unavailable_note"), "unavailable_note", "不可参加原因", 200
        )
    if given("review_due"):
        out["review_due"] = v.date(
            data.get("review_due"), "review_due", "下次复核日期", required=True
        )
    if given("active"):
        out["active"] = _bool(_default(data, "active"), "active", "在库")
    if given("specialities"):
        raw = data.get("specialities") or []
        if isinstance(raw, str):
            raw = [s for s in normalize_text(raw).replace("，", ",").split(",") if s]
        if not isinstance(raw, list | tuple) or not raw:
            raise ValidationFailed("required", "请选择至少一个专业类别", "specialities")
        if len(raw) > 5:
            raise ValidationFailed("too_many", "专业类别最多5个", "specialities")
        specs = sorted({v.choice(s, Speciality, "specialities", "专业类别") for s in raw})
        out["specialities"] = specs
    return out


LABELS = {
    "name": "姓名",
    "title": "职称",
    "employer": "工作单位",
    "employer_uscc": "单位统一社会信用代码",
    "phone": "联系电话",
    "available": "可参加评审",
    "unavailable_note": "不可参加原因",
    "review_due": "下次复核日期",
    "active": "在库",
    "specialities": "专业类别",
}


def _shown(key: str, value) -> str:
    """A value as the history shows it: phones masked, choices by their Chinese label."""
    if key == "phone":
        return mask_phone(value)
    if key == "title":
        return source_choice(ExpertTitle, value) if value else ""
    if key == "specialities":
        return "、".join(source_choice(Speciality, s) for s in value or [])
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value if value is not None else "")


def _view(e: Expert) -> dict:
    return {k: getattr(e, k) for k in FIELDS}


def expert_create(*, actor, jurisdiction_id: int, department_id: int, data: dict) -> Expert:
    """Add an expert to the pool."""
    _require_keeper(actor)
    values = clean_expert(data)
    with transaction.atomic():
        e = Expert.objects.create(
            jurisdiction_id=jurisdiction_id, added_by_department_id=department_id, **values
        )
        ExpertSpeciality.objects.bulk_create(
            [ExpertSpeciality(expert=e, speciality=s) for s in e.specialities]
        )
        ExpertChange.objects.create(
            expert=e,
            by_name=actor_name(actor),
            by_department_name=getattr(getattr(actor, "department", None), "name", ""),
            changes={
                "入库": "；".join(f"{LABELS[k]}：{_shown(k, x)}" for k, x in _view(e).items())
            },
        )
        audit_record(actor=actor, action="review.expert_create", obj=e, after=_view(e))
    return e


def expert_update(*, actor, expert: Expert, data: dict) -> Expert:
    """Change an entry (availability, review date, specialities …); the change is kept."""
    _require_keeper(actor)
    values = clean_expert(data, partial=True)
    with transaction.atomic():
        e = Expert.objects.select_for_update().get(pk=expert.pk)
        before = _view(e)
        diff = {k: x for k, x in values.items() if before[k] != x}
        if not diff:
            return e
        for k, x in values.items():
            setattr(e, k, x)
        e.updated_at = timezone.now()
        e.save()
        if "specialities" in diff:
            ExpertSpeciality.objects.filter(expert=e).delete()
            ExpertSpeciality.objects.bulk_create(
                [ExpertSpeciality(expert=e, speciality=s) for s in e.specialities]
            )
        ExpertChange.objects.create(
            expert=e,
            by_name=actor_name(actor),
            by_department_name=getattr(getattr(actor, "department", None), "name", ""),
            changes={
                LABELS[k]: f"{_shown(k, before[k])} → {_shown(k, x)}" for k, x in diff.items()
            },
        )
        audit_record(
            actor=actor, action="review.expert_update", obj=e, before=before, after=_view(e)
        )
    return e


def expert_conflict_declare(
    *, actor, expert: Expert, party_uscc: str, party_name: str, reason: str, declared_on=None
) -> ExpertConflict:
    """Record a conflict of interest the expert declared: draws for that party avoid him/her."""
    _require_keeper(actor)
    party_uscc = check_uscc(normalize_text(party_uscc), "party_uscc")
    party_name = v.text(party_name, "party_name", "单位名称", 200, required=True)
    reason = v.text(reason, "reason", "申报事由", 300, required=True)
    declared_on = v.date(declared_on, "declared_on", "申报日期") or timezone.localdate()
    if declared_on > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationFailed("future_date", "申报日期不能晚于今天", "declared_on")
    with transaction.atomic():
        c = ExpertConflict.objects.create(
            expert=expert,
            party_uscc=party_uscc,
            party_name=party_name,
            reason=reason,
            declared_on=declared_on,
        )
        ExpertChange.objects.create(
            expert=expert,
            by_name=actor_name(actor),
            changes={"利益冲突申报": f"{party_name}（{party_uscc}）：{reason}"},
        )
        audit_record(
            actor=actor,
            action="review.expert_conflict",
            obj=expert,
            after={"party_uscc": party_uscc, "party_name": party_name, "reason": reason},
        )
    return c
