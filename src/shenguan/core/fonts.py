"""The free CJK font embedded in every PDF the platform prints (bulletins, letters, licences).

The font is Noto Sans SC (思源黑体, SIL Open Font License 1.1), a TrueType build with glyf
outlines (so PDF libraries can subset and embed it, and text stays extractable through its
ToUnicode map). It comes from the npm package `@expo-google-fonts/noto-sans-sc` (pinned in
package.json, like ECharts): `make assets` — part of `make demo` and `make test` — installs it
and `scripts/vendor_assets.py` copies the regular and bold weights next to this module
(`core/data/fonts/`, not committed). Nothing is fetched at run time.

    from shenguan.core import fonts
    path = fonts.cjk_font_path()             # regular; cjk_font_path(bold=True) for bold
    regular, bold = fonts.register_reportlab()  # ReportLab font names, registered once

`SHENGUAN_CJK_FONT` (and `SHENGUAN_CJK_FONT_BOLD`) point to another TrueType file, e.g. a font
the deployment already has. A missing font is an error that says how to install it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "data" / "fonts"
REGULAR = "NotoSansSC-Regular.ttf"
BOLD = "NotoSansSC-Bold.ttf"
# Where npm puts the files (the repository's node_modules), for a checkout without `make assets`.
_NPM = Path(__file__).resolve().parents[3] / "node_modules" / "@expo-google-fonts" / "noto-sans-sc"
NPM_FILES = {
    REGULAR: "400Regular/NotoSansSC_400Regular.ttf",
    BOLD: "700Bold/NotoSansSC_700Bold.ttf",
}
LICENSE_NOTE = "Noto Sans SC, SIL Open Font License 1.1 (Copyright 2014-2021 Adobe)"


class FontMissing(RuntimeError):
    """The CJK font file is not installed."""


def cjk_font_path(*, bold: bool = False) -> Path:
    """The TrueType file of the CJK font (regular or bold)."""
    env = os.environ.get("SHENGUAN_CJK_FONT_BOLD" if bold else "SHENGUAN_CJK_FONT")
    if env:
        p = Path(env)
        if p.is_file():
            return p
        raise FontMissing(f"SHENGUAN_CJK_FONT{'_BOLD' if bold else ''} points to a missing file")
    name = BOLD if bold else REGULAR
    for p in (FONT_DIR / name, _NPM / NPM_FILES[name]):
        if p.is_file():
            return p
    raise FontMissing(
        "PDF 所需中文字体未安装：请运行 make assets（npm 包 @expo-google-fonts/noto-sans-sc）"
    )


_lock = threading.Lock()
_registered: tuple[str, str] | None = None


def register_reportlab() -> tuple[str, str]:
    """Register the regular and bold weights with ReportLab (once per process) and return
    their font names; ReportLab embeds a subset with a ToUnicode map."""
    global _registered
    with _lock:
        if _registered is None:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("SgSans", str(cjk_font_path())))
            pdfmetrics.registerFont(TTFont("SgSans-Bold", str(cjk_font_path(bold=True))))
            addMapping("SgSans", 0, 0, "SgSans")
            addMapping("SgSans", 1, 0, "SgSans-Bold")
            addMapping("SgSans", 0, 1, "SgSans")
            addMapping("SgSans", 1, 1, "SgSans-Bold")
            _registered = ("SgSans", "SgSans-Bold")
        return _registered
