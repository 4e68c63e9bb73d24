"""`manage.py grant_app_role ROLE`: give the application's PostgreSQL role its rights and no more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.database import app_role_grant


class Command(BaseCommand):
    help = (
        "Run as the owner role (after migrate): give ROLE read and write on desist's tables but only "
        "INSERT and SELECT on the access log, and no right to change the schema. docs/production.md, step 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The role the application connects as (the user in DATABASE_URL).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            statements = app_role_grant(role=options["role"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        for statement in statements:
            self.stdout.write(f"{statement};")
        self.stdout.write(f"Granted {options['role']} the application's rights.")
