"""Join the review push kinds and the upper-cased licence number index (parallel branches)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0008_review_push_kinds"),
        ("linkage", "0008_usability_licence_number_upper"),
    ]

    operations = []
