"""Fixtures of the credit tests: the linkage world of tests/linkage (liaocheng-2021)."""

from tests.linkage.conftest import (  # noqa: F401 - fixtures
    _fast_hasher,
    county_lk,
    lk,
    yiyang,
)
