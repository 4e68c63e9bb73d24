from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from desist.api.services import TokenRefused, api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user. The token is printed once and never stored."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the token is for")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="days until it expires (1 to DESIST_API_TOKEN_MAX_DAYS, the default)",
        )
        parser.add_argument(
            "--write",
            action="store_true",
            help="let the token write (POST, PUT, PATCH, DELETE); without it, it may only read",
        )

    def handle(
        self, *args: Any, username: str, name: str, days: int | None, write: bool, **options: Any
    ) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        try:
            token, raw = api_token_issue(
                user=user, name=name, days=days, scopes=("read", "write") if write else ("read",)
            )
        except TokenRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"Token {token.key_prefix}… for {username} ({name}), may {' and '.join(token.scopes.split())}, "
            f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}; keep it secret:"
        )
        self.stdout.write(raw)
