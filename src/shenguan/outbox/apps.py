from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Outbox and webhooks (消息投递)."""

    name = "shenguan.outbox"
    label = "outbox"
    verbose_name = "消息投递"
