"""When a person's record changes, everything derived from it follows, in the background."""

from __future__ import annotations


def derived_refresh_later(person_id: int) -> None:
    """Queue the recalculation of risk scores and priority groups once this transaction commits."""
    from desist.assessments.tasks import risk_recalculate_later
    from desist.iom.tasks import candidacy_refresh_later
    from desist.priority.tasks import priority_groups_refresh_later

    risk_recalculate_later(person_id)
    priority_groups_refresh_later(person_id)
    candidacy_refresh_later(person_id)
