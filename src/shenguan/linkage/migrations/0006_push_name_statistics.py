"""Statistics on the upper-cased names the inbox's free-text filters compare (PostgreSQL 14+).

Django's `icontains` compares `UPPER(column) LIKE UPPER(%s)`. Without statistics on that
expression PostgreSQL guesses that almost no push matches, reads all of a department's pushes
and sorts them, instead of walking the inbox index from the newest push until a page is full
(measured with 1,000,000 pushes: 800 ms → 40–75 ms for the claimant filter; ADR 0014)."""

from django.db import migrations

STATISTICS = {
    "lk_push_claimant_upper": "claimed_by_name",
    "lk_push_applicant_upper": "applicant_name",
}


def forward(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql" or conn.pg_version < 140000:
        return
    for name, column in STATISTICS.items():
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {name} ON (upper({column}::text)) FROM linkage_push"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("linkage", "0005_push_swept_index")]
    operations = [migrations.RunPython(forward, backward)]
