"""Importing the technical-step table from xlsx or csv (技术性环节清单导入) with a dry run: every
row goes through `step_create` inside one transaction; the problems of all rows are listed by
row and column, and the transaction is rolled back on any problem or on a dry run — nothing is
written unless every row passes."""

from __future__ import annotations

from django.db import transaction

from shenguan.core.errors import DomainError, ErrorList, ValidationFailed
from shenguan.core.sheets.reader import iter_rows
from shenguan.core.text import normalize_text
from shenguan.org.models import Department
from shenguan.org.roles import Perm

from .common import require
from .steps import step_create

COLUMNS = (
    ("item_code", "事项编码"),
    ("step_kind", "技术环节"),
    ("performer", "实施主体"),
    ("department", "实施部门"),
    ("procedure", "实施程序"),
    ("time_limit_days", "办理时限（工作日）"),
    ("basis", "依据"),
    ("valid_from", "生效日期"),
)
MAX_ROWS = 2000
PERFORMER_ALIASES = {"审批局": "bureau", "审批局自行办理": "bureau", "行业主管部门": "regulator"}


class _DryRun(Exception):
    pass


def _header(cells) -> dict[str, int]:
    names = [normalize_text(c) for c in cells]
    out = {}
    for key, label in COLUMNS:
        if normalize_text(label) in names:
            out[key] = names.index(normalize_text(label))
        elif key in names:
            out[key] = names.index(key)
    missing = [label for key, label in COLUMNS if key not in out and key != "basis"]
    if missing:
        raise ValidationFailed("bad_header", f"表头缺少列：{'、'.join(missing)}", "file")
    return out


def steps_import(*, actor, fileobj, filename: str = "", dry_run: bool = True) -> dict:
    """Import the table of the actor's jurisdiction; {rows, created, dry_run} or ErrorList."""
    require(actor, Perm.CATALOG_MANAGE, "无权导入技术性环节清单")
    from shenguan.catalog.models import LicensingItem

    jid = actor.department.jurisdiction_id if actor is not None else None
    rows = iter_rows(fileobj, filename)
    try:
        head = next(rows)
    except StopIteration as exc:
        raise ValidationFailed("empty", "文件为空", "file") from exc
    cols = _header(head.cells)
    problems: list[dict] = []
    created = 0
    n = 0
    try:
        with transaction.atomic():
            items = {it.code: it for it in LicensingItem.objects.filter(jurisdiction_id=jid)}
            depts = {d.name: d for d in Department.objects.filter(jurisdiction_id=jid)}
            for row in rows:
                n += 1
                if n > MAX_ROWS:
                    raise ValidationFailed("too_many_rows", f"一次最多导入{MAX_ROWS}行", "file")

                def cell(key, row=row):
                    i = cols.get(key)
                    return row.cells[i] if i is not None and i < len(row.cells) else ""

                if not any(normalize_text(c) for c in row.cells):
                    continue
                item = items.get(normalize_text(cell("item_code")))
                if item is None:
                    problems.append(
                        {"row": row.number, "column": "事项编码", "message": "事项编码不存在"}
                    )
                    continue
                performer = normalize_text(cell("performer"))
                try:
                    with transaction.atomic():
                        step_create(
                            actor=actor,
                            item=item,
                            step_kind=cell("step_kind"),
                            performer=PERFORMER_ALIASES.get(performer, performer),
                            department=depts.get(normalize_text(cell("department"))),
                            procedure=cell("procedure"),
                            time_limit_days=cell("time_limit_days"),
                            valid_from=cell("valid_from"),
                            basis=cell("basis"),
                        )
                    created += 1
                except DomainError as exc:
                    label = dict(COLUMNS).get(exc.field or "", exc.field or "")
                    problems.append({"row": row.number, "column": label, "message": exc.message})
            if problems:
                raise ErrorList(problems[:200])
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return {"rows": n, "created": 0 if dry_run else created, "valid": created, "dry_run": dry_run}
