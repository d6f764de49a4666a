"""What the catalogue's imports share: the column layouts of the three lists, splitting of
multi-value cells, and the jurisdiction's departments and items by name (参照数据)."""

from __future__ import annotations

import re

from shenguan.core.sheets import (
    Column,
    clean_name_text,
    key,
)
from shenguan.org.models import Department, Division

from ..models import (
    DepartmentAlias,
    LicensingItem,
)
from ..validators import (
    norm,
    parse_power_type,
    parse_push_method,
)

CHUNK = 2000


LINKAGE_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ("编号",)),
    Column("approval_department", "行政审批部门", ("审批部门", "行政审批部门名称"), True),
    Column("item", "审批事项", ("审批事项名称", "行政审批事项", "事项名称"), True),
    Column("regulator", "行业主管部门", ("监管部门", "行业监管部门", "主管部门"), True),
    Column("sup_codes", "监管事项编码", ("监管编码",), True),
    Column("sup_names", "监管事项名称", ("监管事项",), True),
    # the extra columns of 002 §9
    Column("item_code", "审批事项编码", ("事项编码",)),
    Column("power_type", "权力类型", ()),
    Column("approval_division", "审批科室", ("审批科(股)室", "审批股室", "审批部门科室")),
    Column(
        "regulator_division", "监管科室", ("监管科(股)室", "监管股室", "监管部门科室", "责任科室")
    ),
    Column("responsible_person", "责任人", ("具体责任人员", "责任人员", "联系人")),
    Column("contact_phone", "联系电话", ("联系方式",)),
    Column("stages", "互动环节", ()),
    Column("approval_duties", "审批职责", ("审批部门职责",)),
    Column("supervision_duties", "监管职责", ("监管部门职责", "行业主管部门职责")),
    Column("push_method", "信息推送方式", ("推送方式",)),
    Column("note", "备注", ()),
)


ITEM_COLUMNS: tuple[Column, ...] = (
    Column("code", "事项编码", ("审批事项编码",)),
    Column("name", "事项名称", ("审批事项", "审批事项名称", "行政许可事项名称"), True),
    Column("power_type", "权力类型", ()),
    Column("original_department", "原审批部门", ("实施部门", "原实施部门", "主管部门"), True),
    Column("statutory_days", "法定时限（工作日）", ("法定时限", "法定办结时限")),
    Column("promised_days", "承诺时限（工作日）", ("承诺时限", "承诺办结时限")),
    Column("needs_site_inspection", "现场勘察", ("现场勘验",)),
    Column("needs_expert_review", "专家评审", ()),
    Column("needs_hearing", "论证听证", ("听证论证",)),
    Column("needs_public_notice", "公示", ()),
    Column("regulator_issues_certificate", "监管部门配发证照", ("监管部门发证",)),
    Column("commitment_allowed", "告知承诺", ("可告知承诺",)),
    Column("accept_with_gaps_allowed", "容缺受理", ("可容缺受理",)),
    Column("main_code", "主项编码", ()),
    Column("main_name", "主项名称", ("所属主项",)),
    Column("transfer_status", "划转状态", ()),
    Column("effective_on", "生效日期", ("划转日期",)),
    Column("batch_name", "批次", ("划转批次",)),
    Column("planned_on", "计划划转日期", ()),
    Column("reason", "暂不划转原因", ("原因",)),
    Column("hall_window", "大厅窗口", ("进驻窗口",)),
    Column("note", "备注", ()),
)


SUPERVISION_COLUMNS: tuple[Column, ...] = (
    Column("code", "监管事项编码", ("编码",), True),
    Column("name", "监管事项名称", ("名称",), True),
    Column("regulator", "监管部门", ("行业主管部门", "主管部门"), True),
    Column("division", "监管科室", ("科室", "责任科室")),
)


_DEFAULT_POWER = parse_power_type("")


_DEFAULT_PUSH = parse_push_method("")


_CODE_SPLIT = re.compile(r"[\s,，、;；/|]+")


_NUMBERED = re.compile(r"(?:^|(?<=\s)|(?<=[。；;,，]))[(（]?(\d{1,2})[)）]?\s*[、.．:：]\s*")


def split_codes(text: str) -> list[str]:
    """Codes in one cell, separated by spaces, new lines, commas or 、 (full-width made half)."""
    return [c for c in _CODE_SPLIT.split(norm(text)) if c] if text else []


def split_names(text: str, expected: int = 1) -> list[str]:
    """Names in one cell: numbered "1、… 2、…" (or 1. / (1)), else one per line when several are
    expected, else the whole cell."""
    raw = str(text or "").replace("\u3000", " ").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not raw:
        return []
    matches = list(_NUMBERED.finditer(raw))
    numbers = [int(m.group(1)) for m in matches]
    if (
        matches
        and matches[0].start() == 0
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    ):
        parts = []
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(raw)
            parts.append(clean_name_text(raw[m.end() : end]))
        return [p for p in parts if p]
    lines = [clean_name_text(x) for x in raw.split("\n") if x.strip()]
    if expected > 1 and len(lines) == expected:
        return lines
    return [clean_name_text(raw)]


def _name_key(name: str) -> str:
    """Names compared without whitespace, full-width forms or trailing punctuation."""
    return key(name).rstrip("。.;；")


class _Refs:
    """Departments, divisions, items and supervision items of a jurisdiction, by key."""

    def __init__(self, jurisdiction_id: int):
        self.jid = jurisdiction_id
        self._memo: dict[str, int | None] = {}
        self.depts: dict[str, int] = {}
        self.dept_kind: dict[int, str] = {}
        self.dept_name: dict[int, str] = {}
        for d in Department.objects.filter(jurisdiction_id=jurisdiction_id, active=True):
            self.dept_kind[d.pk] = d.kind
            self.dept_name[d.pk] = d.name
            for n in (d.name, d.short_name):
                if n:
                    self.depts.setdefault(key(n), d.pk)
        # "区经济合作局（政务管理服务局）" is also known by either of its two names
        for d in Department.objects.filter(jurisdiction_id=jurisdiction_id, active=True):
            m = re.fullmatch(r"(.+?)\((.+)\)", key(d.name))
            if m:
                for part in m.groups():
                    self.depts.setdefault(part, d.pk)
        for a in DepartmentAlias.objects.filter(jurisdiction_id=jurisdiction_id):
            self.depts[key(a.alias)] = a.department_id
        self.divisions = {
            (dv.department_id, key(dv.name)): dv.pk
            for dv in Division.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
        }

    def dept(self, text: str) -> int | None:
        """The department a cell names, or None (memoised per import)."""
        if text in self._memo:
            return self._memo[text]
        found = self._dept(text)
        if len(self._memo) < 10_000:
            self._memo[text] = found
        return found

    def _dept(self, text: str) -> int | None:
        k = key(text)
        if k in self.depts:
            return self.depts[k]
        m = re.fullmatch(r"(.+?)\((.+)\)", k)
        if m:
            return self.depts.get(m.group(1)) or self.depts.get(m.group(2))
        return None


def _items_index(jurisdiction_id: int):
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for pk, code, name in LicensingItem.objects.filter(
        jurisdiction_id=jurisdiction_id, active=True
    ).values_list("pk", "code", "name"):
        if code:
            by_code[code] = pk
        by_name.setdefault(key(name), []).append(pk)
    return by_code, by_name
