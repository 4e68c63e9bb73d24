# Optimistic locking (desist.versioning): every edited record carries the version people read.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("release", "0002_release"),
    ]

    operations = [
        migrations.AddField(
            model_name="releaseplan",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                db_default=1,
                help_text="Goes up by one on every change; a change made from an older version is refused.",
            ),
        ),
        migrations.AddField(
            model_name="plantask",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                db_default=1,
                help_text="Goes up by one on every change; a change made from an older version is refused.",
            ),
        ),
    ]
