"""Identity numbers of applicants: resident ID numbers (居民身份证号码, GB 11643, stdnum.cn.ric)
and unified social credit codes (统一社会信用代码, GB 32100, stdnum.cn.uscc).

Two oracles: python-stdnum itself (the validator must accept exactly what stdnum accepts, after
the normalisation of full-width characters, spaces and case), and the check-digit formulas of
the two standards written out here independently of stdnum."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from shenguan.core.errors import ValidationFailed
from shenguan.linkage.validators import clean_id_number, clean_uscc
from tests.core.test_codes import oracle as id_oracle

# --- the standards' check digits, independently of stdnum ---------------------------------------

RIC_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2


def gb11643_check(body17: str) -> str:
    """The check character of a resident ID number (ISO 7064 MOD 11-2)."""
    total = sum(int(c) * w for c, w in zip(body17, RIC_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28


def gb32100_check(body17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def accepts(clean, value) -> str | None:
    """The normalised value, or None when the validator refuses it (always naming the field)."""
    try:
        return clean(value)
    except ValidationFailed as exc:
        assert exc.field in ("applicant_id_number", "applicant_uscc")
        assert any("\u4e00" <= c <= "\u9fff" for c in exc.message)
        return None


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def test_the_independent_formulas_match_known_numbers():
    # the example of GB 11643-1999 appendix and a real-format credit code
    assert gb11643_check("11010519491231002") == "X"
    assert gb32100_check("91350100M000100Y4") == "3"
    assert ric.is_valid("11010519491231002X") and uscc.is_valid("91350100M000100Y43")


# --- resident ID numbers ------------------------------------------------------------------------

# Region codes of the seeds' places, and birth dates from which each code existed (stdnum also
# checks that the region existed when the holder was born).
REGIONS = ["110105", "371502", "371521", "430902", "150302"]
BIRTHS = st.dates(min_value=dt.date(1998, 1, 1), max_value=dt.date(2020, 12, 31))


@st.composite
def ric_bodies(draw) -> str:
    region = draw(st.sampled_from(REGIONS))
    born = draw(BIRTHS)
    seq = draw(st.integers(min_value=0, max_value=999))
    return f"{region}{born:%Y%m%d}{seq:03d}"


@settings(max_examples=300, deadline=None)
@given(ric_bodies(), st.sampled_from("0123456789X"))
def test_id_number_check_digit_agrees_with_the_standard(body, last):
    got = accepts(clean_id_number, body + last)
    if last == gb11643_check(body):
        assert got == body + last
    else:
        assert got is None


ID_CHARS = st.sampled_from([*"0123456789Xx ", "０", "１", "８", "Ｘ", "ｘ", "\u3000"])


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.lists(ID_CHARS, min_size=0, max_size=21).map("".join),
        ric_bodies().map(lambda b: b + gb11643_check(b)),
        # a valid number with one character changed, deleted or repeated
        st.tuples(ric_bodies(), st.integers(0, 17), ID_CHARS).map(
            lambda t: (lambda n, i, c: n[:i] + c + n[i + 1 :])(t[0] + gb11643_check(t[0]), *t[1:])
        ),
        # full-width and lower-case forms of a valid number
        ric_bodies().map(lambda b: nfkc_inverse(b + gb11643_check(b).lower())),
    )
)
def test_id_number_accepted_exactly_when_stdnum_accepts_it(value):
    """stdnum's verdict, except its birth-year rule for area codes (tests/core/test_codes.py)."""
    normalised = nfkc(value).replace(" ", "").upper()
    expected = ric.compact(normalised) if normalised and id_oracle(normalised) else None
    assert accepts(clean_id_number, value) == expected


def nfkc_inverse(text: str) -> str:
    """The full-width form of ASCII digits and letters (what NFKC undoes)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- unified social credit codes ----------------------------------------------------------------


@st.composite
def uscc_bodies(draw) -> str:
    dept = draw(st.sampled_from("19"))  # registering authority: 1 organs, 9 market regulation
    kind = draw(st.sampled_from("123"))
    region = draw(st.sampled_from(REGIONS))
    org = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    return f"{dept}{kind}{region}{org}"


@settings(max_examples=300, deadline=None)
@given(uscc_bodies(), st.sampled_from(USCC_ALPHABET))
def test_credit_code_check_digit_agrees_with_the_standard(body, last):
    got = accepts(clean_uscc, body + last)
    if last == gb32100_check(body):
        assert got == body + last
    else:
        assert got is None


USCC_CHARS = st.sampled_from([*USCC_ALPHABET, *"IOZSVaby -", "Ａ", "９", "\u3000"])


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.lists(USCC_CHARS, min_size=0, max_size=21).map("".join),
        uscc_bodies().map(lambda b: b + gb32100_check(b)),
        st.tuples(uscc_bodies(), st.integers(0, 17), USCC_CHARS).map(
            lambda t: (lambda n, i, c: n[:i] + c + n[i + 1 :])(t[0] + gb32100_check(t[0]), *t[1:])
        ),
        uscc_bodies().map(lambda b: nfkc_inverse((b + gb32100_check(b)).lower())),
    )
)
def test_credit_code_accepted_exactly_when_stdnum_accepts_it(value):
    normalised = nfkc(value).replace(" ", "").upper()
    expected = uscc.compact(normalised) if normalised and uscc.is_valid(normalised) else None
    assert accepts(clean_uscc, value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("37150219980101001", "bad_id_number"),  # 17 characters
        ("371502199802300010", "bad_id_number"),  # 30 February
    ],
)
def test_id_number_refusals_name_the_field(value, code):
    with pytest.raises(ValidationFailed) as err:
        clean_id_number(value)
    assert (err.value.code, err.value.field) == (code, "applicant_id_number")
