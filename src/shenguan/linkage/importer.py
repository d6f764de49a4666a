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
# problems of a row in the order of the columns
_ORDER = {f: i for i, f in enumerate(COLUMNS.values())}
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
    *,
    actor,
    fileobj,
    filename: str = "",
    complete: bool = False,
    department=None,
    dry_run: bool = False,
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
        record_problems,
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
            # every problem of the row, not only the first (issue 12 item 10)
            found = [exc, *[e for e in record_problems(jid, data) if e.field != exc.field]]
            for e in sorted(found, key=lambda e: _ORDER.get(e.field or "", 99)):
                problems.append(
                    _problem(n, FIELD_HEADER.get(e.field or "", e.field or ""), e.code, e.message)
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
    if dry_run:  # 试运行: every row checked, nothing written
        return {
            "dry_run": True,
            "rows": len(cleaned),
            "created": 0,
            "completed": False,
            "pushes": 0,
            "gaps": 0,
            "record_ids": [],
        }
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


# Drop-down lists of the template (the values `clean_record` accepts).
TEMPLATE_LISTS = {
    "申请人类型": ("个人", "企业"),
    "审批结果": ("准予", "不予"),
    "受理方式": ("一般受理", "容缺受理", "告知承诺"),
}
TEMPLATE_EXAMPLES = (
    {
        "办件编号": "LC-2026-000001",
        "事项编码": "37150000SC0005",
        "事项名称": "食品经营许可",
        "申请人类型": "企业",
        "申请人": "聊城市东昌府区福满楼餐饮有限公司",
        "统一社会信用代码": "91371500MA3C00000F",
        "法定代表人": "王建军",
        "联系人": "王建军",
        "联系电话": "13806353001",
        "地址": "东昌府区柳园南路88号",
        "受理日期": "2026年12月1日",
        "决定日期": "2026-12-07",
        "决定文书号": "聊审批食许〔2026〕101号",
        "审批结果": "准予",
        "证照编号": "JY13715020001",
        "有效期至": "2031-12-06",
        "风险点": "后厨靠近居民楼，需关注油烟。",
        "受理方式": "一般受理",
    },
    {
        "办件编号": "LC-2026-000002",
        "事项名称": "食品经营许可",
        "申请人类型": "个人",
        "申请人": "刘桂芳",
        "身份证号码": "371502198503120014",
        "联系电话": "13806353002",
        "受理日期": "2026-12-02",
        "受理方式": "容缺受理",
        "容缺材料": "卫生许可证复印件",
        "容缺材料补齐期限": "2026-12-20",
    },
)


def template_xlsx() -> bytes:
    """The import template (导入模板): sheet 办件 with the headers (required ones red), drop-down
    lists for the coded columns and date checks; sheet 示例 with filled rows; sheet 填写说明.
    Only the first sheet is imported. Cells through core.sheets.set_cell (ADR 0043)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from shenguan.core.sheets import set_cell

    headers = list(COLUMNS)
    wb = Workbook()
    ws = wb.active
    ws.title = "办件"
    for i, h in enumerate(headers, 1):
        c = set_cell(ws, 1, i, h)
        c.font = Font(bold=True, color="B3261E" if h in REQUIRED else "1F2933")
        ws.column_dimensions[get_column_letter(i)].width = max(12, 2 * len(h) + 4)
    ws.freeze_panes = "A2"
    last = MAX_ROWS + 1
    for h, values in TEMPLATE_LISTS.items():
        col = get_column_letter(headers.index(h) + 1)
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=h not in REQUIRED,
            showErrorMessage=True,
            errorTitle="取值无效",
            error=f"{h}请从下拉列表中选择：{'、'.join(values)}",
        )
        dv.add(f"{col}2:{col}{last}")
        ws.add_data_validation(dv)
    example = wb.create_sheet("示例")
    for i, h in enumerate(headers, 1):
        set_cell(example, 1, i, h).font = Font(bold=True)
        example.column_dimensions[get_column_letter(i)].width = max(12, 2 * len(h) + 4)
        for r, row in enumerate(TEMPLATE_EXAMPLES, 2):
            set_cell(example, r, i, row.get(h, ""))
    notes = wb.create_sheet("填写说明")
    lines = [
        "只导入第一个工作表“办件”；本表和“示例”表不导入。",
        f"红色列为必填：{'、'.join(REQUIRED)}；事项编码和事项名称至少填一项。",
        "申请人类型、审批结果、受理方式请从下拉列表选择。",
        "日期可写 2026-12-07、2026/12/7 或 2026年12月7日。",
        "个人填身份证号码，企业填统一社会信用代码和法定代表人。",
        "容缺受理须填容缺材料和补齐期限；告知承诺须填承诺内容。",
        "请先“试运行”：系统逐行校验并列出每行的全部问题，全部通过后再导入；"
        "有任何问题时不写入任何数据。",
    ]
    for r, text in enumerate(lines, 1):
        set_cell(notes, r, 1, text)
    notes.column_dimensions["A"].width = 90
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
        actor=actor,
        fileobj=source,
        filename=filename,
        complete=bool(params.get("complete")),
        dry_run=bool(params.get("dry_run")),
    )
