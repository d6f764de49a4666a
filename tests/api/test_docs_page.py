"""Issue 12 item 8: the API docs page loads Swagger UI from our own static files (no CDN) under
the strict Content Security Policy."""

from __future__ import annotations

import re

from django.test import Client


def test_the_docs_page_refers_only_to_local_assets(db):
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs, html[:500]
    assert all(ref.startswith("/static/") for ref in refs), refs
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the settings travel as a JSON data block
    scripts = [ref for ref in refs if ref.endswith(".js")]
    assert any("swagger-ui-bundle" in s for s in scripts)
    for ref in refs:
        asset = Client().get(ref)
        assert asset.status_code == 200, ref
        b"".join(asset.streaming_content) if asset.streaming else asset.content


def test_the_docs_page_keeps_the_strict_csp(db):
    r = Client().get("/api/v1/docs")
    csp = r["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in csp
