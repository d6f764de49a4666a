"""`make demo`'s last step, scripts/run_demo.py, run as a user runs it: it starts the web server
and the worker, prints the banner with the demo accounts, keeps running, and stops both cleanly
on Ctrl-C (the banner once crashed after the server had started, which stopped the demo)."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from shenguan.portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reader(stream, lines: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        lines.put(line)
    lines.put(None)


def test_the_demo_starts_prints_its_accounts_and_stops_on_ctrl_c(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "SHENGUAN_DATABASE_URL", "SHENGUAN_SQLITE_PATH")
    }
    env["SHENGUAN_VAR_DIR"] = str(tmp_path)
    env["PYTHONUNBUFFERED"] = "1"
    subprocess.run(
        [str(BIN / "shenguan"), "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "scripts/run_demo.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            seen.append(line)
            if DEMO_ACCOUNTS[-1].username in line:
                break
        text = "".join(seen)
        assert f"http://127.0.0.1:{port}/" in text, text[-3000:]
        assert DEMO_PASSWORD in text
        assert all(a.username in text for a in DEMO_ACCOUNTS)
        assert "运行中 / running" in text  # the worker was started
        time.sleep(2)
        assert proc.poll() is None, "".join(seen)[-3000:]  # still serving after the banner
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0
