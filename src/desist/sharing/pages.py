"""Pages beyond the record that show one category of a person's data (their release: the sentence; their
family: children and family; ...) ask `not_shared` first, with the one decision the record uses
(`selectors.shared_categories`). Where the agency's agreements do not share that category the page says
"Not shared with your agency" instead of its content (200: a page the user was linked to, not a refusal of the
person), and the withheld attempt is logged as `denied`, as the API does for a withheld section."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from django.http import HttpResponse
from django.shortcuts import render

from desist.audit.context import Actor
from desist.audit.refusals import AuthenticatedHttpRequest, log_refusal
from desist.core.sharing import CATEGORIES
from desist.sharing.selectors import shared_categories


class Person(Protocol):
    """A person (desist.people, a layer above this one): what the page needs of one."""

    @property
    def pk(self) -> int: ...

    @property
    def full_name(self) -> str: ...


def not_shared(
    request: AuthenticatedHttpRequest, person: Person, category: str, *, title: str
) -> HttpResponse | None:
    """None when the category is shared with the actor's agency for this person; else the page saying it is
    not (its `title` as the page's heading), the withheld attempt logged."""
    actor = request.actor
    if category in shared_categories(actor, person.pk):
        return None
    log_refusal(
        actor,
        summary=f"Withheld {category} of person {person.pk}: not shared with the agency ({title.lower()})"[
            :255
        ],
        person_id=person.pk,
        reason="not shared with the agency",
        detail={"category": category},
    )
    return render(
        request,
        "sharing/not_shared.html",
        {"person": person, "title": title, "what": CATEGORIES[category]},
    )


def log_withheld(actor: Actor, withheld: Mapping[int, Iterable[str]], *, where: str) -> None:
    """For a page or answer that shows some people's sections and withholds others (a referral, a meeting's
    agenda, its pack or minutes): one `denied` entry naming each person and the categories left out, whatever
    the number of people; none when nothing was withheld."""
    rows = {pid: sorted(categories) for pid, categories in withheld.items() if categories}
    if not rows:
        return
    ids = sorted(rows)
    log_refusal(
        actor,
        summary=f"Withheld from {where}: not shared with the agency"[:255],
        person_id=ids[0] if len(ids) == 1 else None,
        reason="not shared with the agency",
        detail={"person_ids": ids, "withheld": {str(pid): rows[pid] for pid in ids}},
    )
