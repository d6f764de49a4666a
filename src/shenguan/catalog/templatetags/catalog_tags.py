"""Template filters of the catalogue pages."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

from shenguan.core.masking import mask_phone

from ..models import PushMethod, Stage

register = template.Library()
_STAGES = dict(Stage.choices)
_PUSH = dict(PushMethod.choices)


@register.filter
def masked_phone(value: str) -> str:
    """A phone number masked (138****8000)."""
    return mask_phone(value)


@register.filter
def stage_labels(values) -> str:
    """Interaction stages as labels in the reader's language, joined by 、 (", " in English)."""
    return pgettext("enumeration", "、").join(str(_STAGES.get(v, v)) for v in values or [])


@register.filter
def push_label(value: str) -> str:
    """A push method as its label in the reader's language."""
    return str(_PUSH.get(value, value))


@register.filter
def sup_items(entry) -> list:
    """The supervision items of an entry in list order."""
    return [link.supervision_item for link in entry.links.all()]
