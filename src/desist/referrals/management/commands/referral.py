"""`manage.py referral make|acknowledge|accept|decline|start|complete|end|change … --user USERNAME`: the
referral lifecycle from the command line, acting as a named user, through the same forms and services (so the
same messages) as the pages and the API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.cli import add_actor_arguments, command_actor, run
from desist.people.selectors import person_for_actor
from desist.referrals import selectors, services
from desist.referrals.actions import ACTIONS, referral_action_apply
from desist.referrals.forms import ReferralForm, form_errors
from desist.referrals.models import Outcome, Service


class Command(BaseCommand):
    help = "Make a referral or move one on (the provider agency's steps), acting as --user."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="action", required=True, metavar="|".join(("make", *ACTIONS))
        )
        make = subcommands.add_parser(
            "make", help="Refer a person to a service (eligibility and duplicates checked)."
        )
        make.add_argument("--person", required=True, type=int, help="The person's id.")
        make.add_argument("--service", required=True, help="The service's id.")
        make.add_argument(
            "--need", default="", help="The need (a pathway); the service's pathway if left out."
        )
        make.add_argument("--detail", default="", help="What the provider needs to know.")
        add_actor_arguments(make)
        for action in ACTIONS:
            step = subcommands.add_parser(action, help=f"{action.capitalize()} a referral.")
            step.add_argument("--referral", required=True, type=int, help="The referral's id.")
            if action == "decline":
                step.add_argument("--reason", default="", help="Why the referral is declined (required).")
            if action in ("complete", "end"):
                step.add_argument(
                    "--outcome", default="", help=f"One of {', '.join(Outcome.values)} (required)."
                )
                step.add_argument("--reason", default="", help="Why it ended (when ended early).")
            if action == "change":
                step.add_argument("--detail", default="", help="The new details for the provider (required).")
            add_actor_arguments(step)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"], options["purpose"])
        if options["action"] == "make":
            person = person_for_actor(actor, options["person"], what="the referrals")
            form = ReferralForm(
                {"service": options["service"], "need": options["need"], "detail": options["detail"]}
            )
            if not form.is_valid():
                raise CommandError(form_errors(form))
            service = Service.objects.select_related("provider").get(pk=form.cleaned_data["service"])
            referral = run(
                lambda: services.referral_make(
                    actor=actor,
                    person=person,
                    service=service,
                    need=form.cleaned_data["need"],
                    detail=form.cleaned_data["detail"],
                ),
                services.ReferralError,
            )
            self.stdout.write(f"Referral {referral.pk} made to {service} ({service.provider}).")
            return
        referral = selectors.referral_for_actor(actor, options["referral"])
        data: dict[str, Any] = {
            name: options[name] for name in ("reason", "outcome", "detail") if name in options
        }
        self.stdout.write(
            run(
                lambda: referral_action_apply(actor, referral, options["action"], data),
                services.ReferralError,
            )
        )
