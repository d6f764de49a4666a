"""The chain lock and the read of the head in one call on PostgreSQL (issue 15): a VOLATILE
function takes a fresh snapshot for each query it runs, so the head it reads after the lock is
granted includes the event the previous holder committed."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION shenguan_audit_chain_head(lock_key bigint)
RETURNS TABLE(seq bigint, hash varchar) AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT e.seq, e.hash FROM audit_auditevent e ORDER BY e.seq DESC LIMIT 1;
END;
$$ LANGUAGE plpgsql VOLATILE
"""
DROP = "DROP FUNCTION IF EXISTS shenguan_audit_chain_head(bigint)"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_checkpoints")]

    operations = [migrations.RunPython(install, remove)]
