# API tokens get scopes (read, write) and a maximum lifetime (issue 10, item 17). Tokens issued before could write
# and might never expire: they keep write, and now lapse DESIST_API_TOKEN_MAX_DAYS after they were made.

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def cap_lifetimes(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    max_days = timedelta(days=getattr(settings, "DESIST_API_TOKEN_MAX_DAYS", 90))
    for token in ApiToken.objects.all():
        latest = token.created_at + max_days
        token.scopes = "read write"
        if token.expires_at is None or token.expires_at > latest:
            token.expires_at = latest
        token.save(update_fields=["scopes", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_idempotent_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.CharField(default="read", help_text="What the token may do, space-separated: read, write "
                                   "(POST, PUT, PATCH, DELETE).", max_length=50),
        ),
        migrations.RunPython(cap_lifetimes, migrations.RunPython.noop),
    ]
