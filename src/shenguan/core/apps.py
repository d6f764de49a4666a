from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Core infrastructure (核心)."""

    name = "shenguan.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from .api_input import install_object_only_schemas

        install_object_only_schemas()
