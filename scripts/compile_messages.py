"""Compile every src/shenguan/locale/*/LC_MESSAGES/*.po into .mo without GNU gettext.

`make messages` uses this instead of Django's `compilemessages`, which needs `msgfmt` from GNU
gettext: a fresh machine with only Python and Node must still get the English interface (see
docs/adr). The output follows msgfmt: fuzzy and untranslated entries are left out, contexts are
joined with \\x04, plural forms with \\x00, keys sorted. tests/core/test_i18n.py checks the result
against msgfmt where msgfmt is installed.

    python scripts/compile_messages.py           # compile when a .po is newer than its .mo
    python scripts/compile_messages.py --force   # compile all
    python scripts/compile_messages.py --check   # exit 1 if a .mo is missing or stale
"""

from __future__ import annotations

import argparse
import array
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "shenguan" / "locale"

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
_ESC_RE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)")


def _unescape(s: str) -> str:
    def sub(m: re.Match) -> str:
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0] in "01234567":
            return chr(int(e, 8))
        return _ESCAPES.get(e, e)

    return _ESC_RE.sub(sub, s)


@dataclass
class Entry:
    """One message of a catalogue."""

    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse_po(text: str) -> list[Entry]:
    """Parse a .po file (obsolete `#~` entries are dropped)."""
    entries: list[Entry] = []
    cur: Entry | None = None
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal cur, target
        if cur is not None and (cur.msgid or cur.msgstr):
            entries.append(cur)
        cur, target = None, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if cur is not None and (cur.msgid or cur.msgstr):
                finish()
            cur = cur or Entry()
            cur.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', line)
        if m:
            kw, idx, value = m.group(1), m.group(2), _unescape(m.group(3))
            if (
                kw in ("msgctxt", "msgid")
                and cur is not None
                and (cur.msgstr or (kw == "msgctxt" and cur.msgid))
            ):
                finish()
            cur = cur or Entry()
            if kw == "msgctxt":
                cur.msgctxt, target = value, ("msgctxt", 0)
            elif kw == "msgid":
                cur.msgid, target = value, ("msgid", 0)
            elif kw == "msgid_plural":
                cur.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                n = int(idx) if idx is not None else 0
                cur.msgstr[n], target = value, ("msgstr", n)
            continue
        if line.startswith('"') and line.endswith('"') and cur is not None and target:
            value = _unescape(line[1:-1])
            kind, n = target
            if kind == "msgstr":
                cur.msgstr[n] += value
            else:
                setattr(cur, kind, (getattr(cur, kind) or "") + value)
            continue
        raise ValueError(f"cannot parse line: {raw!r}")
    finish()
    return entries


def compile_entries(entries: list[Entry]) -> bytes:
    """The .mo bytes of a catalogue (GNU format, little-endian, no hash table)."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        if "fuzzy" in e.flags and e.msgid:
            continue
        strs = [e.msgstr[k] for k in sorted(e.msgstr)]
        if not any(strs):
            continue
        key = e.msgid
        if e.msgid_plural is not None:
            key += "\0" + e.msgid_plural
        if e.msgctxt is not None:
            key = e.msgctxt + "\x04" + key
        messages[key.encode("utf-8")] = "\0".join(strs).encode("utf-8")
    keys = sorted(messages)
    ids, strs = b"", b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(messages[k])))
        ids += k + b"\0"
        strs += messages[k] + b"\0"
    n = len(keys)
    keystart = 7 * 4 + 16 * n
    valuestart = keystart + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    return (
        header
        + array.array("i", koffsets).tobytes()
        + array.array("i", voffsets).tobytes()
        + ids
        + strs
    )


def compile_file(po: Path, mo: Path) -> int:
    """Compile one .po into .mo; returns the number of messages written."""
    entries = parse_po(po.read_text(encoding="utf-8"))
    data = compile_entries(entries)
    mo.write_bytes(data)
    return struct.unpack("I", data[8:12])[0]


def po_files(locale: Path = LOCALE) -> list[Path]:
    """Every catalogue under the locale directory."""
    return sorted(locale.glob("*/LC_MESSAGES/*.po"))


def is_stale(po: Path) -> bool:
    """Whether the .mo of a .po is missing or older."""
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="compile even if up to date")
    parser.add_argument("--check", action="store_true", help="only report stale catalogues")
    args = parser.parse_args(argv)
    pos = po_files()
    if not pos:
        print(f"no .po files under {LOCALE}", file=sys.stderr)
        return 1
    if args.check:
        stale = [p for p in pos if is_stale(p)]
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for po in pos:
        if args.force or is_stale(po):
            n = compile_file(po, po.with_suffix(".mo"))
            print(f"compiled {po.relative_to(ROOT)} ({n} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
