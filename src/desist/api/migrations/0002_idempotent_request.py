# Idempotency-Key on API writes (desist.api.idempotency).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotentRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=255)),
                ("fingerprint", models.CharField(help_text="SHA-256 of the method, path, query and body.",
                                                 max_length=64)),
                ("method", models.CharField(max_length=8)),
                ("path", models.CharField(max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("status_code", models.PositiveSmallIntegerField(blank=True, help_text="Empty while in progress.",
                                                                 null=True)),
                ("content_type", models.CharField(blank=True, max_length=100)),
                ("body", models.BinaryField(blank=True, default=b"")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "indexes": [models.Index(fields=["created_at"], name="idempotent_request_created")],
                "constraints": [models.UniqueConstraint(fields=("user", "key"),
                                                        name="idempotent_request_once_per_user")],
            },
        ),
    ]
