"""Upload limits checked before any parser runs (issue 12 item 6): the trial's shared-strings
bomb and 5,020 × 2,000 wide file, forged zip headers, XXE and entity expansion, far cells."""

from __future__ import annotations

import io

import pytest
import python_calamine
from openpyxl import Workbook

from shenguan.core import sheets
from shenguan.core.errors import BadRequest

from . import hostile_xlsx as H


@pytest.fixture
def parser_calls(monkeypatch):
    """Records every time python-calamine is asked to open a workbook (a spy: the real reader
    still runs)."""
    calls = []
    real = python_calamine.CalamineWorkbook.from_filelike

    def spy(fileobj, *args, **kwargs):
        calls.append(fileobj)
        return real(fileobj, *args, **kwargs)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", spy)
    return calls


def _refused(data: bytes, limits=sheets.DEFAULT_LIMITS) -> BadRequest:
    with pytest.raises(BadRequest) as exc:
        list(sheets.iter_rows(io.BytesIO(data), "x.xlsx", limits=limits))
    return exc.value


def test_the_shared_strings_bomb_is_refused_before_parsing(parser_calls):
    data = H.shared_strings_bomb(314)
    assert len(data) < 700 * 1024  # a small upload …
    err = _refused(data)  # … that would inflate to 314 MB
    assert (err.status, err.code, err.field) == (413, "xml_too_large", "file")
    assert "解压后不得超过 100 MB" in err.message
    assert parser_calls == []


def test_the_wide_file_is_refused_before_parsing(parser_calls):
    data = H.wide_file(5020, 2000)
    assert len(data) < 1024 * 1024
    err = _refused(data)
    assert err.status == 413 and err.code == "xml_too_large"
    # with the size limit lifted the columns are what refuses it, still before parsing
    err = _refused(data, sheets.DEFAULT_LIMITS.but(max_xml_bytes=0))
    assert err.status == 413 and err.code == "too_many_columns"
    assert "不得超过 256 列" in err.message
    assert parser_calls == []


def test_a_forged_size_in_the_zip_header_is_refused(parser_calls):
    """A part that inflates beyond the size its header declares is cut off and refused."""
    data = H.build(
        "<row>" + "<c><v>1</v></c>" * 100 + "</row>", 50_000, lie={"xl/worksheets/sheet1.xml": 4096}
    )
    err = _refused(data)
    assert (err.status, err.code) == (400, "bad_xlsx")
    assert parser_calls == []


@pytest.mark.parametrize("kind", ["xxe", "laughs"])
def test_dtds_and_entities_are_refused(kind, parser_calls):
    err = _refused(H.with_entities(kind))
    assert (err.status, err.code) == (400, "bad_xlsx")
    assert parser_calls == []


def _workbook(cells: dict[str, object]) -> bytes:
    wb = Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        ({"A1": "x", "A1048576": "far"}, "too_many_rows"),
        ({"A1": "x", "XFD1": "far"}, "too_many_columns"),
        ({"A1": "x", "IV20000": "far"}, "sheet_too_large"),  # 256 × 20,000 > 5,000,000
    ],
)
def test_a_far_cell_is_refused_before_the_reader_builds_its_grid(cells, code, parser_calls):
    err = _refused(_workbook(cells))
    assert (err.status, err.code) == (413, code)
    assert parser_calls == []


def test_cells_rows_and_file_size_limits_name_the_limit():
    data = _workbook({f"{H.col_letters(c)}{r}": r * c for r in range(1, 12) for c in range(1, 11)})
    err = _refused(data, sheets.DEFAULT_LIMITS.but(max_cells=100))
    assert err.code == "too_many_cells" and "100 个单元格" in err.message
    err = _refused(data, sheets.DEFAULT_LIMITS.but(max_rows=10))
    assert err.code == "too_many_rows" and "10 行" in err.message
    err = _refused(data, sheets.DEFAULT_LIMITS.but(max_file_bytes=1024))
    assert err.code == "file_too_large" and "1 KB" in err.message
    # within the limits the same file reads, every cell
    rows = list(sheets.iter_rows(io.BytesIO(data), "x.xlsx"))
    assert len(rows) == 11 and rows[10].cells[9] == "110"


def test_csv_rows_and_columns_are_limited():
    data = "\n".join(",".join(["x"] * 5) for _ in range(30)).encode()
    with pytest.raises(BadRequest) as exc:
        list(
            sheets.iter_rows(
                io.BytesIO(data), "x.csv", limits=sheets.DEFAULT_LIMITS.but(max_rows=20)
            )
        )
    assert exc.value.code == "too_many_rows" and exc.value.status == 413
    with pytest.raises(BadRequest) as exc:
        list(
            sheets.iter_rows(
                io.BytesIO(data), "x.csv", limits=sheets.DEFAULT_LIMITS.but(max_columns=4)
            )
        )
    assert exc.value.code == "too_many_columns"


def test_inspect_counts_what_the_reader_will_see():
    data = _workbook({"B2": "x", "D5": 1, "C3": "y"})
    stats = sheets.inspect_xlsx(io.BytesIO(data))
    assert (stats.rows, stats.columns, stats.cells) == (5, 4, 3)
    assert stats.xml_bytes > 0
