"""{% load citations %} … {{ text|cite }}: internal citations as 《title》第N条 (ADR 0044)."""

from __future__ import annotations

from django import template

from shenguan.core.citations import cite as _cite

register = template.Library()


@register.filter
def cite(value) -> str:
    """The text with its citations by document title and article."""
    return _cite(value)
