from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from desist.api.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user. The token is printed once and never stored."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the token is for")
        parser.add_argument("--days", type=int, default=365, help="days until it expires (0: never)")

    def handle(self, *args: Any, username: str, name: str, days: int, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        token, raw = api_token_issue(user=user, name=name, days=days or None)
        self.stdout.write(f"Token {token.key_prefix}… for {username} ({name}); keep it secret:")
        self.stdout.write(raw)
