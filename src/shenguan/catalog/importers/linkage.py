"""Import of the linkage list, pass 1 (审管联动事项清单导入：校验): read, check, spool."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from shenguan.core.errors import DomainError, ValidationFailed
from shenguan.core.sheets import (
    HeaderSheet,
    ImportReport,
    Problem,
    clean_name_text,
    key,
    read_rows,
)
from shenguan.core.sheets import blank as _blank
from shenguan.org.models import Jurisdiction
from shenguan.org.roles import DepartmentKind
from shenguan.org.validators import clean_phone

from .. import services
from ..validators import (
    clean_item_code,
    clean_supervision_code,
    norm,
    parse_power_type,
    parse_push_method,
    parse_stages,
)
from .common import (
    _DEFAULT_POWER,
    _DEFAULT_PUSH,
    LINKAGE_COLUMNS,
    _name_key,
    _Refs,
    split_codes,
    split_names,
)
from .linkage_write import _linkage_write
from .scratch import _load_scratch, _Record, _Scratch, _sig


def linkage_import(
    *,
    actor,
    jurisdiction: Jurisdiction,
    source,
    filename: str = "",
    dry_run: bool = True,
    mode: str = "append",
    valid_from: dt.date | None = None,
    create_missing_items: bool = True,
    notify: bool = True,
) -> ImportReport:
    """Import the linkage list (导入审管联动事项清单) in 003's layout plus 002 §9's columns.

    mode "append" adds entries; "replace" also ends every live entry on `valid_from`. Missing
    approval items are created (original department = the regulator of the row; recorded as
    transferred on `valid_from` when the approval department is the bureau) unless
    `create_missing_items` is False. Raises ErrorList (nothing written) when a row fails;
    a dry run returns the report without writing.
    """
    services._require_manage(actor, jurisdiction.pk)
    if mode not in ("append", "replace"):
        raise ValidationFailed("bad_mode", "导入方式须为 append（追加）或 replace（替换）", "mode")
    valid_from = valid_from or timezone.localdate()
    report = ImportReport(kind="linkage", dry_run=dry_run)
    scratch = _Scratch()
    try:
        _load_scratch(scratch, jurisdiction.pk, valid_from, mode)
        _linkage_validate(scratch, jurisdiction, source, filename, report, create_missing_items)
        if report.problems:
            if dry_run:
                return report
            raise report.error()
        report.created = {
            "entries": report.records,
            "items": scratch.one("SELECT COUNT(*) FROM new_item")[0],
            "supervision_items": scratch.one("SELECT COUNT(*) FROM sup WHERE id IS NULL")[0],
            "retired_entries": 0,
        }
        new_items = scratch.db.execute(
            "SELECT name, code FROM new_item ORDER BY rowid LIMIT ?", (NEW_ITEMS_LISTED,)
        ).fetchall()
        if new_items:
            report.to_create["items"] = [{"name": n, "code": c or ""} for n, c in new_items]
        if dry_run:
            return report
        report.batch = uuid.uuid4().hex[:12]
        _linkage_write(actor, jurisdiction, scratch, report, mode, valid_from, notify, filename)
        return report
    finally:
        scratch.close()


NEW_ITEMS_LISTED = 500  # the dry run lists the items it would create (the count is exact)


def _linkage_validate(scratch, jurisdiction, source, filename, report, create_missing) -> None:
    """Pass 1: read every row, report every problem, keep the validated records on disk."""
    refs = _Refs(jurisdiction.pk)
    sheet = HeaderSheet(read_rows(source, filename, report), LINKAGE_COLUMNS, report)

    def item_lookup(name: str, code: str, row: int):
        """(item_ref, problem) — an existing id, a new item's key, or a problem."""
        if code:
            hit = scratch.item_by_code(code)
            if hit:
                return hit[0], None
        k = key(name)
        if not code:
            hit = scratch.item_by_key(k)
            if hit and hit[1] == 1:
                return hit[0], None
            if hit:
                return None, (
                    "ambiguous_item",
                    f"审批事项“{name}”在目录中有{hit[1]}项同名，请填写审批事项编码",
                )
        if not name:
            return None, ("required", "审批事项不能为空")
        if create_missing or scratch.is_new_item(k):
            return k, None
        return None, ("unknown_item", f"审批事项“{name}”不在事项目录中")

    def finalize(rec: _Record) -> None:
        before = len(report.problems)
        v = rec.values
        p = sheet.problem
        seq = None
        seq_text = v.get("seq", "")
        if not (seq_text.isascii() and seq_text.isdecimal()):  # "12" needs no normalising
            seq_text = norm(seq_text)
        if seq_text:
            if len(seq_text) <= 7 and seq_text.isdecimal():
                seq = int(seq_text)
            else:
                p(rec.row, "seq", "bad_seq", f"序号“{seq_text}”须为正整数")
        a_text, r_text = v.get("approval_department", ""), v.get("regulator", "")
        a_dept = None if _blank(a_text) else refs.dept(a_text)
        if _blank(a_text):
            p(rec.row, "approval_department", "required", "行政审批部门不能为空")
        elif a_dept is None:
            p(
                rec.row,
                "approval_department",
                "unknown_department",
                f"部门“{clean_name_text(a_text)}”不存在：请先建立该部门或登记部门别名",
            )
        reg = None if _blank(r_text) else refs.dept(r_text)
        if _blank(r_text):
            p(rec.row, "regulator", "required", "行业主管部门不能为空")
        elif reg is None:
            p(
                rec.row,
                "regulator",
                "unknown_department",
                f"部门“{clean_name_text(r_text)}”不存在：请先建立该部门或登记部门别名",
            )
        elif refs.dept_kind.get(reg) == DepartmentKind.BUREAU:
            p(rec.row, "regulator", "regulator_is_bureau", "行业主管部门不能是行政审批局")
        a_div = r_div = None
        for col, dept, label in (
            ("approval_division", a_dept, "审批科室"),
            ("regulator_division", reg, "监管科室"),
        ):
            t = v.get(col, "")
            if dept is not None and not _blank(t):
                t = key(t)
                dv = refs.divisions.get((dept, t))
                if dv is None:
                    p(
                        rec.row,
                        col,
                        "unknown_division",
                        f"{label}“{clean_name_text(v.get(col))}”不属于{refs.dept_name[dept]}",
                    )
                if col == "approval_division":
                    a_div = dv
                else:
                    r_div = dv
        item_name = clean_name_text(v.get("item", ""))[:200]
        code = ""
        try:
            code = clean_item_code(v.get("item_code", ""))
        except DomainError as exc:
            p(rec.row, "item_code", exc.code, exc.message)
        item_ref, problem = item_lookup(item_name, code, rec.row)
        if problem:
            p(rec.row, "item", *problem)
        # the optional columns of 002 §9 are often missing or empty: their defaults
        power, stages, push, phone, person = _DEFAULT_POWER, (), _DEFAULT_PUSH, "", ""
        if text := v.get("power_type"):
            try:
                power = parse_power_type(text)
            except DomainError as exc:
                p(rec.row, "power_type", exc.code, exc.message)
                power = ""
        if text := v.get("stages"):
            try:
                stages = tuple(parse_stages(text))
            except DomainError as exc:
                p(rec.row, "stages", exc.code, exc.message)
        if text := v.get("push_method"):
            try:
                push = parse_push_method(text)
            except DomainError as exc:
                p(rec.row, "push_method", exc.code, exc.message)
                push = ""
        if text := v.get("contact_phone"):
            try:
                phone = clean_phone(norm(text), required=False)
            except DomainError as exc:
                p(rec.row, "contact_phone", exc.code, exc.message)
        if text := v.get("responsible_person"):
            person = clean_name_text(text)[:50]
        codes: list[str] = []
        for seg_row, codes_text, names_text in rec.segments:
            seg_codes = split_codes(codes_text)
            seg_names = split_names(names_text, len(seg_codes))
            if not seg_codes:
                p(seg_row, "sup_codes", "required", "监管事项编码不能为空")
                continue
            if len(seg_names) != len(seg_codes):
                p(
                    seg_row,
                    "sup_names",
                    "count_mismatch",
                    f"监管事项编码有{len(seg_codes)}个，名称有{len(seg_names)}个，须一一对应",
                )
            for i, raw_code in enumerate(seg_codes):
                try:
                    c = clean_supervision_code(raw_code)
                except DomainError as exc:
                    p(seg_row, "sup_codes", exc.code, exc.message)
                    continue
                if c in codes:
                    p(seg_row, "sup_codes", "duplicate_code", f"监管事项编码 {c} 在本条中重复")
                    continue
                codes.append(c)
                name = seg_names[i] if i < len(seg_names) else ""
                if len(name) > 500:
                    p(seg_row, "sup_names", "too_long", "监管事项名称不得超过500个字符")
                known = scratch.sup(c)
                if known is not None:
                    nkey, kreg, first_row = known
                    if name and nkey != _name_key(name):
                        where = f"第{first_row}行" if first_row else "已登记的监管事项"
                        p(
                            seg_row,
                            "sup_names",
                            "name_mismatch",
                            f"监管事项编码 {c} 的名称与{where}不一致",
                        )
                    if reg is not None and kreg != reg:
                        p(
                            seg_row,
                            "sup_codes",
                            "regulator_mismatch",
                            f"监管事项编码 {c} 属于{refs.dept_name.get(kreg, '其他部门')}，"
                            "与本行行业主管部门不一致",
                        )
                elif reg is not None and name:
                    scratch.add_sup(c, _name_key(name), reg, r_div, seg_row, name[:500])
        if len(report.problems) > before:
            return
        report.records += 1
        record = (
            seq,
            item_ref,
            a_dept,
            a_div,
            reg,
            r_div,
            tuple(codes),
            person,
            phone,
            power,
            stages,
            clean_multiline(v.get("approval_duties")),
            clean_multiline(v.get("supervision_duties")),
            push,
            clean_name_text(v["note"])[:500] if v.get("note") else "",
            rec.row,
        )
        new_item = (
            (item_ref, item_name, code, reg, power, a_dept) if isinstance(item_ref, str) else None
        )
        duplicates(scratch.add_record(record, _sig(item_ref, reg, codes), rec.row, new_item))

    def duplicates(found: list[tuple[int, int | None]]) -> None:
        """Report the records the scratch found repeated (in the file or in the list)."""
        for row, first in found:
            report.records -= 1
            if first is None:
                sheet.problem(
                    row,
                    "item",
                    "duplicate_entry",
                    "清单中已有相同的联动事项（同一审批事项、部门与监管事项）",
                )
            else:
                sheet.problem(
                    row,
                    "item",
                    "duplicate_row",
                    f"与第{first}行重复（同一审批事项、部门与监管事项）",
                )

    current: _Record | None = None
    for row, values, merged in sheet.data_rows():
        report.rows_read += 1
        item_empty = _blank(values.get("item", "")) or "item" in merged
        seq_empty = _blank(values.get("seq", "")) or "seq" in merged
        has_sup = not _blank(values.get("sup_codes", "")) or not _blank(values.get("sup_names", ""))
        continuation = item_empty and seq_empty and has_sup and current is not None
        if continuation and not sheet.last_was_header:
            current.segments.append(
                (row.number, values.get("sup_codes", ""), values.get("sup_names", ""))
            )
            continue
        if continuation:
            sheet.problem(
                row.number,
                "item",
                "continuation_after_header",
                "审批事项为空（续行不能紧跟在表头之后）",
            )
            continue
        if current is not None:
            finalize(current)
        current = _Record(
            row.number,
            values,
            [(row.number, values.get("sup_codes", ""), values.get("sup_names", ""))],
        )
    if current is not None:
        finalize(current)
    duplicates(scratch.flush())
    report.problems.sort(key=lambda p: p.row)  # duplicates are found a batch later
    if report.header_row is not None and report.records == 0 and not report.problems:
        report.problems.append(Problem(report.header_row, "", "no_rows", "表头下没有数据行"))


def clean_multiline(value) -> str:
    """Multi-line text with each line trimmed."""
    if not value:
        return ""
    lines = [" ".join(x.split()) for x in str(value or "").splitlines()]
    return "\n".join(x for x in lines if x)[:5000]
