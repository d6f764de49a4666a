"""Reads of the documents app: seals, a licence's documents, and the verification of a file."""

from __future__ import annotations

import hashlib
import io

from django.db.models import QuerySet

from shenguan.core.errors import NotFound, ValidationFailed

from . import crypto
from .models import DocumentState, ElectronicLicence, Seal

MAX_VERIFY_BYTES = 5 * 1024 * 1024


def seal_list(*, user) -> QuerySet[Seal]:
    """The seals of the jurisdictions the user sees."""
    return Seal.objects.restrict(user).select_related("department", "jurisdiction")


def seal_get(*, user, pk) -> Seal:
    s = seal_list(user=user).filter(pk=pk).first()
    if s is None:
        raise NotFound("not_found", "印章不存在或无权查看")
    return s


def public_seals(*, jurisdiction_id: int) -> QuerySet[Seal]:
    """The public seal register of a jurisdiction (active and retired seals, no key facts)."""
    return (
        Seal.objects.filter(jurisdiction_id=jurisdiction_id)
        .select_related("department")
        .order_by("state", "-retired_on", "id")
    )


def documents_for_licence(*, user, licence) -> QuerySet[ElectronicLicence]:
    """Every document of a licence, newest first (its history)."""
    return (
        ElectronicLicence.objects.restrict(user)
        .filter(licence_id=licence.pk)
        .select_related("seal")
        .defer("pdf")
        .order_by("-version")
    )


def document_get(*, user, pk) -> ElectronicLicence:
    doc = (
        ElectronicLicence.objects.restrict(user)
        .select_related("licence", "seal")
        .filter(pk=pk)
        .first()
    )
    if doc is None:
        raise NotFound("not_found", "电子证照不存在或无权查看")
    return doc


def current_documents(*, numbers: list[str]) -> dict[int, ElectronicLicence]:
    """The current document of each licence with one of these numbers, for the public page
    (no user: only the version, date and fingerprints are shown). {licence id: document}."""
    docs = (
        ElectronicLicence.objects.filter(licence__number__in=numbers, state=DocumentState.CURRENT)
        .select_related("seal")
        .defer("pdf")
    )
    return {d.licence_id: d for d in docs}


def _signer_fingerprint(data: bytes) -> str:
    """SHA-256 of the certificate that made the file's last signature, or ''."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        sigs = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if not sigs:
            return ""
        return hashlib.sha256(sigs[-1].signer_cert.dump()).hexdigest()
    except Exception:
        return ""


def verify_file(*, data: bytes) -> dict:
    """Verify an uploaded licence PDF (no login): the PAdES signature against the seal's
    certificate and CA, the stored SM2/SM3 signature of exactly these bytes, whether it is the
    current document of its number, and the licence's state in the register."""
    from shenguan.linkage.models import LicenceState

    if not data:
        raise ValidationFailed("empty_file", "请选择要核验的 PDF 文件", "file")
    if len(data) > MAX_VERIFY_BYTES:
        raise ValidationFailed("file_too_large", "文件过大：不得超过 5 MB", "file")
    if not data.startswith(b"%PDF-"):
        raise ValidationFailed("not_pdf", "文件不是 PDF 格式", "file")
    sha = hashlib.sha256(data).hexdigest()
    doc = (
        ElectronicLicence.objects.filter(sha256=sha)
        .exclude(state=DocumentState.PENDING)
        .select_related("seal", "licence", "licence__item", "licence__department")
        .defer("pdf")
        .first()
    )
    seal = doc.seal if doc else None
    if seal is None:
        fp = _signer_fingerprint(data)
        seal = Seal.objects.filter(certificate_sha256=fp).first() if fp else None
    out: dict = {
        "authentic": False,
        "pades_valid": False,
        "sm2_valid": False,
        "known_document": doc is not None,
        "current": False,
        "version": doc.version if doc else None,
        "seal": seal.name if seal else "",
        "signer": "",
        "signed_at": "",
        "sha256": sha,
        "licence": None,
        "verdict": "",
        "problems": [],
    }
    if seal is None or not seal.certificate_pem:
        out["problems"].append("签名证书不属于本平台登记的任何印章（伪造或非本平台签发）")
        pades = crypto.PadesResult()
    else:
        pades = crypto.pades_validate(
            data, ca_pem=seal.ca_certificate_pem, cert_pem=seal.certificate_pem
        )
        out["problems"].extend(pades.problems)
        out["signer"] = pades.signer
        out["signed_at"] = pades.signed_at
    out["pades_valid"] = pades.ok
    if doc is not None:
        out["sm2_valid"] = crypto.sm2_verify(
            doc.sm2_signature, data, public_key=doc.seal.sm2_public_key
        )
        if not out["sm2_valid"]:
            out["problems"].append("SM2 签名验证失败")
    elif pades.ok:
        out["problems"].append("签名有效，但该文件不是本平台签发并登记的版本")
    out["authentic"] = bool(out["pades_valid"] and out["sm2_valid"] and doc is not None)
    if doc is not None:
        lic = doc.licence
        out["current"] = doc.state == DocumentState.CURRENT
        holder = lic.holder_name
        if lic.holder_kind == "person":
            from shenguan.core.masking import mask_name

            holder = mask_name(holder)
        out["licence"] = {
            "number": lic.number,
            "item": lic.item.name,
            "holder": holder,
            "state": lic.state,
            "state_label": lic.get_state_display(),
            "state_since": lic.state_since,
            "valid_from": lic.valid_from,
            "valid_until": lic.valid_until,
            "issuer": lic.department.name,
        }
    if not out["authentic"]:
        out["verdict"] = "核验未通过：文件不是本平台签发的真实电子证照，或已被改动"
    elif not out["current"]:
        out["verdict"] = f"文件真实，但已被换发的新版本替换（本文件为第{doc.version}版）"
    elif out["licence"]["state"] != LicenceState.VALID:
        out["verdict"] = f"文件真实，但证照当前状态为：{out['licence']['state_label']}"
    else:
        out["verdict"] = "文件真实，为该证照的现行版本，证照状态有效"
    return out
