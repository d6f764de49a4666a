"""Helpers of the documents tests."""

from __future__ import annotations

import io

from shenguan.linkage import services as lsvc
from tests.linkage.conftest import record_data


def complete_granted(lk, case: str = "LC-2026-0101", **over):
    """Register and complete a granted case with a licence (approver of the bureau)."""
    data = record_data(lk.food, case_number=case, **over)
    rec = lsvc.record_create(actor=lk.users["approver"], data=data, complete=True)
    from shenguan.linkage.models import Licence

    return rec, Licence.objects.get(record=rec)


def pdf_text(data: bytes) -> str:
    """The text of every page, extracted by pypdf (an independent PDF reader)."""
    import pypdf

    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def qr_texts(data: bytes) -> list[str]:
    """Decode every QR code among the page images with zxing-cpp (independent decoder)."""
    import pypdf
    import zxingcpp

    out = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for im in page.images:
            out += [b.text for b in zxingcpp.read_barcodes(im.image)]
    return out
