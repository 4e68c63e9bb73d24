"""Reads about the partnership's users and who granted them access."""

from __future__ import annotations

from django.db.models import QuerySet

from desist.audit.models import AccessLogEntry, Action

GRANT_OBJECT_TYPES = ("partnership.membership", "auth.user")


def recent_access_grants(limit: int = 10) -> QuerySet[AccessLogEntry]:
    """The latest grants of access (memberships and administration rights), newest first, for every
    administrator to see who widened whose access (one query; the access log's action index serves it)."""
    return AccessLogEntry.objects.filter(
        action=Action.DISCLOSURE, object_type__in=GRANT_OBJECT_TYPES
    ).order_by("-at", "-id")[:limit]
