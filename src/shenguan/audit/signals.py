"""Login, logout, failed-login and lockout events recorded in the audit chain."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Outcome
from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).select_related("department").first()
    audit_record(
        actor=AnonymousUser(),
        actor_name=username or "（未提供用户名）",
        action="auth.login_failed",
        obj=("org.user", user.pk) if user else None,
        outcome=Outcome.DENIED,
        jurisdiction_id=user.jurisdiction_id if user else None,
        department_id=user.department_id if user else None,
        after={"username": username},
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes locked an account after repeated failures (登录锁定)."""
    name = str(username or "")[:150]
    user = get_user_model().objects.filter(username=name).select_related("department").first()
    audit_record(
        actor=AnonymousUser(),
        actor_name=name or "（未提供用户名）",
        action="auth.locked_out",
        obj=("org.user", user.pk) if user else None,
        outcome=Outcome.DENIED,
        jurisdiction_id=user.jurisdiction_id if user else None,
        department_id=user.department_id if user else None,
        after={"username": name, "ip": ip_address or ""},
    )
