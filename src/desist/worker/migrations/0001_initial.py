from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="TaskLease",
            fields=[
                ("task_id", models.UUIDField(help_text="The DBTaskResult this lease is on.", primary_key=True,
                                             serialize=False)),
                ("worker_id", models.CharField(max_length=64)),
                ("host", models.CharField(help_text="The machine the worker runs on.", max_length=255)),
                ("pid", models.PositiveIntegerField(help_text="The worker's process id on that machine.")),
                ("taken_at", models.DateTimeField()),
                ("renewed_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
