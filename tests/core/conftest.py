"""Fixtures of the shell tests: compiled translations and the demo organisation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def compile_messages() -> None:
    """Compile the .po catalogues when stale (what `make messages` does), so that tests run
    directly with pytest see the English interface too."""
    spec = importlib.util.spec_from_file_location(
        "compile_messages", ROOT / "scripts" / "compile_messages.py"
    )
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("compile_messages", mod)
    spec.loader.exec_module(mod)
    for po in mod.po_files():
        if mod.is_stale(po):
            mod.compile_file(po, po.with_suffix(".mo"))


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages():
    compile_messages()


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.1 s a hash by design; tests that build many accounts use a fast hasher.
    test_security checks that the configured hasher is argon2."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def demo_org(db):
    """The demo organisation (step 10 of `shenguan demo_load`)."""
    from shenguan.portal.demo import load_organisation

    load_organisation()
