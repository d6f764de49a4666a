from django.db import migrations


def forward(apps, schema_editor):
    from shenguan.audit import triggers

    triggers.install(schema_editor.connection)  # idempotent: recreated, now firing ALWAYS


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
