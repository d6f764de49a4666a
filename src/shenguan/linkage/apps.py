from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """审管联动."""

    name = "shenguan.linkage"
    label = "linkage"
    verbose_name = "审管联动"
