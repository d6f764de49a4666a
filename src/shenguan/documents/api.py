"""The documents API (/api/v1/documents/): seals, e-licences, and the public file verification."""

from __future__ import annotations

from typing import Annotated

from django.conf import settings
from ninja import File, Query, Router, Status, UploadedFile

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import Conflict, NotFound, RateLimited
from shenguan.core.ratelimit import over_public_limit

from . import selectors as sel
from . import services as svc
from .schemas import (
    DocumentOut,
    PublicSealOut,
    ReissueIn,
    SealOut,
    SealRetireIn,
    VerifyFileOut,
)
from .views import pdf_response

router = Router(tags=["documents"])

READ = error_responses(404)
WRITE = error_responses(400, 403, 404, 409)


@router.get("/seals", response={200: list[SealOut], **READ}, summary="印章列表")
def seal_list(request):
    """The seals of the caller's jurisdictions (public parts only: never key material)."""
    return list(sel.seal_list(user=request.auth))


@router.post("/seals/{int:seal_id}/retire", response={200: SealOut, **WRITE}, summary="废止印章")
def seal_retire(request, seal_id: int, payload: SealRetireIn):
    """Retire a seal (security administrator); documents it signed still verify."""
    seal = sel.seal_get(user=request.auth, pk=seal_id)
    return svc.seal_retire(actor=request.auth, seal=seal, **payload.dict())


@router.get(
    "/public/seals",
    response={200: list[PublicSealOut], **error_responses(404)},
    auth=None,
    summary="印章公示（无需认证）",
)
def public_seals(request, jurisdiction: Annotated[str, Query(max_length=40)]):
    """A jurisdiction's seal register: the seal in use and the retired departmental seals."""
    from shenguan.catalog import selectors as catalog

    j = catalog.public_jurisdictions().filter(code=jurisdiction).first()
    if j is None:
        raise NotFound("not_found", "行政区划不存在或未公开", "jurisdiction")
    return [
        {
            "name": s.name,
            "department": s.department.name,
            "state": s.state,
            "state_label": s.get_state_display(),
            "enabled_on": s.enabled_on,
            "retired_on": s.retired_on,
            "retirement_memo": s.retirement_memo,
            "certificate_sha256": s.certificate_sha256,
        }
        for s in sel.public_seals(jurisdiction_id=j.pk)
    ]


@router.get(
    "/licences/{int:licence_id}/elicences",
    response={200: list[DocumentOut], **READ},
    summary="证照的电子证照版本",
)
def licence_documents(request, licence_id: int):
    """Every version of a licence's e-licence, newest first."""
    from shenguan.linkage import selectors as linkage

    lic = linkage.licence_get(user=request.auth, pk=licence_id)
    return list(sel.documents_for_licence(user=request.auth, licence=lic))


@router.post(
    "/licences/{int:licence_id}/reissue",
    response={201: DocumentOut, **WRITE},
    summary="换发电子证照（变更）",
)
def licence_reissue(request, licence_id: int, payload: ReissueIn):
    """Issue a new version from the register as it is now; the old one is kept, superseded."""
    from shenguan.linkage import selectors as linkage

    lic = linkage.licence_get(user=request.auth, pk=licence_id)
    doc = svc.elicence_reissue(actor=request.auth, licence=lic, reason=payload.reason)
    return Status(201, doc)


@router.get(
    "/elicences/{int:document_id}/pdf",
    response={200: None, **error_responses(404, 409)},
    summary="下载电子证照 PDF",
    openapi_extra={
        "responses": {200: {"description": "PDF", "content": {"application/pdf": {"schema": {}}}}}
    },
)
def document_pdf(request, document_id: int):
    """The signed PDF of one version."""
    doc = sel.document_get(user=request.auth, pk=document_id)
    if doc.state == "pending":
        raise Conflict("pending", "电子证照正在签章，请稍后再试")
    return pdf_response(doc)


@router.post(
    "/verify",
    response={200: VerifyFileOut, **error_responses(400)},
    auth=None,
    summary="电子证照文件公开核验（无需认证）",
)
def verify_file(
    request, file: Annotated[UploadedFile, File(description="电子证照 PDF，不超过 5 MB")]
):
    """Check an e-licence PDF: PAdES against the seal's certificate and CA, the stored SM2/SM3
    signature, whether it is the current version, and the licence's state in the register."""
    limit = getattr(settings, "SHENGUAN_VERIFY_RATE_LIMIT_PER_MINUTE", 60)
    left = over_public_limit(request, "verify", per_minute=limit)
    if left is not None:
        err = RateLimited("rate_limited", f"核验请求过于频繁：每分钟不得超过 {limit} 次")
        err.retry_after = left
        raise err
    return sel.verify_file(data=file.read(sel.MAX_VERIFY_BYTES + 1))
