# Optimistic locking (desist.versioning): every edited record carries the version people read.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("premises", "0003_booking_no_overlap"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                db_default=1,
                help_text="Goes up by one on every change; a change made from an older version is refused.",
            ),
        ),
    ]
