"""Lists show their total and page numbers (issue 12 item 10). The oracle: the number of events
written, against the total and the page links the list shows."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shenguan.audit.services import audit_record
from shenguan.core.paging import page_numbers
from shenguan.org.roles import Role

pytestmark = pytest.mark.django_db


def test_page_numbers_window():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]


def test_a_list_shows_its_total_and_page_links(world):
    for i in range(120):
        audit_record(actor=None, action="test.paging", obj=("t", i))
    c = Client()
    c.force_login(world.users[Role.AUDIT_ADMIN])
    html = c.get("/audit/?action=test.paging&page=2").content.decode()
    total = re.search(r'data-testid="page-total">(.*?)</span>', html).group(1)
    assert total == "第 2/3 页，共 120 条"
    links = re.findall(r'page=(\d+)">\d+</a>', html)
    assert links == ["1", "3"] and '<span aria-current="page" class="current">2</span>' in html
    one = c.get("/audit/?action=test.nothing").content.decode()
    assert "第 1/1 页，共 0 条" in one
