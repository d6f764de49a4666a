"""Forms of the review pages (validation is the services'; these only carry the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Conclusion, StepKind


class RequestForm(forms.Form):
    step_kind = forms.ChoiceField(label=_("技术环节"), choices=StepKind.choices)
    question = forms.CharField(
        label=_("请求事项"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("未等待答复的理由"), max_length=500)


class AnswerForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("结论"), choices=Conclusion.choices)
    reasons = forms.CharField(
        label=_("条件或理由"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    performers = forms.CharField(label=_("实施人员"), max_length=300)
    signing_leader = forms.CharField(label=_("签发领导"), max_length=50)
    opinion_date = forms.DateField(
        label=_("意见日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
