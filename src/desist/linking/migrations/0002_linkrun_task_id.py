from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("linking", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="linkrun",
            name="task_id",
            field=models.CharField(blank=True, db_index=True, max_length=36,
                                   help_text="The background task that ran it, if any (a retried task runs again)."),
        ),
    ]
