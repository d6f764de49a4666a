"""A real gunicorn for tests that need one (error pages gunicorn writes itself, processes killed
mid-request): started with the project's configuration in its own process group, so that a test
can kill it with SIGKILL like a crash would."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn: its process (the arbiter, leader of its group) and base URL."""

    proc: subprocess.Popen
    base: str

    def kill(self) -> None:
        """SIGKILL the arbiter and its workers at once (a crash, not a shutdown)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False
        )
        return [int(p) for p in out.stdout.split()]


def start_gunicorn(
    env: dict[str, str],
    *,
    app: str = "shenguan.wsgi:application",
    timeout: int = 60,
    ready_path: str = "/healthz",
    extra: tuple[str, ...] = (),
) -> Server:
    """Start gunicorn (one sync worker, shenguan.core.gunicorn_conf) and wait until it answers."""
    port = free_port()
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shenguan.settings",
        "SHENGUAN_DEBUG": "0",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    proc = subprocess.Popen(
        [
            str(GUNICORN),
            "-c",
            "python:shenguan.core.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "1",
            "--no-control-socket",
            *extra,
            app,
        ],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            httpx.get(f"{base}{ready_path}", timeout=5)
            return Server(proc, base)
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                server = Server(proc, base)
                server.kill()
                raise RuntimeError(proc.stderr.read().decode()[-3000:]) from None
            time.sleep(0.3)
