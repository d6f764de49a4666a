"""Bulk import of approval records from xlsx or csv (批量导入办件): all or nothing, with a report
naming every bad row and column; and the xlsx export of an inbox."""

from __future__ import annotations

import io
import re

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from shenguan.audit.services import audit_record
from shenguan.core.errors import (
    BadRequest,
    Conflict,
    ErrorList,
    PermissionDenied,
    ValidationFailed,
)
from shenguan.core.sheets import DEFAULT_LIMITS, iter_rows
from shenguan.core.text import normalize_text
from shenguan.org.roles import Perm

from . import hooks
from .models import ApprovalRecord, Licence, RecordSource

# Column headers (Chinese, as the province system exports them) → record fields.
COLUMNS: dict[str, str] = {
    "办件编号": "case_number",
    "事项编码": "item_code",
    "事项名称": "item_name",
    "申请人类型": "applicant_kind",
    "申请人": "applicant_name",
    "身份证号码": "applicant_id_number",
    "统一社会信用代码": "applicant_uscc",
    "法定代表人": "legal_representative",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
    "地址": "address",
    "受理日期": "accepted_on",
    "决定日期": "decided_on",
    "决定文书号": "decision_number",
    "审批结果": "result",
    "证照编号": "licence_number",
    "有效期起": "licence_valid_from",
    "有效期至": "licence_valid_until",
    "风险点": "risk_points",
    "受理方式": "acceptance_mode",
    "容缺材料": "deficiency_materials",
    "容缺材料补齐期限": "deficiency_due_date",
    "承诺内容": "commitment_text",
}
FIELD_HEADER = {v: k for k, v in COLUMNS.items()}
FIELD_HEADER["item"] = "事项编码"
REQUIRED = ("办件编号", "申请人类型", "申请人", "受理日期")
MAX_ROWS = 5000
MAX_PROBLEMS = 200


_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?")


def read_rows(fileobj, filename: str = "") -> list[tuple[int, list[str]]]:
    """(row number, cell texts) of the first sheet of an xlsx file or of a csv file (UTF-8 with
    or without BOM, or GB18030), read through `core.sheets`: the file is held to its limits
    before parsing (a file declaring a DTD, XXE or entity expansion, answers 400, a bomb 413).
    Date-time cells count by their date; a merged range keeps its value in its first cell only."""
    limits = DEFAULT_LIMITS.but(max_rows=MAX_ROWS + 1000)
    out = []
    for row in iter_rows(fileobj, filename, limits=limits):
        cells = [
            "" if i in row.merged else (c[:10] if _DATETIME.fullmatch(c) else c)
            for i, c in enumerate(row.cells)
        ]
        if any("\x00" in c for c in cells):
            raise BadRequest("bad_csv", "CSV 文件含有非法字符", "file")
        out.append((row.number, cells))
        if len(out) > MAX_ROWS + 20:
            break
    return out


def _problem(row: int, header: str, code: str, message: str) -> dict:
    return {
        "row": row,
        "column": header,
        "code": code,
        "message": f"第{row}行“{header}”：{message}",
    }


def records_import(
    *, actor, fileobj, filename: str = "", complete: bool = False, department=None
) -> dict:
    """Import approval records (批量导入办件) all or nothing: every row is validated first (the
    same rules as one record, the handler check, duplicate case and licence numbers); any
    problem answers an ErrorList naming row and column and writes nothing. With complete=True
    the records are completed and pushed in the same transaction."""
    from shenguan.catalog.models import LicensingItem

    from .services import (
        _check_handler,
        _mark_decided,
        _record_audit,
        _record_department,
        _require,
        actor_name,
        clean_record,
        complete_records,
    )

    _require(actor, Perm.APPROVAL_RECORD, "无权导入办件")
    if complete:
        _require(actor, Perm.APPROVAL_COMPLETE, "无权办结办件")
    dept = _record_department(actor, department)
    jid = dept.jurisdiction_id
    rows = read_rows(fileobj, filename)
    header_at = next(
        (
            i
            for i, (_, cells) in enumerate(rows)
            if "办件编号" in [normalize_text(c) for c in cells]
        ),
        None,
    )
    if header_at is None:
        raise BadRequest("no_header", "未找到表头：第一行须包含“办件编号”等列名", "file")
    headers = [normalize_text(c) for c in rows[header_at][1]]
    missing = [h for h in REQUIRED if h not in headers]
    if "事项编码" not in headers and "事项名称" not in headers:
        missing.append("事项编码")
    if missing:
        raise BadRequest("missing_columns", f"缺少列：{'、'.join(missing)}", "file")
    index = {COLUMNS[h]: i for i, h in enumerate(headers) if h in COLUMNS}
    body = [(n, cells) for n, cells in rows[header_at + 1 :] if any(str(c).strip() for c in cells)]
    if not body:
        raise BadRequest("empty_file", "文件中没有数据行", "file")
    if len(body) > MAX_ROWS:
        raise BadRequest("too_many_rows", f"一次最多导入{MAX_ROWS}行", "file")
    items = list(LicensingItem.objects.filter(jurisdiction_id=jid))
    by_code = {it.code: it for it in items if it.code}
    by_name: dict[str, list] = {}
    for it in items:
        by_name.setdefault(it.name, []).append(it)
    problems: list[dict] = []
    cleaned: list[tuple[int, dict]] = []
    seen_cases: dict[str, int] = {}
    seen_licences: dict[str, int] = {}
    handler_cache: dict = {}
    validate = hooks.has(hooks.RECORD_VALIDATE)
    raw: dict[int, dict] = {}
    for n, cells in body:
        data = {f: (cells[i] if i < len(cells) else "") for f, i in index.items()}
        code = normalize_text(data.pop("item_code", ""))
        name = normalize_text(data.pop("item_name", ""))
        item = by_code.get(code) if code else None
        if item is None and not code and name:
            same = by_name.get(name, [])
            item = same[0] if len(same) == 1 else None
        if item is None:
            what = f"编码“{code}”" if code else f"名称“{name}”"
            problems.append(
                _problem(
                    n,
                    "事项编码" if code else "事项名称",
                    "bad_item",
                    f"审批事项{what}不存在或不唯一",
                )
            )
            continue
        data["item"] = item
        try:
            c = clean_record(jid, data)
            _check_handler(dept.pk, item, c["decided_on"] or c["accepted_on"], handler_cache)
            if validate:
                probe = ApprovalRecord(
                    jurisdiction_id=jid, department=dept, source=RecordSource.IMPORT, **c
                )
                probe.created_by_id = (
                    actor.pk if actor is not None and actor.kind == "user" else None
                )
                hooks.fire(
                    hooks.RECORD_VALIDATE, actor=actor, record=probe, data=data, phase="create"
                )
        except (ValidationFailed, Conflict) as exc:
            problems.append(
                _problem(
                    n, FIELD_HEADER.get(exc.field or "", exc.field or ""), exc.code, exc.message
                )
            )
            continue
        if c["case_number"] in seen_cases:
            problems.append(
                _problem(
                    n, "办件编号", "duplicate_in_file", f"与第{seen_cases[c['case_number']]}行重复"
                )
            )
            continue
        seen_cases[c["case_number"]] = n
        if c["licence_number"]:
            if c["licence_number"] in seen_licences:
                problems.append(
                    _problem(
                        n,
                        "证照编号",
                        "duplicate_in_file",
                        f"与第{seen_licences[c['licence_number']]}行重复",
                    )
                )
                continue
            seen_licences[c["licence_number"]] = n
        cleaned.append((n, c))
        raw[n] = data
        if len(problems) >= MAX_PROBLEMS:
            break
    if cleaned:
        taken = set(
            ApprovalRecord.objects.filter(
                jurisdiction_id=jid, case_number__in=[c["case_number"] for _, c in cleaned]
            ).values_list("case_number", flat=True)
        )
        used = set(
            Licence.objects.filter(jurisdiction_id=jid, number__in=list(seen_licences)).values_list(
                "number", flat=True
            )
        )
        for n, c in cleaned:
            if c["case_number"] in taken:
                problems.append(_problem(n, "办件编号", "case_number_exists", "办件编号已存在"))
            if complete and c["licence_number"] in used:
                problems.append(_problem(n, "证照编号", "licence_number_exists", "证照编号已存在"))
    if problems:
        problems.sort(key=lambda p: p["row"])
        raise ErrorList(
            problems[:MAX_PROBLEMS], f"导入未通过校验：共{len(problems)}处问题，未写入任何数据"
        )
    now = timezone.now()
    with transaction.atomic():
        recs = [
            ApprovalRecord(
                jurisdiction_id=jid,
                department=dept,
                source=RecordSource.IMPORT,
                created_by_id=actor.pk if actor is not None and actor.kind == "user" else None,
                created_by_name=actor_name(actor),
                created_at=now,
                updated_at=now,
                **c,
            )
            for _, c in cleaned
        ]
        for r in recs:
            if r.result:
                _mark_decided(r, actor, now)
        ApprovalRecord.objects.bulk_create(recs)
        for r in recs:
            audit_record(actor=actor, action="approval.record", obj=r, after=_record_audit(r))
        if hooks.has(hooks.RECORD_CREATED):
            for (n, _c), r in zip(cleaned, recs, strict=True):
                hooks.fire(hooks.RECORD_CREATED, actor=actor, record=r, data=raw[n])
        pushes = complete_records(actor=actor, records=recs, at=now) if complete else []
        audit_record(
            actor=actor,
            action="approval.import",
            obj=("linkage.approvalrecord", f"{recs[0].pk}..{recs[-1].pk}"),
            jurisdiction_id=jid,
            after={"filename": filename[:200], "rows": len(recs), "completed": complete},
        )
    gaps = sum(1 for r in recs if r.supervision_gap)
    return {
        "rows": len(recs),
        "created": len(recs),
        "completed": complete,
        "pushes": len(pushes),
        "gaps": gaps,
        "record_ids": [r.pk for r in recs],
    }


def template_xlsx() -> bytes:
    """An empty import template with the column headers (导入模板)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("办件")
    ws.append(list(COLUMNS))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def require_export(actor) -> None:
    """Exports need the read right on pushes."""
    if not actor.can(Perm.PUSH_READ):
        raise PermissionDenied("forbidden", "无权导出")


def run_records_job(*, actor, source, filename, params) -> dict:
    """What the worker runs for a queued records import (a large file): the result as a dict."""
    return records_import(
        actor=actor, fileobj=source, filename=filename, complete=bool(params.get("complete"))
    )
