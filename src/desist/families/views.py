"""Family pages: where agencies overlap (families and people ranked by agencies involved, with CSV export) and
the family view (members, generations, every agency involved with each member, flags and criteria).

A user sees a member's details only when `visible_people` allows; any other member is shown as "a member not
in your caseload", with their generation and how many agencies work with them, and evidence about them says
only which need or record kind it is, without names, agencies or dates (docs/families.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.core.cells import safe_row
from desist.core.sharing import ADDRESSES, FAMILY, IDENTITY
from desist.core.troubled_families import STATUS_LABELS
from desist.families import selectors, services
from desist.families.forms import OverlapFilterForm
from desist.families.models import FamilyMember
from desist.people.selectors import person_for_actor, visible_people
from desist.sharing.pages import not_shared
from desist.sharing.selectors import WITHHELD, shared_categories_for

HIDDEN = "A member not in your caseload"
RECORD_KINDS = {
    "involvement": "Agency involvement",
    "register": "Register entry",
    "offence": "Proven offence",
    "school": "School record",
}


def _filters(form: OverlapFilterForm) -> tuple[str, selectors.OverlapFilters]:
    form.is_valid()
    data = getattr(form, "cleaned_data", {})  # the valid fields, even when another field is wrong
    show = data.get("show") or "families"
    return show, selectors.OverlapFilters(
        district=data.get("district", ""),
        flag=data.get("flag", ""),
        criteria=data.get("criteria", ""),
        min_agencies=data.get("min_agencies"),
    )


@login_required
def overlap(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    actor = request.actor
    today = timezone.localdate()
    form = OverlapFilterForm(request.GET or None)
    show, filters = _filters(form)
    # People (FamilyMember) or families (Family, with `visible_members` prefetched), as `show` says.
    rows: QuerySet[Any] = (
        selectors.overlap_people(actor, filters, on=today)
        if show == "people"
        else selectors.overlap_families(actor, filters, on=today)
    )
    if request.GET.get("format") == "csv":
        return _csv(request, show, rows)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    shown = (
        [m.person_id for m in page]
        if show == "people"
        else [m.person_id for family in page for m in family.visible_members]
    )
    # Each row shows only the categories the agency's agreements share (issue 16), fetched once for the page.
    shared = shared_categories_for(actor, shown)
    for row in page:
        row.shared = shared[row.person_id] if show == "people" else _family_shared(row, shared)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed where agencies overlap ({show}, {len(page)} shown)",
        detail={"person_ids": shown},
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "families/overlap.html",
        {
            "form": form,
            "show": show,
            "page": page,
            "query_string": query.urlencode(),
            "summary": selectors.overlap_summary(actor, on=today),
            "lookback_days": services.family_settings().lookback_days,
            "withheld_label": WITHHELD,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(request: AuthenticatedHttpRequest, show: str, rows: Any) -> StreamingHttpResponse:
    """Every row of the filtered list (not just the page), streamed."""
    actor = request.actor
    writer = csv.writer(_Echo())
    listed: list[int] = []
    if show == "people":
        header = [
            "Person",
            "Name",
            "Date of birth",
            "District",
            "Agencies involved",
            "Family",
            "Family members",
            "Generation",
            "Duplication",
            "Intergenerational",
            "Troubled Families 2012",
            "Troubled Families 2015",
        ]
        members = list(rows)
        listed = [m.person_id for m in members]
        shared = shared_categories_for(actor, listed)
        body = (
            [
                m.person_id,
                m.person.full_name,
                *_or_withheld(shared[m.person_id], IDENTITY, [m.person.date_of_birth or ""]),
                *_or_withheld(
                    shared[m.person_id], ADDRESSES, [m.person.district.name if m.person.district else ""]
                ),
                m.agency_count,
                *_or_withheld(
                    shared[m.person_id],
                    FAMILY,
                    [
                        m.family_id,
                        m.family.member_count,
                        m.generation or "",
                        _yes(m.family.duplication),
                        _yes(m.family.intergenerational),
                        _yes(m.family.tf2012),
                        _yes(m.family.tf2015),
                    ],
                ),
            ]
            for m in members
        )
    else:
        header = [
            "Family",
            "District",
            "Members",
            "Members in your caseload",
            "Agencies involved",
            "Generations",
            "Duplication",
            "Intergenerational",
            "Troubled Families 2012",
            "Troubled Families 2015 problems",
            "Troubled Families 2015",
        ]
        families = list(rows)
        listed = [m.person_id for f in families for m in f.visible_members]
        shared = shared_categories_for(actor, listed)
        body = (
            [
                f.pk,
                *_or_withheld(_family_shared(f, shared), ADDRESSES, [f.district.name if f.district else ""]),
                *_or_withheld(_family_shared(f, shared), FAMILY, [f.member_count]),
                "; ".join(m.person.full_name for m in f.visible_members),
                *_or_withheld(
                    _family_shared(f, shared),
                    FAMILY,
                    [
                        f.agency_count,
                        f.generation_count,
                        _yes(f.duplication),
                        _yes(f.intergenerational),
                        _yes(f.tf2012),
                        f.tf2015_problems,
                        _yes(f.tf2015),
                    ],
                ),
            ]
            for f in families
        )
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Exported where agencies overlap ({show}, {len(listed)} people) as CSV",
        detail={"person_ids": listed, "filters": request.GET.dict()},
    )

    def lines() -> Iterator[str]:
        yield writer.writerow(safe_row(header))
        for row in body:
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="agencies-overlap-{show}-{timezone.localdate()}.csv"'
    )
    return response


def _or_withheld(shared: frozenset[str], category: str, cells: list[Any]) -> list[Any]:
    """A CSV's cells of one sharing category: the values where the agency's agreements share it, else
    "Not shared with your agency" in each (the columns stay, so every user's file has the same shape)."""
    return cells if category in shared else [WITHHELD] * len(cells)


def _family_shared(family: Any, shared: dict[int, frozenset[str]]) -> frozenset[str]:
    """What a family's row may show: a category shared for any of its members in the user's caseload (the
    family's facts are theirs too)."""
    return frozenset().union(*(shared[m.person_id] for m in family.visible_members))


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


@dataclass
class ShownEvidence:
    who: str
    person_id: int | None
    description: str
    start: date | None
    end: date | None
    record: str = ""


def _shown(items: list[dict[str, Any]], names: dict[int, str]) -> list[ShownEvidence]:
    out = []
    for item in items:
        pk = item["person_id"]
        if pk in names:
            out.append(
                ShownEvidence(
                    names[pk],
                    pk,
                    item["description"],
                    _date(item["start"]),
                    _date(item["end"]),
                    item["record"],
                )
            )
        else:
            # Say which kind of need or record it is, not what, whose or when.
            description = item["description"]
            kind = (
                description.split(":")[0]
                if item["record"] in ("involvement", "register") and ":" in description
                else RECORD_KINDS.get(item["record"], "A record")
            )
            out.append(ShownEvidence(HIDDEN, None, kind, None, None))
    return out


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@login_required
def family(request: AuthenticatedHttpRequest, family_id: int) -> HttpResponse:
    actor = request.actor
    try:
        seen = services.family_consult(actor=actor, family_id=family_id)
    except services.FamilyNotFound:
        raise Http404("No family with that number is available to you.") from None
    # The family is shown through the members whose children-and-family data the agency's agreements share;
    # the others count as hidden, like members the user may not see. None shared: the page says so.
    shared = shared_categories_for(actor, sorted(seen.visible_ids))
    family_shared = {pid for pid, categories in shared.items() if FAMILY in categories}
    if not family_shared:
        first = next(m.person for m in seen.members if m.person_id in seen.visible_ids)
        # Titled by the family's number, as the page itself is: the record's Family link says "Family".
        withheld = not_shared(request, first, FAMILY, title=f"Family {seen.family.pk}")
        assert withheld is not None
        return withheld
    seen.visible_ids.intersection_update(family_shared)
    member_ids = [m.person_id for m in seen.members]
    names = {m.person_id: m.person.full_name for m in seen.members if m.person_id in seen.visible_ids}
    involvements = selectors.family_involvements(sorted(seen.visible_ids), on=seen.on)
    relationships = selectors.family_relationships(seen.visible_ids, member_ids)
    findings = seen.family.findings
    flags = [
        (label, findings.get(code, {}), _shown(findings.get(code, {}).get("evidence", []), names))
        for code, label in selectors.FLAGS.items()
    ]
    programmes = []
    for code, label in selectors.CRITERIA.items():
        programme = findings.get(code, {})
        criteria = [
            {**c, "status_label": STATUS_LABELS[c["status"]], "shown": _shown(c["evidence"], names)}
            for c in programme.get("criteria", [])
        ]
        programmes.append(
            {
                "label": label,
                "qualifies": programme.get("qualifies"),
                "reason": programme.get("reason"),
                "criteria": criteria,
            }
        )
    households = [
        {
            "members": [names.get(pk, HIDDEN) for pk in h["members"]],
            "start": _date(h["start"]),
            "end": _date(h["end"]),
        }
        for h in findings.get("households", [])
    ]
    rows = []
    for member in seen.members:
        visible = member.person_id in seen.visible_ids
        rows.append(
            {
                "member": member,
                "visible": visible,
                "relationships": [
                    (r.get_kind_display(), names.get(r.related_person_id, HIDDEN.lower()))
                    for r in relationships.get(member.person_id, [])
                ],
                "involvements": involvements.get(member.person_id, []) if visible else [],
            }
        )
    generations = sorted({m.generation for m in seen.members if m.generation is not None})
    return render(
        request,
        "families/family.html",
        {
            "family": seen.family,
            "rows": rows,
            "flags": flags,
            "programmes": programmes,
            "households": households,
            "generations": generations,
            "on": seen.on,
            "hidden_count": len(seen.members) - len(seen.visible_ids),
            "by_age": any(m.generation_basis == "age" for m in seen.members),
            "lookback_days": services.family_settings().lookback_days,
        },
    )


@login_required
def person_family(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """From a person's record to their family; the same access rule as the record."""
    actor = request.actor
    membership = (
        FamilyMember.objects.filter(person_id=person_id, person__in=visible_people(actor))
        .values_list("family_id", flat=True)
        .first()
    )
    if membership is None:
        person = person_for_actor(actor, person_id, what="the family")
        # An answer, not a refusal: the person is visible and simply has no family worked out yet.
        return render(request, "families/no_family.html", {"person": person})
    withheld = not_shared(
        request, person_for_actor(actor, person_id, what="the family"), FAMILY, title="Family"
    )
    return withheld or redirect("family", family_id=membership)
