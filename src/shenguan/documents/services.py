"""Writes of the documents app: seals (印章) and electronic licences (电子证照).

Issuing: linkage's RECORDS_COMPLETED gives the licences a completion entered in the register;
each gets version 1 of its e-licence, rendered and signed by the jurisdiction's active seal in
the same transaction when the batch is small (`SHENGUAN_ELICENCE_INLINE_MAX`), or queued as a
pending document that the outbox worker signs (channel `esign`) when an import completes many
cases at once. A change (变更) reissues: a new version, the old one kept and marked superseded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from . import crypto, keys, render
from .models import DocumentState, ElectronicLicence, LicenceTemplate, Seal, SealState

log = logging.getLogger("shenguan.documents")

ESIGN_CHANNEL = "esign"
SYSTEM_NAME = "系统"


def _actor_name(actor) -> str:
    if actor is None:
        return SYSTEM_NAME
    return str(getattr(actor, "display_name", "") or actor)[:150]


def _require_seal_manager(actor, jurisdiction_id: int) -> None:
    if actor is None:
        return
    if not actor.can(Perm.SEAL_MANAGE):
        raise PermissionDenied("forbidden", "无权管理印章（须安全管理员）")
    if jurisdiction_id not in actor.visible_jurisdiction_ids:
        raise PermissionDenied("forbidden", "只能管理本辖区的印章")


def _clean_text(value, field: str, label: str, max_len: int, *, required=False) -> str:
    text = ("" if value is None else str(value)).strip()
    if required and not text:
        raise ValidationFailed("required", f"请填写{label}", field)
    if len(text) > max_len:
        raise ValidationFailed("too_long", f"{label}不得超过{max_len}个字符", field)
    return text


def _cert_facts(cert_pem: str) -> dict:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(cert_pem.encode())
    except ValueError:
        raise ValidationFailed(
            "bad_certificate", "签名证书不是有效的 PEM 证书", "certificate_pem"
        ) from None
    from cryptography.hazmat.primitives import serialization

    der = cert.public_bytes(serialization.Encoding.DER)
    return {
        "certificate_sha256": hashlib.sha256(der).hexdigest(),
        "certificate_subject": cert.subject.rfc4514_string()[:300],
        "certificate_not_after": cert.not_valid_after_utc,
    }


def _seal_view(seal: Seal) -> dict:
    """What the audit trail keeps of a seal: never key material, only its reference."""
    return {
        "name": seal.name,
        "department_id": seal.department_id,
        "state": seal.state,
        "key_ref": seal.key_ref,
        "certificate_sha256": seal.certificate_sha256,
        "sm2_public_key": seal.sm2_public_key,
        "enabled_on": seal.enabled_on,
        "retired_on": seal.retired_on,
        "retirement_memo": seal.retirement_memo,
    }


def seal_generate(
    *, actor, department, name: str = "", seal_text: str = "", key_ref: str = ""
) -> Seal:
    """Make a local CA, the seal's certificate (PKCS#12) and an SM2 key pair in the key store
    and register the seal as the department's active licensing seal (small deployments and the
    demo; production registers a certificate issued by its CA, ADR 0039). Retires the seal the
    department used before."""
    _require_seal_manager(actor, department.jurisdiction_id)
    name = _clean_text(name or f"{department.name}行政审批专用章", "name", "印章名称", 100)
    seal_text = _clean_text(seal_text or department.name, "seal_text", "印文", 60)
    key_ref = (
        key_ref
        or f"seal-{department.jurisdiction_id}-{department.pk}-{timezone.now():%Y%m%d%H%M%S}"
    )
    if not key_ref.replace("-", "").replace("_", "").isalnum():
        raise ValidationFailed("bad_key_ref", "密钥引用只能包含字母、数字、-、_", "key_ref")
    pki = keys.demo_pki(
        key_ref=key_ref, organisation=department.name, region=department.jurisdiction.name
    )
    return _activate(
        actor,
        {
            "name": name,
            "seal_text": seal_text,
            "key_ref": key_ref,
            "certificate_pem": pki.cert_pem,
            "ca_certificate_pem": pki.ca_pem,
            "sm2_public_key": pki.sm2_public,
            **_cert_facts(pki.cert_pem),
        },
        department,
        "seal.generate",
    )


def _activate(actor, seal_kwargs: dict, department, action: str) -> Seal:
    """Create the department's new active seal, retiring the one it used before."""
    today = timezone.localdate()
    with transaction.atomic():
        for old in Seal.objects.select_for_update().filter(
            department_id=department.pk, state=SealState.ACTIVE
        ):
            before = _seal_view(old)
            old.state = SealState.RETIRED
            old.retired_on = today
            old.retirement_memo = "启用新的电子印章密钥，原密钥停用"
            old.save(update_fields=["state", "retired_on", "retirement_memo"])
            audit_record(
                actor=actor, action="seal.retire", obj=old, before=before, after=_seal_view(old)
            )
        seal = Seal.objects.create(
            jurisdiction_id=department.jurisdiction_id,
            department=department,
            state=SealState.ACTIVE,
            enabled_on=today,
            **seal_kwargs,
        )
        audit_record(actor=actor, action=action, obj=seal, after=_seal_view(seal))
    return seal


def seal_register(
    *, actor, department, key_ref: str, ca_pem: str, name: str = "", seal_text: str = ""
) -> Seal:
    """Register a seal whose keys the security administrator put in the key store: the
    PKCS#12 archive `<ref>.p12` (certificate issued by the deployment's CA, passphrase in
    SHENGUAN_SEAL_PASSPHRASE) and the SM2 key `<ref>.sm2`. Checks that the archive opens, that
    its certificate chains to `ca_pem`, and a test signature with both keys; then activates it."""
    _require_seal_manager(actor, department.jurisdiction_id)
    from asn1crypto import pem as asn1pem
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    signer = keys.pades_signer(key_ref)
    cert_pem = asn1pem.armor("CERTIFICATE", signer.signing_cert.dump()).decode()
    try:
        ca = x509.load_pem_x509_certificate(ca_pem.encode())
        x509.load_pem_x509_certificate(cert_pem.encode()).verify_directly_issued_by(ca)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(
            "bad_chain", "签名证书不是由所给根证书签发", "ca_certificate_pem"
        ) from exc
    from gmssl import sm2

    priv = keys.sm2_private(key_ref)
    pub = sm2.CryptSM2(private_key=priv, public_key="")._kg(
        int(priv, 16), sm2.default_ecc_table["g"]
    )
    probe = b"shenguan seal probe"
    if not crypto.sm2_verify(
        crypto.sm2_sign(probe, private_key=priv, public_key=pub), probe, public_key=pub
    ):
        raise ValidationFailed("bad_sm2_key", "SM2 密钥无法完成签名验证", "key_ref")
    name = _clean_text(name or f"{department.name}行政审批专用章", "name", "印章名称", 100)
    seal_text = _clean_text(seal_text or department.name, "seal_text", "印文", 60)
    return _activate(
        actor,
        {
            "name": name,
            "seal_text": seal_text,
            "key_ref": key_ref,
            "certificate_pem": cert_pem,
            "ca_certificate_pem": ca.public_bytes(serialization.Encoding.PEM).decode(),
            "sm2_public_key": pub,
            **_cert_facts(cert_pem),
        },
        department,
        "seal.register",
    )


def seal_register_retired(
    *, actor, department, name: str, retired_on, retirement_memo: str, seal_text: str = ""
) -> Seal:
    """Enter a department's retired licensing seal (划转后停用的原审批专用章) in the public
    register, with the date and the document that retired it (001 二(二))."""
    _require_seal_manager(actor, department.jurisdiction_id)
    name = _clean_text(name, "name", "印章名称", 100, required=True)
    memo = _clean_text(retirement_memo, "retirement_memo", "废止依据", 300, required=True)
    if not isinstance(retired_on, dt.date):
        try:
            retired_on = dt.date.fromisoformat(str(retired_on))
        except ValueError:
            raise ValidationFailed(
                "bad_date", "废止日期格式应为 YYYY-MM-DD", "retired_on"
            ) from None
    with transaction.atomic():
        seal = Seal.objects.create(
            jurisdiction_id=department.jurisdiction_id,
            department=department,
            name=name,
            seal_text=_clean_text(seal_text or department.name, "seal_text", "印文", 60),
            state=SealState.RETIRED,
            retired_on=retired_on,
            retirement_memo=memo,
        )
        audit_record(actor=actor, action="seal.register_retired", obj=seal, after=_seal_view(seal))
    return seal


def seal_retire(*, actor, seal: Seal, retired_on, retirement_memo: str) -> Seal:
    """Retire a seal (停用印章): it signs nothing more; documents it signed still verify."""
    _require_seal_manager(actor, seal.jurisdiction_id)
    memo = _clean_text(retirement_memo, "retirement_memo", "废止依据", 300, required=True)
    if not isinstance(retired_on, dt.date):
        try:
            retired_on = dt.date.fromisoformat(str(retired_on))
        except ValueError:
            raise ValidationFailed(
                "bad_date", "废止日期格式应为 YYYY-MM-DD", "retired_on"
            ) from None
    with transaction.atomic():
        s = Seal.objects.select_for_update().get(pk=seal.pk)
        if s.state == SealState.RETIRED:
            raise Conflict("already_retired", "该印章已废止", "state")
        before = _seal_view(s)
        s.state = SealState.RETIRED
        s.retired_on = retired_on
        s.retirement_memo = memo
        s.save(update_fields=["state", "retired_on", "retirement_memo"])
        audit_record(actor=actor, action="seal.retire", obj=s, before=before, after=_seal_view(s))
    return s


# --- electronic licences -----------------------------------------------------------------------


def signing_seal(licence, *, seals: list[Seal] | None = None) -> Seal | None:
    """The seal that signs a licence: the issuing department's active seal, else the
    jurisdiction's (one seal for the bureau, 一枚印章管审批). `seals`: the active seals of
    the licence's jurisdiction, when the caller has read them already."""
    if seals is None:
        seals = list(Seal.objects.filter(jurisdiction_id=licence.jurisdiction_id, state="active"))
    seals = [s for s in seals if s.can_sign and s.jurisdiction_id == licence.jurisdiction_id]
    for s in seals:
        if s.department_id == licence.department_id:
            return s
    return seals[0] if seals else None


def verify_url(number: str) -> str:
    """The public verification URL printed in the QR code."""
    from urllib.parse import urlencode

    base = getattr(settings, "SHENGUAN_PUBLIC_BASE_URL", "").rstrip("/")
    return f"{base}{reverse('public:licence_verify')}?{urlencode({'number': number})}"


def licence_sheet(licence, *, seal: Seal, version: int) -> render.LicenceSheet:
    """What the licence prints, from the register, the item's template and the seal."""
    tpl = LicenceTemplate.objects.filter(item_id=licence.item_id).first()
    person = licence.holder_kind == "person"
    return render.LicenceSheet(
        title=tpl.title if tpl else "行政许可证",
        number=licence.number,
        holder_name=licence.holder_name,
        holder_code_label="公民身份号码" if person else "统一社会信用代码",
        holder_code=licence.holder_code,
        legal_representative="" if person else licence.legal_representative,
        item_name=licence.item.name,
        scope=tpl.scope if tpl and tpl.scope else "",
        valid_from=licence.valid_from,
        valid_until=licence.valid_until,
        issuer=seal.department.name,
        issued_on=licence.issued_on,
        decision_number=licence.decision_number,
        verify_url=verify_url(licence.number),
        seal_text=seal.seal_text,
        version=version,
        seal_image=bytes(seal.image or b""),
        note=tpl.note if tpl else "",
    )


def sign_document(doc: ElectronicLicence) -> ElectronicLicence:
    """Render and sign a pending document (PAdES by the seal's certificate, then SM2/SM3 over
    the signed bytes) and make it the licence's current one. Runs in the caller's transaction."""
    seal = doc.seal
    lic = doc.licence
    pdf = render.licence_pdf(licence_sheet(lic, seal=seal, version=doc.version))
    signed = crypto.pades_sign(
        pdf,
        signer=keys.pades_signer(seal.key_ref),
        reason=f"{seal.department.name}依法颁发{lic.item.name}证照",
        location=lic.jurisdiction.name,
        name=seal.name,
    )
    doc.pdf = signed
    doc.size = len(signed)
    doc.sha256 = hashlib.sha256(signed).hexdigest()
    doc.sm3 = crypto.sm3_hex(signed)
    doc.sm2_signature = crypto.sm2_sign(
        signed, private_key=keys.sm2_private(seal.key_ref), public_key=seal.sm2_public_key
    )
    doc.state = DocumentState.CURRENT
    doc.issued_at = timezone.now()
    doc.error = ""
    doc.save()
    return doc


def _emit_issued(doc: ElectronicLicence) -> None:
    lic = doc.licence
    outbox_emit(
        event_type="elicence.issued",
        jurisdiction_id=lic.jurisdiction_id,
        payload={
            "licence_id": lic.pk,
            "number": lic.number,
            "version": doc.version,
            "sha256": doc.sha256,
            "sm2_signature": doc.sm2_signature,
            "seal": doc.seal.name,
        },
        department_ids=[lic.department_id],
        aggregate=doc,
    )


def _new_document(
    *, licence, seal: Seal, version: int, reason: str, actor, at
) -> ElectronicLicence:
    return ElectronicLicence.objects.create(
        jurisdiction_id=licence.jurisdiction_id,
        licence=licence,
        version=version,
        seal=seal,
        reason=reason,
        requested_at=at,
        issued_by_name=_actor_name(actor),
    )


def elicences_issue(*, actor, licences: list, at=None, reason: str = "准予许可，发证") -> list:
    """Issue version 1 of the e-licence of each licence (inside the caller's transaction):
    signed now for a small batch, queued for the outbox worker for a large one. Licences of a
    jurisdiction without an active seal get none (the licence page says so)."""
    at = at or timezone.now()
    inline = len(licences) <= getattr(settings, "SHENGUAN_ELICENCE_INLINE_MAX", 20)
    out = []
    active = list(
        Seal.objects.filter(
            jurisdiction_id__in={lic.jurisdiction_id for lic in licences}, state="active"
        ).select_related("department")
    )
    for lic in licences:
        seal = signing_seal(lic, seals=active)
        if seal is None:
            continue
        doc = _new_document(licence=lic, seal=seal, version=1, reason=reason, actor=actor, at=at)
        if inline:
            sign_document(doc)
            _emit_issued(doc)
        else:
            outbox_emit(
                event_type="elicence.requested",
                jurisdiction_id=lic.jurisdiction_id,
                payload={"document_id": doc.pk, "number": lic.number},
                aggregate=doc,
                extra=[(ESIGN_CHANNEL, {"document_id": doc.pk})],
            )
        out.append(doc)
    if out:
        audit_record(
            actor=actor,
            action="elicence.issue",
            obj=("documents.electroniclicence", out[0].pk),
            jurisdiction_id=out[0].jurisdiction_id,
            after={
                "documents": [
                    {"licence": d.licence.number, "version": d.version, "state": d.state}
                    for d in out
                ]
            },
        )
    return out


def elicence_reissue(*, actor, licence, reason: str) -> ElectronicLicence:
    """Reissue a licence's document after a change (变更补发): a new version from the register
    as it is now, signed by the active seal; the old version is kept, marked superseded."""
    if actor is not None and (
        not actor.can(Perm.DISPOSAL_RECORD) or actor.department_id != licence.department_id
    ):
        raise PermissionDenied("forbidden", "只有发证部门的审批人员可以换发电子证照")
    reason = _clean_text(reason, "reason", "换发原因", 200, required=True)
    if licence.state != "valid":
        raise Conflict("licence_not_valid", "证照不在有效状态，不能换发电子证照", "state")
    seal = signing_seal(licence)
    if seal is None:
        raise Conflict("no_seal", "本辖区没有启用的电子印章，请联系安全管理员", "seal")
    now = timezone.now()
    with transaction.atomic():
        from shenguan.linkage.models import Licence

        Licence.objects.select_for_update().filter(pk=licence.pk).first()
        prior = list(
            ElectronicLicence.objects.select_for_update()
            .filter(licence_id=licence.pk)
            .order_by("-version")
        )
        version = (prior[0].version + 1) if prior else 1
        for old in prior:
            if old.state != DocumentState.SUPERSEDED:
                old.state = DocumentState.SUPERSEDED
                old.superseded_at = now
                old.superseded_reason = reason
                old.save(update_fields=["state", "superseded_at", "superseded_reason"])
        doc = _new_document(
            licence=licence, seal=seal, version=version, reason=reason, actor=actor, at=now
        )
        sign_document(doc)
        _emit_issued(doc)
        audit_record(
            actor=actor,
            action="elicence.reissue",
            obj=doc,
            after={"licence": licence.number, "version": version, "reason": reason},
        )
    return doc


def esign_pending(document_id: int) -> ElectronicLicence:
    """Sign one queued document (the outbox worker's `esign` channel); idempotent."""
    with transaction.atomic():
        doc = (
            ElectronicLicence.objects.select_for_update()
            .select_related("seal", "licence")
            .filter(pk=document_id)
            .first()
        )
        if doc is None:
            raise NotFound("not_found", "电子证照不存在")
        if doc.state != DocumentState.PENDING:
            return doc
        sign_document(doc)
        _emit_issued(doc)
        audit_record(
            actor=None,
            action="elicence.sign",
            obj=doc,
            after={"licence": doc.licence.number, "version": doc.version},
        )
    return doc


def deliver_esign(delivery):
    """Outbox channel handler: sign the document the delivery names."""
    from shenguan.outbox.channels import Outcome

    doc_id = (delivery.target or {}).get("document_id")
    try:
        esign_pending(int(doc_id))
    except NotFound:
        return Outcome(ok=False, cancel=True, error="document not found")
    except keys.KeyUnavailable as exc:
        return Outcome(ok=False, error=exc.code)
    return Outcome(ok=True)
