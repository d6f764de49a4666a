"""Credit at acceptance: list import (dry run, all or nothing), the restriction of facilitated
modes for dishonest subjects, the leader's override, the stored look-up, completion guard."""

from __future__ import annotations

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.core.errors import PermissionDenied, ValidationFailed
from shenguan.credit import services as csvc
from shenguan.credit.models import CreditCheck, ListEntry
from shenguan.linkage import services as lsvc
from shenguan.linkage.models import ApprovalRecord

from .helpers import DISHONEST_USCC, GOOD_USCC, company_case, dishonest_rows, list_file


def _import(lk, rows=None, dry_run=False):
    return csvc.list_import(
        actor=lk.users["bureau_head"],
        jurisdiction_id=lk.j.pk,
        fileobj=list_file(rows or dishonest_rows()),
        filename="名单.csv",
        dry_run=dry_run,
    )


def test_dry_run_writes_nothing_and_reports(lk):
    out = _import(lk, dry_run=True)
    assert out["ok"] and out["rows"] == 2 and out["created"] == 0
    assert ListEntry.objects.count() == 0


def test_import_is_all_or_nothing(lk):
    rows = dishonest_rows()
    bad = list(rows[0])
    bad[2] = bad[2][:-1] + ("0" if bad[2][-1] != "0" else "1")  # wrong check digit
    with pytest.raises(ValidationFailed) as exc:
        _import(lk, [*rows, bad])
    assert "第 4 行" in exc.value.message and "校验位" in exc.value.message
    assert ListEntry.objects.count() == 0
    out = _import(lk)
    assert out["created"] == 2
    assert set(ListEntry.objects.values_list("list_kind", flat=True)) == {"dishonest_debtor", "tax"}


def test_dishonest_subject_refused_commitment_naming_the_list(lk):
    _import(lk)
    clerk = lk.users["window_clerk"]
    with pytest.raises(ValidationFailed) as exc:
        lsvc.record_create(actor=clerk, data=company_case(lk, DISHONEST_USCC, "commitment"))
    assert exc.value.code == "credit_restricted"
    assert exc.value.field == "acceptance_mode"
    assert "失信被执行人" in exc.value.message and "告知承诺" in exc.value.message
    assert not ApprovalRecord.objects.exists()
    # normal acceptance is allowed and the hit is kept in the case file
    rec = lsvc.record_create(actor=clerk, data=company_case(lk, DISHONEST_USCC, "normal"))
    chk = CreditCheck.objects.get(record_id=rec.pk)
    assert chk.restricted and chk.hits[0]["list_name"] == "失信被执行人"
    assert chk.checked_by_name and {s["source"] for s in chk.sources} == {
        "list",
        "warning",
        "platform",
    }
    from shenguan.outbox.models import OutboxEvent

    ev = OutboxEvent.objects.get(event_type="credit.check_hit", aggregate_id=str(chk.pk))
    assert ev.payload["lists"] == ["失信被执行人"] and ev.department_ids == [rec.department_id]


def test_leader_override_is_audited_and_used_once(lk):
    _import(lk)
    with pytest.raises(PermissionDenied):
        csvc.credit_override_grant(
            actor=lk.users["window_clerk"],
            jurisdiction_id=lk.j.pk,
            code=DISHONEST_USCC,
            acceptance_mode="commitment",
            reason="重点招商项目，领导同意",
        )
    o = csvc.credit_override_grant(
        actor=lk.users["bureau_head"],
        jurisdiction_id=lk.j.pk,
        code=DISHONEST_USCC,
        acceptance_mode="commitment",
        reason="重点招商项目，领导同意",
    )
    assert AuditEvent.objects.filter(action="credit.override", object_id=str(o.pk)).exists()
    rec = lsvc.record_create(
        actor=lk.users["window_clerk"], data=company_case(lk, DISHONEST_USCC, "commitment")
    )
    chk = CreditCheck.objects.get(record_id=rec.pk)
    assert chk.override_reason == "重点招商项目，领导同意"
    ev = AuditEvent.objects.get(action="credit.check", object_id=str(chk.pk))
    assert ev.after["override_id"] == o.pk
    with pytest.raises(ValidationFailed):  # used up
        lsvc.record_create(
            actor=lk.users["window_clerk"], data=company_case(lk, DISHONEST_USCC, "commitment")
        )


def test_good_subject_accepted_under_commitment(lk):
    _import(lk)
    rec = lsvc.record_create(
        actor=lk.users["window_clerk"], data=company_case(lk, GOOD_USCC, "commitment")
    )
    chk = CreditCheck.objects.get(record_id=rec.pk)
    assert not chk.hits and not chk.restricted


def test_list_binds_the_county_below(lk, county_lk):
    _import(lk)
    county_clerk = county_lk.users["window_clerk"]
    data = company_case(county_lk, DISHONEST_USCC, "green")
    with pytest.raises(ValidationFailed):
        lsvc.record_create(actor=county_clerk, data=data)


def test_expired_entry_does_not_hit(lk):
    rows = [["失信被执行人", "某公司", DISHONEST_USCC, "限制", "文书", "2020-01-01", "2021-01-01"]]
    _import(lk, rows)
    lsvc.record_create(
        actor=lk.users["window_clerk"], data=company_case(lk, DISHONEST_USCC, "green")
    )


def test_completion_requires_a_lookup(lk):
    rec = lsvc.record_create(actor=lk.users["approver"], data=company_case(lk, GOOD_USCC))
    CreditCheck.objects.filter(record_id=rec.pk).delete()
    with pytest.raises(ValidationFailed) as exc:
        lsvc.record_complete(
            actor=lk.users["approver"], record=ApprovalRecord.objects.get(pk=rec.pk)
        )
    assert exc.value.code == "credit_check_missing"
    csvc.credit_check_record(actor=lk.users["approver"], record=rec)
    lsvc.record_complete(actor=lk.users["approver"], record=ApprovalRecord.objects.get(pk=rec.pk))


def test_snapshot_carries_the_lookup(lk):
    from shenguan.linkage.models import Push

    _import(lk)
    rec = lsvc.record_create(
        actor=lk.users["approver"], data=company_case(lk, DISHONEST_USCC), complete=True
    )
    push = Push.objects.filter(record=rec, kind="approval").first()
    snap = push.snapshot.data
    assert snap["extensions"]["credit_check"]["hits"][0]["list"] == "失信被执行人"


def test_import_refuses_a_dishonest_row_and_stores_lookups(lk):
    """An import validates every row through the hook (nothing written if one row is
    refused) and stores a look-up for every case it registers."""
    import io

    from shenguan.core.errors import DomainError
    from shenguan.core.sheets.writer import write_csv
    from shenguan.linkage.importer import records_import

    _import(lk)
    head = ["办件编号", "事项编码", "申请人类型", "申请人", "统一社会信用代码", "法定代表人",
            "受理日期", "受理方式", "承诺内容"]  # fmt: skip
    today = __import__("datetime").date.today().isoformat()
    good = ["IMPC-1", lk.food.code, "法人", "聊城市好企业有限公司", GOOD_USCC, "王五", today,
            "告知承诺", "承诺补交材料"]  # fmt: skip
    bad = ["IMPC-2", lk.food.code, "法人", "聊城市某某商贸有限公司", DISHONEST_USCC, "王五",
           today, "告知承诺", "承诺补交材料"]  # fmt: skip
    with pytest.raises(DomainError) as exc:
        records_import(
            actor=lk.users["approver"],
            fileobj=io.BytesIO(write_csv(head, [good, bad])),
            filename="a.csv",
        )
    assert "失信被执行人" in str(getattr(exc.value, "problems", "")) + exc.value.message
    assert not ApprovalRecord.objects.filter(case_number__startswith="IMPC-").exists()
    rep = records_import(
        actor=lk.users["approver"], fileobj=io.BytesIO(write_csv(head, [good])), filename="a.csv"
    )
    assert rep["created"] == 1
    rec = ApprovalRecord.objects.get(case_number="IMPC-1")
    assert CreditCheck.objects.filter(record_id=rec.pk, restricted=False).count() == 1
