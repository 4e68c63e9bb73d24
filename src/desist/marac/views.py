"""MARAC pages: the referrals (for everyone, each showing only what they may see), a referral with its actions
and perpetrator, the victims and their DASH checklists (the roles that support victims only), and the VAWG
forum's figures. A victim's details are "restricted" to anyone else, and their attempts refused and logged."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.core import marac as rules
from desist.formfields import set_choices
from desist.marac import selectors, services
from desist.marac.forms import (
    ActionForm,
    ActionStatusForm,
    DashForm,
    HeardForm,
    PeriodForm,
    PersonSearchForm,
    ReferForm,
    ReferralFilterForm,
    VictimForm,
)
from desist.marac.models import MaracReferral
from desist.partnership.models import Agency
from desist.people.selectors import person_search

PAGE_SIZE = 50


def _agency_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Agency.objects.order_by("name").values_list("pk", "name")]


def _person_ids(referrals: list[MaracReferral]) -> list[int]:
    return sorted({r.perpetrator_id for r in referrals if r.perpetrator_id})


@login_required
def referrals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The MARAC referrals the user may see, newest first, filtered by status, route and repeats."""
    actor = request.actor
    form = ReferralFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ReferralFilters(
        status=data.get("status", ""), route=data.get("route", ""), repeat=bool(data.get("repeat"))
    )
    page = Paginator(selectors.referrals_list(actor, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed MARAC referrals ({len(page)} shown)",
        detail={"person_ids": _person_ids(list(page)), "referral_ids": [r.pk for r in page]},
    )
    query = {k: v for k, v in (request.GET.dict()).items() if k != "page" and v}
    return render(
        request,
        "marac/referrals.html",
        {
            "form": form,
            "page": page,
            "supports_victims": selectors.supports_victims(actor),
            "query_string": urlencode(query),
            "restricted": selectors.RESTRICTED,
        },
    )


def _referral_page(
    request: AuthenticatedHttpRequest,
    referral: MaracReferral,
    *,
    action_form: ActionForm | None = None,
    heard_form: HeardForm | None = None,
) -> HttpResponse:
    actor = request.actor
    supports = selectors.supports_victims(actor)
    if action_form is None:
        action_form = ActionForm()
        set_choices(action_form, "agency", _agency_choices())
    perpetrator_visible = bool(
        referral.perpetrator_id and selectors.perpetrator_candidates(actor, [referral.perpetrator_id])
    )
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=referral,
        person_id=referral.perpetrator_id if perpetrator_visible else None,
        summary=f"Viewed MARAC referral {referral.pk}" + ("" if supports else " (victim restricted)"),
    )
    return render(
        request,
        "marac/referral.html",
        {
            "referral": referral,
            "supports_victims": supports,
            "is_coordinator": selectors.is_marac_coordinator(actor),
            "perpetrator_visible": perpetrator_visible,
            "actions": list(referral.actions.all()),
            "action_form": action_form,
            "heard_form": heard_form or HeardForm(initial={"heard_on": timezone.localdate()}),
            "restricted": selectors.RESTRICTED,
            "agency_ids": actor.agency_ids,
        },
    )


@login_required
def referral(request: AuthenticatedHttpRequest, marac_referral_id: int) -> HttpResponse:
    """One referral: the route and its reason, repeat or not, the referring agency, the perpetrator where the
    user may see them, and each agency's actions. The victim's details to the roles that support victims."""
    return _referral_page(request, selectors.referral_for_actor(request.actor, marac_referral_id))


@login_required
@require_POST
def action_add(request: AuthenticatedHttpRequest, marac_referral_id: int) -> HttpResponse:
    """Record an agency's action on the referral (the roles that support victims)."""
    actor = request.actor
    item = selectors.referral_for_actor(actor, marac_referral_id)
    selectors.require_victim_support(actor, what=f"an action on MARAC referral {marac_referral_id}")
    form = ActionForm(request.POST)
    set_choices(form, "agency", _agency_choices())
    if form.is_valid():
        try:
            services.action_add(
                actor=actor,
                referral=item,
                agency=Agency.objects.get(pk=int(form.cleaned_data["agency"])),
                text=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
            )
        except (services.MaracError, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "The action is recorded.")
            return redirect("marac_referral", marac_referral_id=item.pk)
    return _referral_page(request, item, action_form=form)


@login_required
@require_POST
def action_status(request: AuthenticatedHttpRequest, marac_action_id: int) -> HttpResponse:
    """Mark an action done or cancelled, or open again (its agency, or the MARAC coordinator)."""
    actor = request.actor
    item = selectors.action_for_actor(actor, marac_action_id)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_close(actor=actor, action=item, status=form.cleaned_data["status"])
        messages.success(request, f"The action is marked {item.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose open, done or cancelled.")
    return redirect("marac_referral", marac_referral_id=item.referral_id)


@login_required
@require_POST
def referral_heard(request: AuthenticatedHttpRequest, marac_referral_id: int) -> HttpResponse:
    """Record that the referral was heard at MARAC (the MARAC coordinator)."""
    actor = request.actor
    item = selectors.referral_for_actor(actor, marac_referral_id)
    form = HeardForm(request.POST)
    if form.is_valid():
        try:
            services.referral_heard(actor=actor, referral=item, heard_on=form.cleaned_data["heard_on"])
        except services.MaracError as error:
            form.add_error("heard_on", str(error))
        else:
            messages.success(request, "The referral is recorded as heard.")
            return redirect("marac_referral", marac_referral_id=item.pk)
    return _referral_page(request, item, heard_form=form)


@login_required
def perpetrator(request: AuthenticatedHttpRequest, marac_referral_id: int) -> HttpResponse:
    """Find the perpetrator among the people the user may see and link them to the referral (the roles that
    support victims)."""
    actor = request.actor
    item = selectors.referral_for_actor(actor, marac_referral_id)
    selectors.require_victim_support(actor, what=f"the perpetrator of MARAC referral {marac_referral_id}")
    if request.method == "POST":
        value = request.POST.get("person", "")
        services.perpetrator_link(
            actor=actor, referral=item, person_id=int(value) if value.isdigit() else None
        )
        messages.success(
            request, "The perpetrator is linked." if value.isdigit() else "The perpetrator is unlinked."
        )
        return redirect("marac_referral", marac_referral_id=item.pk)
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    results = person_search(actor, query, limit=20) if query else None
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=item,
        summary=f"Looked for the perpetrator of MARAC referral {item.pk}",
        detail={"person_ids": [r.person.pk for r in results or []], "query": query},
    )
    return render(request, "marac/perpetrator.html", {"referral": item, "search": search, "results": results})


# --- Victims: the roles that support victims only --------------------------------------------------------


@login_required
def victims(request: AuthenticatedHttpRequest) -> HttpResponse:
    """MARAC victims, by reference or name, with their referrals counted."""
    actor = request.actor
    selectors.require_victim_support(actor, what="MARAC victims")
    text = request.GET.get("q", "")[:100]
    page = Paginator(selectors.victims_list(actor, text=text), PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed MARAC victims ({len(page)} shown)",
        detail={"victim_ids": [v.pk for v in page], "query": text},
    )
    return render(
        request,
        "marac/victims.html",
        {"page": page, "q": text, "query_string": urlencode({"q": text}) if text else ""},
    )


@login_required
def victim_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a MARAC victim."""
    actor = request.actor
    selectors.require_victim_support(actor, what="recording a MARAC victim")
    form = VictimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            victim = services.victim_record(actor=actor, **form.cleaned_data)
        except services.MaracError as error:
            form.add_error("reference", str(error))
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(
                request, f"MARAC victim {victim.reference} is recorded. Complete the DASH checklist."
            )
            return redirect("marac_dash", marac_victim_id=victim.pk)
    return render(request, "marac/victim_form.html", {"form": form})


@login_required
def victim(request: AuthenticatedHttpRequest, marac_victim_id: int) -> HttpResponse:
    """A MARAC victim: their details, DASH checklists and referrals."""
    actor = request.actor
    item = selectors.victim_for_actor(actor, marac_victim_id)
    referrals_ = selectors.victim_referrals(item)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=item,
        summary=f"Viewed MARAC victim {item.reference}",
        detail={"person_ids": _person_ids(referrals_)},
    )
    return render(
        request,
        "marac/victim.html",
        {"victim": item, "assessments": selectors.victim_assessments(item), "referrals": referrals_},
    )


@login_required
def dash(request: AuthenticatedHttpRequest, marac_victim_id: int) -> HttpResponse:
    """The SafeLives DASH checklist for a victim: 14 or more "yes" answers refer them to MARAC at once."""
    actor = request.actor
    item = selectors.victim_for_actor(actor, marac_victim_id)
    form = DashForm(
        request.POST if request.method == "POST" else None, initial={"incident_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment, made = services.dash_record(
                actor=actor, victim=item, answers=form.answers(), incident_on=form.cleaned_data["incident_on"]
            )
        except (services.MaracError, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            if made is not None:
                messages.success(
                    request,
                    f"DASH score {assessment.score}: referred to MARAC (DASH score)"
                    + (", a repeat within 12 months of the last referral." if made.is_repeat else "."),
                )
                return redirect("marac_referral", marac_referral_id=made.pk)
            messages.info(
                request,
                f"DASH score {assessment.score}: under {rules.DASH_HIGH_RISK_YES}. Refer by professional "
                "judgement or escalation if the risk is high.",
            )
            return redirect("marac_victim", marac_victim_id=item.pk)
    return render(
        request,
        "marac/dash.html",
        {
            "victim": item,
            "form": form,
            "questions": form.question_fields(),
            "source": rules.DASH_SOURCE,
            "threshold": rules.DASH_HIGH_RISK_YES,
        },
    )


@login_required
def refer(request: AuthenticatedHttpRequest, marac_victim_id: int) -> HttpResponse:
    """Refer a victim to MARAC by professional judgement (with the reason) or escalation (police
    call-outs)."""
    actor = request.actor
    item = selectors.victim_for_actor(actor, marac_victim_id)
    form = ReferForm(
        request.POST if request.method == "POST" else None,
        initial={
            "incident_on": timezone.localdate(),
            "referring_agency": next(iter(sorted(actor.agency_ids)), ""),
        },
    )
    set_choices(form, "referring_agency", _agency_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.referral_make(
                actor=actor,
                victim=item,
                route=data["route"],
                incident_on=data["incident_on"],
                referring_agency=Agency.objects.get(pk=int(data["referring_agency"])),
                judgement_reason=data["judgement_reason"],
                police_call_outs=data["police_call_outs"],
            )
        except (services.MaracError, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request, "Referred to MARAC" + (", a repeat within 12 months." if made.is_repeat else ".")
            )
            return redirect("marac_referral", marac_referral_id=made.pk)
    return render(
        request,
        "marac/refer.html",
        {"victim": item, "form": form, "threshold": settings.DESIST_MARAC_ESCALATION_CALL_OUTS},
    )


# --- The VAWG forum's figures ------------------------------------------------------------------------------


@login_required
def vawg(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The VAWG forum's MARAC figures for a period (the last 12 months unless chosen): the repeat rate,
    referrals by route and the perpetrators on the caseload; the list of them to the roles that support
    victims, and only those the user may see."""
    actor = request.actor
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    end: date = data.get("end") or today
    start: date = data.get("start") or (end - timedelta(days=364))
    if start > end:
        start, end = end, start
    report = selectors.vawg_report(start=start, end=end)
    perpetrators = selectors.perpetrators_in_caseload(actor, start=start, end=end)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the VAWG MARAC figures {start:%d %b %Y} to {end:%d %b %Y}",
        detail={"person_ids": [row.person.pk for row in perpetrators]},
    )
    return render(
        request,
        "marac/vawg.html",
        {
            "form": form,
            "report": report,
            "perpetrators": perpetrators,
            "supports_victims": selectors.supports_victims(actor),
            "window_months": settings.DESIST_MARAC_REPEAT_WINDOW_MONTHS,
        },
    )
