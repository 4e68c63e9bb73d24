"""Reading the access log (administrators and auditors only)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from desist.audit.chain import FIELDS, Verification, verify_chain
from desist.audit.models import AccessLogChainHead, AccessLogEntry


def access_log_search(
    *,
    username: str = "",
    person_id: int | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    text: str = "",
) -> QuerySet[AccessLogEntry]:
    """Entries matching every given filter, newest first."""
    entries = AccessLogEntry.objects.all()
    if username:
        entries = entries.filter(username__iexact=username)
    if person_id is not None:
        entries = entries.filter(person_id=person_id)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    if text:
        entries = entries.filter(Q(summary__icontains=text) | Q(justification__icontains=text))
    return entries.order_by("-at", "-id")


def access_log_verification(*, limit: int = 20) -> Verification:
    """Walk the whole access log in id order and check its hash chain (desist.audit.chain), streaming."""
    rows = (
        AccessLogEntry.objects.order_by("id")
        .values("id", "chain_seq", "entry_hash", *FIELDS)
        .iterator(chunk_size=5000)
    )
    head = AccessLogChainHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
    return verify_chain(rows, head=head, limit=limit)
