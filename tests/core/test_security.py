"""Security baseline: production settings pass `check --deploy`, argon2, CSP, error pages."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import path

import shenguan.settings as configured
from shenguan import urls as project_urls
from shenguan.core import errors

# --- production settings, in a subprocess (settings are read once per process) ----------------


def _production_env(tmp_path, **extra) -> dict:
    from shenguan.audit.checkpoints import generate_key

    key = tmp_path / "audit-checkpoint.key"
    if not key.exists():
        generate_key(key)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHENGUAN_")}
    env.update(
        SHENGUAN_AUDIT_CHECKPOINT_KEY=str(key),
        SHENGUAN_PRODUCTION="1",
        SHENGUAN_SECRET_KEY=secrets.token_urlsafe(64),
        SHENGUAN_ALLOWED_HOSTS="shenguan.example.gov.cn",
        SHENGUAN_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="shenguan.settings",
    )
    env.update(extra)
    return env


def _shenguan(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shenguan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    r = _shenguan(["check", "--deploy", "--fail-level", "DEBUG"], _production_env(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_check_deploy_warns_without_the_audit_checkpoint_key(tmp_path):
    env = _production_env(tmp_path, SHENGUAN_AUDIT_CHECKPOINT_KEY="")
    r = _shenguan(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert r.returncode != 0
    assert "shenguan.W001" in r.stderr + r.stdout


def test_check_deploy_finds_problems_in_development(tmp_path):
    """The oracle can fail: the development settings do have deploy warnings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHENGUAN_")}
    env.update(SHENGUAN_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="shenguan.settings")
    r = _shenguan(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert r.returncode != 0
    assert "security.W" in r.stderr + r.stdout


def test_production_settings_values(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_HSTS_SECONDS',"
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_SSL_REDIRECT','SESSION_COOKIE_HTTPONLY',"
        "'X_FRAME_OPTIONS','SECURE_CONTENT_TYPE_NOSNIFF','CONTENT_SECURITY_POLICY',"
        "'ALLOWED_HOSTS']}, default=str))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_CONTENT_TYPE_NOSNIFF"]
    d = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert d["script-src"] == ["'self'"] and d["style-src"] == ["'self'"]
    assert d["default-src"] == ["'self'"] and d["frame-ancestors"] == ["'none'"]
    assert s["ALLOWED_HOSTS"] == ["shenguan.example.gov.cn"]


@pytest.mark.parametrize("missing", ["SHENGUAN_SECRET_KEY", "SHENGUAN_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(tmp_path, missing):
    env = _production_env(tmp_path)
    env.pop(missing)
    r = _shenguan(["check"], env)
    assert r.returncode != 0
    assert missing in r.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    r = _shenguan(["check"], _production_env(tmp_path, SHENGUAN_SECRET_KEY="short"))
    assert r.returncode != 0 and "SHENGUAN_SECRET_KEY" in r.stderr


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_argon2_hashes_passwords(settings):
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS  # undo the fast test hasher
    from argon2 import PasswordHasher

    from tests.factories import PASSWORD, department, jurisdiction

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from shenguan.org import services

    u = services.user_create(
        actor=None,
        username="argon",
        full_name="测试",
        password=PASSWORD,
        department=department(jurisdiction()),
    )
    algorithm, encoded = u.password.split("$", 1)
    assert algorithm == "argon2" and encoded.startswith("argon2id$")
    # an independent verifier: argon2-cffi itself accepts the stored hash
    assert PasswordHasher().verify(encoded.replace("argon2id$", "$argon2id$", 1), PASSWORD)
    assert u.check_password(PASSWORD) and not u.check_password(PASSWORD + "x")


# --- headers and error pages ------------------------------------------------------------------


def _raise_domain_403(request):
    raise errors.PermissionDenied("forbidden", "无权查看其他部门的推送")


def _raise_not_found(request):
    raise errors.NotFound()


def _raise_validation(request):
    raise errors.ValidationFailed("bad_date", "日期无效：2026-02-30", "date")


def _raise_django_403(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [
    *project_urls.urlpatterns,
    path("t/domain403", _raise_domain_403),
    path("t/notfound", _raise_not_found),
    path("t/validation", _raise_validation),
    path("t/django403", _raise_django_403),
    path("t/boom", _boom),
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def error_client(db):
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        yield Client(raise_request_exception=False)


def test_csp_and_security_headers(client, db):
    r = client.get("/accounts/login/")
    csp = r["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        assert directive in csp
    assert "unsafe" not in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Request-ID"]


def test_404_page_is_chinese(error_client):
    r = error_client.get("/no/such/page/")
    assert r.status_code == 404
    assert "页面不存在或无权查看" in r.content.decode()


def test_not_found_from_a_view_is_a_404_page(error_client):
    r = error_client.get("/t/notfound")
    assert r.status_code == 404 and "页面不存在或无权查看" in r.content.decode()


@pytest.mark.parametrize("url", ["/t/domain403", "/t/django403"])
def test_403_page_is_chinese(error_client, url):
    r = error_client.get(url)
    assert r.status_code == 403
    html = r.content.decode()
    assert "无权访问" in html
    if url == "/t/domain403":
        assert "无权查看其他部门的推送" in html


def test_a_domain_refusal_in_a_view_is_a_400_page(error_client):
    r = error_client.get("/t/validation")
    assert r.status_code == 400
    html = r.content.decode()
    assert "请求无法处理" in html and "日期无效：2026-02-30" in html


def test_500_page_is_chinese_and_standalone(error_client):
    r = error_client.get("/t/boom")
    assert r.status_code == 500
    html = r.content.decode()
    assert "服务器内部错误" in html and "boom" not in html
