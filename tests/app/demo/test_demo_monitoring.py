"""The demo partnership's electronic monitoring: orders, events and alerts are loaded with the build, on the
loaded requirements and licence conditions, and a second build adds nothing."""

import io

import pytest
from django.core.management import call_command

from desist.core.monitoring import LONDON
from desist.core.synth.monitoring import SUPPLIERS
from desist.demo.models import DemoBuild
from desist.monitoring.models import Alert, AlertStatus, MonitoringEvent, MonitoringOrder

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]


def counts() -> tuple[int, int, int]:
    return MonitoringOrder.objects.count(), MonitoringEvent.objects.count(), Alert.objects.count()


def test_the_build_loads_monitoring_once(small_demo, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    orders, events, alerts = counts()
    assert orders > 0 and events > 0 and alerts > 0, small_demo.output
    assert "monitoring orders" in small_demo.output
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

    build = DemoBuild.objects.get()
    call_command(
        "build_demo",
        "--people",
        str(build.people),
        "--seed",
        str(build.seed),
        "--as-of",
        build.as_of,
        stdout=io.StringIO(),
    )
    assert counts() == (orders, events, alerts)
