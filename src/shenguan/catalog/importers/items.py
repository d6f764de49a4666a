"""Import of licensing items with their transfer status (行政许可事项目录导入)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shenguan.core.errors import DomainError
from shenguan.core.sheets import (
    HeaderSheet,
    ImportReport,
    Problem,
    clean_name_text,
    key,
    read_rows,
)
from shenguan.core.text import normalize_text
from shenguan.org.models import Jurisdiction

from .. import services
from ..models import (
    LicensingItem,
    TransferStatus,
)
from ..validators import (
    clean_days,
    clean_item_code,
    parse_date,
    parse_flag,
    parse_power_type,
    parse_transfer_status,
)
from .common import ITEM_COLUMNS, _items_index, _Refs

_FLAG_KEYS = (
    "needs_site_inspection",
    "needs_expert_review",
    "needs_hearing",
    "needs_public_notice",
    "regulator_issues_certificate",
    "commitment_allowed",
    "accept_with_gaps_allowed",
)


def item_import(
    *,
    actor,
    jurisdiction: Jurisdiction,
    source,
    filename: str = "",
    dry_run: bool = True,
    effective_on: dt.date | None = None,
) -> ImportReport:
    """Import licensing items with their transfer status (导入行政许可事项目录): new items are
    added, known ones (by code, else by name) updated; a changed status adds a dated record."""
    services._require_manage(actor, jurisdiction.pk)
    effective_on = effective_on or timezone.localdate()
    report = ImportReport(kind="items", dry_run=dry_run)
    refs = _Refs(jurisdiction.pk)
    by_code, by_name = _items_index(jurisdiction.pk)
    sheet = HeaderSheet(read_rows(source, filename, report), ITEM_COLUMNS, report)
    parsed: list[dict] = []
    file_codes: dict[str, int] = {}
    file_names: dict[str, int] = {}
    for row, v, _merged in sheet.data_rows():
        report.rows_read += 1
        before = len(report.problems)
        p = sheet.problem
        n = row.number
        d: dict = {"row": n}
        try:
            d["code"] = clean_item_code(v.get("code", ""))
        except DomainError as exc:
            p(n, "code", exc.code, exc.message)
        d["name"] = clean_name_text(v.get("name", ""))[:200]
        if not d["name"]:
            p(n, "name", "required", "事项名称不能为空")
        dept_text = v.get("original_department", "")
        d["original_department"] = refs.dept(dept_text) if key(dept_text) else None
        if d["original_department"] is None:
            p(
                n,
                "original_department",
                "unknown_department",
                f"部门“{clean_name_text(dept_text)}”不存在"
                if key(dept_text)
                else "原审批部门不能为空",
            )
        for col, fn in (
            ("power_type", lambda x: parse_power_type(x)),
            ("statutory_days", lambda x: clean_days(x, "statutory_days", "法定时限")),
            ("promised_days", lambda x: clean_days(x, "promised_days", "承诺时限")),
            ("transfer_status", lambda x: parse_transfer_status(x)),
            ("effective_on", lambda x: parse_date(x, "effective_on", "生效日期")),
            ("planned_on", lambda x: parse_date(x, "planned_on", "计划划转日期")),
        ):
            try:
                d[col] = fn(v.get(col, ""))
            except DomainError as exc:
                p(n, col, exc.code, exc.message)
        for col in _FLAG_KEYS:
            try:
                d[col] = parse_flag(v.get(col, ""), col, sheet.by_key[col].title)
            except DomainError as exc:
                p(n, col, exc.code, exc.message)
        for col in ("batch_name", "reason", "hall_window", "note"):
            d[col] = clean_name_text(v.get(col, ""))
        main_code = normalize_text(v.get("main_code", "")).replace(" ", "")
        main_name = clean_name_text(v.get("main_name", ""))
        d["main"] = (main_code, main_name) if (main_code or main_name) else None
        if d.get("code"):
            if d["code"] in file_codes:
                p(n, "code", "duplicate_code", f"事项编码与第{file_codes[d['code']]}行重复")
            file_codes.setdefault(d["code"], n)
        elif d["name"]:
            if key(d["name"]) in file_names:
                p(n, "name", "duplicate_name", f"事项名称与第{file_names[key(d['name'])]}行重复")
            file_names.setdefault(key(d["name"]), n)
        if d.get("transfer_status") == TransferStatus.PLANNED and not (
            d["batch_name"] or d.get("planned_on")
        ):
            p(n, "batch_name", "batch_required", "分批划转须填写批次或计划划转日期")
        if (
            d.get("transfer_status") in (TransferStatus.RETAINED, TransferStatus.TAKEN_BACK)
            and not d["reason"]
        ):
            p(n, "reason", "reason_required", "暂不划转或收回须填写原因")
        if len(report.problems) == before:
            parsed.append(d)
    # main items must exist in the catalogue or earlier in the file
    known_codes = set(by_code) | {d["code"] for d in parsed if d.get("code")}
    known_names = set(by_name) | {key(d["name"]) for d in parsed}
    for d in parsed:
        if d["main"]:
            mc, mn = d["main"]
            if (mc and mc not in known_codes) or (not mc and key(mn) not in known_names):
                sheet.problem(
                    d["row"],
                    "main_code" if mc else "main_name",
                    "unknown_main",
                    f"主项“{mc or mn}”不在目录或本文件中",
                )
    report.records = len(parsed)
    if report.header_row is not None and not parsed and not report.problems:
        report.problems.append(Problem(report.header_row, "", "no_rows", "表头下没有数据行"))
    if report.problems:
        if dry_run:
            return report
        raise report.error()
    report.created = {
        "items": sum(1 for d in parsed if not _find_item(d, by_code, by_name)),
        "updated": sum(1 for d in parsed if _find_item(d, by_code, by_name)),
    }
    if dry_run:
        return report
    with transaction.atomic():
        resolved: dict[str, LicensingItem] = {}
        # main items first, so related items can point at them
        for d in sorted(parsed, key=lambda d: d["main"] is not None):
            fields = {
                k: d[k]
                for k in (
                    "name",
                    "power_type",
                    "statutory_days",
                    "promised_days",
                    "note",
                    *_FLAG_KEYS,
                )
                if k in d
            }
            fields["original_department"] = d["original_department"]
            if d.get("code"):
                fields["code"] = d["code"]
            if d["main"]:
                mc, mn = d["main"]
                main = (
                    resolved.get(mc)
                    or resolved.get(key(mn))
                    or LicensingItem.objects.filter(
                        Q(code=mc) if mc else Q(name=mn), jurisdiction=jurisdiction, active=True
                    ).first()
                )
                fields["main_item"] = main
            pk = _find_item(d, by_code, by_name)
            if pk:
                item = services.item_update(
                    actor=actor,
                    item=LicensingItem.objects.get(pk=pk),
                    effective_on=effective_on,
                    **fields,
                )
            else:
                name = fields.pop("name")
                dept = fields.pop("original_department")
                item = services.item_create(
                    actor=actor,
                    jurisdiction=jurisdiction,
                    name=name,
                    original_department=dept,
                    effective_on=effective_on,
                    **fields,
                )
            if item.code:
                resolved[item.code] = item
            resolved[key(item.name)] = item
            status = d.get("transfer_status")
            when = d.get("effective_on") or effective_on
            if status and (status != item.transfer_status or when != item.transfer_effective_on):
                services.transfer_record(
                    actor=actor,
                    item=item,
                    status=status,
                    effective_on=when,
                    batch_name=d["batch_name"],
                    planned_on=d.get("planned_on"),
                    reason=d["reason"],
                    hall_window=d["hall_window"],
                    exclude_related=list(item.related_items.values_list("pk", flat=True)),
                )
    return report


def _find_item(d: dict, by_code, by_name) -> int | None:
    if d.get("code") and d["code"] in by_code:
        return by_code[d["code"]]
    ids = by_name.get(key(d["name"]), [])
    if len(ids) == 1 and (not d.get("code")):
        return ids[0]
    return None
