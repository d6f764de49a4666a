from django.apps import AppConfig


class OrgConfig(AppConfig):
    """Organisation (组织机构)."""

    name = "shenguan.org"
    label = "org"
    verbose_name = "组织机构"
