"""gunicorn configuration of Shenguan (`gunicorn -c python:shenguan.core.gunicorn_conf`).

Command-line options (--bind, --workers, --timeout, ...) still apply on top of these values.
"""

# The application, so that `gunicorn -c python:shenguan.core.gunicorn_conf` needs no argument.
wsgi_app = "shenguan.wsgi:application"

# gunicorn's sync worker, answering its own errors (431 header too large, 414, 400 malformed,
# 500 on a worker timeout) with Chinese pages instead of gunicorn's English ones (core.serving).
worker_class = "shenguan.core.serving.ChineseErrorsSyncWorker"
