"""Joint-punishment lists (联合惩戒名单) imported by administrators from xlsx or csv, with the
catalogue's dry run: every row is checked first (USCC / ID number by python-stdnum, dates, the
list named) and nothing is written unless every row is valid (all or nothing)."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.bulk import insert_objects
from shenguan.core.errors import DomainError, ValidationFailed
from shenguan.core.sheets.reader import iter_rows
from shenguan.org.roles import Perm

from ..models import ListEntry, ListKind
from .common import actor_name, clean_subject_code, require

# the columns of the template, in order (header texts; aliases accepted)
COLUMNS = [
    ("list_name", "名单类型", ("名单", "名单名称", "名单类型")),
    ("subject_name", "主体名称", ("主体名称", "名称", "姓名", "当事人名称")),
    (
        "code",
        "统一社会信用代码/身份证号码",
        ("统一社会信用代码", "身份证号码", "证件号码", "统一社会信用代码/身份证号码"),
    ),
    ("measures", "惩戒措施", ("惩戒措施", "措施", "联合惩戒措施")),
    ("source_document", "认定文书", ("认定文书", "认定依据", "文书号", "来源文件")),
    ("valid_from", "有效期自", ("有效期自", "列入日期", "认定日期")),
    ("valid_until", "有效期至", ("有效期至", "移出日期")),
]
MAX_ROWS = 200_000


@dataclass
class ListImportPlan:
    """The dry run of one file: the rows that would be created, or every problem found."""

    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "rows": len(self.rows),
            "problems": self.problems[:200],
            "problem_count": len(self.problems),
            "lists": sorted({r["list_name"] for r in self.rows}),
        }


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).split())


def list_kind_of(name: str) -> str:
    if "失信被执行人" in name:
        return ListKind.DISHONEST_DEBTOR
    if "税收" in name:
        return ListKind.TAX
    return ListKind.OTHER


def _date(text: str) -> dt.date:
    t = _norm(text).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
    t = t.replace("日", "")
    parts = t.split("-")
    if len(parts) != 3:
        raise ValueError(text)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def _cell(index: dict[str, int], cells: list[str], key: str) -> str:
    i = index.get(key)
    return cells[i] if i is not None and i < len(cells) else ""


def list_import_plan(fileobj, filename: str = "") -> ListImportPlan:
    """Read and check a list file (预检); writes nothing."""
    plan = ListImportPlan()
    index: dict[str, int] | None = None
    seen: dict[tuple[str, str], int] = {}
    for row in iter_rows(fileobj, filename):
        cells = [_norm(c) for c in row.cells]
        if index is None:
            if not any(cells):
                continue
            index = {}
            for key, _label, aliases in COLUMNS:
                for i, c in enumerate(cells):
                    if c in aliases:
                        index[key] = i
                        break
            missing = [
                label for key, label, _a in COLUMNS if key not in index and key != "valid_until"
            ]
            if missing:
                plan.problems.append(
                    {
                        "row": row.number,
                        "field": "header",
                        "message": f"缺少列：{'、'.join(missing)}",
                    }
                )
                return plan
            continue
        if not any(cells):
            continue
        if len(plan.rows) + len(plan.problems) >= MAX_ROWS:
            plan.problems.append(
                {"row": row.number, "field": "file", "message": f"每次最多导入 {MAX_ROWS} 行"}
            )
            break

        problems = []
        out = {k: _cell(index, cells, k) for k, _l, _a in COLUMNS}
        for key, label, max_len in (
            ("list_name", "名单类型", 100),
            ("subject_name", "主体名称", 200),
            ("measures", "惩戒措施", 1000),
            ("source_document", "认定文书", 300),
        ):
            if not out[key]:
                problems.append((key, f"请填写{label}"))
            elif len(out[key]) > max_len:
                problems.append((key, f"{label}不得超过{max_len}字"))
        try:
            out["code"], out["subject_kind"] = clean_subject_code(out["code"], "code")
        except DomainError as exc:
            problems.append(("code", exc.message))
        for key, label, required in (
            ("valid_from", "有效期自", True),
            ("valid_until", "有效期至", False),
        ):
            if not out[key]:
                out[key] = None
                if required:
                    problems.append((key, f"请填写{label}"))
                continue
            try:
                out[key] = _date(out[key])
            except (ValueError, TypeError):
                problems.append((key, f"{label}“{out[key]}”不是有效日期（YYYY-MM-DD）"))
                out[key] = None
        if out["valid_from"] and out["valid_until"] and out["valid_until"] < out["valid_from"]:
            problems.append(("valid_until", "有效期至不能早于有效期自"))
        if not problems:
            key = (out["list_name"], out["code"])
            if key in seen:
                problems.append(("code", f"与第 {seen[key]} 行重复（同一名单、同一主体）"))
            else:
                seen[key] = row.number
        if problems:
            for f, m in problems:
                plan.problems.append({"row": row.number, "field": f, "message": m})
        else:
            plan.rows.append(out)
    if index is None:
        plan.problems.append({"row": 1, "field": "file", "message": "文件为空"})
    elif not plan.rows and not plan.problems:
        plan.problems.append({"row": 2, "field": "file", "message": "文件没有数据行"})
    return plan


def list_import(
    *, actor, jurisdiction_id: int, fileobj, filename: str = "", dry_run: bool = True
) -> dict:
    """Import a joint-punishment list (导入联合惩戒名单): a dry run reports what would be created
    and every problem; a real run writes every row or, if any row is wrong, nothing."""
    require(actor, Perm.CREDIT_MANAGE, "无权导入联合惩戒名单")
    if actor is not None and jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise ValidationFailed("bad_jurisdiction", "行政区划不存在或无权操作", "jurisdiction_id")
    plan = list_import_plan(fileobj, filename)
    out = plan.as_dict()
    out["dry_run"] = dry_run
    out["created"] = 0
    if dry_run or not plan.ok:
        if not dry_run:
            first = plan.problems[0]
            raise ValidationFailed(
                "import_invalid",
                f"第 {first['row']} 行：{first['message']}"
                f"（共 {len(plan.problems)} 个问题，未导入任何数据）",
                "file",
            )
        return out
    batch = uuid.uuid4().hex[:16]
    now = timezone.now()
    name = actor_name(actor)
    objs = [
        ListEntry(
            jurisdiction_id=jurisdiction_id,
            list_kind=list_kind_of(r["list_name"]),
            list_name=r["list_name"],
            subject_kind=r["subject_kind"],
            subject_name=r["subject_name"],
            code=r["code"],
            measures=r["measures"],
            source_document=r["source_document"],
            valid_from=r["valid_from"],
            valid_until=r["valid_until"],
            import_batch=batch,
            imported_by_name=name,
            created_at=now,
        )
        for r in plan.rows
    ]
    with transaction.atomic():
        insert_objects(objs)
        audit_record(
            actor=actor,
            action="credit.list_import",
            obj=("credit.listentry", batch),
            jurisdiction_id=jurisdiction_id,
            after={
                "batch": batch,
                "rows": len(objs),
                "lists": out["lists"],
                "file": filename[:200],
            },
        )
    out["created"] = len(objs)
    out["batch"] = batch
    return out
