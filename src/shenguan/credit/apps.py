"""The credit app: credit checks at acceptance, 告知承诺 follow-up, 双公示 pushes, warnings."""

from __future__ import annotations

from django.apps import AppConfig


class CreditConfig(AppConfig):
    """信用联动: joint punishment, the warning library and the credit platform."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "shenguan.credit"
    label = "credit"
    verbose_name = "信用联动"

    def ready(self) -> None:
        from . import registry

        registry.register_all()
