"""Helpers of the credit tests: list files, subjects, cases."""

from __future__ import annotations

import datetime as dt
import io

from shenguan.core.sheets.writer import write_csv
from tests.linkage.conftest import credit_code, id_number, record_data

DISHONEST_USCC = credit_code("91371500MA3D00001")
GOOD_USCC = credit_code("91371500MA3E00002")
DISHONEST_PERSON = id_number("37150219850101002")

HEADER = [
    "名单类型",
    "主体名称",
    "统一社会信用代码/身份证号码",
    "惩戒措施",
    "认定文书",
    "有效期自",
    "有效期至",
]


def list_file(rows: list[list[str]]) -> io.BytesIO:
    return io.BytesIO(write_csv(HEADER, rows))


def dishonest_rows() -> list[list[str]]:
    return [
        [
            "失信被执行人",
            "聊城市某某商贸有限公司",
            DISHONEST_USCC,
            "限制适用告知承诺、容缺受理",
            "（2025）鲁1502执1234号",
            "2025-01-01",
            "",
        ],
        [
            "重大税收违法失信主体",
            "李某",
            DISHONEST_PERSON,
            "限制享受便利措施",
            "聊税稽罚〔2025〕12号",
            "2025-03-01",
            "2028-03-01",
        ],
    ]


_n = iter(range(1, 10**6))


def company_case(lk, uscc: str, mode: str = "normal", **over) -> dict:
    n = next(_n)
    data = record_data(
        lk.food,
        case_number=f"CR-{n:05d}",
        applicant_kind="legal",
        applicant_name="聊城市某某商贸有限公司",
        applicant_id_number="",
        applicant_uscc=uscc,
        legal_representative="王五",
        acceptance_mode=mode,
        **over,
    )
    if mode == "commitment":
        data.setdefault("commitment_text", "承诺在三个月内取得消防验收合格证明。")
    if mode == "deficiency":
        data.setdefault("deficiency_materials", "场所平面图")
        data.setdefault("deficiency_due_date", dt.date.today() + dt.timedelta(days=10))
    return data
