"""Issue 12 item 2: resident ID numbers keep their area code when regions change, so the area
code is checked against every GB/T 2260 code that ever existed, not against the birth year.

Oracle: python-stdnum. A number is valid exactly when stdnum accepts it with the holder's birth
year replaced by *some* year (stdnum then judges the area code against its own table of codes
and their years), its birth date is real and not in the future, and — the one addition — the
residence-permit codes of Hong Kong, Macao and Taiwan residents (810000/820000/830000)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import numdb
from stdnum.cn import ric

from shenguan.core.codes import check_resident_id, check_uscc, region_code_ever_existed
from shenguan.core.errors import ValidationFailed
from shenguan.linkage.validators import clean_id_number

TODAY = dt.date.today()


def with_check_digit(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


@cache
def stdnum_knows_area(area: str) -> bool:
    """stdnum accepts a number of this area code for some birth year between 1900 and today."""
    if area in ("810000", "820000", "830000"):
        return True  # residence permits (港澳台居民居住证); stdnum's table lacks 830000
    return any(
        _stdnum_valid(with_check_digit(f"{area}{year}0101001")) for year in range(1900, 2026)
    )


def _stdnum_valid(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except KeyError:  # stdnum 2.2 fails so on an area code whose province alone is known
        return False


def oracle(number: str) -> bool:
    """Whether a compact 18-character number is a valid resident ID number (see the module)."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return False
    if number[17] != ric.calc_check_digit(number):
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born > TODAY or born.year < 1880:
        return False
    return stdnum_knows_area(number[:6])


def verdict(number: str) -> bool:
    try:
        check_resident_id(number, "id_number")
    except ValidationFailed as exc:
        assert exc.field == "id_number"
        assert any("\u4e00" <= c <= "\u9fff" for c in exc.message)
        return False
    return True


# --- the trial's case and its kin ----------------------------------------------------------------


def test_an_unknown_area_code_of_a_known_province_is_refused_not_a_crash():
    """stdnum itself raises KeyError there (a 500 before: the validator called it directly)."""
    with pytest.raises(KeyError):
        ric.validate(with_check_digit("37999919850312001"))
    with pytest.raises(ValidationFailed):
        clean_id_number(with_check_digit("37999919850312001"))


def test_the_liaocheng_resident_born_1985_is_accepted():
    """Dongchangfu district's code 371502 dates from 1997; its residents born before keep it."""
    assert not ric.is_valid("371502198503120014")  # stdnum's birth-year rule refuses it
    assert clean_id_number("371502198503120014") == "371502198503120014"


@pytest.mark.parametrize(
    ("area", "born", "why"),
    [
        ("371502", "19500101", "code since 1997, holder born before"),
        ("110103", "20150601", "Chongwen district, merged into Dongcheng in 2010"),
        ("372522", "20010101", "Yanggu county's code before the 1997 renumbering"),
        ("371523", "20210101", "Chiping county, became a district in 2019"),
        ("830000", "19900101", "a Taiwan resident's residence permit"),
    ],
)
def test_area_codes_that_ever_existed_are_accepted(area, born, why):
    number = with_check_digit(f"{area}{born}123")
    assert check_resident_id(number, "id_number") == number, why
    assert oracle(number)


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        (with_check_digit("379999198503120014"[:17]), "地址码 379999"),
        (with_check_digit("990000198503120014"[:17]), "地址码 990000"),
        (with_check_digit("430971200001010012"[:17]), "地址码 430971"),  # a development zone
        (with_check_digit("37150219850230001"), "出生日期"),
        (with_check_digit(f"371502{TODAY.year + 1}0101001"), "出生日期"),
        (with_check_digit("37150218500101001"), "出生日期"),
        ("371502198503120015", "校验位"),
        ("37150219850312001", "18位"),
        ("3715021985031200A4", "格式"),
    ],
)
def test_invalid_numbers_are_refused_naming_the_fault(number, fragment):
    with pytest.raises(ValidationFailed) as err:
        check_resident_id(number, "applicant_id_number")
    assert err.value.code == "bad_id_number" and err.value.field == "applicant_id_number"
    assert fragment in err.value.message
    assert not oracle(number)


def test_every_code_of_stdnums_table_counts_as_existing():
    """Every county line of the table, whatever its years, is a code that existed."""
    codes = _table_codes()
    assert len(codes) > 6000
    assert all(region_code_ever_existed(c) for c in codes)
    assert not region_code_ever_existed("379999")
    sample = codes[:: max(1, len(codes) // 300)]
    assert all(stdnum_knows_area(c) for c in sample)


# --- against the oracle --------------------------------------------------------------------------


def _table_codes() -> list[str]:
    out, province = [], ""
    table = Path(numdb.__file__).with_name("cn") / "loc.dat"
    for line in table.read_text(encoding="utf-8").splitlines():
        if line[:1].isdigit():
            province = line[:2]
        elif line.startswith("  ") and "county=" in line:
            out.append(province + line.split()[0])
    return out


AREAS = st.one_of(
    st.sampled_from(_table_codes()),
    st.sampled_from(["379999", "990000", "000000", "830000", "430971", "371599"]),
)
BIRTHS = st.dates(min_value=dt.date(1870, 1, 1), max_value=TODAY + dt.timedelta(days=800))


@st.composite
def numbers(draw) -> str:
    body = f"{draw(AREAS)}{draw(BIRTHS):%Y%m%d}{draw(st.integers(0, 999)):03d}"
    number = with_check_digit(body)
    if draw(st.booleans()):  # now and then one character changed
        i = draw(st.integers(0, 17))
        number = number[:i] + draw(st.sampled_from("0123456789X")) + number[i + 1 :]
    return number


@settings(max_examples=600, deadline=None)
@given(numbers())
def test_resident_ids_are_judged_as_the_oracle_judges_them(number):
    assert verdict(number) == oracle(number), number


# --- unified social credit codes -----------------------------------------------------------------


def test_credit_codes_keep_stdnums_verdict():
    assert check_uscc("91350100M000100Y43", "uscc") == "91350100M000100Y43"
    with pytest.raises(ValidationFailed) as err:
        check_uscc("91350100M000100Y44", "uscc")
    assert err.value.code == "bad_uscc" and "校验位" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        check_uscc("91350100M000100Y4", "uscc")
    assert "18位" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        check_uscc("91350100M000100I43", "uscc")
    assert "格式" in err.value.message
