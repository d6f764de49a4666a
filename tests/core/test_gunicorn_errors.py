"""Issue 12 item 7: the answers gunicorn writes itself — a header too large (431), a request line
too long (414), a request aborted by the worker timeout (500) — and Django's wrong-Host 400 are
Chinese pages, checked against a real gunicorn started with the project's configuration."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from tests.servers import start_gunicorn


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn with shenguan.core.gunicorn_conf, one worker, a 4-second timeout."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = {"SHENGUAN_VAR_DIR": str(tmp), "SHENGUAN_DATABASE_URL": ""}  # no request needs a db
    server = start_gunicorn(
        env,
        app="tests.core.gunicorn_app:application",
        timeout=4,
        ready_path="/accounts/login/",
        extra=("--preload",),
    )
    yield server.base
    server.stop()


def _chinese_page(r: httpx.Response) -> str:
    assert r.headers["content-type"].startswith("text/html")
    assert "charset=utf-8" in r.headers["content-type"]
    text = r.content.decode("utf-8")
    assert 'lang="zh-hans"' in text
    assert "审管联动平台" in text
    return text


def test_a_header_too_large_answers_a_chinese_431(gunicorn):
    r = httpx.get(f"{gunicorn}/", headers={"X-Big": "a" * 9000}, timeout=10)
    assert r.status_code == 431
    assert "请求头过大" in _chinese_page(r)


def test_a_cookie_too_large_answers_a_chinese_431(gunicorn):
    r = httpx.get(f"{gunicorn}/", headers={"Cookie": "c=" + "b" * 9000}, timeout=10)
    assert r.status_code == 431
    assert "Cookie" in _chinese_page(r)


def test_a_request_line_too_long_answers_a_chinese_414(gunicorn):
    r = httpx.get(f"{gunicorn}/?q=" + "x" * 5000, timeout=10)
    assert r.status_code == 414
    assert "网址过长" in _chinese_page(r)


def test_a_malformed_request_answers_a_chinese_400(gunicorn):
    host, port = gunicorn.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Name: x\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert "请求格式无效" in body.decode("utf-8")


def test_a_wrong_host_answers_djangos_chinese_400(gunicorn):
    r = httpx.get(f"{gunicorn}/accounts/login/", headers={"Host": "evil.example"}, timeout=10)
    assert r.status_code == 400
    text = r.content.decode("utf-8")
    assert "主机名" in text and 'lang="zh-hans"' in text


def test_a_request_past_the_worker_timeout_answers_a_chinese_500(gunicorn):
    started = time.monotonic()
    r = httpx.get(f"{gunicorn}/__sleep", timeout=30)
    assert r.status_code == 500
    assert "请求处理超时" in _chinese_page(r)
    assert time.monotonic() - started < 30
    # the arbiter starts a new worker: the site answers again
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{gunicorn}/accounts/login/", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline
        time.sleep(0.3)


def test_a_timeout_on_the_api_answers_json(gunicorn):
    r = httpx.get(f"{gunicorn}/api/v1/__sleep", timeout=30)
    assert r.status_code == 500
    body = r.json()
    assert body["code"] == "timeout" and "超时" in body["message"]
