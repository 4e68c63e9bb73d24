"""Least privilege on PostgreSQL: the application runs as a role that owns nothing, so it cannot drop the
access log's triggers, and may only add to and read the log.

Migrations run as the owner role (`DESIST_MIGRATE_DATABASE_URL`); `app_role_grant` then gives the
application's role (the user in `DATABASE_URL`) exactly this:

- SELECT, INSERT, UPDATE and DELETE on every ordinary table, now and (default privileges) in future;
- on the access log, SELECT and INSERT only: no UPDATE, DELETE, TRUNCATE, TRIGGER or REFERENCES;
- on the chain head (one row), SELECT and UPDATE only: appends move it on;
- on the checkpoints, SELECT and INSERT only; trimming deletes through `accesslog_trim(bigint)` (EXECUTE),
  which runs with the owner's rights and deletes only what a checkpoint covers;
- USAGE, SELECT and UPDATE on sequences (the demo build moves id sequences on past the ids it loaded),
  but not UPDATE on the access log's own;
- USAGE on the schema, never CREATE; CONNECT on the database.

Without ownership it cannot ALTER or DROP a table or its triggers either.
"""

from __future__ import annotations

from django.db import connections
from psycopg import sql

from desist.audit.models import AccessLogChainHead, AccessLogCheckpoint, AccessLogEntry

READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"


def app_role_statements(
    *, role: str, database: str, schema: str, owner: str, log_sequence: str
) -> list[sql.Composed]:
    """The GRANT and REVOKE statements that give `role` the application's rights and no more. `log_sequence`
    is the access log's id sequence (schema-qualified)."""
    r, s, o = sql.Identifier(role), sql.Identifier(schema), sql.Identifier(owner)
    log = sql.Identifier(schema, AccessLogEntry._meta.db_table)
    head = sql.Identifier(schema, AccessLogChainHead._meta.db_table)
    checkpoints = sql.Identifier(schema, AccessLogCheckpoint._meta.db_table)
    return [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), r),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r),
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(s, r),
        sql.SQL("GRANT " + READ_WRITE + " ON ALL TABLES IN SCHEMA {} TO {}").format(s, r),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT " + READ_WRITE + " ON TABLES TO {}"
        ).format(o, s, r),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
        ).format(o, s, r),
        # The access log: add and read, nothing else.
        sql.SQL("REVOKE ALL ON {} FROM {}").format(log, r),
        sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(log, r),
        sql.SQL("REVOKE UPDATE ON SEQUENCE {} FROM {}").format(
            sql.Identifier(*log_sequence.split(".", 1)), r
        ),
        sql.SQL("REVOKE ALL ON {} FROM {}").format(head, r),
        sql.SQL("GRANT SELECT, UPDATE ON {} TO {}").format(head, r),
        sql.SQL("REVOKE ALL ON {} FROM {}").format(checkpoints, r),
        sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(checkpoints, r),
        sql.SQL("GRANT EXECUTE ON FUNCTION {}(bigint) TO {}").format(
            sql.Identifier(schema, "accesslog_trim"), r
        ),
    ]


def app_role_grant(*, role: str, using: str = "default") -> list[str]:
    """Grant `role` the application's rights on the database of connection `using` (run as the owner, after
    every migrate: desist's `migrate` does it when DESIST_MIGRATE_DATABASE_URL is set). Returns the SQL
    run."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise ValueError("Separate database roles are for PostgreSQL only.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_database(), current_schema(), current_user, pg_get_serial_sequence(%s, 'id')",
            [AccessLogEntry._meta.db_table],
        )
        database, schema, owner, log_sequence = cursor.fetchone()
        if role == owner:
            raise ValueError(
                f"The application's role must not be the owner role {owner!r}: give it a role of its own."
            )
        statements = app_role_statements(
            role=role, database=database, schema=schema, owner=owner, log_sequence=log_sequence
        )
        for statement in statements:
            cursor.execute(statement)
        return [statement.as_string(cursor.connection) for statement in statements]
