"""The event types a webhook can subscribe to (订阅事件), registered by the apps that emit them,
so that the subscription form offers a list instead of names typed by hand (issue 12 item 10).

    from shenguan.outbox.event_types import register_event_types
    register_event_types({"push.created": "审批结果推送", "alert.*": "全部预警事件"})
"""

from __future__ import annotations

_TYPES: dict[str, str] = {}


def register_event_types(types: dict[str, str]) -> None:
    """Add event types (exact names or 'family.*') with their Chinese descriptions."""
    _TYPES.update(types)


def event_type_choices() -> list[tuple[str, str]]:
    """(name, "name — description") of every registered type, sorted by name."""
    return [(k, f"{k} — {v}") for k, v in sorted(_TYPES.items())]


def known_event_types() -> set[str]:
    return set(_TYPES)


register_event_types(
    {
        "webhook.ping": "测试推送",
        "audit.checkpoint": "审计日志检查点",
        "org.*": "组织机构的全部变更",
    }
)
