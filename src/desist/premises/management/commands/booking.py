"""`manage.py booking make|arrive|not-arrived|depart|cancel … --user USERNAME`: accommodation bookings from
the command line, acting as a named user, through the same forms and services (so the same messages) as the
pages and the API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.cli import add_actor_arguments, command_actor, run
from desist.people.selectors import person_for_actor
from desist.premises import selectors, services
from desist.premises.actions import BOOKING_ACTIONS, apply_booking_action
from desist.premises.forms import BookingForm
from desist.premises.models import BedSpace, MoveOn
from desist.referrals.forms import form_errors


class Command(BaseCommand):
    help = "Book a bed, or record arrival, non-arrival, departure or cancellation, acting as --user."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="action", required=True, metavar="|".join(("make", *BOOKING_ACTIONS))
        )
        make = subcommands.add_parser(
            "make", help="Book a bed (no double booking; the bed must fit the person)."
        )
        make.add_argument("--person", required=True, type=int, help="The person's id.")
        make.add_argument("--bed", required=True, help="The bed space's id.")
        make.add_argument("--arrival", required=True, help="Expected arrival (YYYY-MM-DD).")
        make.add_argument("--departure", required=True, help="Expected departure (YYYY-MM-DD).")
        make.add_argument("--step-free", action="store_true", help="The person needs a step-free bed.")
        add_actor_arguments(make)
        for action in BOOKING_ACTIONS:
            step = subcommands.add_parser(
                action, help=f"{action.capitalize().replace('-', ' ')} for a booking."
            )
            step.add_argument("--booking", required=True, type=int, help="The booking's id.")
            if action == "not-arrived":
                step.add_argument("--reason", default="", help="Why they did not arrive (required).")
            if action == "depart":
                step.add_argument(
                    "--move-on", default="", help=f"One of {', '.join(MoveOn.values)} (required)."
                )
                step.add_argument(
                    "--departed-on", default="", help="Departure date (YYYY-MM-DD); today if left out."
                )
            add_actor_arguments(step)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"], options["purpose"])
        if options["action"] == "make":
            person = person_for_actor(actor, options["person"], what="the accommodation bookings")
            form = BookingForm(
                {
                    "bed": options["bed"],
                    "expected_arrival": options["arrival"],
                    "expected_departure": options["departure"],
                    "needs_step_free": "on" if options["step_free"] else "",
                }
            )
            if not form.is_valid():
                raise CommandError(form_errors(form))
            bed = BedSpace.objects.select_related("premises", "premises__provider").get(
                pk=form.cleaned_data["bed"]
            )
            booking = run(
                lambda: services.booking_make(
                    actor=actor,
                    person=person,
                    bed=bed,
                    **{k: v for k, v in form.cleaned_data.items() if k != "bed"},
                ),
                services.BookingError,
            )
            self.stdout.write(
                f"Booking {booking.pk}: {bed.premises.name}, {bed.name}, "
                f"{booking.expected_arrival:%d %b %Y} to {booking.expected_departure:%d %b %Y}."
            )
            return
        booking = selectors.booking_for_actor(actor, options["booking"])
        data: dict[str, Any] = {
            name: options[name] for name in ("reason", "move_on", "departed_on") if name in options
        }
        self.stdout.write(
            run(lambda: apply_booking_action(actor, booking, options["action"], data), services.BookingError)
        )
