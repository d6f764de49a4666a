"""Fixtures of the portal tests: those of the shell tests (compiled translations, a fast
password hasher, the demo organisation)."""

from tests.core.conftest import (  # noqa: F401
    _compiled_messages,
    _fast_password_hashing,
    demo_org,
)
