"""The access log's rule now trims the log behind a signed checkpoint (desist.audit.chain) instead of only
reporting it: its source text says so. A source an administrator has already changed is left alone."""

from django.db import migrations

OLD_END = "Six years (the Limitation Act 1980's period for a claim) is a partnership choice; reported by the schedule, never deleted by it."
NEW_END = (
    "Six years (the Limitation Act 1980's period for a claim) is a partnership choice (the ICO's guidance on "
    "logging for law enforcement purposes gives no period either). The schedule trims the oldest entries "
    "behind a signed checkpoint, so the chain still verifies (docs/retention.md)."
)


def forwards(apps, schema_editor):
    Rule = apps.get_model("retention", "RetentionRule")
    for rule in Rule.objects.filter(kind="access-log-6y", source__endswith=OLD_END):
        rule.source = rule.source[: -len(OLD_END)] + NEW_END
        rule.save(update_fields=["source"])


def backwards(apps, schema_editor):
    Rule = apps.get_model("retention", "RetentionRule")
    for rule in Rule.objects.filter(kind="access-log-6y", source__endswith=NEW_END):
        rule.source = rule.source[: -len(NEW_END)] + OLD_END
        rule.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_default_schedule"), ("audit", "0004_access_log_checkpoint")]

    operations = [migrations.RunPython(forwards, backwards)]
