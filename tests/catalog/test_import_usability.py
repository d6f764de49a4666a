"""The catalogue import page as users expect it (issue 12 item 10): a template to download for
each kind, and a dry run that lists the approval items it would create for names it does not
find, instead of creating them silently."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from shenguan.catalog import exports
from shenguan.catalog.importers import LINKAGE_COLUMNS
from shenguan.catalog.models import LicensingItem
from shenguan.catalog.seed003 import build_xlsx
from shenguan.core.sheets import iter_rows

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    ("kind", "headers"),
    [
        ("linkage", exports.LINKAGE_HEADERS),
        ("items", exports.ITEM_HEADERS),
        ("supervision", exports.SUPERVISION_HEADERS),
    ],
)
def test_each_kind_has_a_template(yiyang, kind, headers):
    c = _client(yiyang.head)
    page = c.get("/catalog/import/").content.decode()
    assert f'href="?template={kind}"' in page
    r = c.get(f"/catalog/import/?template={kind}")
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == list(headers)
    assert str(ws.cell(2, 1).value).startswith("注：")


def test_the_dry_run_lists_the_items_it_would_create(yiyang):
    data = build_xlsx()
    item_title = next(c.title for c in LINKAGE_COLUMNS if c.key == "item")
    rows = list(iter_rows(io.BytesIO(data), "清单.xlsx"))
    head_at = next(i for i, r in enumerate(rows) if item_title in r.cells)
    col = rows[head_at].cells.index(item_title)
    in_file = {r.cells[col].strip() for r in rows[head_at + 1 :] if len(r.cells) > col}
    known = set(LicensingItem.objects.values_list("name", flat=True))
    expected = {
        n for n in in_file if n and n != item_title and n not in known and not n.startswith("注")
    }
    assert expected  # the seed's list names items the empty catalogue does not have
    c = _client(yiyang.head)
    html = c.post(
        "/catalog/import/",
        {
            "kind": "linkage",
            "mode": "append",
            "valid_from": "2023-10-16",
            "file": SimpleUploadedFile("清单.xlsx", data),
        },
    ).content.decode()
    block = re.search(r'data-testid="import-new-items">(.*?)</div>', html, re.S)
    assert block, html[:3000]
    listed = {re.sub(r"（.*?）$", "", li) for li in re.findall(r"<li>(.*?)</li>", block.group(1))}
    assert listed == expected
    assert not LicensingItem.objects.filter(name__in=listed).exists()  # nothing created yet
