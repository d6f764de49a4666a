"""Run the demo: the web server (gunicorn + whitenoise) and one `shenguan worker`.

`make demo` calls this after installing, migrating and loading the demo data. It starts both
processes in their own process groups, waits until http://HOST:PORT/healthz answers, prints what
to open and the demo accounts, and on Ctrl-C (or SIGTERM, or either process dying) stops both and
everything they started. On Linux each child also gets SIGTERM if this script is killed outright
(PR_SET_PDEATHSIG), so no orphans are left behind.

Why gunicorn and not runserver: it is what production runs (ARCHITECTURE.md "serving"), it serves
the static files through whitenoise exactly as a deployment does, and it does not reload or
print development warnings. Set SHENGUAN_DEBUG=1 to see Django's debug pages.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STOP_GRACE_SECONDS = 10.0


def _pdeathsig() -> None:
    """In the child: start a new session and die with the parent (Linux only)."""
    os.setsid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
        except OSError:
            pass


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _has_command(name: str, env: dict) -> bool:
    """Whether `shenguan <name>` exists (the worker is built by another part of the project)."""
    code = subprocess.call(  # noqa: S603
        [str(BIN / "shenguan"), "help", name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return code == 0


def _wait_healthy(url: str, procs: dict, stopping: dict, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping["flag"]:
        if any(p.poll() is not None for p in procs.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - our own localhost
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def _stop(procs: dict) -> None:
    """SIGTERM every process group, wait, then SIGKILL what is left."""
    for p in procs.values():
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for p in procs.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
    for p in procs.values():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(p.pid, signal.SIGKILL)  # also any grandchild left in the group
        if p.poll() is None:
            p.wait()


def _banner(host: str, port: int, worker: bool) -> str:
    sys.path.insert(0, str(ROOT / "src"))
    # the accounts table names roles by their (translatable) labels: Django must be set up
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenguan.settings")
    import django

    django.setup()
    from shenguan.portal.demo import demo_summary

    url = f"http://{host}:{port}/"
    lines = [
        "",
        "=" * 72,
        f"  审管联动平台已启动 / Shenguan is running:  {url}",
        f"  公开信息 / public pages:  {url}public/",
        f"  接口文档 / API (OpenAPI):  {url}api/v1/docs",
        "  后台任务进程 / worker: "
        + (
            "运行中 / running"
            if worker
            else "未启动（命令尚不存在）/ not started (command missing)"
        ),
        "  按 Ctrl-C 停止 / press Ctrl-C to stop",
        "=" * 72,
        "",
        demo_summary(),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the Shenguan demo (web server + worker)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--no-worker", action="store_true", help="start the web server only")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "shenguan.settings")
    env.setdefault("SHENGUAN_DEBUG", "0")
    env.setdefault("PYTHONUNBUFFERED", "1")
    if args.host not in ("127.0.0.1", "localhost"):
        env.setdefault("SHENGUAN_ALLOWED_HOSTS", f"127.0.0.1,localhost,{args.host}")

    if not _port_free(args.host, args.port):
        print(
            f"端口 {args.host}:{args.port} 已被占用（平台可能已在运行）。"
            f" / Port {args.host}:{args.port} is in use (is the demo already running?). "
            "Stop it or run `make demo PORT=8001`.",
            file=sys.stderr,
        )
        return 1

    stopping = {"flag": False}

    def on_signal(signum, frame):
        stopping["flag"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, on_signal)

    procs: dict[str, subprocess.Popen] = {}
    procs["web"] = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:shenguan.core.gunicorn_conf",
            "shenguan.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            str(args.web_workers),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
            "--timeout",
            "60",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        preexec_fn=_pdeathsig,
    )
    worker = not args.no_worker and _has_command("worker", env)
    if worker:
        procs["worker"] = subprocess.Popen(  # noqa: S603
            [str(BIN / "shenguan"), "worker"],
            cwd=ROOT,
            env=env,
            preexec_fn=_pdeathsig,
        )

    code = 0
    try:
        if not _wait_healthy(f"http://{args.host}:{args.port}/healthz", procs, stopping):
            if not stopping["flag"]:
                print("网页服务未能启动 / the web server did not start", file=sys.stderr)
                code = 1
        else:
            print(_banner(args.host, args.port, worker), flush=True)
        while code == 0 and not stopping["flag"]:
            dead = [name for name, p in procs.items() if p.poll() is not None]
            if dead:
                print(
                    f"进程退出 / process exited: {', '.join(dead)}; stopping the rest",
                    file=sys.stderr,
                )
                code = 1
                break
            time.sleep(0.5)
    finally:
        print("\n正在停止 / stopping …", file=sys.stderr, flush=True)
        _stop(procs)
    return code


if __name__ == "__main__":
    sys.exit(main())
