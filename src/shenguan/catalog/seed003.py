"""The first batch of Yiyang hi-tech zone's linkage list (003 附件, rows 1–12; row 13 is cut off
in the source) and a generator of the xlsx file the bureau would receive.

The workbook is laid out like the Word attachment printed to Excel: a merged title row, the header,
the header repeated at each page break (after rows 4 and 11, as in the source), the approval
department merged down each page and the regulator merged over consecutive equal rows.
The workbook is generated at test and demo time; a copy is kept in
tests/data/catalog_003_linkage.xlsx (regenerate: `python -m shenguan.catalog.seed003 <path>`).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

TITLE = "益阳高新区审管联动事项清单(第一批)"
HEADER = ("序号", "行政审批部门", "审批事项", "行业主管部门", "监管事项编码", "监管事项名称")
BUREAU = "区经济合作局 (政务管理服务局)"

# (序号, 行政审批部门, 审批事项, 行业主管部门, 监管事项编码, 监管事项名称) as printed in 003.
ROWS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "1",
        BUREAU,
        "临时使用林地审批",
        "区社会事务局",
        "430264034W0Y",
        "1、对擅自改变林地用途和临时占用林地,逾期不归还的处罚。",
    ),
    (
        "2",
        BUREAU,
        "林木采伐许可证核发",
        "区社会事务局",
        "430264056W00\n430264038W00",
        "1、对违法买卖林木采伐许可证、木材运输证件、批准出口文件、允许进出口证明书的处罚。\n"
        "2、违规收购没有林木采伐许可证或其他合法来源的木材的处罚",
    ),
    ("3", BUREAU, "林业植物检疫证书核发", "区社会事务局", "430664023W00", "1、森林植物检疫检查。"),
    (
        "4",
        BUREAU,
        "权限内政府投资项目审批",
        "区产业发展局",
        "430604011W00",
        "1、对本级政府投资代建项目实施的监督检查。",
    ),
    (
        "5",
        BUREAU,
        "政府投资项目可行性研究报告审批",
        "区产业发展局",
        "430604011W00",
        "1、对本级政府投资代建项目实施的监督检查。",
    ),
    (
        "6",
        BUREAU,
        "政府投资项目建议书审批",
        "区产业发展局",
        "430604011W00",
        "1、对本级政府投资代建项目实施的监督检查。",
    ),
    (
        "7",
        BUREAU,
        "企业投资项目核准",
        "区产业发展局",
        "430604017W00",
        "1、国民经济、社会发展和公共安全有重大影响的企业投资项目监督检查。",
    ),
    (
        "8",
        BUREAU,
        "企业投资项目备案",
        "区产业发展局",
        "430604017W00",
        "1、国民经济、社会发展和公共安全有重大影响的企业投资项目监督检查。",
    ),
    (
        "9",
        BUREAU,
        "建设工程消防设计审查",
        "区开发建设局",
        "430617005W00",
        "1、对建设工程勘察、设计活动的监督。",
    ),
    (
        "10",
        BUREAU,
        "建筑工程施工许可证核发",
        "区开发建设局",
        "430617069W00",
        "1、建设工程项目的质量安全监督管理及竣工验收。",
    ),
    (
        "11",
        BUREAU,
        "施工图审查备案",
        "区开发建设局",
        "430617073W00 430617005W00",
        "1、行政区域内勘察设计企业、施工图审查机构监督检查。 2、对建设工程勘察、设计活动的监督。",
    ),
    (
        "12",
        BUREAU,
        "建设工程消防验收",
        "区消防救援大队",
        "000125049000",
        "1、公众聚集场所投入使用、营业前消防安全检查。",
    ),
)

# The source repeats the header after these entries (page breaks of the printed attachment).
PAGE_BREAKS_AFTER = (4, 11)

# Department names of the zone as they appear in the list (the bureau under its two names).
DEPARTMENTS = {
    "bureau": "区经济合作局（政务管理服务局）",
    "social": "区社会事务局",
    "industry": "区产业发展局",
    "construction": "区开发建设局",
    "fire": "区消防救援大队",
}


def layout(rows=ROWS, breaks=PAGE_BREAKS_AFTER) -> tuple[list[tuple], list[str]]:
    """Sheet rows (title, header, data with repeated headers) and the merged ranges (A1 refs)."""
    sheet: list[tuple] = [(TITLE, "", "", "", "", ""), HEADER]
    merges = [f"A1:{chr(ord('A') + len(HEADER) - 1)}1"]
    pages: list[list[int]] = [[]]  # sheet row numbers of each page's data rows
    for i, r in enumerate(rows, start=1):
        sheet.append(tuple(r))
        pages[-1].append(len(sheet))
        if i in breaks and i < len(rows):
            sheet.append(HEADER)
            pages.append([])
    for page in pages:
        if len(page) > 1:  # the approval department merged down the page
            merges.append(f"B{page[0]}:B{page[-1]}")
        run = [page[0]] if page else []
        for n in [*page[1:], None]:
            if n is not None and sheet[n - 1][3] == sheet[run[0] - 1][3]:
                run.append(n)
                continue
            if len(run) > 1:
                merges.append(f"D{run[0]}:D{run[-1]}")
            run = [n] if n is not None else []
    return sheet, merges


def build_xlsx(rows=ROWS, breaks=PAGE_BREAKS_AFTER) -> bytes:
    """The attachment as an .xlsx file (deterministic content; cells below a merge left empty)."""
    sheet, merges = layout(rows, breaks)
    wb = Workbook()
    ws = wb.active
    ws.title = "审管联动事项清单"
    for r, row in enumerate(sheet, start=1):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value if value != "" else None)
            ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="center")
        if row == HEADER:
            for c in range(1, len(HEADER) + 1):
                ws.cell(row=r, column=c).font = Font(bold=True)
    for ref in merges:
        ws.merge_cells(ref)  # openpyxl empties the covered cells, as Excel does
    for col, width in zip("ABCDEF", (6, 22, 30, 16, 16, 60), strict=True):
        ws.column_dimensions[col].width = width
    ws["A1"].font = Font(bold=True, size=14)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


if __name__ == "__main__":  # python -m shenguan.catalog.seed003 tests/data/catalog_003_linkage.xlsx
    import sys
    from pathlib import Path

    Path(sys.argv[1] if len(sys.argv) > 1 else "catalog_003_linkage.xlsx").write_bytes(build_xlsx())
