"""Validation of organisation data: GB/T 2260 region codes, department codes, phone numbers."""

from __future__ import annotations

import re

from shenguan.core.codes import check_uscc
from shenguan.core.errors import ValidationFailed
from shenguan.core.text import is_ascii_digits, typed_text


def clean_region_code(value: str, field: str = "code") -> str:
    """A GB/T 2260 code: exactly 6 ASCII digits (full-width digits are refused, not converted)."""
    v = (value or "").strip()
    if not is_ascii_digits(v) or len(v) != 6:
        raise ValidationFailed("bad_region_code", "行政区划代码须为6位半角数字（GB/T 2260）", field)
    if v[:2] == "00":
        raise ValidationFailed("bad_region_code", "行政区划代码的省级部分无效", field)
    return v


def clean_uscc(value: str, field: str = "uscc") -> str:
    """An optional unified social credit code (GB 32100-2015), checked by core.codes."""
    v = (value or "").strip().upper()
    if not v:
        return ""
    return check_uscc(v, field)


_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def clean_phone(value: str, field: str = "phone", *, required: bool = True) -> str:
    """A mainland mobile (11 digits) or landline (0xxx-xxxxxxx) number."""
    v = (value or "").strip().replace(" ", "")
    if not v:
        if required:
            raise ValidationFailed("phone_required", "请填写联系电话", field)
        return ""
    if not _PHONE.match(v):
        raise ValidationFailed("bad_phone", "联系电话格式不正确（手机11位或固话区号-号码）", field)
    return v


def clean_name(value: str, field: str, label: str, max_length: int = 100) -> str:
    """A required name as typed: trimmed, not empty once invisible characters are removed, no
    control characters, within its length (core.text.typed_text, ADR 0042)."""
    return typed_text(value, field, label, max_length, required=True)
