from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """Policy profiles (政策配置)."""

    name = "shenguan.policy"
    label = "policy"
    verbose_name = "政策配置"

    def ready(self) -> None:
        # Deadline purposes are registered by the apps that define them (see services.py);
        # this app defines none.
        from django.utils.translation import gettext_lazy as _

        from shenguan.core.navigation import NavEntry, register_nav

        register_nav(
            NavEntry(label=_("政策配置"), url_name="policy:list", group=_("参考信息"), order=45)
        )
