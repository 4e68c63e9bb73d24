"""`manage.py migrate`, as Django's, but with DESIST_MIGRATE_DATABASE_URL set it connects as that owner role
and then grants the application's role (the user in DATABASE_URL) its rights (desist.audit.database)."""

from __future__ import annotations

from typing import Any

import environ
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from desist.audit.database import app_role_grant

CONNECTION_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        owner_url = settings.DESIST_MIGRATE_DATABASE_URL
        if not owner_url or options["database"] != DEFAULT_DB_ALIAS:
            super().handle(*args, **options)
            return
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            raise CommandError("DESIST_MIGRATE_DATABASE_URL is for PostgreSQL only.")
        owner = environ.Env.db_url_config(owner_url)
        app = {key: connection.settings_dict.get(key) for key in CONNECTION_KEYS}
        app_role: str = connection.settings_dict["USER"]  # Django fills in every key of the settings
        if owner.get("NAME") != app["NAME"]:
            raise CommandError("DESIST_MIGRATE_DATABASE_URL must name the same database as DATABASE_URL.")
        connection.close()
        connection.settings_dict.update({key: owner.get(key, app[key]) for key in CONNECTION_KEYS})
        try:
            super().handle(*args, **options)
            app_role_grant(role=app_role)
            if options["verbosity"]:
                self.stdout.write(f"Granted {app_role} the application's rights (desist.audit.database).")
        finally:
            connection.close()
            connection.settings_dict.update(app)
