"""Issue 12 item 8 in Chromium: Swagger UI renders from local assets with no CSP violation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_operations_without_csp_violations(page):
    console, responses = [], []
    page.on("console", lambda m: console.append(m.text))
    page.on("response", lambda r: responses.append(r.url))
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=30000)
    assert page.locator(".opblock").count() > 50
    assert page.locator(".info .title").inner_text().startswith("审管联动平台 API")
    assert all(u.startswith(page.base_url) for u in responses), responses
    violations = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert violations == []
