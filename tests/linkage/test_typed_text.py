"""Free text is stored as typed (issue 12 item 1, ADR 0042): full-width punctuation of Chinese
text survives the save; control characters, NUL and invisible-only names are refused; search
finds rows stored in either form."""

from __future__ import annotations

import pytest

from shenguan.core.errors import ValidationFailed
from shenguan.core.text import compare_key, search_variants, typed_text
from shenguan.linkage import selectors as lsel
from shenguan.linkage import services as svc
from shenguan.linkage.models import ApprovalRecord
from shenguan.org.validators import clean_name
from shenguan.oversight.validators import text as oversight_text
from tests.linkage.conftest import COMPANY_USCC, record_data

TYPED = "后厨靠近居民楼，需关注油烟。"
LP = "聊城市某某餐饮管理中心（有限合伙）"


@pytest.mark.parametrize("value", [TYPED, LP, "Ａ座３楼：东侧；", "第十七条“一”"])
def test_typed_text_keeps_what_was_typed(value):
    assert typed_text(f"  {value}\u3000", "f", "字段", 100) == value
    assert oversight_text(value, "f", "字段", 100) == value
    assert clean_name(value, "f", "字段") == value


def test_multiline_keeps_lines_and_unifies_line_ends():
    assert typed_text("一、甲；\r\n二、乙。", "f", "f", 100, multiline=True) == "一、甲；\n二、乙。"


@pytest.mark.parametrize("bad", ["甲\x00乙", "甲\x07", "甲\x1b[31m", "甲\x7f", "甲\x85乙"])
def test_control_characters_and_nul_are_refused(bad):
    with pytest.raises(ValidationFailed) as e:
        typed_text(bad, "remark", "备注", 100, multiline=True)
    assert e.value.field == "remark" and "控制字符" in e.value.message


@pytest.mark.parametrize("blank", ["\u200b", "\u200b\u200d\ufeff", "\u202e\u202c", " \u2060 "])
def test_names_of_invisible_characters_only_are_refused(blank):
    with pytest.raises(ValidationFailed) as e:
        clean_name(blank, "name", "名称")
    assert e.value.field == "name"


def test_bidi_override_in_a_name_is_refused():
    with pytest.raises(ValidationFailed):
        typed_text("张三\u202efdp.exe", "name", "名称", 100)


def test_compare_key_and_search_variants_bridge_both_forms():
    assert compare_key("（有限合伙）Ａ\u200b") == compare_key("(有限合伙)a")
    assert search_variants(" （有限合伙） ") == ["（有限合伙）", "(有限合伙)"]


@pytest.mark.django_db
def test_record_keeps_full_width_punctuation_and_is_found_by_either_form(lk):
    clerk = lk.users["window_clerk"]
    data = record_data(
        lk.food,
        applicant_kind="legal",
        applicant_name=LP,
        applicant_uscc=COMPANY_USCC,
        legal_representative="李四",
        risk_points=TYPED,
    )
    rec = svc.record_create(actor=clerk, data=data)
    rec.refresh_from_db()
    assert rec.applicant_name == LP and rec.risk_points == TYPED
    # a row stored before the fix (NFKC-normalised) is still found by the typed form
    ApprovalRecord.objects.filter(pk=rec.pk).update(applicant_name="某某(有限合伙)")
    found = lsel.record_list(user=clerk, filters={"applicant": "（有限合伙）"})
    assert rec.pk in {r.pk for r in found}
