"""On PostgreSQL, the database itself refuses two bookings holding the same bed over overlapping dates (an
exclusion constraint over date ranges; btree_gist lets it compare the bed too). SQLite has no such constraint:
there the booking service's check under a row lock is the guard."""

from django.db import migrations

CONSTRAINT = "booking_no_double_booking"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE premises_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist ("
        "bed_id WITH =, daterange(expected_arrival, COALESCE(departed_on, expected_departure), '[)') WITH &&"
        ") WHERE (status IN ('expected', 'arrived', 'departed'))")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE premises_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("premises", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
