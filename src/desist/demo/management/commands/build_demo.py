from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from desist.demo.services import DemoRefused, demo_partnership_build


class Command(BaseCommand):
    help = "Generate and load the synthetic demo partnership (once), and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=50_000, help="people in the wider agency records")
        parser.add_argument("--seed", type=int, default=20121)
        parser.add_argument(
            "--as-of", type=date.fromisoformat, default=None, help="the demo's today (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--no-derive",
            action="store_true",
            help="skip risk scores, priority groups and IOM scores (for benchmarks)",
        )

    def handle(
        self, *args: Any, people: int, seed: int, as_of: date | None, no_derive: bool = False, **options: Any
    ) -> None:
        try:
            result = demo_partnership_build(
                people=people, seed=seed, as_of=as_of, log=self.stdout.write, derive=not no_derive
            )
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (passwords are new each time this runs):"))
        width = max(len(login.username) for login in result.logins)
        for login in result.logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {login.password}  {login.description} ({login.agency})"
            )
        self.stdout.write(
            "After signing in, the first page asks why you are using desist: every record you open is "
            "logged with that purpose, and you can change it at the top of any page."
        )
        self.stdout.write(
            "Administrators sign in with a code from an authenticator app too. The first time, demo.admin is "
            "shown a QR code to scan with any authenticator app (Microsoft or Google Authenticator, "
            "FreeOTP), or a key to type into one (without a phone: `oathtool --totp -b KEY`, "
            "the key without its spaces)."
        )
