"""Permission-matrix cases of the documents app (电子证照与印章).

The rule, stated independently of the selectors: an e-licence is seen exactly by whoever sees
its licence (the issuing bureau, the departments its case was pushed to, oversight in reach);
administrators see none. A seal is seen by every user whose jurisdiction reach covers it (the
register is public anyway; the API lists only the caller's jurisdictions).
"""

from __future__ import annotations

import json
import tempfile

from django.test import override_settings

from shenguan.documents import services as docs
from shenguan.documents.models import ElectronicLicence, Seal
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind

from .cases_linkage import licence_visible, make_licence
from .registry import Case, in_reach, register, unique

API = "/api/v1/documents"
_KEYS = tempfile.mkdtemp(prefix="sg-matrix-seals-")


def _bureau(dept: Department) -> Department:
    return Department.objects.get(jurisdiction_id=dept.jurisdiction_id, kind=DepartmentKind.BUREAU)


def make_document(world, dept):
    """The e-licence issued when a case of `dept`'s scope is completed (seal made first)."""
    with override_settings(SHENGUAN_SEAL_KEY_DIR=_KEYS):
        bureau = _bureau(dept)
        if not Seal.objects.filter(department=bureau, state="active").exists():
            docs.seal_generate(actor=None, department=bureau)
        lic = make_licence(world, dept)
    return ElectronicLicence.objects.select_related("licence", "licence__record").get(licence=lic)


def document_visible(actor, doc, world) -> bool:
    return licence_visible(actor, doc.licence, world)


def make_seal(world, dept):
    return docs.seal_register_retired(
        actor=None,
        department=dept,
        name=unique("矩阵印章"),
        retired_on="2021-09-01",
        retirement_memo="划转后停用",
    )


def seal_visible(actor, seal, world) -> bool:
    return in_reach(actor, seal.jurisdiction)


def _list_contains(resp, obj) -> bool:
    return any(item.get("id") == obj.pk for item in json.loads(resp.content))


register(
    Case(
        name="documents.page.elicence.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/documents/elicences/{o.pk}/pdf",
        make=make_document,
        visible=document_visible,
    )
)
register(
    Case(
        name="documents.api.elicence.detail",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/elicences/{o.pk}/pdf",
        make=make_document,
        visible=document_visible,
    )
)
register(
    Case(
        name="documents.api.licence.elicences",
        kind="detail",
        channel="api",
        url=lambda o: f"{API}/licences/{o.licence_id}/elicences",
        make=make_document,
        visible=document_visible,
    )
)
register(
    Case(
        name="documents.api.seal.list",
        kind="list",
        channel="api",
        url=lambda o: f"{API}/seals",
        make=make_seal,
        visible=seal_visible,
        present=_list_contains,
    )
)
