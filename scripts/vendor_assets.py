"""Copy front-end assets from installed packages into static/vendor (served locally, no CDN),
and the CJK font embedded in printed PDFs into core/data/fonts (see shenguan.core.fonts)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import django_htmx

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "shenguan" / "static" / "vendor"
FONTS = ROOT / "src" / "shenguan" / "core" / "data" / "fonts"
NOTO = ROOT / "node_modules" / "@expo-google-fonts" / "noto-sans-sc"

SOURCES = {
    "htmx.min.js": Path(django_htmx.__file__).parent / "static" / "django_htmx" / "htmx-2.min.js",
    "echarts.min.js": ROOT / "node_modules" / "echarts" / "dist" / "echarts.min.js",
}
# Noto Sans SC (SIL Open Font License 1.1), TrueType outlines: embedded as a subset in PDFs.
FONT_SOURCES = {
    "NotoSansSC-Regular.ttf": NOTO / "400Regular" / "NotoSansSC_400Regular.ttf",
    "NotoSansSC-Bold.ttf": NOTO / "700Bold" / "NotoSansSC_700Bold.ttf",
    "LICENSE-NotoSansSC.txt": NOTO / "LICENSE_FONT",
}


def main() -> int:
    VENDOR.mkdir(parents=True, exist_ok=True)
    FONTS.mkdir(parents=True, exist_ok=True)
    everything = [*SOURCES.values(), *FONT_SOURCES.values()]
    missing = [str(src) for src in everything if not src.exists()]
    if missing:
        print("missing assets (run `npm ci`):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for folder, sources in ((VENDOR, SOURCES), (FONTS, FONT_SOURCES)):
        for name, src in sources.items():
            dst = folder / name
            if (
                not dst.exists()
                or dst.stat().st_size != src.stat().st_size
                or (dst.read_bytes() != src.read_bytes())
            ):
                shutil.copyfile(src, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
