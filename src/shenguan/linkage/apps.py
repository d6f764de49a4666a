from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """审管联动: approval records, licences, pushes and claims, feedback, disposals, notices."""

    name = "shenguan.linkage"
    label = "linkage"
    verbose_name = "审管联动"

    def ready(self) -> None:
        from shenguan.core.demo import register_demo_step
        from shenguan.core.sheets.jobs import register_import_kind

        from . import home, sweeps
        from .demo import load_linkage_demo
        from .importer import run_records_job

        register_import_kind("linkage.records", run_records_job)
        sweeps.register()
        home.register()
        register_demo_step(30, "linkage", load_linkage_demo)
