"""Linkage pages: the review queue, a pair side by side with a decision, and the Linkage page (model
versions, runs, and buttons to train and to run). Only reviewers (DESIST_LINKAGE_REVIEWER_ROLES) see
them; others get 403, and the refusal is logged."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.linking import selectors, services
from desist.linking.forms import DecisionForm, RunForm
from desist.linking.models import Decision, PairStatus
from desist.linking.tasks import link_later, train_later
from desist.partnership.models import Agency
from desist.versioning import StaleEdit

QUEUE_PAGE = 25
BLIND_KEY = "linkage_blind"


def _reviewer(request: AuthenticatedHttpRequest, what: str) -> Actor:
    actor = request.actor
    if not selectors.can_review(actor):
        refuse(
            actor,
            summary=f"Refused access to {what}",
            reason="not a linkage reviewer",
            status=403,
            message="Only linkage reviewers can use the linkage pages.",
        )
    return actor


def _queue_options(request: AuthenticatedHttpRequest) -> tuple[str, Agency | None, dict[str, str]]:
    order = request.GET.get("order", "nearest")
    if order not in selectors.QUEUE_ORDERS:
        order = "nearest"
    agency = (
        Agency.objects.filter(code=request.GET.get("agency", "")).first()
        if request.GET.get("agency")
        else None
    )
    params = {"order": order, **({"agency": agency.code} if agency else {})}
    return order, agency, params


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pairs waiting for review, hardest calls (nearest the link threshold) or oldest first."""
    actor = _reviewer(request, "the linkage review queue")
    order, agency, params = _queue_options(request)
    status = PairStatus.OPEN
    decision = ""
    if request.GET.get("show") == "unsure":
        status, decision = PairStatus.DECIDED, Decision.UNSURE
        params["show"] = "unsure"
    pairs = selectors.review_queue(
        status=status, decision=decision, order=order, agency_id=agency.pk if agency else None
    )
    page = Paginator(pairs, QUEUE_PAGE).get_page(request.GET.get("page"))
    log_access(
        actor=services.review_actor(actor),
        action=Action.CONSULTATION,
        summary=f"Viewed the linkage review queue ({page.paginator.count:,} pairs)",
        detail={"pairs": [p.pk for p in page.object_list]},
    )
    return render(
        request,
        "linking/queue.html",
        {
            "page": page,
            "order": order,
            "orders": selectors.QUEUE_ORDERS,
            "agency": agency,
            "agencies": Agency.objects.only("code", "name"),
            "blind": request.session.get(BLIND_KEY, False),
            "query_string": urlencode(params),
            "params": params,
            "showing_unsure": bool(decision),
        },
    )


@login_required
def pair(request: AuthenticatedHttpRequest, pair_id: int) -> HttpResponse:
    """Two records side by side, each field marked agrees, partly agrees, disagrees or missing; the
    reviewer decides match, not a match or unsure, and goes on to the next pair."""
    actor = request.actor
    try:
        found = services.review_pair_consult(actor=actor, pair_id=pair_id)
    except services.NotAReviewer:
        raise PermissionDenied("Only linkage reviewers can see pairs of records.") from None
    except services.PairNotFound:
        raise Http404("There is no review pair with that number.") from None
    order, agency, params = _queue_options(request)
    blind = bool(request.session.get(BLIND_KEY, False))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.review_decide(
                actor=actor,
                pair=found,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                blind=blind,
                decisions_read=form.cleaned_data["decisions_read"],
            )
        except StaleEdit:
            # The page is drawn again below with the decision made meanwhile, and the reviewer's choice kept.
            form.add_error(
                None,
                "Someone else decided this pair while you were looking at it. Your decision has "
                "not been saved: read theirs under Decisions so far, then decide again.",
            )
        else:
            messages.success(
                request,
                f"Pair {found.pk}: {made.get_decision_display()}. "
                "Linking runs again in the background so the decision takes effect.",
            )
            following = selectors.next_pair(found, order=order, agency_id=agency.pk if agency else None)
            if following is None:
                return redirect(f"/linkage/review/?{urlencode(params)}")
            return redirect(f"/linkage/review/{following.pk}/?{urlencode(params)}")
    return render(
        request,
        "linking/pair.html",
        {
            "pair": found,
            "rows": selectors.pair_rows(found),
            "blind": blind,
            "form": form,
            "decisions": list(found.decisions.all()),
            "query_string": urlencode(params),
            "thresholds": selectors.configured_thresholds(),
            "choices": Decision.choices,
        },
    )


@login_required
@require_POST
def blind(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn blind review on or off for this session (weights and the model's suggestion hidden)."""
    _reviewer(request, "blind review")
    request.session[BLIND_KEY] = request.POST.get("blind") == "on"
    target = request.POST.get("next") or "/linkage/review/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/linkage/review/"
    return redirect(target)


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Model versions, recent runs with what they did, and the size of the queue."""
    _reviewer(request, "the linkage page")
    return render(
        request,
        "linking/overview.html",
        {**selectors.linkage_overview(), "thresholds": selectors.configured_thresholds(), "can_link": True},
    )


@login_required
def train(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm, then queue training of a new model version on every source record."""
    _reviewer(request, "training a linkage model")
    if request.method == "POST":
        train_later()
        messages.success(
            request,
            "A new model version is being trained in the background. "
            "It becomes the active model when it is ready.",
        )
        return redirect("linkage")
    return render(
        request,
        "linking/confirm.html",
        {
            "title": "Train a new model version",
            "body": "desist learns the model's parameters again from every source record held. "
            "This takes a few minutes for a large partnership. "
            "The new version becomes the active model; links already made keep the version that made them.",
            "button": "Train a new model version",
            "form": None,
        },
    )


@login_required
def run(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm, then queue a linking run (incremental, or full with the box ticked)."""
    _reviewer(request, "running record linkage")
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        full = form.cleaned_data["full"]
        link_later(
            reason=f"Started by {request.user.get_username()} from the Linkage page", incremental=not full
        )
        # "Retry now" on an import's page comes back to that page.
        target = request.POST.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            messages.success(request, "Linking is queued again. This page shows how it goes.")
            return redirect(target)
        messages.success(
            request,
            f"A {'full' if full else 'incremental'} linking run is queued. "
            "Its counts appear below when it finishes.",
        )
        return redirect("linkage")
    return render(
        request,
        "linking/confirm.html",
        {
            "title": "Run record linkage",
            "body": "desist links every source record not yet linked into people, "
            "and applies reviewers' decisions. People keep their numbers. "
            "A full run scores every pair of records again.",
            "button": "Run linking",
            "form": form,
        },
    )
