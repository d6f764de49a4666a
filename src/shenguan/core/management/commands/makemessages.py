"""`shenguan makemessages`: Django's extractor, also reading `_lazy(...)` (提取待译文本).

Some views import `gettext_lazy as _lazy` next to `gettext as _`; xgettext does not know that
name, so without this keyword their strings would never reach the catalogue. msgmerge does not
guess fuzzy translations for new strings: a guessed translation of a near-identical Chinese
string is usually wrong, and fuzzy entries are left out of the compiled catalogue anyway. The
POT-Creation-Date header is dropped from the .po: it changed on every run without any string
changing, and GNU msgfmt leaves it out of the .mo as well.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management.commands import makemessages

_POT_DATE = re.compile(r'^"POT-Creation-Date: [^"]*\\n"\n', re.MULTILINE)


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def write_po_file(self, potfile, locale):
        super().write_po_file(potfile, locale)
        po = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        text = po.read_text(encoding="utf-8")
        header, sep, rest = text.partition("\n\n")
        po.write_text(_POT_DATE.sub("", header, count=1) + sep + rest, encoding="utf-8")
