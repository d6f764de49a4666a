"""The national 双公示 data formats (行政许可、行政处罚信息 — 全国信用信息共享平台数据标准):
the columns in their national order, and the check made before a record is sent."""

from __future__ import annotations

import datetime as dt

from shenguan.core.codes import check_resident_id, check_uscc
from shenguan.core.errors import DomainError

SUBJECT_COLUMNS = [
    ("subject_name", "行政相对人名称"),
    ("subject_category", "行政相对人类别"),
    ("uscc", "统一社会信用代码"),
    ("id_type", "证件类型"),
    ("id_number", "证件号码"),
    ("legal_representative", "法定代表人"),
]

LICENCE_COLUMNS = [
    *SUBJECT_COLUMNS,
    ("document_name", "许可决定文书名称"),
    ("document_number", "许可决定文书号"),
    ("licence_category", "许可类别"),
    ("certificate_name", "许可证书名称"),
    ("licence_number", "许可编号"),
    ("licence_content", "许可内容"),
    ("decision_date", "许可决定日期"),
    ("valid_from", "有效期自"),
    ("valid_until", "有效期至"),
    ("authority", "许可机关"),
    ("authority_uscc", "许可机关统一社会信用代码"),
    ("status", "当前状态"),
    ("data_source", "数据来源单位"),
    ("data_source_uscc", "数据来源单位统一社会信用代码"),
]

PENALTY_COLUMNS = [
    *SUBJECT_COLUMNS,
    ("document_number", "处罚决定书文号"),
    ("offence_type", "违法行为类型"),
    ("offence_facts", "违法事实"),
    ("legal_basis", "处罚依据"),
    ("penalty_category", "处罚类别"),
    ("penalty_content", "处罚内容"),
    ("fine_amount", "罚款金额（万元）"),
    ("confiscated_amount", "没收违法所得、没收非法财物的金额（万元）"),
    ("licence_affected", "暂扣或吊销证照名称及编号"),
    ("decision_date", "处罚决定日期"),
    ("valid_until", "处罚有效期"),
    ("public_until", "公示截止期"),
    ("authority", "处罚机关"),
    ("authority_uscc", "处罚机关统一社会信用代码"),
    ("data_source", "数据来源单位"),
    ("data_source_uscc", "数据来源单位统一社会信用代码"),
]

COLUMNS = {"licence": LICENCE_COLUMNS, "penalty": PENALTY_COLUMNS}
SUBJECT_CATEGORY = {"legal": "法人及非法人组织", "person": "自然人"}
REQUIRED = {
    "licence": [
        "subject_name",
        "subject_category",
        "document_name",
        "document_number",
        "licence_category",
        "licence_content",
        "decision_date",
        "valid_from",
        "authority",
        "status",
        "data_source",
    ],
    "penalty": [
        "subject_name",
        "subject_category",
        "document_number",
        "offence_type",
        "offence_facts",
        "legal_basis",
        "penalty_category",
        "penalty_content",
        "decision_date",
        "public_until",
        "authority",
        "data_source",
    ],
}
DATE_FIELDS = ("decision_date", "valid_from", "valid_until", "public_until")
LABELS = {k: {key: label for key, label in cols} for k, cols in COLUMNS.items()}


def headers(kind: str) -> list[str]:
    """The column titles of a kind in the national order."""
    return [label for _key, label in COLUMNS[kind]]


def row(kind: str, data: dict) -> list:
    """One record as a row in the national order."""
    return [data.get(key, "") for key, _label in COLUMNS[kind]]


def validate(kind: str, data: dict) -> list[dict]:
    """Problems of one record against the format ([] when it may be sent): required fields, the
    subject's code (GB 32100 / GB 11643 by python-stdnum), dates, amounts."""
    labels = LABELS[kind]
    problems: list[dict] = []
    for key in REQUIRED[kind]:
        if not str(data.get(key) or "").strip():
            problems.append({"field": key, "message": f"{labels[key]}不能为空"})
    if data.get("subject_category") == SUBJECT_CATEGORY["legal"]:
        try:
            check_uscc(data.get("uscc"), "uscc")
        except DomainError as exc:
            problems.append({"field": "uscc", "message": exc.message})
    elif data.get("subject_category") == SUBJECT_CATEGORY["person"]:
        if data.get("id_type") != "身份证":
            problems.append({"field": "id_type", "message": "证件类型须为身份证"})
        try:
            check_resident_id(data.get("id_number"), "id_number")
        except DomainError as exc:
            problems.append({"field": "id_number", "message": exc.message})
    for key in DATE_FIELDS:
        value = data.get(key)
        if key in labels and value:
            try:
                dt.date.fromisoformat(str(value))
            except ValueError:
                problems.append({"field": key, "message": f"{labels[key]}须为 YYYY-MM-DD 日期"})
    for key in ("fine_amount", "confiscated_amount"):
        value = data.get(key)
        if key in labels and value not in (None, ""):
            try:
                if float(value) < 0:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append({"field": key, "message": f"{labels[key]}须为非负数"})
    return problems
