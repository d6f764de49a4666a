"""The documents app: the seal register, signed e-licences and their public verification."""

from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Seals (印章) and electronic licences (电子证照)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "shenguan.documents"
    label = "documents"
    verbose_name = "电子证照与印章"

    def ready(self) -> None:
        from . import registry

        registry.register_all()
