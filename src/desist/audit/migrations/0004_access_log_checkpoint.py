"""Checkpoints for trimming the access log (desist.audit.chain). The append-only triggers now let an entry be
deleted only when a checkpoint covers its chain position (UPDATE and TRUNCATE are still refused), and refuse
any change to a checkpoint. On PostgreSQL the application's role, which may not DELETE from the log, trims
through `accesslog_trim(through)`, a function run with its owner's rights that deletes only what the newest
checkpoint covers (desist.audit.database grants it EXECUTE)."""

import importlib

import django.utils.timezone
from django.db import migrations, models

append_only = importlib.import_module("desist.audit.migrations.0002_access_log_append_only")
TABLE = append_only.TABLE
CHECKPOINTS = "audit_accesslogcheckpoint"
COVERED = f"(SELECT COALESCE(MAX(last_seq), 0) FROM {CHECKPOINTS})"

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS accesslog_no_delete",
    f"""CREATE TRIGGER accesslog_no_delete BEFORE DELETE ON {TABLE} WHEN OLD.chain_seq > {COVERED}
        BEGIN SELECT RAISE(ABORT, 'access log entries are append-only'); END""",
    f"""CREATE TRIGGER accesslog_checkpoint_no_update BEFORE UPDATE ON {CHECKPOINTS}
        BEGIN SELECT RAISE(ABORT, 'access log checkpoints are append-only'); END""",
    f"""CREATE TRIGGER accesslog_checkpoint_no_delete BEFORE DELETE ON {CHECKPOINTS}
        BEGIN SELECT RAISE(ABORT, 'access log checkpoints are append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS accesslog_checkpoint_no_update",
    "DROP TRIGGER IF EXISTS accesslog_checkpoint_no_delete",
]
SQLITE_DOWN = [*SQLITE_DROP, "DROP TRIGGER IF EXISTS accesslog_no_delete", append_only.SQLITE_UP[1]]

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION accesslog_refuse_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' THEN
           IF OLD.chain_seq <= {COVERED} THEN RETURN OLD; END IF;
         END IF;
         RAISE EXCEPTION 'access log entries are append-only';
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION accesslog_checkpoint_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'access log checkpoints are append-only'; END; $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER accesslog_checkpoint_no_update_delete BEFORE UPDATE OR DELETE ON {CHECKPOINTS}
        FOR EACH ROW EXECUTE FUNCTION accesslog_checkpoint_refuse_change()""",
    f"""CREATE TRIGGER accesslog_checkpoint_no_truncate BEFORE TRUNCATE ON {CHECKPOINTS}
        FOR EACH STATEMENT EXECUTE FUNCTION accesslog_checkpoint_refuse_change()""",
    f"""CREATE OR REPLACE FUNCTION accesslog_trim(through bigint) RETURNS bigint
        LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
       DECLARE trimmed bigint;
       BEGIN
         IF through > {COVERED} THEN
           RAISE EXCEPTION 'no access log checkpoint covers chain position %', through;
         END IF;
         DELETE FROM {TABLE} WHERE chain_seq <= through;
         GET DIAGNOSTICS trimmed = ROW_COUNT;
         RETURN trimmed;
       END; $$""",
    "REVOKE ALL ON FUNCTION accesslog_trim(bigint) FROM PUBLIC",
]
POSTGRES_DOWN = [
    "DROP FUNCTION IF EXISTS accesslog_trim(bigint)",
    f"DROP TRIGGER IF EXISTS accesslog_checkpoint_no_update_delete ON {CHECKPOINTS}",
    f"DROP TRIGGER IF EXISTS accesslog_checkpoint_no_truncate ON {CHECKPOINTS}",
    "DROP FUNCTION IF EXISTS accesslog_checkpoint_refuse_change()",
    append_only.POSTGRES_UP[0],
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)  # no placeholders: RAISE's % is literal

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_access_log_chain'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLogCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('first_seq', models.BigIntegerField(help_text='The first chain position trimmed.')),
                ('last_seq', models.BigIntegerField(help_text='The last chain position trimmed.', unique=True)),
                ('last_hash', models.CharField(help_text='The hash of the last entry trimmed.', max_length=64)),
                ('trimmed', models.BigIntegerField(help_text='How many entries were trimmed.')),
                ('first_at', models.DateTimeField(help_text='When the oldest entry trimmed was written.')),
                ('last_at', models.DateTimeField(help_text='When the newest entry trimmed was written.')),
                ('rule', models.CharField(help_text='The retention rule that trimmed them.', max_length=60)),
                ('previous_signature', models.CharField(blank=True, max_length=64)),
                ('signature', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['last_seq'],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
