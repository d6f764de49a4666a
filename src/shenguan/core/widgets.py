"""A picker searched on the server (自动补全) for choices too many for a <select> (issue 12 item
10: item pickers rendered 20,000 options, 0.9 MB a page). Used on a ModelChoiceField: the page
holds only the chosen value; typing asks `url` for at most 20 matches (htmx, served locally), a
click on one sets the hidden value (static/shenguan/app.js). Validation stays the field's: one
`queryset.get(pk=…)`, never the whole list."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _

PICK_LIMIT = 20


class AutocompleteSelect(forms.Widget):
    """A hidden input with the chosen primary key, a search box and a result list."""

    def __init__(self, url: str, attrs=None, placeholder: str = ""):
        super().__init__(attrs)
        self.url = url
        self.placeholder = placeholder
        self.choices = ()

    def _label(self, value) -> str:
        if value in (None, ""):
            return ""
        qs = getattr(self.choices, "queryset", None)
        field = getattr(self.choices, "field", None)
        if qs is None:
            return str(value)
        try:
            obj = qs.filter(pk=value).first()
        except (TypeError, ValueError):
            return ""
        if obj is None:
            return ""
        return field.label_from_instance(obj) if field is not None else str(obj)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        ident = attrs.get("id") or f"id_{name}"
        required = " required" if self.is_required else ""
        value = "" if value is None else str(value)
        return format_html(
            '<div class="autocomplete" data-autocomplete data-testid="pick-{name}">'
            '<input type="hidden" name="{name}" value="{value}" data-pick-target>'
            '<input type="search" id="{ident}" name="{name}__q" value="{label}" autocomplete="off"'
            ' placeholder="{ph}" role="combobox" aria-autocomplete="list"'
            ' aria-controls="{ident}_results" aria-expanded="false"'
            ' hx-get="{url}" hx-trigger="input changed delay:250ms" hx-sync="this:replace"'
            ' hx-target="#{ident}_results" hx-vals=\'{{"field": "{name}"}}\'{required}>'
            '<ul class="autocomplete-results" id="{ident}_results" role="listbox"></ul></div>',
            name=name,
            value=value,
            ident=ident,
            label=self._label(value),
            ph=self.placeholder or _("输入名称或编码搜索"),
            url=self.url,
            required=required,
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


def pick_response(request, qs, *, search_fields: tuple[str, ...], label=str):
    """The result list of a picker: at most PICK_LIMIT objects whose search fields contain the
    typed text (`<name>__q`), as <li> options."""
    from django.db.models import Q
    from django.http import HttpResponse
    from django.utils.html import format_html_join

    field = str(request.GET.get("field") or "")[:64]
    q = str(request.GET.get(f"{field}__q") or request.GET.get("q") or "").strip()[:100]
    if q:
        cond = Q()
        for f in search_fields:
            cond |= Q(**{f"{f}__icontains": q})
        qs = qs.filter(cond)
    rows = list(qs[: PICK_LIMIT + 1])
    items = format_html_join(
        "",
        '<li role="option"><button type="button" class="link" data-pick-value="{}"'
        ' data-pick-label="{}">{}</button></li>',
        ((o.pk, label(o), label(o)) for o in rows[:PICK_LIMIT]),
    )
    more = (
        format_html('<li class="muted small">{}</li>', _("结果较多，请输入更多文字"))
        if len(rows) > PICK_LIMIT
        else ""
    )
    none = format_html('<li class="muted small">{}</li>', _("没有匹配的结果")) if not rows else ""
    resp = HttpResponse(items + more + none)
    resp["Cache-Control"] = "no-store"
    return resp
