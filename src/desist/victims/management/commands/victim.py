"""`manage.py victim record|link|notify-complete … --user USERNAME`: victim contact from the command line,
acting as a named user with the victim liaison role, through the same services (and the page's form for
completing a notification) as the pages and the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.cli import add_actor_arguments, command_actor, refused, run
from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.offences.models import Offence
from desist.people.selectors import visible_people
from desist.victims import selectors, services
from desist.victims.forms import CompleteForm
from desist.victims.models import ContactPreference, Information, NotificationOutcome, VictimNotification


def _validation(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Record a victim, link them to an offence, or complete a notification (victim liaison role), "
        "as --user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="action", required=True, metavar="record|link|notify-complete"
        )
        record = subcommands.add_parser(
            "record", help="Record a victim (reference, contact, what they want to know)."
        )
        record.add_argument("--reference", required=True, help="The victim liaison unit's reference.")
        record.add_argument("--name", default="", help="A name, only if they give one.")
        record.add_argument(
            "--contact",
            default=ContactPreference.LETTER,
            choices=ContactPreference.values,
            help="How they want to be contacted.",
        )
        record.add_argument(
            "--officer", default="", metavar="USERNAME", help="Their liaison officer (you, if left out)."
        )
        record.add_argument(
            "--opted-in", action="store_true", help="They opted in to the Victim Contact Scheme."
        )
        record.add_argument(
            "--wants",
            action="append",
            default=[],
            choices=Information.values,
            help="What they want to be told (repeat for more than one).",
        )
        add_actor_arguments(record)

        link = subcommands.add_parser(
            "link", help="Link a victim to a proven offence (what is due is raised)."
        )
        link.add_argument("--victim", required=True, help="The victim's reference.")
        link.add_argument("--offence", required=True, type=int, help="The proven offence's id.")
        add_actor_arguments(link)

        complete = subcommands.add_parser(
            "notify-complete", help="Complete a victim notification with its outcome."
        )
        complete.add_argument("--notification", required=True, type=int, help="The notification's id.")
        complete.add_argument(
            "--outcome", default="", help=f"One of {', '.join(NotificationOutcome.values)}."
        )
        complete.add_argument("--note", default="", help="How you told them, or how you tried to reach them.")
        add_actor_arguments(complete)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"], options["purpose"])
        if not services.is_victim_liaison(actor):
            refuse(
                actor,
                summary="Refused access to victim contact",
                reason=selectors.LIAISON_ONLY,
                message="Only the victim liaison role works with victims.",
            )
        handler = {"record": self._record, "link": self._link, "notify-complete": self._complete}[
            options["action"]
        ]
        self.stdout.write(handler(actor, options))

    def _record(self, actor: Actor, options: dict[str, Any]) -> str:
        officer_id = None
        if options["officer"]:
            officer_id = (
                get_user_model()
                .objects.filter(username=options["officer"], is_active=True)
                .values_list("pk", flat=True)
                .first()
            )
            if officer_id is None:
                raise CommandError(f"No active user is called {options['officer']!r}.")
        try:
            victim = run(
                lambda: services.victim_record(
                    actor=actor,
                    reference=options["reference"],
                    name=options["name"],
                    contact_preference=options["contact"],
                    liaison_officer_id=officer_id,
                    opted_in=options["opted_in"],
                    wants_to_know=options["wants"],
                ),
                services.VictimError,
            )
        except ValidationError as error:
            raise CommandError(_validation(error)) from error
        return f"Recorded victim {victim.reference}{' (opted in)' if victim.opted_in else ''}."

    def _link(self, actor: Actor, options: dict[str, Any]) -> str:
        victim = selectors.victims_visible(actor).filter(reference=options["victim"].strip()).first()
        if victim is None:
            raise refused(actor, f"victim {options['victim']}", None)
        offence = Offence.objects.filter(pk=options["offence"], person__in=visible_people(actor)).first()
        if offence is None:
            person_id = (
                Offence.objects.filter(pk=options["offence"]).values_list("person_id", flat=True).first()
            )
            raise refused(actor, f"offence {options['offence']}", person_id)
        before = VictimNotification.objects.filter(victim=victim).count()
        run(lambda: services.victim_link(actor=actor, victim=victim, offence=offence), services.VictimError)
        raised = VictimNotification.objects.filter(victim=victim).count() - before
        return (
            f"Linked victim {victim.reference} to offence {offence.pk}; raised {raised} "
            f"notification{'s' if raised != 1 else ''}."
        )

    def _complete(self, actor: Actor, options: dict[str, Any]) -> str:
        item = selectors.notification_for_actor(actor, options["notification"])
        form = CompleteForm({"outcome": options["outcome"], "note": options["note"]})
        if not form.is_valid():
            raise CommandError(" ".join(str(m) for messages in form.errors.values() for m in messages))
        item = run(
            lambda: services.notification_complete(
                actor=actor,
                notification=item,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            ),
            services.VictimError,
        )
        return f"Completed notification {item.pk}: {item.get_outcome_display().lower()}."
