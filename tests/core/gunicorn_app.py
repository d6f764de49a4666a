"""The WSGI application as gunicorn serves it, plus one path that outlives the worker timeout
(for tests/core/test_gunicorn_errors.py): the timeout page is written by the gunicorn worker, so
only a request that really runs past the timeout inside a real gunicorn can show it."""

from __future__ import annotations

import time

from django.urls import get_resolver

from shenguan.wsgi import application as shenguan_application

# Import every view now (gunicorn --preload: once, in the arbiter), so that the first request of
# a worker does not spend the short test timeout on imports.
get_resolver().url_patterns  # noqa: B018


def application(environ, start_response):
    if environ.get("PATH_INFO") in ("/__sleep", "/api/v1/__sleep"):
        time.sleep(60)
    return shenguan_application(environ, start_response)
