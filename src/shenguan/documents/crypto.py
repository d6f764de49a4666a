"""Signing and checking a licence PDF: PAdES with pyHanko, and a detached SM2/SM3 signature.

The SM2 signature is the GB/T 32918 signature (with the default user ID 1234567812345678) over
SM3(Z || PDF bytes), r||s in 128 hex digits. gmssl does the curve arithmetic; the SM3 of the
whole file is computed by OpenSSL (through `cryptography`), because gmssl's pure-Python SM3
takes seconds on a 100 KB file. It is a detached signature stored beside the licence, not a
GB/T 38540 electronic-seal (SES) structure embedded in the file (ADR 0039).
"""

from __future__ import annotations

import binascii
import io
from dataclasses import dataclass, field

# GB/T 32918 default distinguishing identifier "1234567812345678", 128 bits.
_SM2_ID = "0080" + "31323334353637383132333435363738"


def _sm3(data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes

    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def sm3_hex(data: bytes) -> str:
    """SM3 digest of bytes (hex)."""
    return _sm3(data).hex()


def _e(public_key: str, data: bytes) -> bytes:
    """SM3(Z_A || M) of GB/T 32918.2 (Z_A from the curve, the ID and the public key)."""
    from gmssl import sm2

    t = sm2.default_ecc_table
    z = binascii.a2b_hex(_SM2_ID + t["a"] + t["b"] + t["g"] + public_key)
    return _sm3(_sm3(z) + data)


def sm2_sign(data: bytes, *, private_key: str, public_key: str) -> str:
    """SM2 signature of `data` with SM3 (r||s, 128 hex digits)."""
    import secrets

    from gmssl import sm2

    crypt = sm2.CryptSM2(private_key=private_key, public_key=public_key)
    e = _e(public_key, data)
    while True:
        k = f"{secrets.randbelow(int(sm2.default_ecc_table['n'], 16) - 1) + 1:064x}"
        sig = crypt.sign(e, k)
        if sig:
            return sig


def sm2_verify(signature: str, data: bytes, *, public_key: str) -> bool:
    """True when `signature` (r||s hex) is a valid SM2/SM3 signature of `data`."""
    from gmssl import sm2

    if not isinstance(signature, str) or len(signature) != 128:
        return False
    try:
        int(signature, 16)
    except ValueError:
        return False
    crypt = sm2.CryptSM2(private_key="", public_key=public_key)
    try:
        return bool(crypt.verify(signature, _e(public_key, data)))
    except (ValueError, TypeError, ZeroDivisionError):
        return False


def pades_sign(pdf: bytes, *, signer, reason: str, location: str, name: str) -> bytes:
    """Sign a PDF as PAdES baseline B (CAdES detached, ETSI.CAdES.detached) in a new field."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="ShenguanSeal",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=name,
    )
    # a fixed reservation skips pyHanko's dry run that sizes the signature (half the time)
    out = signers.PdfSigner(meta, signer=signer).sign_pdf(writer, bytes_reserved=16384)
    return out.getvalue()


@dataclass
class PadesResult:
    """What the PAdES check of a file found."""

    signed: bool = False
    intact: bool = False  # the signed bytes hash to the signed digest, the CMS signature holds
    trusted: bool = False  # the signer's chain ends at the seal's CA
    seal_certificate: bool = False  # signed by exactly the seal's certificate
    whole_file: bool = False  # no bytes after the signed revision
    signer: str = ""
    signed_at: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and self.seal_certificate and self.whole_file


def pades_validate(pdf: bytes, *, ca_pem: str, cert_pem: str) -> PadesResult:
    """Check the file's last signature against the seal's CA and certificate (offline: no
    revocation fetching; the seal's certificate is compared byte for byte)."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    res = PadesResult()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception:  # any unreadable upload is "not a valid PDF", never a 500
        res.problems.append("文件不是有效的 PDF")
        return res
    if not sigs:
        res.problems.append("文件没有电子签名")
        return res
    res.signed = True
    sig = sigs[-1]

    def _cert(text: str):
        _t, _h, der = pem.unarmor(text.encode())
        return x509.Certificate.load(der)

    ca = _cert(ca_pem)
    seal = _cert(cert_pem)
    vc = ValidationContext(trust_roots=[ca], allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(sig, vc)
    except Exception as exc:
        res.problems.append(f"签名结构无法解析（{type(exc).__name__}）")
        return res
    res.intact = bool(status.intact and status.valid)
    res.trusted = bool(status.trusted)
    cert = status.signing_cert
    res.seal_certificate = cert is not None and cert.dump() == seal.dump()
    res.signer = cert.subject.human_friendly if cert is not None else ""
    if status.signer_reported_dt:
        res.signed_at = status.signer_reported_dt.isoformat()
    coverage = getattr(status, "coverage", None)
    res.whole_file = coverage is not None and coverage.name == "ENTIRE_FILE"
    if not res.intact:
        res.problems.append("签名值与文件内容不符（文件签名后被改动）")
    if not res.trusted:
        res.problems.append("签名证书不是由本平台印章根证书签发")
    elif not res.seal_certificate:
        res.problems.append("签名证书不是该印章的证书")
    if res.intact and not res.whole_file:
        res.problems.append("签名之后文件被追加修改")
    return res
