from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """审管联动: approval records, licences, pushes and claims, feedback, disposals, notices."""

    name = "shenguan.linkage"
    label = "linkage"
    verbose_name = "审管联动"

    def ready(self) -> None:
        from shenguan.core.demo import register_demo_step

        from . import home, sweeps
        from .demo import load_linkage_demo

        sweeps.register()
        home.register()
        register_demo_step(30, "linkage", load_linkage_demo)
