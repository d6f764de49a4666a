"""National identification codes: resident ID numbers (GB 11643) and unified social credit codes
(GB 32100), checked with python-stdnum's arithmetic and its GB/T 2260 region table.

Resident ID numbers: the format, a real birth date (not in the future), the check digit, and an
area code that is or ever was a GB/T 2260 code. stdnum's `ric.validate` also requires the area
code to have been in force in the *birth year*; that is wrong for identity numbers, which keep
their area code when regions are renamed or merged and are issued (at registration, not at
birth) to people born before their county's code existed: `371502198503120014` — Dongchangfu
district, code since 1997, a resident born 1985 — is a valid number that stdnum refuses.
Here the table's validity years are ignored; every code it lists, past or present, is accepted,
plus the codes of the residence permits of Hong Kong, Macao and Taiwan residents (810000,
820000, 830000), which use the same number layout.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import timezone
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import isdigits

from .errors import ValidationFailed

# 港澳台居民居住证 (State Council 2018): numbers of the resident-ID layout with these codes.
RESIDENCE_PERMIT_CODES = frozenset({"810000", "820000", "830000"})

# No holder of a resident ID was born before this year; later than today is impossible.
EARLIEST_BIRTH_YEAR = 1880


@lru_cache(maxsize=8192)
def region_code_ever_existed(code: str) -> bool:
    """Whether a six-digit code is, or ever was, a GB/T 2260 region code (stdnum's table of
    codes with their years; the years are ignored here)."""
    if len(code) != 6 or not isdigits(code):
        return False
    if code in RESIDENCE_PERMIT_CODES:
        return True
    parts = numdb.get("cn/loc").info(code)
    return any("county" in props for _part, props in parts)


def resident_id_birth_date(number: str) -> dt.date | None:
    """The birth date in an 18-character ID number, or None if it is not a real date."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def check_resident_id(value, field: str, *, today: dt.date | None = None) -> str:
    """A resident ID number (居民身份证号码, GB 11643), compacted and upper-cased, or a
    ValidationFailed naming what is wrong with it."""
    number = ric.compact(str(value or ""))
    if not number:
        raise ValidationFailed("required", "请填写身份证号码", field)
    if len(number) != 18:
        raise ValidationFailed("bad_id_number", "身份证号码应为18位", field)
    if not isdigits(number[:17]) or not (isdigits(number[17]) or number[17] == "X"):
        raise ValidationFailed(
            "bad_id_number", "身份证号码格式不正确：前17位须为数字，末位为数字或X", field
        )
    if number[17] != ric.calc_check_digit(number):
        raise ValidationFailed("bad_id_number", "身份证号码校验位不正确", field)
    born = resident_id_birth_date(number)
    today = today or timezone.localdate()
    if born is None or born > today or born.year < EARLIEST_BIRTH_YEAR:
        raise ValidationFailed("bad_id_number", "身份证号码中的出生日期无效", field)
    if not region_code_ever_existed(number[:6]):
        raise ValidationFailed(
            "bad_id_number",
            f"身份证号码中的地址码 {number[:6]} 不是有效的行政区划代码（GB/T 2260）",
            field,
        )
    return number


def check_uscc(value, field: str) -> str:
    """A unified social credit code (统一社会信用代码, GB 32100-2015), compacted and
    upper-cased, or a ValidationFailed naming what is wrong with it."""
    code = uscc.compact(str(value or ""))
    if not code:
        raise ValidationFailed("required", "请填写统一社会信用代码", field)
    if len(code) != 18:
        raise ValidationFailed("bad_uscc", "统一社会信用代码无效：应为18位", field)
    try:
        return uscc.validate(code)
    except InvalidChecksum as exc:
        raise ValidationFailed("bad_uscc", "统一社会信用代码无效：校验位不正确", field) from exc
    except StdnumError as exc:
        raise ValidationFailed("bad_uscc", "统一社会信用代码无效：格式不正确", field) from exc
