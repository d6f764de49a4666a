from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Core infrastructure (核心)."""

    name = "shenguan.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from .api_input import install_object_only_schemas

        install_object_only_schemas()

        # Required fields are marked (issue 12 item 10): every form's labels of required fields
        # get class "required" (app.css adds a red asterisk), unless a form sets its own.
        from django import forms

        forms.BaseForm.required_css_class = "required"
