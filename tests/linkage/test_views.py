"""The linkage pages: inbox with bulk claim and export, details, record entry, materials, import,
feedback with disposal, notices, licences, home counts and the public verification page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from shenguan.audit.models import AuditEvent
from shenguan.linkage import services as svc
from shenguan.linkage.models import (
    ApprovalRecord,
    Feedback,
    Licence,
    Material,
    Push,
    PushState,
    RecordState,
)
from tests.linkage.conftest import PERSON_ID, record_data

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def completed(lk, case="LC-V-0001", item=None):
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(item or lk.food, case))
    pushes = svc.record_complete(actor=lk.users["approver"], record=rec)
    return rec, pushes


def test_inbox_lists_claims_and_exports(lk):
    _rec, (p1,) = completed(lk, "LC-V-1")
    _rec2, (p2,) = completed(lk, "LC-V-2")
    c = login(lk.users["regulator_liaison"])
    page = c.get("/linkage/?box=to_claim")
    assert page.status_code == 200
    html = page.content.decode()
    assert "LC-V-1" in html and "LC-V-2" in html
    assert 'data-testid="bulk-claim"' in html
    resp = c.post("/linkage/pushes/claim", {"ids": [p1.pk, p2.pk], "next": "/linkage/"})
    assert resp.status_code == 302
    assert set(Push.objects.filter(pk__in=[p1.pk, p2.pk]).values_list("state", flat=True)) == {
        PushState.CLAIMED
    }
    claimed = c.get("/linkage/?box=claimed&case_number=LC-V-1")
    assert "LC-V-1" in claimed.content.decode()
    assert "LC-V-2" not in claimed.content.decode()
    xlsx = c.get("/linkage/export.xlsx?box=claimed&case_number=LC-V-1")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "推送编号"
    assert [r[3] for r in rows[2:]] == ["LC-V-1"]
    assert AuditEvent.objects.filter(action="push.export").exists()


def test_push_detail_masks_and_unmasks_with_audit(lk):
    _rec, (p,) = completed(lk)
    c = login(lk.users["regulator_liaison"])
    html = c.get(f"/linkage/pushes/{p.pk}/").content.decode()
    assert PERSON_ID not in html
    assert PERSON_ID[:6] + "********" + PERSON_ID[-4:] in html
    assert "《乌海市“审管分离”工作制度》第四条" in html and "§" not in html
    assert 'data-testid="claim"' in html
    # the regulator liaison has no unmask right: ?unmask=1 changes nothing
    assert PERSON_ID not in c.get(f"/linkage/pushes/{p.pk}/?unmask=1").content.decode()
    # the approver has it, and using it is audited
    a = login(lk.users["approver"])
    html = a.get(f"/linkage/pushes/{p.pk}/?unmask=1").content.decode()
    assert PERSON_ID in html
    assert AuditEvent.objects.filter(action="personal.unmask", object_id=str(p.pk)).exists()


def test_other_department_gets_404(lk):
    _rec, (p,) = completed(lk)
    c = login(lk.users["reg_b_liaison"])
    assert c.get(f"/linkage/pushes/{p.pk}/").status_code == 404
    assert c.get(f"/linkage/records/{p.record_id}/").status_code == 404
    assert c.post(f"/linkage/pushes/{p.pk}/claim").status_code == 404


def test_claim_button_claims_once(lk):
    _rec, (p,) = completed(lk)
    c = login(lk.users["regulator_liaison"])
    c.post(f"/linkage/pushes/{p.pk}/claim")
    assert Push.objects.get(pk=p.pk).state == PushState.CLAIMED
    resp = c.post(f"/linkage/pushes/{p.pk}/claim", follow=True)
    assert "已于" in resp.content.decode()  # the 409 message shown as an error


def test_record_entry_upload_and_complete(lk):
    c = login(lk.users["approver"])
    data = {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in record_data(lk.food, "LC-UI-1").items()
    }
    data["item"] = lk.food.pk
    resp = c.post("/linkage/records/new", data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    rec = ApprovalRecord.objects.get(case_number="LC-UI-1")
    pdf = b"%PDF-1.4\n% test\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    up = SimpleUploadedFile("../../etc/营业执照.pdf", pdf, content_type="application/pdf")
    c.post(f"/linkage/records/{rec.pk}/materials", {"kind": "material", "name": "", "file": up})
    m = Material.objects.get(record=rec)
    assert m.sha256 == hashlib.sha256(pdf).hexdigest()
    assert m.filename == "营业执照.pdf"
    assert ".." not in m.storage_path and m.storage_path.startswith("linkage/")
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    resp = c.post(
        f"/linkage/records/{rec.pk}/materials", {"kind": "material", "file": bad}, follow=True
    )
    assert "文件内容与扩展名不符" in resp.content.decode()
    exe = SimpleUploadedFile("x.exe", b"MZ\x90\x00")
    resp = c.post(
        f"/linkage/records/{rec.pk}/materials", {"kind": "material", "file": exe}, follow=True
    )
    assert "不支持的文件类型" in resp.content.decode()
    assert Material.objects.filter(record=rec).count() == 1
    c.post(f"/linkage/records/{rec.pk}/complete")
    rec.refresh_from_db()
    assert rec.state == RecordState.COMPLETED
    p = Push.objects.get(record=rec)
    assert p.snapshot.data["materials"][0]["sha256"] == m.sha256
    # the regulator downloads the material of a record pushed to it; another one cannot
    r = login(lk.users["regulator_liaison"]).get(f"/linkage/materials/{m.pk}/download")
    assert r.status_code == 200 and b"".join(r.streaming_content) == pdf
    assert (
        login(lk.users["reg_b_liaison"]).get(f"/linkage/materials/{m.pk}/download").status_code
        == 404
    )


def test_material_size_limit(lk, settings):
    settings.SHENGUAN_MATERIAL_MAX_BYTES = 1024
    rec = svc.record_create(actor=lk.users["window_clerk"], data=record_data(lk.food))
    from shenguan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        svc.material_add(
            actor=lk.users["window_clerk"],
            record=rec,
            kind="material",
            name="大文件",
            filename="big.pdf",
            fileobj=io.BytesIO(b"%PDF-" + b"x" * 2000),
        )
    assert err.value.code == "file_too_large"


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEAD = [
    "办件编号",
    "事项编码",
    "申请人类型",
    "申请人",
    "身份证号码",
    "统一社会信用代码",
    "法定代表人",
    "联系电话",
    "地址",
    "受理日期",
    "决定日期",
    "决定文书号",
    "审批结果",
    "证照编号",
    "有效期至",
]


def _row(case, code="3715SC0005", idn=PERSON_ID, result="准予", licence=None):
    today = dt.date.today()
    return [
        case,
        code,
        "自然人",
        "王五",
        idn,
        "",
        "",
        "13806351111",
        "聊城市",
        today - dt.timedelta(5),
        today,
        f"文书{case}",
        result,
        licence or f"XK{case}",
        today.replace(year=today.year + 3),
    ]


def test_import_is_all_or_nothing_with_a_row_report(lk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(lk.users["approver"])
    bad = _xlsx(
        [
            HEAD,
            _row("IMP-1"),
            _row("IMP-2", idn="371502199801010011"),
            _row("IMP-3", code="NOPE"),
            _row("IMP-1"),
        ]
    )
    resp = c.post(
        "/linkage/records/import", {"file": SimpleUploadedFile("a.xlsx", bad), "complete": "on"}
    )
    html = resp.content.decode()
    assert "第3行“身份证号码”" in html
    assert "第4行“事项编码”" in html
    assert "第5行“办件编号”" in html
    assert not ApprovalRecord.objects.filter(case_number__startswith="IMP-").exists()
    good = _xlsx([HEAD, _row("IMP-1"), _row("IMP-2", code="3715ZJ0001")])
    resp = c.post(
        "/linkage/records/import", {"file": SimpleUploadedFile("a.xlsx", good), "complete": "on"}
    )
    assert "已导入 2 件" in resp.content.decode()
    assert (
        ApprovalRecord.objects.filter(case_number__startswith="IMP-", state="completed").count()
        == 2
    )
    assert Push.objects.filter(record__case_number__startswith="IMP-").count() == 3


def test_import_csv_gb18030(lk):
    from shenguan.linkage.importer import records_import

    lines = [",".join(HEAD), ",".join(str(x) for x in _row("CSV-1"))]
    data = "\n".join(lines).encode("gb18030")
    rep = records_import(actor=lk.users["approver"], fileobj=io.BytesIO(data), filename="a.csv")
    assert rep["created"] == 1 and rep["pushes"] == 0


def test_feedback_disposal_flow_in_pages(wuhai):
    lk = wuhai
    _rec, (p,) = completed(lk, "WH-V-1")
    lic = Licence.objects.get(record_id=p.record_id)
    reg = login(lk.users["regulator_liaison"])
    reg.post(f"/linkage/pushes/{p.pk}/claim")
    resp = reg.post(
        f"/linkage/feedback/new?record={p.record_id}",
        {
            "kind": "revocation_opinion",
            "title": "建议注销",
            "content": "已停业",
            "published_on": dt.date.today().isoformat(),
            "record": p.record_id,
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    fb = Feedback.objects.get(title="建议注销")
    bureau = login(lk.users["approver"])
    page = bureau.get(f"/linkage/feedback/{fb.pk}/").content.decode()
    assert 'data-testid="disposal-form"' in page
    bureau.post(
        f"/linkage/feedback/{fb.pk}/dispose",
        {
            "outcome": "cancel",
            "decision_number": "乌审批注〔2026〕9号",
            "decided_on": dt.date.today().isoformat(),
        },
    )
    lic.refresh_from_db()
    assert lic.state == "cancelled"
    # the pushes of the opinion and of the disposal show their own content, not an empty
    # approval section (their snapshots name the case by reference only)
    for push in Push.objects.filter(feedback=fb):
        viewer = bureau if push.addressee_department_id == lk.bureau.pk else reg
        page = viewer.get(f"/linkage/pushes/{push.pk}/").content.decode()
        assert 'data-testid="snapshot"' not in page
        assert "WH-V-1" in page
    html = Client().get("/public/licences/verify", {"number": lic.number}).content.decode()
    assert "注销" in html
    assert "张*" in html  # a natural person's name is masked on the public page


def test_public_verify_unknown_number(db):
    html = Client().get("/public/licences/verify", {"number": "NOPE"}).content.decode()
    assert 'data-testid="verify-none"' in html


def test_notices_both_ways(lk):
    bureau = login(lk.users["bureau_liaison"])
    resp = bureau.post(
        "/linkage/notices/new",
        {
            "kind": "document_copy",
            "title": "关于优化审批流程的通知",
            "content": "全文见附件。",
            "published_on": dt.date.today().isoformat(),
            "addressees": [lk.reg_a.pk, lk.reg_b.pk],
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert Push.objects.filter(kind="notice", direction="to_regulator").count() == 2
    reg = login(lk.users["regulator_liaison"])
    resp = reg.post(
        "/linkage/notices/new",
        {
            "kind": "law_policy_change",
            "title": "食品经营许可管理办法修订",
            "content": "新办法施行。",
            "published_on": dt.date.today().isoformat(),
            "addressees": [lk.bureau.pk],
        },
    )
    assert resp.status_code == 302
    n = Push.objects.get(kind="notice", direction="to_bureau")
    assert n.addressee_department_id == lk.bureau.pk
    svc.push_claim(actor=lk.users["bureau_liaison"], push=n)


def test_home_counts_are_live(lk):
    completed(lk, "LC-H-1")
    html = login(lk.users["regulator_liaison"]).get("/").content.decode()
    assert 'data-testid="linkage-home"' in html
    assert '/linkage/?box=to_claim" data-testid="count-to-claim">1<' in html


def test_licence_page_transition(lk):
    rec, _ = completed(lk, "LC-L-1")
    lic = Licence.objects.get(record=rec)
    c = login(lk.users["bureau_head"])
    resp = c.post(
        f"/linkage/licences/{lic.pk}/",
        {
            "to_state": "suspended",
            "effective_on": dt.date.today().isoformat(),
            "decision_number": "",
            "reason": "整改期间暂扣",
        },
    )
    assert resp.status_code == 302
    lic.refresh_from_db()
    assert lic.state == "suspended"
    resp = c.post(
        f"/linkage/licences/{lic.pk}/",
        {"to_state": "valid", "effective_on": dt.date.today().isoformat(), "reason": "整改完成"},
    )
    lic.refresh_from_db()
    assert lic.state == "valid"
    assert lic.events.count() == 3
    # a regulator sees the licence but cannot change it
    reg = login(lk.users["regulator_liaison"])
    assert reg.get(f"/linkage/licences/{lic.pk}/").status_code == 200
    assert reg.post(f"/linkage/licences/{lic.pk}/", {"to_state": "revoked"}).status_code == 403
