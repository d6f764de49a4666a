from django.db import migrations


def forward(apps, schema_editor):
    from shenguan.calendar.seed import fill_names

    fill_names(apps.get_model("calendar", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("calendar", "0003_seed_2004_2026")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
