"""The documents demo steps: the bureaus' seals (keys made on first run), Liaocheng's retired
departmental seals, e-licences of the demo cases, one reissue; idempotent."""

from __future__ import annotations

import pytest

from shenguan.core.demo import demo_steps
from shenguan.documents import selectors as sel
from shenguan.documents.models import ElectronicLicence, Seal

pytestmark = pytest.mark.django_db


def test_demo_steps_issue_signed_licences_idempotently(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    names = ("organisation", "catalog", "documents_seals", "linkage", "documents")
    steps = [s for s in demo_steps() if s.name in names]
    assert [s.name for s in steps] == list(names)
    for s in steps:
        s.func()
    first = (Seal.objects.count(), ElectronicLicence.objects.count())
    for s in steps:
        s.func()
    assert (Seal.objects.count(), ElectronicLicence.objects.count()) == first
    lc = Seal.objects.filter(jurisdiction__code="371500")
    assert lc.filter(state="active").count() == 1 and lc.filter(state="retired").count() == 2
    assert Seal.objects.filter(jurisdiction__code="430971", state="active").exists()
    docs = ElectronicLicence.objects.filter(licence__jurisdiction__code="371500")
    assert docs.filter(version=2, state="current").exists()
    assert docs.filter(state="superseded").exists()
    assert not docs.filter(state="pending").exists()
    cancelled = docs.filter(licence__state="cancelled", state="current").first()
    assert cancelled is not None
    out = sel.verify_file(data=bytes(cancelled.pdf))
    assert out["authentic"] and out["licence"]["state"] == "cancelled"
    # a food licence prints its template's title
    from .helpers import pdf_text

    food = docs.filter(licence__item__code="37150000SC0005").first()
    assert "食品经营许可证" in pdf_text(bytes(food.pdf))
