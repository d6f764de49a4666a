from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """Policy profiles (政策配置)."""

    name = "shenguan.policy"
    label = "policy"
    verbose_name = "政策配置"
