from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit trail (审计日志)."""

    name = "shenguan.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from shenguan.core.audit_hooks import register_audit_hooks

        from . import checks, signals  # noqa: F401  (deploy checks; login and logout events)
        from .services import audit_denied, audit_record

        register_audit_hooks(record=audit_record, denied=audit_denied)
