from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit trail (审计日志)."""

    name = "shenguan.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login, logout and failed-login events)
