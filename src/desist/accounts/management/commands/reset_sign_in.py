from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from desist.accounts.services import sign_in_reset
from desist.audit.context import system_actor


class Command(BaseCommand):
    help = (
        "Reset a user's password and two-factor sign-in (for example the last administrator, who lost their "
        "phone). Prints a one-time link to choose a new password."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--base-url", default="", help="the public address, e.g. https://desist.example.org"
        )

    def handle(self, *args: Any, username: str, base_url: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        reset = sign_in_reset(actor=system_actor(), user=user)
        self.stdout.write(
            f"{username}: password and two-factor sign-in reset ({reset.devices_removed} authenticator(s) "
            f"removed). Pass on this link, valid for {settings.PASSWORD_RESET_TIMEOUT // 3600} hours "
            "or until used:"
        )
        self.stdout.write(base_url.rstrip("/") + reset.set_password_path)
