from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The portal (门户): what orchestrates the other apps — the role homes and the demo
    organisation — on top of every app, so that core imports none (ADR 0020)."""

    name = "shenguan.portal"
    label = "portal"
    verbose_name = "门户"

    def ready(self) -> None:
        from shenguan.core.demo import register_demo_step

        from .demo import load_organisation
        from .home import register_role_homes

        register_demo_step(10, "organisation", load_organisation)
        register_role_homes()
