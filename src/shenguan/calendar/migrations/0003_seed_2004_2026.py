from django.db import migrations


def forward(apps, schema_editor):
    from shenguan.calendar.seed import seed

    seed(apps.get_model("calendar", "CalendarYear"), apps.get_model("calendar", "CalendarDay"))


def backward(apps, schema_editor):
    from shenguan.calendar.seed import FIRST_YEAR, LAST_YEAR

    apps.get_model("calendar", "CalendarDay").objects.filter(
        date__year__gte=FIRST_YEAR, date__year__lte=LAST_YEAR
    ).delete()
    apps.get_model("calendar", "CalendarYear").objects.filter(
        year__gte=FIRST_YEAR, year__lte=LAST_YEAR
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("calendar", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
