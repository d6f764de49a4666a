"""Helpers of the oversight tests: approvals, pushes and claims at given moments."""

from __future__ import annotations

import datetime as dt

from shenguan.calendar import workdays
from shenguan.linkage import services as lsvc
from shenguan.linkage.models import ApprovalRecord, Push
from tests.linkage.conftest import record_data

SH = workdays.SHANGHAI


def at(y, m, d, hh=10, mm=0) -> dt.datetime:
    """A moment in Asia/Shanghai."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


_n = iter(range(1, 10**6))


def approve(lk, item=None, *, when: dt.datetime | None = None, **over) -> ApprovalRecord:
    """A record of the linkage world completed (pushed) at `when` (default now)."""
    n = next(_n)
    data = record_data(item or lk.food, case_number=f"OV-{n:05d}", **over)
    rec = lsvc.record_create(actor=lk.users["approver"], department=lk.bureau, data=data)
    lsvc.complete_records(actor=lk.users["approver"], records=[rec], at=when)
    return ApprovalRecord.objects.get(pk=rec.pk)


def push_of(rec, regulator=None) -> Push:
    qs = Push.objects.filter(record=rec, kind="approval")
    if regulator is not None:
        qs = qs.filter(addressee_department=regulator)
    return qs.get()
