"""Database triggers that refuse UPDATE, DELETE and TRUNCATE on the audit table, on both engines.

On PostgreSQL they fire ALWAYS, also in sessions with `session_replication_role = replica`
(which the bulk imports set to skip foreign-key triggers, core/bulk.py): a role allowed to set
that parameter can still not change audit rows by it."""

from __future__ import annotations

TABLE = "audit_auditevent"

PG_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION shenguan_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only: % refused on {TABLE}', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION shenguan_audit_append_only()
    """,
    f"""
    CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION shenguan_audit_append_only()
    """,
    f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER audit_event_no_change",
    f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER audit_event_no_truncate",
]
PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {TABLE}",
]

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused on {TABLE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused on {TABLE}'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return PG_INSTALL if install else PG_DROP
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_DROP
    raise RuntimeError(f"unsupported database vendor {vendor}")


def install(connection) -> None:
    """Create the append-only triggers (idempotent)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for sql in PG_DROP:
                cur.execute(sql)
        for sql in _statements(connection.vendor, True):
            cur.execute(sql)


def drop(connection) -> None:
    """Remove the triggers (only tests and a documented maintenance procedure do this)."""
    with connection.cursor() as cur:
        for sql in _statements(connection.vendor, False):
            cur.execute(sql)


def installed(connection) -> bool:
    """Whether the triggers are present."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                "('audit_event_no_change','audit_event_no_truncate') AND NOT tgisinternal "
                "AND tgenabled = 'A'"
            )
            return cur.fetchone()[0] == 2
        cur.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name IN "
            "('audit_event_no_update','audit_event_no_delete')"
        )
        return cur.fetchone()[0] == 2
