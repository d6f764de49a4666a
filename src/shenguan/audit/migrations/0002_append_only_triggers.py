from django.db import migrations


def forward(apps, schema_editor):
    from shenguan.audit import triggers

    triggers.install(schema_editor.connection)


def backward(apps, schema_editor):
    from shenguan.audit import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
