"""The oversight app: e-monitoring, supervision follow-up, bulletins, escalation, scores."""

from __future__ import annotations

from django.apps import AppConfig


class OversightConfig(AppConfig):
    """E-monitoring (电子监察) and the mechanisms that make departments act on time."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "shenguan.oversight"
    label = "oversight"
    verbose_name = "电子监察与督办"

    def ready(self) -> None:
        from . import registry

        registry.register_all()
