"""English interface: the catalogue, the Python compiler (checked against GNU msgfmt) and the
language switch."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.core.conftest import ROOT

PO = ROOT / "src" / "shenguan" / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Strings of the shell every English user meets: they must be translated.
SHELL = {
    "审管联动平台": "Approval–Supervision Linkage Platform",
    "登录": "Log in",
    "用户名": "Username",
    "密码": "Password",
    "首页": "Home",
    "退出": "Log out",
    "账号已锁定": "Account locked",
    "窗口受理员": "Window clerk",
}


def _compiler():
    import compile_messages  # registered by tests/core/conftest.py

    return compile_messages


def test_the_catalogue_translates_the_shell():
    entries = {e.msgid: e.msgstr.get(0, "") for e in _compiler().parse_po(PO.read_text("utf-8"))}
    for zh, en in SHELL.items():
        assert entries.get(zh) == en


def _shell_msgids() -> set[str]:
    """The Chinese strings of the shell: its templates' {% translate %} tags, the role names and
    duties of the home pages, and the login form."""
    import re

    from django.utils import translation

    from shenguan.core.forms import LoginForm
    from shenguan.core.home import ADMIN_COUNTS, ROLE_DUTIES, ROLE_LABELS  # noqa: F401

    out: set[str] = set()
    templates = ROOT / "src" / "shenguan" / "templates"
    tag = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
    for path in templates.rglob("*.html"):
        out |= {m.group(2) for m in tag.finditer(path.read_text("utf-8"))}
    with translation.override("zh-hans"):
        out |= {str(v) for v in ROLE_LABELS.values()}
        out |= {str(d) for duties in ROLE_DUTIES.values() for d in duties}
        out |= {str(f.label) for f in LoginForm.base_fields.values()}
        out |= {str(m) for m in LoginForm.error_messages.values()}
    return out


def test_every_shell_string_is_translated():
    entries = {e.msgid: e.msgstr.get(0, "") for e in _compiler().parse_po(PO.read_text("utf-8"))}
    shell = _shell_msgids()
    assert len(shell) > 80
    missing = sorted(m for m in shell if not entries.get(m))
    assert missing == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_python_compiler_agrees_with_msgfmt(tmp_path: Path):
    ours, theirs = tmp_path / "ours.mo", tmp_path / "theirs.mo"
    _compiler().compile_file(PO, ours)
    subprocess.run(["msgfmt", "-o", str(theirs), str(PO)], check=True)
    with ours.open("rb") as a, theirs.open("rb") as b:
        ta, tb = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    assert ta._catalog == tb._catalog
    assert len(ta._catalog) > 50


def test_compiler_handles_context_plural_escapes_and_fuzzy(tmp_path: Path):
    po = tmp_path / "t.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgctxt "菜单"\nmsgid "首页"\nmsgstr "Home"\n\n'
        'msgid "一件"\nmsgid_plural "多件"\nmsgstr[0] "one item"\nmsgstr[1] "items"\n\n'
        'msgid "引号\\"与\\n换行"\nmsgstr "quote\\" and\\n"\n"newline"\n\n'
        '#, fuzzy\nmsgid "草稿"\nmsgstr "draft"\n\n'
        'msgid "未译"\nmsgstr ""\n\n'
        '#~ msgid "废弃"\n#~ msgstr "obsolete"\n',
        encoding="utf-8",
    )
    mo = tmp_path / "t.mo"
    _compiler().compile_file(po, mo)
    with mo.open("rb") as f:
        t = gettext.GNUTranslations(f)
    assert t.pgettext("菜单", "首页") == "Home"
    assert t.ngettext("一件", "多件", 1) == "one item"
    assert t.ngettext("一件", "多件", 3) == "items"
    assert t.gettext('引号"与\n换行') == 'quote" and\nnewline'
    assert t.gettext("草稿") == "草稿"  # fuzzy entries are left out, like msgfmt
    assert t.gettext("未译") == "未译"
    assert t.gettext("废弃") == "废弃"
    if shutil.which("msgfmt"):
        ref = tmp_path / "ref.mo"
        subprocess.run(["msgfmt", "-o", str(ref), str(po)], check=True)
        with ref.open("rb") as f:
            assert gettext.GNUTranslations(f)._catalog == t._catalog


@pytest.mark.django_db
def test_chinese_is_the_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "用户名" in html and "Username" not in html


@pytest.mark.django_db
def test_the_language_switch(client):
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Username" in html and "Log in" in html and "用户名" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert "用户名" in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_english_home_page(client, world):
    client.force_login(world.users["regulator_liaison"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Regulator liaison" in html and "Duties" in html
    assert "Claim the bureau&#x27;s pushed approvals within 2 working days" in html


@pytest.mark.django_db
def test_a_foreign_next_url_is_not_followed(client):
    r = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert r.status_code == 302 and "evil.example" not in r["Location"]


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_it_switches(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "用户名" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html and "Username" in html


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
