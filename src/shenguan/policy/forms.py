"""Forms of the policy pages: clone, edit parameters (from PolicyParams), assign, recompute."""

from __future__ import annotations

import types
import typing

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .params import (
    BULLETIN_PERIOD_LABELS,
    CLAIM_MODE_LABELS,
    PARAM_GROUPS,
    ClaimMode,
    PolicyParams,
    param_title,
)
from .services import params_problems


class CloneForm(forms.Form):
    """A new profile derived from this one (复制配置)."""

    code = forms.SlugField(
        label=_("新配置代码"),
        max_length=40,
        help_text=_("3–40 位小写字母、数字或连字符，如 liaocheng-2021-dongchang"),
        error_messages={
            "required": _("请填写新配置代码"),
            "invalid": _("代码只能包含小写字母、数字或连字符"),
        },
    )
    name = forms.CharField(
        label=_("新配置名称"), max_length=100, error_messages={"required": _("请填写新配置名称")}
    )
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _bounds(field_info) -> dict:
    """The ge/le/gt/lt bounds pydantic keeps in a field's metadata."""
    out = {}
    for m in field_info.metadata:
        for attr, key in (
            ("ge", "min_value"),
            ("le", "max_value"),
            ("gt", "gt"),
            ("lt", "lt"),
            ("max_length", "max_length"),
        ):
            if getattr(m, attr, None) is not None:
                out[key] = getattr(m, attr)
    return out


def _is_optional(annotation) -> tuple[bool, object]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return True, args[0]
    return False, annotation


def param_field(name: str) -> forms.Field:
    """A form field for one profile parameter, with messages that name it (built per request,
    in the interface language)."""
    info = PolicyParams.model_fields[name]
    title = param_title(name)
    t = {"title": title}
    optional, base = _is_optional(info.annotation)
    msgs = {
        "required": gettext("请填写“%(title)s”") % t,
        "invalid": gettext("“%(title)s”格式无效") % t,
        "invalid_choice": gettext("“%(title)s”的取值不在允许范围内") % t,
    }
    if base is ClaimMode:
        return forms.TypedChoiceField(
            label=title,
            choices=[(m.value, CLAIM_MODE_LABELS[m]) for m in ClaimMode],
            error_messages=msgs,
        )
    if name == "bulletin_period":
        return forms.ChoiceField(
            label=title, choices=list(BULLETIN_PERIOD_LABELS.items()), error_messages=msgs
        )
    if base is bool:
        return forms.BooleanField(label=title, required=False)
    b = _bounds(info)
    if base is int:
        # %(limit_value)s is filled in by Django's validator
        t |= {"limit_value": "%(limit_value)s"}
        msgs |= {
            "invalid": gettext("“%(title)s”须为整数") % t,
            "min_value": gettext("“%(title)s”不得小于 %(limit_value)s") % t,
            "max_value": gettext("“%(title)s”不得大于 %(limit_value)s") % t,
        }
        return forms.IntegerField(
            label=title,
            required=not optional,
            min_value=b.get("min_value"),
            max_value=b.get("max_value"),
            error_messages=msgs,
            help_text=_("留空表示不适用") if optional else "",
        )
    if base is float:
        msgs |= {"invalid": gettext("“%(title)s”须为数字") % t}
        return forms.FloatField(
            label=title,
            required=not optional,
            error_messages=msgs,
            help_text=_("0 与 1 之间的小数，如 0.9 表示 90%"),
            widget=forms.NumberInput(attrs={"step": "0.01"}),
        )
    # free text whose default is empty (e.g. a waiver's reason) may stay empty
    return forms.CharField(
        label=title,
        required=not optional and info.default != "",
        max_length=b.get("max_length"),
        error_messages=msgs,
    )


class ParamsForm(forms.Form):
    """Every parameter of a profile (修改配置参数), grouped as on the detail page."""

    note = forms.CharField(
        label=_("变更说明"),
        max_length=300,
        required=False,
        help_text=_("如：依据某某文件调整认领时限"),
    )

    def __init__(self, *args, current: dict, **kwargs):
        initial = {**current}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.current = current
        for _group, names in PARAM_GROUPS:
            for name in names:
                self.fields[name] = param_field(name)
        self.fields["note"] = self.fields.pop("note")

    def groups(self) -> list[tuple[str, list]]:
        """Bound fields by group, for the template."""
        return [(gettext(g), [self[n] for n in names]) for g, names in PARAM_GROUPS]

    def params(self) -> dict:
        """The cleaned parameters (only those of PolicyParams)."""
        return {k: v for k, v in self.cleaned_data.items() if k in PolicyParams.model_fields}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for p in params_problems({**self.current, **self.params()}):
            self.add_error(p["field"] if p["field"] in self.fields else None, p["message"])
        return data


class AssignForm(forms.Form):
    """Put a jurisdiction under this profile (指定行政区划)."""

    jurisdiction = forms.ModelChoiceField(
        label=_("行政区划"),
        queryset=None,
        error_messages={
            "required": _("请选择行政区划"),
            "invalid_choice": _("行政区划不存在或无权操作"),
        },
    )

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        self.fields["jurisdiction"].label_from_instance = lambda j: (
            gettext("%(name)s（%(code)s）— 现用 %(profile)s")
            % {"name": j.name, "code": j.code, "profile": j.profile.code}
        )


class RecomputeForm(forms.Form):
    """The administrator's explicit confirmation of a recompute (确认重算)."""

    confirm = forms.BooleanField(
        label=_("我已了解：进行中的时限将按当前版本的参数重新计算截止日期"),
        error_messages={"required": _("请勾选确认后再重算")},
    )
