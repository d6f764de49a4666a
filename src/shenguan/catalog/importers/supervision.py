"""Import of supervision items (监管事项导入)."""

from __future__ import annotations

from django.db import transaction

from shenguan.core.errors import DomainError
from shenguan.core.sheets import (
    HeaderSheet,
    ImportReport,
    Problem,
    clean_name_text,
    key,
    read_rows,
)
from shenguan.org.models import Jurisdiction

from .. import services
from ..models import (
    SupervisionItem,
)
from ..validators import (
    clean_supervision_code,
)
from .common import SUPERVISION_COLUMNS, _Refs


def supervision_import(
    *, actor, jurisdiction: Jurisdiction, source, filename: str = "", dry_run: bool = True
) -> ImportReport:
    """Import supervision items (导入监管事项): new codes are added, known codes updated."""
    services._require_manage(actor, jurisdiction.pk)
    report = ImportReport(kind="supervision", dry_run=dry_run)
    refs = _Refs(jurisdiction.pk)
    sheet = HeaderSheet(read_rows(source, filename, report), SUPERVISION_COLUMNS, report)
    existing = {s.code: s for s in SupervisionItem.objects.filter(jurisdiction=jurisdiction)}
    rows: list[tuple[int, str, str, int, int | None]] = []
    first_row: dict[str, int] = {}
    for row, v, _merged in sheet.data_rows():
        report.rows_read += 1
        before = len(report.problems)
        try:
            code = clean_supervision_code(v.get("code", ""))
        except DomainError as exc:
            sheet.problem(row.number, "code", exc.code, exc.message)
            code = ""
        name = clean_name_text(v.get("name", ""))
        if not name:
            sheet.problem(row.number, "name", "required", "监管事项名称不能为空")
        elif len(name) > 500:
            sheet.problem(row.number, "name", "too_long", "监管事项名称不得超过500个字符")
        reg = refs.dept(v.get("regulator", "")) if key(v.get("regulator", "")) else None
        if reg is None:
            sheet.problem(
                row.number,
                "regulator",
                "unknown_department",
                f"部门“{clean_name_text(v.get('regulator', ''))}”不存在"
                if key(v.get("regulator", ""))
                else "监管部门不能为空",
            )
        div = None
        if key(v.get("division", "")) and reg is not None:
            div = refs.divisions.get((reg, key(v["division"])))
            if div is None:
                sheet.problem(
                    row.number,
                    "division",
                    "unknown_division",
                    f"监管科室“{clean_name_text(v['division'])}”不属于{refs.dept_name[reg]}",
                )
        if code and code in first_row:
            sheet.problem(
                row.number,
                "code",
                "duplicate_code",
                f"监管事项编码 {code} 与第{first_row[code]}行重复",
            )
        if len(report.problems) == before:
            first_row[code] = row.number
            rows.append((row.number, code, name, reg, div))
    report.records = len(rows)
    if report.header_row is not None and not rows and not report.problems:
        report.problems.append(Problem(report.header_row, "", "no_rows", "表头下没有数据行"))
    if report.problems:
        if dry_run:
            return report
        raise report.error()
    new = [r for r in rows if r[1] not in existing]
    changed = [
        r
        for r in rows
        if r[1] in existing
        and (existing[r[1]].name, existing[r[1]].regulator_id, existing[r[1]].division_id) != r[2:]
    ]
    report.created = {"supervision_items": len(new), "updated": len(changed)}
    if dry_run:
        return report
    with transaction.atomic():
        for _n, code, name, reg, div in new:
            services.supervision_item_create(
                actor=actor,
                jurisdiction=jurisdiction,
                code=code,
                name=name,
                regulator=reg,
                division=div,
            )
        for _n, code, name, reg, div in changed:
            services.supervision_item_update(
                actor=actor, supervision_item=existing[code], name=name, regulator=reg, division=div
            )
    return report
