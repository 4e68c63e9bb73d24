"""Tamper evidence: each access log entry carries its position in a hash chain and a SHA-256 hash over the
previous entry's hash, its position and its fields (desist.audit.chain). Entries already held are sealed
here, in id order, so `manage.py verify_access_log` passes on an upgraded database.

The append-only triggers refuse the UPDATE that sealing needs, so they are lifted for it, in this
transaction only (PostgreSQL), or dropped and made again (SQLite, where changing the columns also
rebuilds the table and so drops them)."""

import importlib

import django.utils.timezone
from django.db import migrations, models

from desist.audit.chain import FIELDS, GENESIS, canonical_payload, entry_hash

append_only = importlib.import_module("desist.audit.migrations.0002_access_log_append_only")
TABLE = append_only.TABLE
CHUNK = 5000


def seal_existing(apps, schema_editor):
    connection = schema_editor.connection
    Entry = apps.get_model("audit", "AccessLogEntry")
    Head = apps.get_model("audit", "AccessLogChainHead")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER accesslog_no_update_delete")
        elif connection.vendor == "sqlite":
            for statement in append_only.SQLITE_DOWN:
                cursor.execute(statement)
        seq, previous, sealed = 0, GENESIS, []
        rows = Entry.objects.order_by("id").values("id", *FIELDS).iterator(chunk_size=CHUNK)
        for row in rows:
            seq += 1
            previous = entry_hash(previous, seq, canonical_payload(row))
            sealed.append((seq, previous, row["id"]))
            if len(sealed) >= CHUNK:
                cursor.executemany(f"UPDATE {TABLE} SET chain_seq = %s, entry_hash = %s WHERE id = %s", sealed)
                sealed = []
        if sealed:
            cursor.executemany(f"UPDATE {TABLE} SET chain_seq = %s, entry_hash = %s WHERE id = %s", sealed)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER accesslog_no_update_delete")
    Head.objects.update_or_create(pk=1, defaults={"seq": seq, "entry_hash": previous})


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in append_only.SQLITE_DOWN + append_only.SQLITE_UP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_access_log_append_only")]

    operations = [
        # Undoing this migration rebuilds the table on SQLite: make the triggers again at the end.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.CreateModel(
            name="AccessLogChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0)),
                ("entry_hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "access log chain head"},
        ),
        migrations.AddField(model_name="accesslogentry", name="chain_seq",
                            field=models.BigIntegerField(editable=False, null=True)),
        migrations.AddField(model_name="accesslogentry", name="entry_hash",
                            field=models.CharField(editable=False, max_length=64, null=True)),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.AlterField(model_name="accesslogentry", name="at",
                              field=models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
        migrations.AlterField(model_name="accesslogentry", name="chain_seq",
                              field=models.BigIntegerField(editable=False, unique=True)),
        migrations.AlterField(model_name="accesslogentry", name="entry_hash",
                              field=models.CharField(editable=False, max_length=64)),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
