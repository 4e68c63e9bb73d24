"""The database itself refuses to change or delete access log entries (DPA 2018 s.62 logs must be
trustworthy), whichever code path tries."""

from django.db import migrations

TABLE = "audit_accesslogentry"

SQLITE_UP = [
    f"""CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log entries are append-only'); END""",
    f"""CREATE TRIGGER accesslog_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log entries are append-only'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS accesslog_no_update", "DROP TRIGGER IF EXISTS accesslog_no_delete"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION accesslog_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'access log entries are append-only'; END; $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER accesslog_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_change()""",
    # TRUNCATE bypasses row triggers; refuse it too.
    f"""CREATE TRIGGER accesslog_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION accesslog_refuse_change()""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS accesslog_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS accesslog_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS accesslog_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
