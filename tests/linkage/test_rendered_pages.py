"""What every page shows (issue 12 item 10): citations by document title and article —
《聊城市强化审管互动工作暂行办法》第十七条 — never the internal short form "002 §17(一)" or a file
name such as "DOMAIN.md"; labels without ASCII colons; every required field's label marked. The
oracle is the rendered HTML: every page a user of each role reaches from the home page and its
menu (one level deep), record/push/policy details and the forms with help texts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shenguan.core.citations import cite
from shenguan.linkage import services as svc
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#?]*)(?:\?[^"]*)?"')
SKIP = ("/static/", "/media/", "/accounts/logout", "/api/", "/healthz")
FORMS = (
    "/linkage/records/new",
    "/linkage/feedback/new",
    "/linkage/notices/new",
    "/linkage/records/import",
)


def _text(html: str) -> str:
    """What a reader sees: the page without scripts, styles and tags' attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


TAG = re.compile(r"<(input|select|textarea)\b[^>]*>")
LABEL = re.compile(r'<label for="([^"]+)"([^>]*)>(.*?)</label>', re.S)


def _bad(html: str) -> list[str]:
    text = _text(html)
    bad = [m.group(0) for m in re.finditer(r".{0,30}(§|\.md\b).{0,10}", text)]
    required = set()
    for m in TAG.finditer(html):
        tag = m.group(0)
        ident = re.search(r'\bid="([^"]+)"', tag)
        if ident and re.search(r"\srequired\b", tag) and 'type="hidden"' not in tag:
            required.add(ident.group(1))
    for for_id, attrs, inner in LABEL.findall(html):
        label = re.sub(r"<[^>]+>", "", inner).strip()
        if label.endswith(":"):
            bad.append(f"label ends with an ASCII colon: {label}")
        if for_id in required and "required" not in attrs:
            bad.append(f"required field not marked: {label}")
    return bad


def test_cite_writes_titles_and_articles():
    assert cite("002 §17(一)") == "《聊城市强化审管互动工作暂行办法》第十七条第（一）项"
    assert cite("（000 §21，002 §10 §20）") == (
        "（《乌海市“审管分离”工作制度》第二十一条，《聊城市强化审管互动工作暂行办法》第十条、第二十条）"
    )
    assert cite("按 DOMAIN.md §5 默认 2 个工作日") == "按平台默认 2 个工作日"
    assert "§" not in cite("003 三(二)3 推送即认领") and "三（二）3" in cite("003 三(二)3")


def test_no_rendered_page_shows_a_section_sign_or_a_file_name(lk):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food, "LC-C-1"))
    (push,) = svc.record_complete(actor=lk.users["approver"], record=rec)
    from shenguan.policy.models import PolicyProfile

    details = [f"/linkage/pushes/{push.pk}/", f"/linkage/records/{rec.pk}/"]
    details += [f"/policy/{p.code}/" for p in PolicyProfile.objects.all()]
    found: dict[str, list[str]] = {}
    visited: set[tuple[str, str]] = set()
    for role, user in lk.users.items():
        c = Client()
        c.force_login(user)
        home = c.get("/")
        urls = ["/", *FORMS, *details, *{u for u in HREF.findall(home.content.decode())}]
        for url in urls:
            if url.startswith(SKIP) or (role, url) in visited:
                continue
            visited.add((role, url))
            r = c.get(url)
            if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
                continue
            bad = _bad(r.content.decode())
            if bad:
                found[f"{role} {url}"] = bad[:3]
    assert len(visited) > 50
    assert found == {}
