"""The review app: the interactions of the bureau and the regulators before a decision."""

from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Technical steps, written opinions of regulators, experts and their random draws."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "shenguan.review"
    label = "review"
    verbose_name = "审批过程审管互动"

    def ready(self) -> None:
        from . import registry

        registry.register_all()
