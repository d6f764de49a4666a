"""Panels the documents app adds to linkage pages: the e-licence on the licence and case pages,
and the file verification on the public verification page."""

from __future__ import annotations

from shenguan.org.roles import Perm


def licence_panel(request, lic) -> dict | None:
    """On a licence page: the document history (every version), download, reissue."""
    from . import selectors as sel
    from .services import signing_seal

    user = request.user
    docs = list(sel.documents_for_licence(user=user, licence=lic))
    can_reissue = (
        lic.state == "valid"
        and user.can(Perm.DISPOSAL_RECORD)
        and user.department_id == lic.department_id
    )
    return {
        "lic": lic,
        "docs": docs,
        "current": next((d for d in docs if d.state == "current"), None),
        "can_reissue": can_reissue,
        "no_seal": not docs and signing_seal(lic) is None,
    }


def record_panel(request, record) -> dict | None:
    """On a case page: the e-licence the completion issued, if any."""
    from .models import ElectronicLicence

    doc = (
        ElectronicLicence.objects.restrict(request.user)
        .filter(licence__record_id=record.pk, state="current")
        .select_related("licence")
        .defer("pdf")
        .first()
    )
    if doc is None:
        return None
    return {"doc": doc}


def verify_panel(request, found) -> dict | None:
    """On the public verification page: each found licence's current e-licence, and the form
    to verify a downloaded or received PDF."""
    from . import selectors as sel

    docs = {}
    if found:
        docs = sel.current_documents(numbers=[lic.number for lic in found])
    return {"docs": list(docs.values())}
