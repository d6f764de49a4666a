"""English interface: the catalogue, the Python compiler (checked against GNU msgfmt) and the
language switch."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

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


# Apps whose pages are finished: every string they show must have an English translation. Add an
# app here once its pages are stable.
FINISHED_APPS = (
    "core", "org", "audit", "calendar", "policy", "outbox", "catalog", "public", "linkage",
    "portal", "oversight",
)  # fmt: skip
SRC = ROOT / "src" / "shenguan"
# The translation functions as the project's code calls them (`shenguan makemessages` passes
# `_lazy` to xgettext as a keyword too).
_GETTEXT = {
    "_", "_lazy", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy",
    "ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy",
}  # fmt: skip
# `_("…")` inside a template filter or an {% include … with %} argument.
_TEMPLATE_UNDERSCORE = re.compile(r"""(?<![\w.])_\(\s*(["'])(.+?)\1\s*\)""")


class Msg(NamedTuple):
    """One string the code looks up: (context, msgid, plural msgid)."""

    context: str | None
    msgid: str
    plural: str | None = None


def _python_msgids(path: Path) -> set[Msg]:
    """The constant strings passed to a translation function in a Python file."""
    out: set[Msg] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if name not in _GETTEXT:
            continue
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        ctx = None
        if name.startswith(("pgettext", "npgettext")):
            ctx, args = args[0], args[1:]
        plural = args[1] if name.startswith(("ngettext", "npgettext")) else None
        if args and isinstance(args[0], str):
            out.add(Msg(ctx, args[0], plural))
    return out


def _literal(expr) -> str | None:
    """The constant string of a template filter expression (None for a variable)."""
    if expr is None:
        return None
    var = expr.var
    return var if isinstance(var, str) else var.literal if isinstance(var.literal, str) else None


def _template_msgids(path: Path) -> set[Msg]:
    """The strings a template looks up, parsed by Django's own template engine: the msgid of a
    {% blocktranslate %} is built as at render time (placeholders as %(name)s, `%` doubled)."""
    from django.template import engines
    from django.templatetags.i18n import BlockTranslateNode, TranslateNode

    text = path.read_text("utf-8")
    nodelist = engines["django"].engine.from_string(text).nodelist
    out: set[Msg] = set()
    for n in nodelist.get_nodes_by_type(TranslateNode):
        msgid = _literal(n.filter_expression)
        if msgid is not None:
            out.add(Msg(_literal(n.message_context), str(msgid)))
    for n in nodelist.get_nodes_by_type(BlockTranslateNode):
        plural = n.render_token_list(n.plural)[0] if n.plural else None
        out.add(Msg(_literal(n.message_context), n.render_token_list(n.singular)[0], plural))
    out |= {Msg(None, m.group(2)) for m in _TEMPLATE_UNDERSCORE.finditer(text)}
    return out


def _app_files(app: str) -> list[Path]:
    """An app's Python files (not migrations) and templates; core includes the shell templates."""
    base = SRC / app
    files = [p for p in base.rglob("*.py") if "migrations" not in p.parts]
    files += sorted(base.rglob("*.html"))
    if app == "core":
        files += sorted((SRC / "templates").rglob("*.html"))
    return sorted(files)


def _page_msgids(apps=FINISHED_APPS) -> dict[Msg, set[str]]:
    """Every string the given apps look up, with the files that use it."""
    out: dict[Msg, set[str]] = {}
    for app in apps:
        for path in _app_files(app):
            found = _python_msgids(path) if path.suffix == ".py" else _template_msgids(path)
            for m in found:
                out.setdefault(m, set()).add(str(path.relative_to(SRC)))
    return out


def _catalogue() -> dict[tuple[str | None, str], object]:
    return {(e.msgctxt, e.msgid): e for e in _compiler().parse_po(PO.read_text("utf-8"))}


def _translated(entry, msg: Msg) -> bool:
    if entry is None or "fuzzy" in entry.flags or entry.msgid_plural != msg.plural:
        return False
    n = 2 if msg.plural else 1
    return all(entry.msgstr.get(i) for i in range(n))


def test_every_string_of_the_finished_pages_is_translated():
    """A string shown by a finished app without an English translation fails here: run
    `cd src/shenguan && ../../.venv/bin/shenguan makemessages -l en --no-obsolete
    --add-location file` and translate the new entries of locale/en/LC_MESSAGES/django.po."""
    used = _page_msgids()
    catalogue = _catalogue()
    missing = sorted(
        f"{m.msgid!r} ({', '.join(sorted(files))})"
        for m, files in used.items()
        if not _translated(catalogue.get((m.context, m.msgid)), m)
    )
    assert missing == []


def test_the_page_scan_finds_every_kind_of_string():
    """The scan behind the test above is not vacuous: it finds strings of every app and of each
    way of marking them (translate, blocktranslate with plural, `_()` in a filter, gettext,
    gettext_lazy, `_lazy`)."""
    used = _page_msgids()
    per_app = {app: len(_page_msgids((app,))) for app in FINISHED_APPS}
    assert all(n >= 10 for n in per_app.values()), per_app
    assert len(used) > 500
    assert Msg(None, "第 %(n)s/%(t)s 页，共 %(c)s 条") in used  # blocktranslate with
    assert Msg(None, "%(n)s 天", "%(n)s 天") in used  # blocktranslate count … plural
    assert Msg(None, "系统默认") in used  # _("…") in a filter argument
    assert Msg(None, "动作前缀") in used  # _lazy("…")
    assert Msg(None, "已导入 %(year)s 年日历（%(days)s 条）；重算进行中的时限 %(n)s 个") in used
    assert Msg(None, "审计管理员") in used  # gettext_lazy in portal.home
    assert Msg(None, "跳到正文") in used  # the shell's base.html


def test_the_page_scan_would_catch_an_untranslated_string(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}{% translate "一个没有译文的新字符串" %}'
        "{% blocktranslate with n=x %}共 {{ n }} 件{% endblocktranslate %}",
        "utf-8",
    )
    found = _template_msgids(page)
    assert found == {Msg(None, "一个没有译文的新字符串"), Msg(None, "共 %(n)s 件")}
    catalogue = _catalogue()
    assert not any(_translated(catalogue.get((m.context, m.msgid)), m) for m in found)


_PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sd]|%%|\{[A-Za-z_]\w*\}|%[sd]")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def test_translations_keep_placeholders_and_markup():
    """Every translation uses the same placeholders and HTML tags as its Chinese msgid (else
    Python's % formatting raises, or markup breaks), and nothing is left fuzzy."""
    bad = []
    for e in _compiler().parse_po(PO.read_text("utf-8")):
        if not e.msgid:
            continue
        assert "fuzzy" not in e.flags, e.msgid
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        for i, text in e.msgstr.items():
            if not text:
                continue
            src = sources[min(i, len(sources) - 1)]
            for pattern in (_PLACEHOLDER, _TAG):
                want = sorted(pattern.findall(src))
                got = sorted(pattern.findall(text))
                # a plural's singular form may leave the count out ("one day")
                if got != want and not (e.msgid_plural and i == 0 and set(got) <= set(want)):
                    bad.append((e.msgid, text))
    assert bad == []


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


# Apps whose model choice labels (TextChoices) are shown on pages and must be marked for
# translation.
CHOICE_APPS = ("org", "audit", "outbox", "calendar", "catalog", "linkage")


def test_choice_labels_are_translated():
    """Every Chinese label of a model choice in CHOICE_APPS has an English translation (an
    unmarked label stays Chinese under English), and under Chinese nothing changes."""
    from django.apps import apps
    from django.utils import translation

    han = re.compile(r"[\u4e00-\u9fff]")
    seen, untranslated = 0, []
    for app in CHOICE_APPS:
        for model in apps.get_app_config(app).get_models():
            for f in model._meta.fields:
                for value, label in f.flatchoices:
                    with translation.override("zh-hans"):
                        zh = str(label)
                    with translation.override("en"):
                        en = str(label)
                    if han.search(zh):
                        seen += 1
                        if han.search(en):
                            untranslated.append(f"{app}.{model.__name__}.{f.name}={value}: {zh}")
    assert seen >= 120
    assert untranslated == []


def test_choice_labels_in_english_and_chinese():
    from django.utils import translation

    from shenguan.audit.models import Outcome
    from shenguan.org.models import LiaisonKind
    from shenguan.org.roles import Role
    from shenguan.outbox.models import Channel, DeliveryStatus

    with translation.override("en"):
        assert str(Role.WINDOW_CLERK.label) == "Window clerk"
        assert str(LiaisonKind.LIAISON.label) == "Liaison person"
        assert str(DeliveryStatus.PENDING.label) == "Pending"
        assert str(Channel.NOTIFY.label) == "Notifications"
        assert str(Outcome.DENIED.label) == "Denied"
    with translation.override("zh-hans"):
        assert str(Role.WINDOW_CLERK.label) == "窗口受理员"
        assert str(LiaisonKind.LIAISON.label) == "联络员"
        assert str(DeliveryStatus.PENDING.label) == "待投递"


def test_catalog_and_linkage_labels_in_english_and_chinese():
    """The labels follow the language; what is stored or exchanged reads them in Chinese
    (`source_text`), and the same Chinese word of two choices may translate apart."""
    from django.utils import translation

    from shenguan.catalog.models import HandoverKind, TransferStatus
    from shenguan.core.i18n import source_choice, source_label, source_text
    from shenguan.linkage.models import (
        ClaimedMode,
        DisposalOutcome,
        FeedbackKind,
        Licence,
        LicenceState,
    )

    with translation.override("en"):
        assert str(TransferStatus.RETAINED.label) == "Retained (handled in the service hall)"
        assert str(HandoverKind.KEYS_DEVICES.label) == "Dedicated computers and keys"
        assert str(ClaimedMode.ON_PUSH.label) == "Claimed on push"
        assert str(FeedbackKind.INSPECTION.label) == "Inspection result"
        assert str(LicenceState.REVOKED.label) == "Revoked"
        assert str(DisposalOutcome.REVOKE.label) == "Revoke the licence"
        assert source_text(LicenceState.REVOKED.label) == "吊销"
        assert source_text(ClaimedMode.ON_PUSH.label) == "推送即认领"
        # a label looked up by its value, and an instance's display, in the source language
        assert source_choice(LicenceState, LicenceState.REVOKED) == "吊销"
        assert source_choice(DisposalOutcome, "revoke") == "吊销"
        lic = Licence(state=LicenceState.REVOKED)
        assert lic.get_state_display() == "Revoked"
        assert source_label(lic, "state") == "吊销"
    with translation.override("zh-hans"):
        assert str(TransferStatus.RETAINED.label) == "暂不划转（进驻大厅）"
        assert str(LicenceState.REVOKED.label) == "吊销"
        assert str(DisposalOutcome.REVOKE.label) == "吊销"


def test_policy_values_and_weekdays_follow_the_language():
    import datetime as dt

    from django.utils import translation

    from shenguan.calendar.importer import weekday_name, weekday_zh
    from shenguan.policy.params import PARAM_TITLES, display_value, param_title

    friday = dt.date(2027, 1, 1)
    with translation.override("en"):
        assert display_value("claim_window_days", 1) == "1 working day"
        assert display_value("claim_window_days", 2) == "2 working days"
        assert display_value("transition_months", 6) == "6 months"
        assert display_value("escalation_interview_after_reminders", 1) == "1 period"
        assert display_value("credit_push_days", None) == "Not applicable"
        assert display_value("claim_mode", "on_push") == "Claimed on push"
        assert param_title("claim_window_days") == "Regulator claim window (working days)"
        assert weekday_name(friday) == "Friday"
        # validation messages keep the Chinese title in every language (ADR 0011)
        assert PARAM_TITLES["claim_window_days"] == "监管部门认领时限（工作日）"
        assert weekday_zh(friday) == "周五"
    with translation.override("zh-hans"):
        assert display_value("claim_window_days", 2) == "2 个工作日"
        assert display_value("transition_months", 6) == "6 个月"
        assert display_value("escalation_reminder_late_claims", 5) == "5 件"
        assert display_value("abnormal_only_feedback", True) == "是"
        assert param_title("claim_window_days") == "监管部门认领时限（工作日）"
        assert weekday_name(friday) == "周五"


@pytest.mark.django_db
def test_english_policy_and_role_pages_show_no_chinese_chrome(client, world):
    """The policy profile page (titles, groups, values) and the role list (role labels) under
    English; the profile's Chinese name and source articles are data and may stay."""
    client.force_login(world.users["system_admin"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/policy/liaocheng-2021/").content.decode()
    row = re.search(r'<tr data-param="claim_window_days">.*?</tr>', html).group(0)
    assert "<td>Regulator claim window (working days)</td><td>2 working days</td>" in row
    assert "Approval information push and claim" in html
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", html)  # titles, groups, values
    cells = [c for c in cells if "§" not in c and not c[:3].isdigit()]  # not source articles
    assert cells and not [c for c in cells if re.search(r"[\u4e00-\u9fff]", c)]
    client.force_login(world.users["security_admin"])
    html = client.get("/org/roles/").content.decode()
    assert "Window clerk" in html and "窗口受理员" not in html


@pytest.mark.django_db
def test_english_calendar_dates_and_weekdays(client, world):
    client.force_login(world.users["system_admin"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/calendar/2026/").content.decode()
    assert "Jan 1–Jan 3" in html and "Friday" in html
    assert "1月1日" not in html and "周五" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = client.get("/calendar/2026/").content.decode()
    assert "1月1日–1月3日 元旦（休）" in html and "周五" in html
