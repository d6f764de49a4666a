"""Import of the linkage list, pass 2 (清单导入：写入): bulk writes in one transaction."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.bulk import (
    allocate_ids,
    db_date,
    db_datetime,
    db_json,
    insert_rows,
    release_reservations,
    restore_fk_triggers,
    skip_fk_triggers,
    update_column,
)
from shenguan.org.models import Department
from shenguan.org.roles import DepartmentKind

from .. import services
from ..models import (
    ChangeKind,
    LicensingItem,
    LinkageEntry,
    LinkageEntrySupervision,
    SupervisionItem,
    TransferRecord,
    TransferStatus,
)
from .common import CHUNK

_ITEM_FIELDS = (
    "id",
    "jurisdiction_id",
    "code",
    "name",
    "power_type",
    "original_department_id",
    "statutory_days",
    "promised_days",
    "needs_site_inspection",
    "needs_expert_review",
    "needs_hearing",
    "needs_public_notice",
    "regulator_issues_certificate",
    "commitment_allowed",
    "accept_with_gaps_allowed",
    "main_item_id",
    "transfer_status",
    "transfer_effective_on",
    "current_transfer_id",
    "active",
    "removed_on",
    "note",
    "created_at",
    "updated_at",
)


_TRANSFER_FIELDS = (
    "id",
    "jurisdiction_id",
    "item_id",
    "status",
    "effective_on",
    "receiving_department_id",
    "batch_name",
    "planned_on",
    "reason",
    "hall_window",
    "via_main_id",
    "memo_id",
    "note",
    "recorded_by_id",
    "recorded_at",
)


_ENTRY_FIELDS = (
    "id",
    "jurisdiction_id",
    "seq",
    "item_id",
    "approval_department_id",
    "approval_division_id",
    "regulator_id",
    "regulator_division_id",
    "responsible_person",
    "contact_phone",
    "power_type",
    "stages",
    "approval_duties",
    "supervision_duties",
    "push_method",
    "note",
    "valid_from",
    "valid_to",
    "replaces_id",
    "import_batch",
    "created_by_id",
    "created_at",
)


_TRANSFERRED = TransferStatus.TRANSFERRED.value


_UNDECIDED = TransferStatus.UNDECIDED.value


def _new_item_row(jid, item_id, name, code, dept, power, moved, day, record_id, now) -> tuple:
    """A LicensingItem row in the order of _ITEM_FIELDS."""
    status = _TRANSFERRED if moved else _UNDECIDED
    flags = (False,) * 7
    return (
        item_id,
        jid,
        code,
        name,
        power or "licensing",
        dept,
        None,
        None,
        *flags,
        None,
        status,
        day if moved else None,
        record_id,
        True,
        None,
        "",
        now,
        now,
    )


def _linkage_write(actor, jurisdiction, scratch, report, mode, valid_from, notify, filename):
    """Pass 2: write the validated records in one transaction (keys allocated first, rows sent
    by COPY or multi-row INSERT, foreign keys checked set-based where possible: core/bulk.py)."""
    jid = jurisdiction.pk
    db = scratch.db
    user_id = actor.pk if actor is not None and getattr(actor, "kind", "") == "user" else None
    now = db_datetime(timezone.now())
    day = db_date(valid_from)
    bureau_ids = set(
        Department.objects.filter(jurisdiction_id=jid, kind=DepartmentKind.BUREAU).values_list(
            "pk", flat=True
        )
    )
    note = f"随审管联动事项清单导入登记（批次{report.batch}）"
    try:
        with transaction.atomic():
            retired_regs: list[int] = []
            if mode == "replace":
                live = LinkageEntry.objects.filter(jurisdiction_id=jid).filter(
                    Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
                )
                retired_regs = list(live.values_list("regulator_id", flat=True).distinct())
                report.created["retired_entries"] = live.update(valid_to=valid_from)
            # the foreign keys of the bulk writes are checked set-based where the role may
            # turn the per-row triggers off (core/bulk.py)
            skip_fk_triggers()
            # new supervision items
            last = ""
            while chunk := db.execute(
                "SELECT code, name, reg, div FROM sup WHERE id IS NULL AND code > ? "
                "ORDER BY code LIMIT ?",
                (last, CHUNK),
            ).fetchall():
                last = chunk[-1][0]
                ids = allocate_ids(SupervisionItem, len(chunk))
                insert_rows(
                    SupervisionItem,
                    (
                        "id",
                        "jurisdiction_id",
                        "code",
                        "name",
                        "regulator_id",
                        "division_id",
                        "active",
                        "created_at",
                        "updated_at",
                    ),
                    [
                        (pk, jid, c, n, r, d, True, now, now)
                        for pk, (c, n, r, d) in zip(ids, chunk, strict=True)
                    ],
                )
                db.executemany(
                    "UPDATE sup SET id = ? WHERE code = ?",
                    [(pk, c[0]) for pk, c in zip(ids, chunk, strict=True)],
                )
            # new approval items, recorded as transferred when the bureau approves them
            link_later = connection.vendor == "sqlite"
            last_rowid = 0
            while chunk := db.execute(
                "SELECT rowid, name, code, dept, power, a_dept FROM new_item WHERE rowid > ? "
                "ORDER BY rowid LIMIT ?",
                (last_rowid, CHUNK),
            ).fetchall():
                last_rowid = chunk[-1][0]
                ids = allocate_ids(LicensingItem, len(chunk))
                moved = [c[5] in bureau_ids for c in chunk]
                rec_ids = iter(allocate_ids(TransferRecord, sum(moved)))
                items, records = [], []
                for pk, (_rid, name, code, dept, power, a_dept), mv in zip(
                    ids, chunk, moved, strict=True
                ):
                    rec_id = next(rec_ids) if mv else None
                    # SQLite checks a pending (deferred) key by scanning the referencing table,
                    # and nothing indexes current_transfer: link the record once it exists
                    link = None if link_later else rec_id
                    items.append(
                        _new_item_row(jid, pk, name, code, dept, power, mv, day, link, now)
                    )
                    if mv:
                        records.append(
                            (
                                rec_id,
                                jid,
                                pk,
                                _TRANSFERRED,
                                day,
                                a_dept,
                                "",
                                None,
                                "",
                                "",
                                None,
                                None,
                                note,
                                user_id,
                                now,
                            )
                        )
                insert_rows(LicensingItem, _ITEM_FIELDS, items)
                insert_rows(TransferRecord, _TRANSFER_FIELDS, records)
                if link_later:
                    update_column(
                        LicensingItem, "current_transfer_id", [(r[2], r[0]) for r in records]
                    )
                db.executemany(
                    "UPDATE new_item SET id = ? WHERE rowid = ?",
                    [(pk, c[0]) for pk, c in zip(ids, chunk, strict=True)],
                )
            next_seq = (
                LinkageEntry.objects.filter(jurisdiction_id=jid, valid_to__isnull=True).aggregate(
                    m=Max("seq")
                )["m"]
                or 0
            ) + 1
            regulators: set[int] = set(retired_regs)
            stages_json: dict[tuple, str] = {}  # a few combinations of stages, as JSON
            for batch in scratch.iter_records(CHUNK):
                new_keys = sorted({r[1] for r in batch if isinstance(r[1], str)})
                item_ids = {}
                if new_keys:
                    marks = ",".join("?" * len(new_keys))
                    sql = f"SELECT key, id FROM new_item WHERE key IN ({marks})"  # noqa: S608
                    item_ids = dict(db.execute(sql, new_keys).fetchall())
                codes = sorted({c for r in batch for c in r[6]})
                marks = ",".join("?" * len(codes))
                sql = f"SELECT code, id FROM sup WHERE code IN ({marks})"  # noqa: S608
                sup_ids = dict(db.execute(sql, codes).fetchall())
                entry_ids = allocate_ids(LinkageEntry, len(batch))
                rows, links = [], []
                for entry_id, rec in zip(entry_ids, batch, strict=True):
                    (
                        seq,
                        item_ref,
                        a_dept,
                        a_div,
                        reg,
                        r_div,
                        codes_,
                        person,
                        phone,
                        power,
                        stages,
                        a_duties,
                        s_duties,
                        push,
                        note_,
                        _row,
                    ) = rec
                    if seq is None:
                        seq = next_seq
                        next_seq += 1
                    item_id = item_ref if isinstance(item_ref, int) else item_ids[item_ref]
                    rows.append(
                        (
                            entry_id,
                            jid,
                            seq,
                            item_id,
                            a_dept,
                            a_div,
                            reg,
                            r_div,
                            person,
                            phone,
                            power,
                            stages_json.get(stages)
                            or stages_json.setdefault(stages, db_json(list(stages))),
                            a_duties,
                            s_duties,
                            push,
                            note_,
                            day,
                            None,
                            None,
                            report.batch,
                            user_id,
                            now,
                        )
                    )
                    links.extend(
                        (jid, entry_id, sup_ids[c], pos) for pos, c in enumerate(codes_, start=1)
                    )
                    regulators.add(reg)
                insert_rows(LinkageEntry, _ENTRY_FIELDS, rows)
                insert_rows(
                    LinkageEntrySupervision,
                    ("jurisdiction_id", "entry_id", "supervision_item_id", "position"),
                    links,
                )
            restore_fk_triggers()
            if notify:
                services._notice(
                    actor=actor,
                    jurisdiction_id=jid,
                    kind=ChangeKind.LIST_IMPORT,
                    summary=f"导入审管联动事项清单{report.records}条（{filename or '上传文件'}）"
                    + ("，并替换原清单" if mode == "replace" else ""),
                    effective_on=valid_from,
                    department_ids=services._regulator_ids(regulators),
                )
            audit_record(
                actor=actor,
                action="catalog.linkage.import",
                obj=("catalog.linkageimport", report.batch),
                jurisdiction_id=jid,
                after={
                    "file": filename,
                    "sha256": report.sha256,
                    "mode": mode,
                    "valid_from": valid_from,
                    **report.created,
                },
            )
    finally:
        release_reservations()
