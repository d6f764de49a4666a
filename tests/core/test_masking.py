"""Masking of ID numbers and phones; unmasking needs Perm.UNMASK and is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from shenguan.core.masking import (
    can_unmask,
    mask_document,
    mask_id_number,
    mask_name,
    mask_phone,
    masked,
    personal_value,
)

# Regions python-stdnum knows for every birth year from 1990 (its table lacks some newer codes,
# e.g. 3715xx, and dates each county code).
REGIONS = ["110101", "110105", "310104", "370102", "420106", "440304", "650102"]


def make_ric(region: str, birth: dt.date, seq: int) -> str:
    """A valid 18-digit resident ID number built with python-stdnum's check digit."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder
    assert ric.is_valid(number)
    return number


ids = st.builds(
    make_ric,
    st.sampled_from(REGIONS),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@given(ids)
def test_an_id_number_keeps_region_and_last_four_only(number):
    m = mask_id_number(number)
    assert len(m) == 18
    assert m[:6] == number[:6] and m[-4:] == number[-4:]
    assert m[6:14] == "*" * 8  # the birth date never shows
    assert not ric.is_valid(m)


def test_the_example_of_the_domain():
    number = make_ric("110105", dt.date(1949, 10, 1), 12)
    assert mask_id_number(number) == "110105********" + number[-4:]


def test_an_x_check_digit_is_kept():
    # find a valid number whose check digit is X
    for seq in range(1000):
        number = make_ric("370102", dt.date(1990, 5, 17), seq)
        if number.endswith("X"):
            break
    assert mask_id_number(number).endswith("X")


def test_an_old_15_digit_number():
    assert mask_id_number("110105491001123") == "110105*****1123"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_values(value):
    assert mask_id_number(value) == "" and mask_phone(value) == "" and mask_name(value) == ""


def test_mobile_phone():
    assert mask_phone("13800138000") == "138****8000"


def test_landline_keeps_area_code_and_last_four():
    m = mask_phone("0635-8512345")
    assert m.startswith("0635") and m.endswith("2345") and "851" not in m


def test_short_values_are_fully_hidden():
    assert mask_phone("12345") == "*****"


def test_names():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修") == "欧*修"
    assert masked("13800138000", "phone") == "138****8000"


@pytest.mark.django_db
def test_unmask_needs_the_right_and_is_audited(world):
    from shenguan.audit.models import AuditEvent

    number = make_ric("370102", dt.date(1985, 3, 9), 41)
    clerk, inspector = world.users["window_clerk"], world.users["inspector"]
    assert can_unmask(clerk) and not can_unmask(inspector) and not can_unmask(None)

    before = AuditEvent.objects.filter(action="personal.unmask").count()
    shown = personal_value(actor=inspector, value=number, kind="id_number", field="id_number")
    assert shown == mask_id_number(number)
    assert AuditEvent.objects.filter(action="personal.unmask").count() == before

    shown = personal_value(
        actor=clerk, value=number, kind="id_number", obj=clerk, field="applicant.id_number"
    )
    assert shown == number
    ev = AuditEvent.objects.filter(action="personal.unmask").order_by("-seq").first()
    assert ev is not None and ev.actor_id == clerk.pk
    assert ev.after == {"field": "applicant.id_number"}
    assert number not in str(ev.after)  # the audit trail does not copy the personal data


def test_mask_document_masks_by_key_at_any_depth_and_leaves_the_rest():
    doc = {
        "applicant_id_number": "110105199001010123",
        "items": [{"contact_phone": "13800138000", "id": 7}, "13800138000"],
        "deep": {"legal": {"mobile": 13800138000, "ok": True}},
        "phone_verified": True,
    }
    assert mask_document(doc) == {
        "applicant_id_number": "110105********0123",
        "items": [{"contact_phone": "138****8000", "id": 7}, "13800138000"],
        "deep": {"legal": {"mobile": "138****8000", "ok": True}},
        "phone_verified": True,
    }
    assert doc["applicant_id_number"] == "110105199001010123"  # a copy, not in place
