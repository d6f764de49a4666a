"""Fixtures of the oversight tests: the linkage world of tests/linkage (items, routes,
liaisons); helpers are in helpers.py."""

from tests.linkage.conftest import (  # noqa: F401 - fixtures
    _fast_hasher,
    county_lk,
    lk,
    yiyang,
)
