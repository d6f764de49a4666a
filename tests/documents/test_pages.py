"""Pages and API of the documents app: the public verification page (number look-up, case-
insensitive, rate-limited, with the file upload), downloads, reissue, the seal register, and
the scan that no page, API answer, audit row or log line carries key material."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shenguan.documents import crypto, keys, render, services
from shenguan.documents.models import ElectronicLicence
from tests.api.conftest import Api, issue_token

from .helpers import complete_granted

pytestmark = pytest.mark.django_db


def test_public_page_verifies_number_case_insensitively_and_offers_upload(lk, seal):
    _rec, lic = complete_granted(lk, case="lc-abc-1")
    c = Client()
    r = c.get("/public/licences/verify", {"number": lic.number.lower()})
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="verify-result"' in html
    assert lic.number in html and 'data-testid="elicence-current"' in html
    assert 'data-testid="verify-file-form"' in html
    assert 'data-testid="public-verify-link"' in c.get("/public/").content.decode()


def test_public_upload_reports_authentic_then_revoked(lk, seal):
    import datetime as dt

    from shenguan.linkage import services as lsvc

    _rec, lic = complete_granted(lk, case="LC-UP-1")
    pdf = bytes(ElectronicLicence.objects.get(licence=lic).pdf)
    c = Client()
    r = c.post("/documents/verify", {"file": SimpleUploadedFile("a.pdf", pdf)})
    assert r.status_code == 200
    assert "文件真实，为该证照的现行版本" in r.content.decode()
    lsvc.licence_transition(
        actor=lk.users["approver"],
        licence=lic,
        to_state="revoked",
        effective_on=dt.date.today(),
        decision_number="聊审批吊〔2026〕2号",
        reason="违法",
    )
    html = c.post("/documents/verify", {"file": SimpleUploadedFile("a.pdf", pdf)}).content.decode()
    assert "吊销" in html and 'data-testid="verify-file-state"' in html
    bad = c.post("/documents/verify", {"file": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert bad.status_code == 422 and "文件不是 PDF 格式" in bad.content.decode()


def test_api_verify_and_rate_limit(lk, seal, settings):
    _rec, lic = complete_granted(lk, case="LC-API-1")
    pdf = bytes(ElectronicLicence.objects.get(licence=lic).pdf)
    c = Client()
    r = c.post("/api/v1/documents/verify", {"file": SimpleUploadedFile("a.pdf", pdf)})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["authentic"] and body["current"] and body["licence"]["number"] == lic.number
    settings.SHENGUAN_VERIFY_RATE_LIMIT_PER_MINUTE = 1
    r = c.get("/api/v1/linkage/verify", {"number": lic.number})
    assert r.status_code == 429 and r["Retry-After"]
    assert c.get("/public/licences/verify", {"number": lic.number}).status_code == 429
    r = c.post("/api/v1/documents/verify", {"file": SimpleUploadedFile("a.pdf", pdf)})
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"


def test_approver_downloads_and_reissues_from_the_licence_page(lk, seal):
    rec, lic = complete_granted(lk, case="LC-PG-1")
    c = Client()
    c.force_login(lk.users["approver"])
    page = c.get(f"/linkage/licences/{lic.pk}/").content.decode()
    assert 'data-testid="elicence-panel"' in page and "elicence-download" in page
    assert (
        'data-testid="elicence-record-panel"'
        in c.get(f"/linkage/records/{rec.pk}/").content.decode()
    )
    doc = ElectronicLicence.objects.get(licence=lic)
    r = c.get(f"/documents/elicences/{doc.pk}/pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content == bytes(doc.pdf)
    r = c.post(f"/documents/licences/{lic.pk}/reissue", {"reason": "名称变更"})
    assert r.status_code == 302
    assert ElectronicLicence.objects.filter(licence=lic).count() == 2
    # a regulator the case was pushed to sees the document but may not reissue
    other = Client()
    other.force_login(lk.users["regulator_liaison"])
    assert other.post(f"/documents/licences/{lic.pk}/reissue", {"reason": "x"}).status_code == 403


def test_api_lists_versions_and_reissues(lk, seal):
    _rec, lic = complete_granted(lk, case="LC-API-2")
    _tok, plain = issue_token(lk.bureau, "approver", name="审批系统")
    api = Api(token=plain)
    r = api.post(f"documents/licences/{lic.pk}/reissue", {"reason": "法定代表人变更"})
    assert r.status_code == 201, r.content
    versions = api.get(f"documents/licences/{lic.pk}/elicences").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert [v["state"] for v in versions] == ["current", "superseded"]
    r = api.post(f"documents/licences/{lic.pk}/reissue", {"reason": ""})
    assert r.status_code == 422 and r.json()["field"] == "reason"


def test_public_seal_register_shows_retired_seals(lk, seal):
    import datetime as dt

    services.seal_register_retired(
        actor=None,
        department=lk.reg_a,
        name="市场监管局行政审批专用章",
        retired_on=dt.date(2021, 9, 1),
        retirement_memo="事项划转后停止使用",
    )
    r = Client().get(f"/api/v1/documents/public/seals?jurisdiction={lk.j.code}")
    assert r.status_code == 200
    names = [s["name"] for s in r.json()]
    assert "市场监管局行政审批专用章" in names
    html = Client().get(f"/documents/seals/public/{lk.j.code}/").content.decode()
    assert "事项划转后停止使用" in html and "2021-09-01" in html
    assert (
        'data-testid="public-seals-link"' in Client().get(f"/public/{lk.j.code}/").content.decode()
    )
    assert Client().get("/api/v1/documents/public/seals?jurisdiction=999999").status_code == 404


def test_seal_page_generates_for_the_security_administrator_only(lk):
    w = lk.extra["world"]
    c = Client()
    c.force_login(lk.users["approver"])
    assert c.post("/documents/seals/", {"department": lk.bureau.pk}).status_code == 403
    c.force_login(w.users["security_admin"])
    r = c.post("/documents/seals/", {"department": lk.bureau.pk})
    assert r.status_code == 302
    assert "行政审批专用章" in c.get("/documents/seals/").content.decode()


def test_no_key_material_in_pages_api_audit_or_logs(lk, caplog):
    """Generate, sign, list, verify and audit; no output contains a private key, the PKCS#12
    archive or its passphrase."""
    caplog.set_level(logging.DEBUG)
    w = lk.extra["world"]
    c = Client()
    c.force_login(w.users["security_admin"])
    c.post("/documents/seals/", {"department": lk.bureau.pk})
    seal = services.signing_seal(
        type("L", (), {"jurisdiction_id": lk.j.pk, "department_id": lk.bureau.pk})()
    )
    d = keys.key_dir()
    secrets_ = [
        (d / f"{seal.key_ref}.sm2").read_text().strip(),
        (d / f"{seal.key_ref}.pass").read_text().strip(),
    ]
    p12 = (d / f"{seal.key_ref}.p12").read_bytes()
    import base64

    secrets_ += [base64.b64encode(p12[:48]).decode(), p12[:48].hex()]
    _rec, lic = complete_granted(lk, case="LC-KEY-1")
    doc = ElectronicLicence.objects.get(licence=lic)
    outputs = [
        c.get("/documents/seals/").content.decode(),
        c.get("/api/v1/documents/seals").content.decode(),
    ]
    a = Client()
    a.force_login(lk.users["approver"])
    outputs += [
        a.get(f"/linkage/licences/{lic.pk}/").content.decode(),
        a.get(f"/api/v1/documents/licences/{lic.pk}/elicences").content.decode(),
        Client()
        .post("/documents/verify", {"file": SimpleUploadedFile("a.pdf", bytes(doc.pdf))})
        .content.decode(),
        bytes(doc.pdf).decode("latin-1"),
    ]
    from shenguan.audit.models import AuditEvent
    from shenguan.outbox.models import OutboxEvent

    outputs += [
        json.dumps([e.before, e.after], ensure_ascii=False) for e in AuditEvent.objects.all()
    ]
    outputs += [json.dumps(e.payload, ensure_ascii=False) for e in OutboxEvent.objects.all()]
    outputs.append(caplog.text)
    blob = "\n".join(outputs)
    assert "PRIVATE KEY" not in blob
    for s in secrets_:
        assert s not in blob
        assert s.upper() not in blob


def test_forged_signature_via_the_api_is_rejected(lk, seal):
    _rec, lic = complete_granted(lk, case="LC-FORGE-1")
    keys.demo_pki(key_ref="forger2", organisation=lk.bureau.name)
    forged = crypto.pades_sign(
        render.licence_pdf(services.licence_sheet(lic, seal=seal, version=1)),
        signer=keys.pades_signer("forger2"),
        reason="x",
        location="y",
        name="z",
    )
    r = Client().post("/api/v1/documents/verify", {"file": SimpleUploadedFile("f.pdf", forged)})
    body = r.json()
    assert (
        r.status_code == 200 and not body["authentic"] and body["verdict"].startswith("核验未通过")
    )
