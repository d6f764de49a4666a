"""Forms of the outbox pages: a webhook endpoint, the filters of the delivery list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, DeliveryStatus


class EndpointForm(forms.Form):
    """A webhook endpoint (Webhook 订阅): department, address, subscribed events, description."""

    department = forms.ModelChoiceField(queryset=None, label=_("部门"))
    url = forms.CharField(
        label=_("接收地址"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    event_choices = forms.MultipleChoiceField(
        label=_("订阅事件"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"data-testid": "event-choices"}),
        help_text=_("勾选要接收的事件；都不勾选且下方也不填写表示订阅全部事件"),
    )
    event_types = forms.CharField(
        label=_("其他事件类型"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "每行一个事件类型，或用逗号分隔，如 org.* 或 webhook.ping；留空表示订阅全部事件"
        ),
    )
    description = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, departments=None, editing: bool = False, **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        if "event_types" in initial:  # split the saved list: offered types ticked, others typed
            from .event_types import known_event_types

            known = known_event_types()
            saved = [t for t in str(initial["event_types"]).split() if t]
            initial["event_choices"] = [t for t in saved if t in known]
            initial["event_types"] = "\n".join(t for t in saved if t not in known)
        super().__init__(*args, initial=initial, **kwargs)
        from .event_types import event_type_choices

        self.fields["event_choices"].choices = event_type_choices()
        if editing:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = departments
            self.fields["department"].label_from_instance = lambda d: (
                f"{d.jurisdiction.name} · {d.name}"
            )

    def clean(self):
        """The subscribed types: the ticked ones and those typed, one list for the service."""
        d = super().clean()
        picked = list(d.get("event_choices") or [])
        typed = str(d.get("event_types") or "").strip()
        d["event_types"] = "\n".join([*picked, typed] if typed else picked)
        return d


class DisableForm(forms.Form):
    """Why an endpoint is stopped (停用原因)."""

    reason = forms.CharField(label=_("停用原因"), required=False, max_length=200)


class DeliveryFilterForm(forms.Form):
    """Filters of the delivery list: state, channel, endpoint, event type."""

    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *list(DeliveryStatus.choices)]
    )
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部")), *list(Channel.choices)]
    )
    endpoint = forms.IntegerField(label=_("订阅编号"), required=False, min_value=1)
    event_type = forms.CharField(label=_("事件类型"), required=False, max_length=64)

    def filters(self) -> dict:
        """The valid filters as a dict for the selector (invalid values are ignored)."""
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "status": d.get("status") or None,
            "channel": d.get("channel") or None,
            "endpoint_id": d.get("endpoint"),
            "event_type": (d.get("event_type") or "").strip() or None,
        }
