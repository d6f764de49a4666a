from django.apps import AppConfig


class PublicConfig(AppConfig):
    """公开信息."""

    name = "shenguan.public"
    label = "public"
    verbose_name = "公开信息"
