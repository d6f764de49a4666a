"""E-licences: a granted case produces a signed PDF that pyHanko validates against the seal's CA,
whose text (pypdf) holds the holder and the number, whose QR (zxing-cpp) decodes to the public
verification URL, and whose SM2 signature checks with gmssl's own SM3 path; a change reissues;
a revoked licence's file stays authentic while verification reports 吊销; forgeries fail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction

from shenguan.documents import crypto, keys, render, services
from shenguan.documents import selectors as sel
from shenguan.documents.models import DocumentState, ElectronicLicence
from shenguan.linkage import services as lsvc
from shenguan.outbox.models import OutboxDelivery, OutboxEvent

from .helpers import complete_granted, pdf_text, qr_texts


def _pyhanko_status(pdf: bytes, ca_pem: str):
    """pyHanko's own verdict (the oracle), trusting only the seal's CA."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _t, _h, der = pem.unarmor(ca_pem.encode())
    vc = ValidationContext(trust_roots=[x509.Certificate.load(der)])
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(sig, vc)


@pytest.mark.django_db
def test_granted_case_issues_a_signed_licence(lk, seal):
    _rec, lic = complete_granted(
        lk,
        applicant_kind="legal",
        applicant_name="聊城市好味道餐饮有限公司",
        applicant_id_number="",
        applicant_uscc=_uscc(),
        legal_representative="李四",
    )
    doc = ElectronicLicence.objects.get(licence=lic)
    assert doc.state == DocumentState.CURRENT and doc.version == 1
    pdf = bytes(doc.pdf)
    status = _pyhanko_status(pdf, seal.ca_certificate_pem)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    text = pdf_text(pdf)
    assert "聊城市好味道餐饮有限公司" in text and lic.number in text and "李四" in text
    assert "食品经营许可" in text
    url = f"https://zwfw.example.gov.cn/public/licences/verify?number={lic.number}"
    assert qr_texts(pdf) == [url]
    # SM2: gmssl's own sign/verify path (pure-Python SM3 of Z||M) is the oracle
    from gmssl import sm2

    gm = sm2.CryptSM2(private_key="", public_key=seal.sm2_public_key)
    assert gm.verify_with_sm3(doc.sm2_signature, pdf)
    flipped = bytearray(pdf)
    flipped[len(pdf) // 2] ^= 0x01
    assert not crypto.sm2_verify(doc.sm2_signature, bytes(flipped), public_key=seal.sm2_public_key)
    # stored digests are the file's
    import hashlib

    assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
    assert OutboxEvent.objects.filter(
        event_type="elicence.issued", aggregate_id=str(doc.pk)
    ).exists()


def _uscc():
    from tests.linkage.conftest import COMPANY_USCC

    return COMPANY_USCC


@pytest.mark.django_db
def test_fast_sm2_path_matches_gmssl_both_ways(lk, seal):
    """Our SM3 (OpenSSL) + gmssl curve signature equals gmssl's pure-Python path."""
    from gmssl import sm2

    priv = keys.sm2_private(seal.key_ref)
    gm = sm2.CryptSM2(private_key=priv, public_key=seal.sm2_public_key)
    msg = "证照编号 XK-1".encode() * 50
    assert gm.verify_with_sm3(
        crypto.sm2_sign(msg, private_key=priv, public_key=seal.sm2_public_key), msg
    )
    assert crypto.sm2_verify(gm.sign_with_sm3(msg), msg, public_key=seal.sm2_public_key)
    assert not crypto.sm2_verify(gm.sign_with_sm3(msg), msg + b"x", public_key=seal.sm2_public_key)
    assert not crypto.sm2_verify("zz" * 64, msg, public_key=seal.sm2_public_key)


@pytest.mark.django_db
def test_person_holder_and_verification_of_the_file(lk, seal):
    _rec, lic = complete_granted(lk, case="LC-2026-0102")
    doc = ElectronicLicence.objects.get(licence=lic)
    out = sel.verify_file(data=bytes(doc.pdf))
    assert out["authentic"] and out["pades_valid"] and out["sm2_valid"] and out["current"]
    assert out["licence"]["number"] == lic.number
    assert out["licence"]["holder"] == "张*"  # a natural person's name is masked publicly
    assert out["verdict"].startswith("文件真实")


@pytest.mark.django_db
def test_revoked_licence_file_still_authentic_but_reported_revoked(lk, seal):
    _rec, lic = complete_granted(lk, case="LC-2026-0103")
    doc = ElectronicLicence.objects.get(licence=lic)
    lsvc.licence_transition(
        actor=lk.users["approver"],
        licence=lic,
        to_state="revoked",
        effective_on=dt.date.today(),
        decision_number="聊审批吊〔2026〕1号",
        reason="严重违法",
    )
    out = sel.verify_file(data=bytes(doc.pdf))
    assert out["authentic"] and out["pades_valid"] and out["sm2_valid"]
    assert out["licence"]["state"] == "revoked" and "吊销" in out["verdict"]
    ev = OutboxEvent.objects.get(event_type="elicence.state_changed")
    assert ev.payload["to_state"] == "revoked" and ev.payload["number"] == lic.number
    # the PDF did not change
    doc.refresh_from_db()
    assert doc.state == DocumentState.CURRENT


@pytest.mark.django_db
def test_forged_and_tampered_files_are_rejected(lk, seal, settings):
    _rec, lic = complete_granted(lk, case="LC-2026-0104")
    doc = ElectronicLicence.objects.get(licence=lic)
    # the same licence rendered and signed by another key (another CA)
    other = keys.demo_pki(key_ref="forger", organisation=lk.bureau.name)
    sheet = services.licence_sheet(lic, seal=seal, version=1)
    forged = crypto.pades_sign(
        render.licence_pdf(sheet),
        signer=keys.pades_signer("forger"),
        reason="x",
        location="y",
        name="z",
    )
    out = sel.verify_file(data=forged)
    assert not out["authentic"] and not out["pades_valid"]
    assert out["problems"]
    assert other.cert_pem not in str(out)
    # one byte changed inside the signed range
    pdf = bytearray(bytes(doc.pdf))
    i = pdf.index(lic.number.encode()) if lic.number.encode() in pdf else 200
    pdf[i] ^= 0x01
    out = sel.verify_file(data=bytes(pdf))
    assert not out["authentic"] and not out["sm2_valid"] and not out["known_document"]
    # bytes appended after the signature (an incremental update)
    out = sel.verify_file(data=bytes(doc.pdf) + b"\n% appended\n")
    assert not out["authentic"]
    # not a PDF at all
    from shenguan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        sel.verify_file(data=b"hello")


@pytest.mark.django_db
def test_reissue_keeps_the_old_version_superseded(lk, seal):
    _rec, lic = complete_granted(lk, case="LC-2026-0105")
    v1 = ElectronicLicence.objects.get(licence=lic)
    v2 = services.elicence_reissue(actor=lk.users["approver"], licence=lic, reason="地址变更")
    v1.refresh_from_db()
    assert (v1.state, v2.state, v2.version) == (DocumentState.SUPERSEDED, DocumentState.CURRENT, 2)
    assert v1.superseded_reason == "地址变更"
    old = sel.verify_file(data=bytes(v1.pdf))
    assert old["authentic"] and not old["current"] and "第1版" in old["verdict"]
    assert sel.verify_file(data=bytes(v2.pdf))["current"]
    assert "（第2版）" in pdf_text(bytes(v2.pdf))
    from shenguan.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="elicence.reissue", object_id=str(v2.pk)).exists()


@pytest.mark.django_db
def test_reissue_refused_to_another_department(lk, seal):
    from shenguan.core.errors import PermissionDenied

    _rec, lic = complete_granted(lk, case="LC-2026-0106")
    with pytest.raises(PermissionDenied):
        services.elicence_reissue(actor=lk.users["inspector"], licence=lic, reason="x")
    assert ElectronicLicence.objects.filter(licence=lic).count() == 1


@pytest.mark.django_db
def test_large_batch_is_signed_by_the_outbox_worker(lk, seal, settings):
    settings.SHENGUAN_ELICENCE_INLINE_MAX = 0
    _rec, lic = complete_granted(lk, case="LC-2026-0107")
    doc = ElectronicLicence.objects.get(licence=lic)
    assert doc.state == DocumentState.PENDING and not bytes(doc.pdf)
    delivery = OutboxDelivery.objects.get(channel=services.ESIGN_CHANNEL)
    assert services.deliver_esign(delivery).ok
    doc.refresh_from_db()
    assert doc.state == DocumentState.CURRENT and sel.verify_file(data=bytes(doc.pdf))["authentic"]
    assert services.deliver_esign(delivery).ok  # idempotent


@pytest.mark.django_db
def test_no_active_seal_issues_no_document(lk):
    _rec, lic = complete_granted(lk, case="LC-2026-0108")
    assert not ElectronicLicence.objects.filter(licence=lic).exists()


@pytest.mark.django_db
def test_retired_seal_signs_nothing_but_its_files_verify(lk, seal):
    _rec, lic = complete_granted(lk, case="LC-2026-0109")
    doc = ElectronicLicence.objects.get(licence=lic)
    services.seal_retire(
        actor=None, seal=seal, retired_on=dt.date.today(), retirement_memo="密钥更换"
    )
    _rec2, lic2 = complete_granted(lk, case="LC-2026-0110")
    assert not ElectronicLicence.objects.filter(licence=lic2).exists()
    assert sel.verify_file(data=bytes(doc.pdf))["authentic"]


@pytest.mark.django_db
def test_seal_management_is_the_security_administrators(lk):
    from shenguan.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.seal_generate(actor=lk.users["approver"], department=lk.bureau)
    w = lk.extra["world"]
    s = services.seal_generate(actor=w.users["security_admin"], department=lk.bureau)
    from shenguan.audit.models import AuditEvent

    ev = AuditEvent.objects.get(action="seal.generate", object_id=str(s.pk))
    assert ev.after["key_ref"] == s.key_ref and "PRIVATE" not in str(ev.after)


@pytest.mark.django_db
def test_completion_rolls_back_with_its_document(lk, seal):
    """A completion that fails after the hook leaves no e-licence (same transaction)."""
    from tests.linkage.conftest import record_data

    data = record_data(lk.food, case_number="LC-2026-0111")
    with pytest.raises(RuntimeError), transaction.atomic():
        lsvc.record_create(actor=lk.users["approver"], data=data, complete=True)
        raise RuntimeError("after")
    assert not ElectronicLicence.objects.exists()


@pytest.mark.django_db
def test_operator_registers_keys_placed_in_the_key_store(lk, seal):
    """`shenguan seal register`: a PKCS#12 and SM2 key put in the key directory by the operator
    become the active seal (the previous one retired); a certificate from another CA is refused."""
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    pki = keys.demo_pki(key_ref="prod-2027", organisation=lk.bureau.name)
    other = keys.demo_pki(key_ref="other-ca", organisation="别的机构")
    ca_file = keys.key_dir() / "ca.pem"
    ca_file.write_text(other.ca_pem)
    with pytest.raises(CommandError, match="bad_chain"):
        call_command("seal", "register", department=lk.bureau.pk, ref="prod-2027", ca=str(ca_file))
    ca_file.write_text(pki.ca_pem)
    out = StringIO()
    call_command(
        "seal", "register", department=lk.bureau.pk, ref="prod-2027", ca=str(ca_file), stdout=out
    )
    seal.refresh_from_db()
    assert seal.state == "retired"
    new = services.signing_seal(lic := complete_granted(lk, case="LC-2026-0120")[1])
    assert new.key_ref == "prod-2027" and new.sm2_public_key == pki.sm2_public
    doc = ElectronicLicence.objects.get(licence=lic)
    assert doc.seal_id == new.pk and sel.verify_file(data=bytes(doc.pdf))["authentic"]
    out = StringIO()
    call_command("seal", "sm2-keygen", ref="fresh", stdout=out)
    assert out.getvalue().startswith("SM2 public key: ")
    with pytest.raises(CommandError, match="refusing"):
        call_command("seal", "sm2-keygen", ref="fresh")
    call_command(
        "seal",
        "retired",
        department=lk.reg_a.pk,
        name="原市场监管局行政审批专用章",
        date="2021-09-01",
        memo="划转后停止使用",
        stdout=StringIO(),
    )
    listing = StringIO()
    call_command("seal", "list", stdout=listing)
    assert "原市场监管局行政审批专用章" in listing.getvalue()
    assert "prod-2027" in listing.getvalue()
    assert keys.sm2_private("fresh") not in listing.getvalue() + out.getvalue()


@pytest.mark.django_db
def test_garbage_uploads_are_rejected_without_errors(lk, seal):
    """Truncated, spliced and random files that start like a PDF give a verdict, never a 500."""
    import random

    _rec, lic = complete_granted(lk, case="LC-2026-0130")
    pdf = bytes(ElectronicLicence.objects.get(licence=lic).pdf)
    rnd = random.Random(14)
    samples = [
        pdf[: len(pdf) // 2],
        pdf[:-200],
        b"%PDF-1.7\n" + bytes(rnd.getrandbits(8) for _ in range(4000)),
        pdf.replace(b"/ByteRange", b"/ByteRangX"),
        pdf.replace(b"/Contents <", b"/Contents (", 1),
        b"%PDF-1.4\n%%EOF",
    ]
    for data in samples:
        out = sel.verify_file(data=data)
        assert not out["authentic"] and out["verdict"].startswith("核验未通过")
