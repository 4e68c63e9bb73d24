import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0002_declared_relationships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="upload", name="state",
            field=models.CharField(choices=[("received", "Waiting to be checked"), ("checking", "Being checked"),
                                            ("checked", "Checked"), ("importing", "Being imported"),
                                            ("imported", "Imported"), ("failed", "Stopped")],
                                   default="received", max_length=12)),
        migrations.AddField(
            model_name="upload", name="task_id",
            field=models.CharField(blank=True, help_text="The worker's task checking or importing it.", max_length=36)),
        migrations.AddField(
            model_name="upload", name="mapping",
            field=models.ForeignKey(blank=True, help_text="The mapping version it was checked (and imported) with.",
                                    null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to="imports.columnmapping")),
        migrations.AddField(
            model_name="upload", name="stage",
            field=models.CharField(blank=True, help_text="What the worker is doing: reading, checking, storing.",
                                   max_length=16)),
        migrations.AddField(model_name="upload", name="rows_done", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="upload", name="rows_total", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(
            model_name="upload", name="report",
            field=models.JSONField(blank=True, default=dict,
                                   help_text="The check's outcome: counts, the refusal and the first problems.")),
        migrations.AddField(
            model_name="upload", name="problems_csv",
            field=models.BinaryField(blank=True, default=b"", help_text="Every problem as CSV, gzipped.")),
        migrations.AddField(
            model_name="upload", name="error",
            field=models.TextField(blank=True, help_text="Why the check or import stopped.")),
        migrations.AddField(
            model_name="upload", name="batch",
            field=models.ForeignKey(blank=True, help_text="The batch it became, set in the import's own transaction.",
                                    null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to="imports.importbatch")),
        migrations.AddField(
            model_name="upload", name="imported_by",
            field=models.ForeignKey(blank=True, help_text="Who asked for the import.", null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to=settings.AUTH_USER_MODEL)),
        migrations.AddField(
            model_name="upload", name="changed_at",
            field=models.DateTimeField(blank=True, help_text="When the state or progress last changed.", null=True)),
    ]
