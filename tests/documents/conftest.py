"""Fixtures of the documents tests: the linkage world of tests/linkage, a seal key store in a
temporary directory, and the bureau's seal generated for the test (never a committed key)."""

import pytest

from shenguan.documents import keys
from tests.linkage.conftest import (  # noqa: F401 - fixtures
    _fast_hasher,
    county_lk,
    lk,
)


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.SHENGUAN_SEAL_KEY_DIR = str(tmp_path / "seals")
    settings.SHENGUAN_PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
    keys._signers.clear()
    keys._sm2.clear()
    yield


@pytest.fixture
def seal(lk):  # noqa: F811 - the fixture above
    """The bureau's active licensing seal (local CA and certificate made now)."""
    from shenguan.documents import services

    return services.seal_generate(actor=None, department=lk.bureau)
