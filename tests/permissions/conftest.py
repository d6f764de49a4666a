"""The matrix world, built once per test module inside a transaction rolled back at the end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from shenguan.org import services as org
from shenguan.org.models import ApiToken, User
from shenguan.org.roles import ADMIN_ROLES, Role

from .registry import Actor, MatrixWorld


def build_matrix_world() -> MatrixWorld:
    """A city and a county (tests/factories.World), one user actor per role in each, a token
    actor per business role in the city, and four owner departments."""
    from tests.factories import World

    w = World.build()
    actors: list[Actor] = []
    for tag, users in (("city", w.users), ("county", w.county_users)):
        for key, u in users.items():
            u = User.objects.select_related("department__jurisdiction__parent").get(pk=u.pk)
            c = Client()
            c.force_login(u)
            actors.append(
                Actor(
                    label=f"{tag}:{key}",
                    kind="user",
                    principal=u,
                    roles=frozenset(u.role_set),
                    department=u.department,
                    client=c,
                )
            )
    for role in Role:
        if role in ADMIN_ROLES:
            continue
        dept = w.users[role.value].department  # a department that may hold the role
        tok, plain = org.token_create(
            actor=None,
            department=dept,
            name=f"矩阵令牌-{role.value}",
            roles={role.value},
            expires_at=timezone.now() + dt.timedelta(days=30),
            rate_limit_per_minute=100000,
        )
        tok = ApiToken.objects.select_related("department__jurisdiction__parent").get(pk=tok.pk)
        actors.append(
            Actor(
                label=f"token:{role.value}",
                kind="token",
                principal=tok,
                roles=frozenset(tok.roles),
                department=tok.department,
                token=plain,
                client=Client(),
            )
        )
    depts = {**w.depts, **{f"county_{k}": v for k, v in w.county_depts.items()}}
    owners = [w.depts["bureau"], w.depts["reg_a"], w.depts["reg_b"], w.county_depts["reg_a"]]
    return MatrixWorld(city=w.city, county=w.county, depts=depts, actors=actors, owners=owners)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """Built once per module; every test runs in a savepoint inside this transaction."""
    from django.conf import settings

    hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cache.clear()
            yield build_matrix_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.PASSWORD_HASHERS = hashers
            cache.clear()
