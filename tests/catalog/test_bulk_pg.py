"""Bulk writes on PostgreSQL with the per-row foreign-key triggers off (ADR 0013): the keys are
checked set-based, existing rows referenced are locked as the triggers would lock them, and
the triggers are back on afterwards."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shenguan.catalog import importers
from shenguan.catalog.models import LinkageEntry, LinkageEntrySupervision, SupervisionItem
from shenguan.catalog.seed003 import build_xlsx
from shenguan.core import bulk

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

_SUP_FIELDS = (
    "id",
    "jurisdiction_id",
    "code",
    "name",
    "regulator_id",
    "division_id",
    "active",
    "created_at",
    "updated_at",
)


def _skip_triggers() -> None:
    if not bulk.skip_fk_triggers():
        pytest.skip("the database role may not set session_replication_role")


def _role() -> str:
    with connection.cursor() as cur:
        cur.execute("SHOW session_replication_role")
        return cur.fetchone()[0]


def _sup(pk, y, regulator_id, code="430264034W0Y"):
    now = timezone.now()
    return (pk, y.j.pk, code, "对擅自改变林地用途的处罚", regulator_id, None, True, now, now)


def _import(y, **kw):
    import io

    return importers.linkage_import(
        actor=y.head, jurisdiction=y.j, source=io.BytesIO(build_xlsx()), dry_run=False, **kw
    )


@pytest.mark.parametrize("triggers_off", [True, False])
def test_the_003_list_is_written_the_same_with_triggers_on_or_off(
    yiyang, monkeypatch, triggers_off
):
    if not triggers_off:
        monkeypatch.setattr(importers.linkage_write, "skip_fk_triggers", lambda: False)
    with CaptureQueriesContext(connection) as q:
        report = _import(yiyang)
    sql = " ".join(x["sql"] for x in q.captured_queries)
    if triggers_off and "session_replication_role = replica" not in sql:
        pytest.skip("the database role may not set session_replication_role")
    assert ("session_replication_role = origin" in sql) == triggers_off
    assert report.created["entries"] == 12 and LinkageEntry.objects.count() == 12
    assert SupervisionItem.objects.filter(jurisdiction=yiyang.j).count() == 10
    assert LinkageEntrySupervision.objects.filter(entry__jurisdiction=yiyang.j).count() == 14
    assert _role() == "origin"


def test_a_reference_to_a_missing_row_is_refused(yiyang):
    with pytest.raises(IntegrityError, match="org_department"), transaction.atomic():
        _skip_triggers()
        ids = bulk.allocate_ids(SupervisionItem, 1)
        bulk.insert_rows(SupervisionItem, _SUP_FIELDS, [_sup(ids[0], yiyang, 10**12)])
    assert _role() == "origin" and not SupervisionItem.objects.exists()


def test_keys_must_be_allocated_and_then_written(yiyang):
    reg = yiyang.depts["social"].pk
    with pytest.raises(IntegrityError, match="not allocated"), transaction.atomic():
        _skip_triggers()
        bulk.insert_rows(SupervisionItem, _SUP_FIELDS, [_sup(10**12, yiyang, reg)])
    with pytest.raises(IntegrityError, match="2 keys allocated, 1 written"), transaction.atomic():
        _skip_triggers()
        ids = bulk.allocate_ids(SupervisionItem, 2)
        bulk.insert_rows(SupervisionItem, _SUP_FIELDS, [_sup(ids[0], yiyang, reg)])
        bulk.restore_fk_triggers()
    assert _role() == "origin" and not SupervisionItem.objects.exists()
    bulk.release_reservations()


@pytest.mark.django_db(transaction=True)
def test_existing_rows_referenced_stay_locked_until_commit(yiyang):
    dept = yiyang.depts["social"]
    other = connection.copy()
    try:
        with transaction.atomic():
            _skip_triggers()
            ids = bulk.allocate_ids(SupervisionItem, 1)
            bulk.insert_rows(SupervisionItem, _SUP_FIELDS, [_sup(ids[0], yiyang, dept.pk)])
            bulk.restore_fk_triggers()
            with (
                pytest.raises(OperationalError, match="could not obtain lock"),
                other.cursor() as cur,
            ):
                cur.execute(
                    "SELECT 1 FROM org_department WHERE id = %s FOR UPDATE NOWAIT", [dept.pk]
                )
        with other.cursor() as cur:  # committed: free again
            cur.execute("SELECT 1 FROM org_department WHERE id = %s FOR UPDATE NOWAIT", [dept.pk])
    finally:
        other.close()
        bulk.release_reservations()
    assert SupervisionItem.objects.get().regulator_id == dept.pk
