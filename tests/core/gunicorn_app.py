"""The WSGI application as gunicorn serves it, plus one path that outlives the worker timeout
(for tests/core/test_gunicorn_errors.py): the timeout page is written by the gunicorn worker, so
only a request that really runs past the timeout inside a real gunicorn can show it."""

from __future__ import annotations

import time

from shenguan.wsgi import application as shenguan_application


def application(environ, start_response):
    if environ.get("PATH_INFO") in ("/__sleep", "/api/v1/__sleep"):
        time.sleep(60)
    return shenguan_application(environ, start_response)
