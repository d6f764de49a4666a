from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """审管联动: approval records, licences, pushes and claims, feedback, disposals, notices."""

    name = "shenguan.linkage"
    label = "linkage"
    verbose_name = "审管联动"

    def ready(self) -> None:
        from . import home, sweeps

        sweeps.register()
        home.register()
