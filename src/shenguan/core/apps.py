from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Core infrastructure (核心)."""

    name = "shenguan.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from .api_input import install_object_only_schemas

        install_object_only_schemas()
        from .demo import load_organisation, register_demo_step
        from .home import register_role_homes

        register_demo_step(10, "organisation", load_organisation)
        register_role_homes()
