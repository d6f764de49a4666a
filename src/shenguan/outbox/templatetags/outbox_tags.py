"""Template tags of the outbox pages: the unread-notification count for the header badge."""

from django import template

register = template.Library()


@register.simple_tag
def unread_notification_count(user) -> int:
    """How many unread notifications the signed-in user has (0 for anyone else)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    from shenguan.outbox.selectors import notification_unread_count

    return notification_unread_count(user=user)


_STATUS_TAGS = {
    "delivered": "tag tag-ok",
    "pending": "tag tag-info",
    "in_flight": "tag tag-info",
    "dead": "tag tag-bad",
    "cancelled": "tag",
}


@register.filter
def status_tag(status: str) -> str:
    """The CSS classes of a delivery state's tag."""
    return _STATUS_TAGS.get(status, "tag")


@register.filter
def pretty_json(value) -> str:
    """JSON indented for reading (Chinese kept as is)."""
    import json

    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


@register.filter
def compact_json(value) -> str:
    """JSON on one line (empty for None)."""
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
