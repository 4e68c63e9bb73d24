"""The demo's recalls (issue 14, items 4 and 8): every recall recommendation the partnership agreed is a
recall recorded through the release app, decided by someone, so the release page and the record show it. And
its tracking with the police: IOM cohort members with GPS tags whose trails came in through the feed."""

import pytest

from desist.enforcement.models import RecallDecision, RecallRecommendation
from desist.release.models import Recall

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]


def test_agreed_recalls_are_recorded_through_the_release_app(small_demo, client):
    out = small_demo.output
    assert "Recalls " in out
    decided = RecallRecommendation.objects.exclude(decision=RecallDecision.PENDING)
    assert decided.exists(), out
    # A deciding user and a date on every decision.
    assert not decided.filter(decided_by__isnull=True).exists()
    assert not decided.filter(decided_on__isnull=True).exists()
    agreed = RecallRecommendation.objects.filter(decision=RecallDecision.RECALLED)
    assert agreed.exists(), out
    assert not agreed.filter(recall__isnull=True).exists(), out
    assert (
        not RecallRecommendation.objects.exclude(decision=RecallDecision.RECALLED)
        .exclude(recall__isnull=True)
        .exists()
    )
    for recommendation in agreed.select_related("recall"):
        recall = recommendation.recall
        assert recall is not None and recall.sentence_id == recommendation.sentence_id
        assert recall.recalled_on == recommendation.decided_on
    assert Recall.objects.count() == agreed.count()
    # The release page of a recalled person shows the recall.
    recommendation = agreed.select_related("decided_by", "recall").first()
    assert recommendation is not None and recommendation.decided_by is not None
    client.force_login(recommendation.decided_by)
    page = client.get(f"/people/{recommendation.person_id}/release/")
    assert page.status_code == 200
    assert "recall" in page.content.decode().lower()


def test_iom_cohort_members_wear_gps_tags_the_police_follow(small_demo, client):
    from django.contrib.auth.models import User

    from desist.audit.context import actor_for_user
    from desist.monitoring import selectors
    from desist.monitoring.models import Alert, MonitoringEvent, MonitoringOrder

    out = small_demo.output
    assert "GPS tags on " in out
    tags = MonitoringOrder.objects.filter(device_id__startswith="IOM")
    assert tags.exists(), out
    assert MonitoringEvent.objects.filter(order__in=tags, kind="location").count() > 50
    # The first tag's trail enters its exclusion zone once: one alert, raised through the feed.
    assert Alert.objects.filter(event__order__in=tags, event__kind="zone_entry").count() == 1
    # The demo's IOM police officer follows them.
    police = User.objects.get(username="demo.police")
    followed = selectors.tracked_people(actor_for_user(police, channel="web"))
    assert set(followed.values_list("pk", flat=True)) == set(tags.values_list("person_id", flat=True))
    client.force_login(police)
    tagged = tags.order_by("id").first()
    page = client.get(f"/people/{tagged.person_id}/tracking/")
    assert page.status_code == 200 and "Exclusion zone entered" in page.content.decode()
