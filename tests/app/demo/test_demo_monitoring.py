"""The demo partnership's electronic monitoring: orders, events and alerts are loaded with the build, on the
loaded requirements and licence conditions, and a second build adds nothing."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from desist.core.monitoring import LONDON
from desist.core.synth.monitoring import SUPPLIERS
from desist.monitoring.models import Alert, AlertStatus, MonitoringEvent, MonitoringOrder

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]

AS_OF = date(2026, 11, 23)
BUILD = ("build_demo", "--people", "800", "--seed", "7", "--as-of", AS_OF.isoformat())


def counts() -> tuple[int, int, int]:
    return MonitoringOrder.objects.count(), MonitoringEvent.objects.count(), Alert.objects.count()


def test_the_build_loads_monitoring_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = io.StringIO()
    call_command(*BUILD, stdout=out)
    orders, events, alerts = counts()
    assert orders > 0 and events > 0 and alerts > 0, out.getvalue()
    assert "monitoring orders" in out.getvalue()
    assert set(MonitoringOrder.objects.values_list("supplier", flat=True)) <= set(SUPPLIERS)
    for order in MonitoringOrder.objects.select_related(
        "requirement__sentence", "licence_condition__sentence"
    ):
        basis = order.requirement or order.licence_condition
        assert basis is not None and basis.sentence.person_id == order.person_id
    for event in MonitoringEvent.objects.select_related("order"):
        day = event.occurred_at.astimezone(LONDON).date()
        assert event.order.start_date <= day and (event.order.end_date is None or day <= event.order.end_date)
    judged = Alert.objects.filter(status=AlertStatus.JUDGED)
    assert not judged.filter(reason="").exists()

    call_command(*BUILD, stdout=io.StringIO())
    assert counts() == (orders, events, alerts)
