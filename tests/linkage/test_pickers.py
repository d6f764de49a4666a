"""Item and department pickers are searched on the server (issue 12 item 10: a large import made
pages render 20,000-option <select>s). The oracle: the page's size and option count do not grow
with the catalogue, and the search answers at most 20 matches the user may pick."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shenguan.catalog.models import LicensingItem

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _many_items(lk, n: int) -> None:
    base = LicensingItem.objects.get(pk=lk.food.pk)
    rows = []
    for i in range(n):
        base.pk = None
        base.id = None
        base.code = f"37150000ZZ{i:05d}"
        base.name = f"批量导入事项{i:05d}"
        rows.append(
            LicensingItem(
                **{f.attname: getattr(base, f.attname) for f in base._meta.concrete_fields}
            )
        )
    LicensingItem.objects.bulk_create(rows)


@pytest.mark.parametrize(
    ("role", "url"),
    [("window_clerk", "/linkage/records/new"), ("regulator_liaison", "/linkage/?box=all")],
)
def test_pages_do_not_list_every_item(lk, role, url):
    c = login(lk.users[role])
    before = c.get(url).content.decode()
    _many_items(lk, 2000)
    after = c.get(url).content.decode()
    assert "批量导入事项" not in after
    assert after.count("<option") == before.count("<option")
    assert len(after) - len(before) < 2000
    assert 'hx-get="/linkage/pick/items"' in after


def test_the_item_search_answers_at_most_20_matches(lk):
    _many_items(lk, 300)
    c = login(lk.users["window_clerk"])
    html = c.get("/linkage/pick/items", {"field": "item", "item__q": "批量导入事项001"}).content
    values = re.findall(r'data-pick-value="(\d+)"', html.decode())
    assert 0 < len(values) <= 20
    names = set(LicensingItem.objects.filter(pk__in=values).values_list("name", flat=True))
    assert all(n.startswith("批量导入事项001") for n in names)
    by_code = c.get("/linkage/pick/items", {"field": "item", "item__q": "ZZ00299"}).content
    assert len(re.findall(r"data-pick-value", by_code.decode())) == 1
    none = c.get("/linkage/pick/items", {"field": "item", "item__q": "不存在的事项"}).content
    assert "没有匹配的结果" in none.decode()
    assert Client().get("/linkage/pick/items").status_code == 302  # login required


def test_a_record_is_registered_with_the_picked_item(lk):
    from tests.linkage.conftest import record_data

    data = record_data(lk.food, "LC-P-1")
    post = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    r = login(lk.users["window_clerk"]).post("/linkage/records/new", post)
    assert r.status_code == 302
    page = login(lk.users["window_clerk"]).get(r["Location"]).content.decode()
    assert "LC-P-1" in page
    # a bad value is refused by the field, naming it
    post["case_number"] = "LC-P-2"
    post["item"] = "999999"
    bad = login(lk.users["window_clerk"]).post("/linkage/records/new", post)
    assert bad.status_code == 200 and "LC-P-2" not in str(LicensingItem.objects.values())
