# Optimistic locking (desist.versioning): every edited record carries the version people read.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_provider_notice_read_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                db_default=1,
                help_text="Goes up by one on every change; a change made from an older version is refused.",
            ),
        ),
    ]
