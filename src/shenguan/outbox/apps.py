from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Outbox and webhooks (消息投递)."""

    name = "shenguan.outbox"
    label = "outbox"
    verbose_name = "消息投递"

    def ready(self) -> None:
        from .audit_anchor import register_audit_anchoring
        from .channels import register_builtin_channels
        from .navigation import register_navigation
        from .sweeps import register_builtin_sweeps

        register_builtin_channels()
        register_builtin_sweeps()
        register_navigation()
        register_audit_anchoring()
