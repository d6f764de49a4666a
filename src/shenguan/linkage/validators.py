"""Validation of approval data typed, posted or imported: applicant identity numbers
(python-stdnum), names, phones, dates and free text. Codes are normalised (NFKC); free text is
stored as typed (ADR 0042)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from shenguan.core.codes import check_resident_id, check_uscc
from shenguan.core.errors import ValidationFailed
from shenguan.core.i18n import source_choice
from shenguan.core.text import normalize_text, typed_text
from shenguan.org.validators import clean_phone as _clean_phone

from .models import ApplicantKind, ApprovalResult


def clean_text(
    value, field: str, label: str, max_length: int, *, required: bool = False, multiline=False
) -> str:
    """Text as typed, trimmed (core.text.typed_text: control characters, NUL and invisible-only
    text refused; full-width punctuation kept, ADR 0042)."""
    return typed_text(value, field, label, max_length, required=required, multiline=multiline)


def clean_case_number(value, field: str = "case_number") -> str:
    """A case number (办件编号): required, at most 64 characters, no spaces inside; a code, so
    full-width letters and digits are made half-width."""
    v = normalize_text(clean_text(value, field, "办件编号", 64, required=True))
    if " " in v:
        raise ValidationFailed("bad_case_number", "办件编号不得包含空格", field)
    return v


def clean_id_number(value, field: str = "applicant_id_number") -> str:
    """A resident ID number (居民身份证号码, GB 11643): format, birth date, check digit, and an
    area code that is or ever was a GB/T 2260 code (core.codes)."""
    return check_resident_id(normalize_text(value).replace(" ", "").upper(), field)


def clean_uscc(value, field: str = "applicant_uscc") -> str:
    """A unified social credit code (统一社会信用代码, GB 32100): format and check digit
    (core.codes)."""
    return check_uscc(normalize_text(value).replace(" ", "").upper(), field)


def clean_phone(value, field: str = "contact_phone") -> str:
    """An optional phone number (mobile or landline), full-width digits normalised."""
    return _clean_phone(normalize_text(value), field, required=False)


# 2026-12-07, 2026/12/7, 2026.12.7, 2026年12月7日 (full-width digits made half-width first)
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def clean_date(value, field: str, label: str, *, required: bool = False) -> dt.date | None:
    """A date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, a date or a datetime)."""
    if value in (None, ""):
        if required:
            raise ValidationFailed("required", f"请填写{label}", field)
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        text = normalize_text(value)
        m = _DATE_RE.fullmatch(text)
        try:
            if not m:
                raise ValueError(text)
            value = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as exc:
            raise ValidationFailed(
                "bad_date",
                f"{label}格式无效，应为真实日期，如 2026-12-07 或 2026年12月7日",
                field,
            ) from exc
    if value.year < 1990 or value.year > 2100:
        raise ValidationFailed("bad_date", f"{label}超出有效范围", field)
    return value


def not_future(value: dt.date | None, field: str, label: str) -> None:
    """Refuse a date after today (Asia/Shanghai)."""
    if value is not None and value > timezone.localdate():
        raise ValidationFailed("date_in_future", f"{label}不能晚于今天", field)


def clean_choice(value, choices, field: str, label: str, *, required: bool = True) -> str:
    """A value of a TextChoices (by value, by its Chinese label or by its label in the active
    language)."""
    v = normalize_text(value)
    if not v:
        if required:
            raise ValidationFailed("required", f"请选择{label}", field)
        return ""
    for val, lab in choices.choices:
        if v in (val, source_choice(choices, val), str(lab)):
            return val
    raise ValidationFailed("bad_choice", f"{label}“{v[:20]}”无效", field)


APPLICANT_KIND_ALIASES = {
    "个人": ApplicantKind.PERSON,
    "企业": ApplicantKind.LEGAL,
    "法人": ApplicantKind.LEGAL,
    "单位": ApplicantKind.LEGAL,
}
RESULT_ALIASES = {
    "准予": ApprovalResult.GRANTED,
    "不予": ApprovalResult.REFUSED,
    "同意": ApprovalResult.GRANTED,
    "不同意": ApprovalResult.REFUSED,
}


def clean_applicant(data: dict) -> dict:
    """The applicant part of a record: kind, name and the identity number of that kind."""
    raw_kind = normalize_text(data.get("applicant_kind"))
    kind = APPLICANT_KIND_ALIASES.get(raw_kind) or clean_choice(
        raw_kind, ApplicantKind, "applicant_kind", "申请人类型"
    )
    out = {
        "applicant_kind": kind,
        "applicant_name": clean_text(
            data.get("applicant_name"), "applicant_name", "申请人", 200, required=True
        ),
        "legal_representative": clean_text(
            data.get("legal_representative"), "legal_representative", "法定代表人", 50
        ),
        "contact_name": clean_text(data.get("contact_name"), "contact_name", "联系人", 50),
        "contact_phone": clean_phone(data.get("contact_phone")),
        "address": clean_text(data.get("address"), "address", "地址", 300),
        "applicant_id_number": "",
        "applicant_uscc": "",
    }
    if kind == ApplicantKind.PERSON:
        out["applicant_id_number"] = clean_id_number(data.get("applicant_id_number"))
    else:
        out["applicant_uscc"] = clean_uscc(data.get("applicant_uscc"))
        if not out["legal_representative"]:
            raise ValidationFailed("required", "请填写法定代表人", "legal_representative")
    return out
