from django.db import migrations


def forward(apps, schema_editor):
    from shenguan.policy.seed import install

    install(apps.get_model("policy", "PolicyProfile"), apps.get_model("policy", "PolicyVersion"))


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
