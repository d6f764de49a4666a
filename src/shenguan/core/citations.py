"""Citations as users read them (ADR 0044): the internal short form of the source documents used
in code and data — "002 §17(一)", "000 §10 §20", "003 三(二)3", "DOMAIN.md §5" — becomes the
document's title and article: 《聊城市强化审管互动工作暂行办法》第十七条第（一）项.

`cite(text)` is applied wherever a stored or built-in citation is shown (policy sources, API
descriptions); templates and messages carry the titled form directly.
"""

from __future__ import annotations

import re

# The five source documents (docs/seeds): the short number used in code → their title.
DOCUMENT_TITLES = {
    "000": "乌海市“审管分离”工作制度",
    "001": "莱阳市人民政府关于莱阳市推进相对集中行政许可权组建行政审批服务局改革的实施意见",
    "002": "聊城市强化审管互动工作暂行办法",
    "003": "益阳高新区审管联动实施方案",
    "004": "达拉特旗相对集中行政许可权改革工作实施方案",
}

# The same documents for readers of the English interface.
DOCUMENT_TITLES_EN = {
    "000": "Wuhai Rules on Separating Approval and Supervision",
    "001": "Laiyang Implementing Opinions on the Administrative Approval Service Bureau",
    "002": "Liaocheng Interim Measures on Strengthening Approval–Supervision Interaction",
    "003": "Yiyang Hi-tech Zone Approval–Supervision Linkage Plan",
    "004": "Dalate Banner Plan for Relatively Concentrated Licensing Powers",
}

_DIGITS = "零一二三四五六七八九"
_CN = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 20 → 二十, 23 → 二十三 (article numbers, 1–99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


_ARTICLE = rf"§\s*(\d+)(?:\(([{_CN}]+)\))?"
_SECTION = rf"[{_CN}]+(?:\([{_CN}]+\))?\d*"
_REF = rf"(?:{_ARTICLE}|{_SECTION})"
_CITATION = re.compile(rf"\b(00[0-4])((?:\s*[、，,和及]?\s*{_REF})*)")
_ONE_REF = re.compile(_REF)
_DOMAIN_DEFAULT = re.compile(r"按\s*DOMAIN(?:\.md)?\s*§[\d.]+\s*")
_DOMAIN = re.compile(r"[（(]?\s*DOMAIN(?:\.md)?\s*§[\d.]+\s*[）)]?")


def _english() -> bool:
    from django.utils import translation

    return (translation.get_language() or "zh-hans").startswith("en")


def _arabic(cn: str) -> str:
    """一 → 1, 十七 → 17 (section numbers of the English form)."""
    if "十" not in cn:
        return "".join(str(_DIGITS.index(c)) for c in cn)
    tens, _, ones = cn.partition("十")
    return str((_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0))


def _article(m: re.Match) -> str:
    if _english():
        if m.group(1):
            return f"art. {m.group(1)}" + (f"({_arabic(m.group(2))})" if m.group(2) else "")
        return "part " + re.sub(f"[{_CN}]+", lambda x: _arabic(x.group(0)), m.group(0))
    if m.group(1):
        s = f"第{chinese_number(int(m.group(1)))}条"
        return s + (f"第（{m.group(2)}）项" if m.group(2) else "")
    return m.group(0).replace("(", "（").replace(")", "）")


def _citation(m: re.Match) -> str:
    refs = [_article(r) for r in _ONE_REF.finditer(m.group(2) or "")]
    if _english():
        title = DOCUMENT_TITLES_EN[m.group(1)]
        return title + (", " + ", ".join(refs) if refs else "")
    return f"《{DOCUMENT_TITLES[m.group(1)]}》" + "、".join(refs)


def cite(text) -> str:
    """The text with every internal citation written as 《title》第N条…; "DOMAIN.md §x" (the
    project's own design notes, not a public document) is dropped ("按 DOMAIN.md §5 默认" reads
    "按平台默认")."""
    if not text:
        return "" if text is None else str(text)
    s = _DOMAIN.sub("", _DOMAIN_DEFAULT.sub("按平台", str(text)))
    s = _CITATION.sub(_citation, s)
    return re.sub(_ARTICLE, _article, s)  # a bare "§15" following a citation
