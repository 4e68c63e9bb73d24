"""`manage.py release date|facts|released|task|pathway … --user USERNAME`: the release services from the
command line, acting as a named user, through the same forms (so the same messages) as the pages and the
API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from desist.audit.cli import add_actor_arguments, command_actor, iso_date, run
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import release as rules
from desist.outcomes.models import AccommodationKind
from desist.partnership.models import Agency
from desist.people.selectors import person_for_actor, visible_people
from desist.release import selectors, services
from desist.release.forms import (
    AdjustmentForm,
    CustodialSentenceForm,
    RecallForm,
    RecallReturnForm,
    ReleaseDateForm,
    ReleaseFactsForm,
    ReleaseForm,
    TaskForm,
)
from desist.release.models import SENTENCE_TYPE_LABELS, AdjustmentKind, RecallKind, ReleaseType, TaskStatus
from desist.sentences.models import Sentence, SentenceKind


def _form_error(form: Any) -> CommandError:
    return CommandError(" ".join(str(m) for messages in form.errors.values() for m in messages))


class Command(BaseCommand):
    help = (
        "Set a release date, record release facts or the release itself, update a release plan task or a "
        "pathway, acting as --user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="date|facts|released|task|pathway|sentence|adjust|recall|returned|dates",
        )

        when = subcommands.add_parser(
            "date", help="Set, bring forward, put back or confirm an expected release date."
        )
        self._which_sentence(when)
        when.add_argument(
            "--date", required=True, type=iso_date, help="The expected release date (YYYY-MM-DD)."
        )
        when.add_argument(
            "--type", default=ReleaseType.CONDITIONAL, help=f"One of {', '.join(ReleaseType.values)}."
        )
        when.add_argument("--reason", default="", help="Why (optional).")
        when.add_argument(
            "--confirm",
            action="store_true",
            help="Confirm the date already recorded (without it, the same date records nothing).",
        )
        add_actor_arguments(when)

        facts = subcommands.add_parser("facts", help="Record a custodial sentence's release facts.")
        self._which_sentence(facts)
        facts.add_argument(
            "--type",
            default=rules.SentenceType.STANDARD,
            dest="sentence_type",
            help=f"One of {', '.join(SENTENCE_TYPE_LABELS)}.",
        )
        facts.add_argument("--extended-licence-days", type=int, default=0, help="Extended sentences only.")
        facts.add_argument(
            "--tariff-expiry", type=iso_date, help="Life or IPP: the minimum term ends (YYYY-MM-DD)."
        )
        facts.add_argument(
            "--parole-board", action="store_true", help="The Parole Board decides this release."
        )
        facts.add_argument(
            "--hdc-exclusion",
            action="append",
            default=[],
            dest="hdc_exclusions",
            help=f"Repeat for each: {', '.join(rules.HDC_EXCLUSIONS)}.",
        )
        add_actor_arguments(facts)

        released = subcommands.add_parser("released", help="Record that the person was released.")
        self._which_sentence(released)
        released.add_argument("--date", required=True, type=iso_date, help="The day of release (YYYY-MM-DD).")
        released.add_argument(
            "--type", default=ReleaseType.CONDITIONAL, help=f"One of {', '.join(ReleaseType.values)}."
        )
        released.add_argument(
            "--accommodation",
            required=True,
            help=f"Where the person went to live: {', '.join(AccommodationKind.values)}.",
        )
        released.add_argument("--note", default="", help="A note (optional).")
        add_actor_arguments(released)

        task = subcommands.add_parser(
            "task", help="Mark a plan task done, not needed or to do, or change it."
        )
        task.add_argument("--task", required=True, type=int, help="The task's id.")
        status = task.add_mutually_exclusive_group()
        status.add_argument("--done", action="store_const", dest="status", const=TaskStatus.DONE)
        status.add_argument("--not-needed", action="store_const", dest="status", const=TaskStatus.NOT_NEEDED)
        status.add_argument("--reopen", action="store_const", dest="status", const=TaskStatus.OPEN)
        task.add_argument("--owner", help="The owner agency's code.")
        task.add_argument("--due", type=iso_date, help="The due date (YYYY-MM-DD).")
        task.add_argument("--provider", help="The named service, place or person arranged.")
        task.add_argument("--event-date", type=iso_date, help="First dose or appointment date (YYYY-MM-DD).")
        task.add_argument("--detail", help="Free detail.")
        add_actor_arguments(task)

        pathway = subcommands.add_parser("pathway", help="Set a resettlement pathway's status on a plan.")
        pathway.add_argument("--plan", required=True, type=int, help="The release plan's id.")
        pathway.add_argument("--pathway", required=True, help="The pathway (e.g. accommodation).")
        pathway.add_argument(
            "--status",
            required=True,
            help="not_started, in_progress, support_needed, support_declined or done.",
        )
        pathway.add_argument("--note", default="")
        add_actor_arguments(pathway)

        sentence = subcommands.add_parser(
            "sentence", help="Record a custodial sentence as the prison records it."
        )
        sentence.add_argument("--person", required=True, type=int, help="The person's id.")
        sentence.add_argument("--sentence-date", required=True, type=iso_date, help="YYYY-MM-DD.")
        for unit in ("years", "months", "weeks", "days"):
            sentence.add_argument(f"--{unit}", type=int, default=0, help=f"The term as passed: {unit}.")
        sentence.add_argument(
            "--type",
            default=rules.SentenceType.STANDARD,
            dest="sentence_type",
            help=f"One of {', '.join(SENTENCE_TYPE_LABELS)}.",
        )
        sentence.add_argument(
            "--offence-date", type=iso_date, help="The earliest offence's date (YYYY-MM-DD)."
        )
        sentence.add_argument("--consecutive-to", type=int, help="The id of the sentence this one follows.")
        sentence.add_argument(
            "--extension-years", type=int, default=0, help="Extended sentences: licence years."
        )
        sentence.add_argument(
            "--extension-months", type=int, default=0, help="Extended sentences: licence months."
        )
        sentence.add_argument(
            "--extended-licence-days", type=int, default=0, help="Extended sentences: licence days."
        )
        sentence.add_argument(
            "--fine", type=int, dest="fine_amount", help="A term in default: the fine, in pounds."
        )
        sentence.add_argument(
            "--tariff-expiry", type=iso_date, help="Life or IPP: the minimum term ends (YYYY-MM-DD)."
        )
        add_actor_arguments(sentence)

        adjust = subcommands.add_parser(
            "adjust",
            help="Record remand, tagged bail, UAL, days awarded or restored, "
            "or recall remand or tagged bail (before a recall).",
        )
        self._which_sentence(adjust)
        adjust.add_argument("--kind", required=True, help=f"One of {', '.join(AdjustmentKind.values)}.")
        adjust.add_argument("--days", required=True, type=int, help="How many days.")
        adjust.add_argument(
            "--from", dest="from_date", type=iso_date, help="Unlawfully at large: the first day (YYYY-MM-DD)."
        )
        adjust.add_argument("--note", default="")
        add_actor_arguments(adjust)

        recall = subcommands.add_parser(
            "recall", help="Record a recall to custody from a sentence's licence."
        )
        recall.add_argument("--sentence", required=True, type=int, help="The custodial sentence's id.")
        recall.add_argument("--kind", required=True, help=f"One of {', '.join(RecallKind.values)}.")
        recall.add_argument("--recalled-on", required=True, type=iso_date, help="YYYY-MM-DD.")
        recall.add_argument("--returned", type=iso_date, help="The return to custody (YYYY-MM-DD).")
        add_actor_arguments(recall)

        returned = subcommands.add_parser(
            "returned", help="Record the return to custody after a recall recorded before it."
        )
        returned.add_argument("--recall", required=True, type=int, help="The recall's id.")
        returned.add_argument("--date", required=True, type=iso_date, help="YYYY-MM-DD.")
        add_actor_arguments(returned)

        dates = subcommands.add_parser(
            "dates", help="Show a person's release dates as desist works them out."
        )
        dates.add_argument("--person", required=True, type=int, help="The person's id.")
        add_actor_arguments(dates)

    @staticmethod
    def _which_sentence(parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--sentence", type=int, help="The custodial sentence's id.")
        which.add_argument(
            "--person", type=int, help="The person's id: their custodial sentence not yet released."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(options["user"], options["purpose"])
        message = getattr(self, f"_{options['action']}")(actor, options)
        self.stdout.write(message)

    def _which(self, actor: Actor, options: dict[str, Any]) -> Sentence:
        custody = Sentence.objects.filter(kind=SentenceKind.CUSTODY, person__in=visible_people(actor))
        if options["sentence"] is not None:
            return selectors.sentence_for_actor(actor, options["sentence"])
        person_for_actor(actor, options["person"], what="the release")
        sentence = (
            custody.filter(person_id=options["person"], release_is_actual=False)
            .order_by("-sentence_date", "-pk")
            .first()
        )
        if sentence is None:
            raise CommandError(f"Person {options['person']} has no custodial sentence waiting for release.")
        return sentence

    def _date(self, actor: Actor, options: dict[str, Any]) -> str:
        sentence = self._which(actor, options)
        form = ReleaseDateForm(
            {
                "release_date": options["date"],
                "release_type": options["type"],
                "reason": options["reason"],
                "confirm": options.get("confirm", False),
            }
        )
        if not form.is_valid():
            raise _form_error(form)
        try:
            change = run(
                lambda: services.release_date_record(actor=actor, sentence=sentence, **form.cleaned_data),
                services.ReleaseError,
            )
        except CommandError as error:
            if isinstance(error.__cause__, services.ReleaseDateUnchanged):
                return (
                    f"{error} Use --confirm to confirm it."  # the same date again: nothing to do, no failure
                )
            raise
        notice = " (short notice)" if change.short_notice else ""
        return (
            f"Release date of sentence {sentence.pk} {change.get_change_display().lower()}: "
            f"{change.new_date:%d %b %Y}, {change.notice_days} days' notice{notice}."
        )

    def _facts(self, actor: Actor, options: dict[str, Any]) -> str:
        sentence = self._which(actor, options)
        form = ReleaseFactsForm(
            {
                "sentence_type": options["sentence_type"],
                "extended_licence_days": options["extended_licence_days"],
                "tariff_expiry_date": options["tariff_expiry"] or "",
                "parole_board_case": options["parole_board"],
                "hdc_exclusions": options["hdc_exclusions"],
            }
        )
        if not form.is_valid():
            raise _form_error(form)
        facts = run(
            lambda: services.release_facts_record(actor=actor, sentence=sentence, **form.cleaned_data),
            services.ReleaseError,
        )
        exclusions = ", ".join(facts.hdc_exclusions) or "no HDC exclusions"
        sentence_type = facts.get_sentence_type_display().lower()
        return f"Release facts of sentence {sentence.pk}: {sentence_type}, {exclusions}."

    def _released(self, actor: Actor, options: dict[str, Any]) -> str:
        sentence = self._which(actor, options)
        form = ReleaseForm(
            {
                "released_on": options["date"],
                "release_type": options["type"],
                "accommodation": options["accommodation"],
                "note": options["note"],
            }
        )
        if not form.is_valid():
            raise _form_error(form)
        release = run(
            lambda: services.release_record(actor=actor, sentence=sentence, **form.cleaned_data),
            services.ReleaseError,
        )
        return (
            f"Sentence {sentence.pk}: released on {release.released_on:%d %b %Y} "
            f"({release.get_release_type_display().lower()}), accommodation on release "
            f"{release.get_accommodation_on_release_display().lower()}."
        )

    def _task(self, actor: Actor, options: dict[str, Any]) -> str:
        task = selectors.task_for_actor(actor, options["task"])
        sent: dict[str, Any] = {}
        if options["status"]:
            sent["status"] = options["status"]
        if options["owner"]:
            owner = Agency.objects.filter(code=options["owner"]).values_list("pk", flat=True).first()
            if owner is None:
                raise CommandError(f"No agency has the code {options['owner']!r}.")
            sent["owner_agency"] = owner
        for option, field in (
            ("due", "due_date"),
            ("provider", "provider"),
            ("event_date", "event_date"),
            ("detail", "detail"),
        ):
            if options[option] is not None:
                sent[field] = options[option]
        if not sent:
            raise CommandError(
                "Say what to change: --done, --not-needed, --reopen, --owner, --due, --provider, "
                "--event-date or --detail."
            )
        current = {
            "status": task.status,
            "owner_agency": task.owner_agency_id,
            "due_date": task.due_date,
            "provider": task.provider,
            "event_date": task.event_date,
            "detail": task.detail,
        }
        form = TaskForm(
            {name: ("" if value is None else value) for name, value in {**current, **sent}.items()}
        )
        if not form.is_valid():
            raise _form_error(form)
        task = run(
            lambda: services.plan_task_update(
                actor=actor, task=task, **{k: form.cleaned_data[k] for k in sent}
            ),
            services.ReleaseError,
        )
        return f"{task.title}: {task.get_status_display().lower()}, due {task.due_date:%d %b %Y}."

    def _pathway(self, actor: Actor, options: dict[str, Any]) -> str:
        plan = selectors.plan_for_actor(actor, options["plan"])
        row = run(
            lambda: services.pathway_status_set(
                actor=actor,
                plan=plan,
                pathway=options["pathway"],
                status=options["status"],
                note=options["note"],
            ),
            services.ReleaseError,
        )
        return f"{row.get_pathway_display()}: {row.get_status_display().lower()}."

    @staticmethod
    def _worked_out(person_id: int) -> str:
        booking = selectors.booking_dates(person_id, on=timezone.localdate())
        if booking.at_large is not None:
            return (
                "Recalled, not yet returned (unlawfully at large since "
                f"{booking.at_large.recalled_on:%Y-%m-%d}): no custody date runs until the return to custody "
                "is recorded."
            )
        if booking.calculation is None:
            return (
                f"This needs a manual calculation, because {booking.manual}."
                if booking.manual
                else "No release date: the Parole Board directs a life or IPP release."
            )
        return "\n".join(
            f"{d.date_type} {d.date.isoformat()}: " + "; ".join(f"{w.rule}: {w.detail}" for w in d.working)
            for d in booking.dates
        )

    def _sentence(self, actor: Actor, options: dict[str, Any]) -> str:
        person = person_for_actor(actor, options["person"], what="the release")
        selectors.recorder_for_actor(actor, person_id=person.pk, what="a sentence")
        follows = (
            selectors.sentence_for_actor(actor, options["consecutive_to"])
            if options["consecutive_to"]
            else None
        )
        form = CustodialSentenceForm(
            {
                "sentence_date": options["sentence_date"],
                "years": options["years"],
                "months": options["months"],
                "weeks": options["weeks"],
                "days": options["days"],
                "sentence_type": options["sentence_type"],
                "offence_date": options["offence_date"] or "",
                "extension_years": options["extension_years"],
                "extension_months": options["extension_months"],
                "extended_licence_days": options["extended_licence_days"],
                "fine_amount": options["fine_amount"] or "",
                "tariff_expiry_date": options["tariff_expiry"] or "",
            }
        )
        if not form.is_valid():
            raise _form_error(form)
        data = {k: v for k, v in form.cleaned_data.items() if k != "consecutive_to"}
        sentence = run(
            lambda: services.custodial_sentence_record(
                actor=actor, person=person, consecutive_to=follows, **data
            ),
            services.ReleaseError,
        )
        return f"Sentence {sentence.pk} recorded.\n{self._worked_out(person.pk)}"

    def _adjust(self, actor: Actor, options: dict[str, Any]) -> str:
        sentence = self._which(actor, options)
        selectors.recorder_for_actor(actor, person_id=sentence.person_id, what="an adjustment")
        form = AdjustmentForm(
            {
                "kind": options["kind"],
                "days": options["days"],
                "from_date": options["from_date"] or "",
                "note": options["note"],
            }
        )
        if not form.is_valid():
            raise _form_error(form)
        adjustment = run(
            lambda: services.adjustment_record(actor=actor, sentence=sentence, **form.cleaned_data),
            services.ReleaseError,
        )
        return (
            f"Adjustment {adjustment.pk} recorded on sentence {sentence.pk}.\n"
            f"{self._worked_out(sentence.person_id)}"
        )

    def _recall(self, actor: Actor, options: dict[str, Any]) -> str:
        sentence = selectors.sentence_for_actor(actor, options["sentence"])
        selectors.recorder_for_actor(actor, person_id=sentence.person_id, what="a recall")
        form = RecallForm(
            {
                "kind": options["kind"],
                "recalled_on": options["recalled_on"],
                "returned_to_custody": options["returned"] or "",
            }
        )
        if not form.is_valid():
            raise _form_error(form)
        recall = run(
            lambda: services.recall_record(actor=actor, sentence=sentence, **form.cleaned_data),
            services.ReleaseError,
        )
        back = (
            f"Back in custody: expected release {sentence.release_date:%Y-%m-%d} (after the recall)."
            if sentence.release_date
            else f"Recalled, not yet returned (unlawfully at large since {recall.recalled_on:%Y-%m-%d}): "
            f"record the return with `release returned --recall {recall.pk}`."
            if recall.returned_to_custody is None
            else "Back in custody: the post-recall release date is not worked out."
        )
        return (
            f"Recall {recall.pk} recorded on sentence {sentence.pk}. {back}\n"
            f"{self._worked_out(sentence.person_id)}"
        )

    def _returned(self, actor: Actor, options: dict[str, Any]) -> str:
        recall = selectors.recall_for_actor(actor, options["recall"])
        selectors.recorder_for_actor(actor, person_id=recall.person_id, what="a return to custody")
        form = RecallReturnForm({"returned_to_custody": options["date"]})
        if not form.is_valid():
            raise _form_error(form)
        run(
            lambda: services.recall_return_record(actor=actor, recall=recall, **form.cleaned_data),
            services.ReleaseError,
        )
        return (
            f"Return to custody recorded for recall {recall.pk}: {recall.returned_to_custody:%Y-%m-%d}.\n"
            f"{self._worked_out(recall.person_id)}"
        )

    def _dates(self, actor: Actor, options: dict[str, Any]) -> str:
        person = person_for_actor(actor, options["person"], what="the release")
        log_access(
            actor=actor,
            action=Action.CONSULTATION,
            person_id=person.pk,
            obj=person,
            summary=f"Viewed release dates of person {person.pk}",
        )
        return self._worked_out(person.pk)
