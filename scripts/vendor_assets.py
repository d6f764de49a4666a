"""Copy front-end assets from installed packages into static/vendor (served locally, no CDN)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import django_htmx

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "shenguan" / "static" / "vendor"

SOURCES = {
    "htmx.min.js": Path(django_htmx.__file__).parent / "static" / "django_htmx" / "htmx-2.min.js",
    "echarts.min.js": ROOT / "node_modules" / "echarts" / "dist" / "echarts.min.js",
}


def main() -> int:
    VENDOR.mkdir(parents=True, exist_ok=True)
    missing = [str(src) for src in SOURCES.values() if not src.exists()]
    if missing:
        print("missing assets (run `npm ci`):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for name, src in SOURCES.items():
        dst = VENDOR / name
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
