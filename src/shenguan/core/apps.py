from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Core infrastructure (核心)."""

    name = "shenguan.core"
    label = "core"
    verbose_name = "核心"
