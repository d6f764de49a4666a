from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """事项清单."""

    name = "shenguan.catalog"
    label = "catalog"
    verbose_name = "事项清单"
