"""Victim contact pages for the victim liaison role: the dashboard of outstanding and overdue notifications,
a notification completed with a recorded outcome, the victims (list, record, change, link to an offence) and
the Victims section of a person's record. Anyone else gets 404, logged as denied."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.core.sharing import VICTIMS
from desist.offences.models import Offence
from desist.people.models import Person
from desist.people.selectors import person_for_actor, person_search
from desist.sharing.pages import not_shared
from desist.versioning import StaleEdit, form_show_stale
from desist.victims import selectors, services
from desist.victims.forms import (
    CompleteForm,
    LinkForm,
    PersonSearchForm,
    VictimForm,
    VictimSearchForm,
    offence_label,
)
from desist.victims.models import Victim, VictimLink

PAGE_SIZE = 50


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Outstanding victim notifications, overdue first, with counts."""
    actor = request.actor
    selectors.require_victim_liaison(actor, what="victim contact")
    today = timezone.localdate()
    mine = request.GET.get("mine") == "1"
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.notifications_outstanding(actor, mine=mine)
    if overdue:
        rows = rows.filter(deadline__lt=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed victim notifications ({len(page)} shown)",
        detail={"person_ids": sorted({n.person_id for n in page})},
    )
    return render(
        request,
        "victims/dashboard.html",
        {
            "page": page,
            "counts": selectors.notification_counts(actor, on=today),
            "today": today,
            "mine": mine,
            "overdue": overdue,
        },
    )


_notification = selectors.notification_for_actor


@login_required
def notification(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """One notification: the event, the victim's choices and eligibility; complete it with an outcome."""
    actor = request.actor
    item = _notification(actor, notification_id)
    form = CompleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_complete(
                actor=actor,
                notification=item,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except services.VictimError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Notification complete: {item.summary}.")
            return redirect("victim_dashboard")
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=item.person_id,
        obj=item,
        summary=f"Viewed victim notification {item.pk}",
    )
    return render(
        request,
        "victims/notification.html",
        {
            "item": item,
            "form": form,
            "today": timezone.localdate(),
            "eligibility": services.victim_eligibility(item.victim),
        },
    )


# --- Victims ------------------------------------------------------------------------------------------------


_liaison_only = selectors.require_victim_liaison
_victim = selectors.victim_for_actor


def _person(actor: Actor, person_id: int) -> Person:
    return person_for_actor(actor, person_id, what="the victims")


def _person_ids(links: list[VictimLink]) -> list[int]:
    return sorted({link.offence.person_id for link in links})


@login_required
def victims(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The victims the officer may see, searched by reference, with who and what they are linked to."""
    actor = request.actor
    _liaison_only(actor, what="victims")
    form = VictimSearchForm(request.GET or None)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    page = Paginator(selectors.victims_list(actor, reference=reference), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed victims ({len(page)} shown)",
        detail={
            "person_ids": _person_ids([link for v in page for link in v.visible_links]),  # type: ignore[attr-defined]
            "reference": reference,
        },
    )
    return render(
        request,
        "victims/victims.html",
        {
            "form": form,
            "page": page,
            "reference": reference,
            "query_string": urlencode({"reference": reference}) if reference else "",
        },
    )


def _carried_person(request: AuthenticatedHttpRequest) -> int | None:
    # "Record a new victim" from a person's record comes back to link the victim to that person's offence.
    value = request.POST.get("person") or request.GET.get("person") or ""
    return int(value) if value.isdigit() else None


@login_required
def victim_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a victim: the least personal data the scheme needs."""
    actor = request.actor
    _liaison_only(actor, what="recording a victim")
    person_id = _carried_person(request)
    form = VictimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            victim = services.victim_record(actor=actor, **form.cleaned_data)
        except services.VictimError as error:
            form.add_error("reference", str(error))
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, f"Victim {victim.reference} is recorded. Link them to an offence.")
            url = reverse("victim_link", args=[victim.pk])
            return redirect(f"{url}?person={person_id}" if person_id else url)
    log_access(actor=actor, action=Action.CONSULTATION, summary="Opened the form to record a victim")
    return render(request, "victims/victim_form.html", {"form": form, "victim": None, "person_id": person_id})


@login_required
def victim(request: AuthenticatedHttpRequest, victim_id: int) -> HttpResponse:
    """A victim: their details and choices, each linked offence with its scheme eligibility and reasons, and
    their notifications, outstanding and completed."""
    actor = request.actor
    victim = _victim(actor, victim_id)
    links = victim.visible_links  # type: ignore[attr-defined]
    results = {offence.pk: result for offence, result in services.victim_eligibility(victim)}
    rows = [(link, results.get(link.offence_id)) for link in links]
    notifications = selectors.victim_notifications(actor, victim)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=victim,
        summary=f"Viewed victim {victim.reference}",
        detail={"person_ids": _person_ids(links)},
    )
    return render(
        request,
        "victims/victim.html",
        {
            "victim": victim,
            "rows": rows,
            "today": timezone.localdate(),
            "outstanding": [n for n in notifications if n.status == "outstanding"],
            "completed": [n for n in notifications if n.status != "outstanding"],
        },
    )


@login_required
def victim_change(request: AuthenticatedHttpRequest, victim_id: int) -> HttpResponse:
    """Change what a victim chose (contact, opted in, what they want to be told) or the name they gave."""
    actor = request.actor
    victim = _victim(actor, victim_id)
    form = VictimForm(
        request.POST if request.method == "POST" else None,
        change=True,
        initial=VictimForm.initial_for(victim),
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        current = VictimForm.initial_for(victim) | {"opted_in": victim.opted_in}
        changes = {
            k: v
            for k, v in data.items()
            if (sorted(v) if k == "wants_to_know" else v)
            != (sorted(current[k]) if k == "wants_to_know" else current[k])
        }
        if not changes:
            messages.info(request, "Nothing was changed.")
            return redirect("victim", victim_id=victim.pk)
        try:
            services.victim_update(actor=actor, victim=victim, version=version, **changes)
        except StaleEdit:
            victim.refresh_from_db()
            form_show_stale(form, victim.version)
            stale = True
        except (services.VictimError, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"Victim {victim.reference}'s details are changed.")
            return redirect("victim", victim_id=victim.pk)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=victim,
        summary=f"Opened victim {victim.reference} to change",
        detail={"person_ids": _person_ids(victim.visible_links)},  # type: ignore[attr-defined]
    )
    return render(
        request,
        "victims/victim_form.html",
        {"form": form, "victim": victim, "person_id": None, "stale": stale},
    )


def _link(
    request: AuthenticatedHttpRequest, actor: Actor, victim: Victim, offence: Offence, form: LinkForm
) -> HttpResponse | None:
    """Link through the service and say what it raised; None (with the form's error) where it cannot."""
    if victim.links.filter(offence=offence).exists():
        form.add_error("offence", f"Victim {victim.reference} is already linked to this offence.")
        return None
    before = victim.notifications.count()
    try:
        services.victim_link(actor=actor, victim=victim, offence=offence)
    except (services.VictimError, services.NotVictimLiaison, ValidationError) as error:
        form.add_error(None, str(error) or "The victim could not be linked to this offence.")
        return None
    raised = victim.notifications.count() - before
    messages.success(
        request,
        f"Victim {victim.reference} is linked to {offence_label(offence)}. "
        f"{raised} notification{'s' if raised != 1 else ''} raised.",
    )
    return redirect("victim", victim_id=victim.pk)


@login_required
def victim_link(request: AuthenticatedHttpRequest, victim_id: int) -> HttpResponse:
    """Link a victim to an offence: find the person (by name, date of birth or identifier, among the people
    the officer may see), then choose one of their offences."""
    actor = request.actor
    victim = _victim(actor, victim_id)
    person_id = _carried_person(request)
    person = _person(actor, person_id) if person_id else None
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    results = person_search(actor, query, limit=20) if person is None and query else None
    offences = selectors.person_offences(actor, person.pk) if person else []
    form = LinkForm(request.POST if request.method == "POST" else None, offences=offences)
    if request.method == "POST" and person is not None and form.is_valid():
        offence = next(o for o in offences if o.pk == form.cleaned_data["offence"])
        done = _link(request, actor, victim, offence, form)
        if done:
            return done
    person_ids = [person.pk] if person else [r.person.pk for r in results or []]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=victim,
        summary=f"Looked for an offence to link victim {victim.reference} to",
        detail={"person_ids": person_ids, "query": query},
    )
    return render(
        request,
        "victims/victim_link.html",
        {
            "victim": victim,
            "person": person,
            "search": search,
            "results": results,
            "form": form,
            "offences": offences,
        },
    )


@login_required
def person_victims(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """The Victims section of a person's record: victims linked to their offences (a page of its own, or the
    fragment the record loads)."""
    actor = request.actor
    _liaison_only(actor, what=f"victims of person {person_id}", person_id=person_id)
    person = _person(actor, person_id)
    if withheld := not_shared(request, person, VICTIMS, title="Victims"):
        return withheld
    links = selectors.person_victim_links(actor, person.pk)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed victims linked to person {person.pk}",
        detail={"victims": len(links)},
    )
    fragment = request.GET.get("fragment") == "1" or getattr(request, "htmx", False)
    return render(
        request,
        "victims/_person_victims.html" if fragment else "victims/person_victims.html",
        {"person": person, "links": links},
    )


@login_required
def person_victim_link(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """From a person's record: link a recorded victim (by reference) to one of the person's offences."""
    actor = request.actor
    _liaison_only(actor, what=f"linking a victim to person {person_id}", person_id=person_id)
    person = _person(actor, person_id)
    offences = selectors.person_offences(actor, person.pk)
    form = LinkForm(
        request.POST if request.method == "POST" else None, offences=offences, with_reference=True
    )
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip()
        victim = selectors.victims_visible(actor).filter(reference__iexact=reference).first()
        if victim is None:
            form.add_error(
                "reference",
                f"No victim with reference {reference} is recorded for you. Record the victim first.",
            )
        else:
            offence = next(o for o in offences if o.pk == form.cleaned_data["offence"])
            done = _link(request, actor, victim, offence, form)
            if done:
                return done
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Opened the form to link a victim to person {person.pk}",
    )
    return render(
        request, "victims/person_victim_link.html", {"person": person, "form": form, "offences": offences}
    )
