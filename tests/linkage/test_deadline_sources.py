"""Push claim deadlines as a deadline source: an administrator's policy recompute re-budgets
pending pushes (and previews them), and the `calendar.settle` sweep reaches pushes made while
another process still had the old calendar (ADR 0014, ADR 0011)."""

from __future__ import annotations

import datetime as dt

import pytest

from shenguan.audit.models import AuditEvent
from shenguan.calendar import workdays
from shenguan.calendar.models import CalendarYear
from shenguan.calendar.services import calendar_settle
from shenguan.linkage import services as svc
from shenguan.linkage.models import Push
from shenguan.policy.models import PolicyProfile
from shenguan.policy.selectors import recompute_preview
from shenguan.policy.services import policy_assign, policy_clone, policy_recompute, policy_update
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

SH = workdays.SHANGHAI
MON = dt.datetime(2026, 11, 16, 10, tzinfo=SH)  # no holiday in November 2026


def _push(lk, case: str, at: dt.datetime) -> Push:
    rec = svc.record_create(
        actor=lk.users["window_clerk"],
        data=record_data(
            lk.food, case, decided_on=dt.date(2026, 11, 13), accepted_on=dt.date(2026, 11, 2)
        ),
    )
    (p,) = svc.record_complete(actor=lk.users["approver"], record=rec, at=at)
    return p


@pytest.fixture
def custom(lk):
    """A clone of liaocheng-2021 (claim window 2 working days) put on the city."""
    admin = lk.extra["world"].users["system_admin"]
    prof = policy_clone(
        actor=admin,
        source=PolicyProfile.objects.get(code="liaocheng-2021"),
        code="liaocheng-city",
        name="聊城市本级",
    )
    policy_assign(actor=admin, jurisdiction=lk.extra["world"].city, profile=prof)
    return prof


def test_policy_recompute_rebudgets_pending_pushes_only_when_asked(lk, custom):
    admin = lk.extra["world"].users["system_admin"]
    pending = _push(lk, "LC-PR-1", MON)
    claimed = _push(lk, "LC-PR-2", MON)
    svc.push_claim(actor=lk.users["regulator_liaison"], push=claimed, at=MON)
    assert pending.claim_due_date == dt.date(2026, 11, 18)  # Tue 17, Wed 18
    v1 = pending.profile_version_id

    v2 = policy_update(actor=admin, profile=custom, params={"claim_window_days": 5})
    pending.refresh_from_db()
    assert (pending.claim_budget_days, pending.claim_due_date) == (2, dt.date(2026, 11, 18))
    preview = recompute_preview(user=admin, profile=custom)
    assert preview["rebudgeted"] == 1 and preview["by_purpose"] == {"linkage.push": 1}

    assert policy_recompute(actor=admin, profile=custom) == 1
    pending.refresh_from_db()
    # 17, 18, 19, 20 and Monday 23 November
    assert (pending.claim_budget_days, pending.claim_due_date) == (5, dt.date(2026, 11, 23))
    assert pending.profile_version_id == v2.pk != v1
    assert pending.open.claim_due_at == pending.claim_due_at
    claimed.refresh_from_db()
    assert (claimed.claim_budget_days, claimed.claim_due_date) == (2, dt.date(2026, 11, 18))
    ev = AuditEvent.objects.get(action="deadline.recompute", object_type="linkage.push")
    assert ev.after["reason"] == "policy liaocheng-city v2"
    assert ev.after["pushes"] == [
        {"id": pending.pk, "before": ["2026-11-18", False, 2], "after": ["2026-11-23", False, 5]}
    ]
    assert recompute_preview(user=admin, profile=custom)["rebudgeted"] == 0
    assert policy_recompute(actor=admin, profile=custom) == 0  # idempotent


def test_settle_recomputes_pushes_made_with_a_stale_calendar(lk):
    """A push opened in the two minutes after a calendar change by a process whose in-memory
    calendar was stale is corrected by the sweep; one opened before the change is not touched."""
    change = dt.datetime(2026, 11, 16, 9, 0, tzinfo=SH)
    before = _push(lk, "LC-ST-1", change - dt.timedelta(minutes=5))
    stale = _push(lk, "LC-ST-2", change + dt.timedelta(minutes=1))
    wrong = dt.date(2026, 11, 25)
    Push.objects.filter(pk__in=[before.pk, stale.pk]).update(claim_due_date=wrong)
    CalendarYear.objects.update(updated_at=change - dt.timedelta(days=30))
    CalendarYear.objects.filter(year=2026).update(updated_at=change)

    res = calendar_settle(now=change + dt.timedelta(hours=1))
    assert res["changed"] >= 1
    stale.refresh_from_db()
    before.refresh_from_db()
    assert stale.claim_due_date == dt.date(2026, 11, 18)
    assert before.claim_due_date == wrong
    assert calendar_settle(now=change + dt.timedelta(hours=1))["changed"] == 0
    # a day later the window is closed: nothing is recomputed any more
    Push.objects.filter(pk=stale.pk).update(claim_due_date=wrong)
    calendar_settle(now=change + dt.timedelta(days=2))
    stale.refresh_from_db()
    assert stale.claim_due_date == wrong
