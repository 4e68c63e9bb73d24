"""The demo's performance analyst, who publishes the board's last complete quarter when the demo is built, so
the board, the strategy plan's goals, the annual review and the board meeting's pack read published figures
from the first sign-in. Published through the board's own service, as the analyst would from the board."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from desist.audit.context import actor_for_user
from desist.audit.models import Channel
from desist.board.models import QuarterSnapshot
from desist.board.refresh import basket_store
from desist.board.selectors import latest_quarter, snapshot_result
from desist.board.services import snapshot_publish
from desist.partnership.models import Agency, Membership, Role

ANALYST_LOGIN = "demo.analyst"


def analyst_user() -> User:
    """The demo's performance analyst (`demo.analyst`): a synthetic user of the council's community safety
    team (made once), with the analyst role."""
    user = User.objects.filter(username=ANALYST_LOGIN).first()
    if user is None:
        user = User.objects.create_user(username=ANALYST_LOGIN, first_name="Ari", last_name="Synthetic")
    agency = Agency.objects.filter(kind="council_community_safety").order_by("code").first()
    if agency is not None and not user.memberships.exists():
        Membership.objects.create(user=user, agency=agency, role=Role.ANALYST)
    return user


def demo_board_publish(today: date) -> str:
    """Publish the last complete quarter as the demo's analyst (once: a second build finds it published),
    and store the board's live figures (the same figures when just published), so the board answers at once
    from the first sign-in. Returns the quarter's label, or "" where it was already published."""
    quarter = latest_quarter(today)
    # Charts are left to the first view (then kept): rendering every district's and group's would add minutes
    # to the build.
    if QuarterSnapshot.objects.filter(quarter=quarter.code).exists():
        basket_store(as_of=today, charts=False)
        return ""
    actor = actor_for_user(analyst_user(), channel=Channel.CLI, purpose="performance")
    snapshot = snapshot_publish(actor=actor, quarter=quarter, as_of=today)
    basket_store(as_of=today, result=snapshot_result(snapshot), charts=False)
    return quarter.label
