"""The generated electronic monitoring (desist.core.synth.monitoring): deterministic, on its own stream,
orders only on monitorable requirements and licence conditions, and every event inside its order's period."""

from __future__ import annotations

from collections import Counter
from datetime import date, time

import pytest

from desist.core.monitoring import in_curfew, zone_polygons
from desist.core.synth import generate_partnership
from desist.core.synth.monitoring import (
    CONDITION_ORDERS,
    REQUIREMENT_ORDERS,
    generate_monitoring,
    order_period,
)
from desist.core.synth.supervision import generate_supervision

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def world():
    return generate_partnership(people=3000, seed=7, as_of=AS_OF)


@pytest.fixture(scope="module")
def made(world):
    return generate_monitoring(world)


def test_deterministic_for_a_seed(world, made):
    again = generate_monitoring(world)
    assert again.row_counts() == made.row_counts()
    assert again.orders == made.orders and again.events == made.events


def test_the_rest_of_the_partnership_is_unchanged(world):
    # Its own stream: generating monitoring changes nothing the generator or the supervision made.
    before = generate_supervision(world)
    generate_monitoring(world)
    assert generate_partnership(people=3000, seed=7, as_of=AS_OF).sentences.equals(world.sentences)
    assert generate_supervision(world).failures == before.failures


def test_orders_rest_on_monitorable_requirements_and_conditions(world, made):
    kinds = {r["requirement_id"]: r["kind"] for r in world.requirements.to_pylist()}
    codes = {r["condition_id"]: r["code"] for r in world.licence_conditions.to_pylist()}
    assert made.orders and {o.kind for o in made.orders} == {"curfew", "exclusion_zone", "trail", "alcohol"}
    devices = Counter((o.supplier, o.device_id) for o in made.orders)
    assert max(devices.values()) == 1
    for order in made.orders:
        assert (order.requirement_id is None) != (order.condition_id is None)
        if order.requirement_id is not None:
            assert kinds[order.requirement_id] in REQUIREMENT_ORDERS
        else:
            assert CONDITION_ORDERS[codes[order.condition_id]] == order.kind
        assert order.end_date is None or order.end_date >= order.start_date
        assert order.start_date <= AS_OF
        if order.kind == "curfew":
            assert order.curfew_start and order.curfew_end and order.curfew_days
        if order.kind == "exclusion_zone":
            assert zone_polygons(order.zone) and order.zone_name


def test_events_only_inside_their_orders_period(made):
    orders = {o.order_id: o for o in made.orders}
    assert made.events
    for event in made.events:
        order = orders[event.order_id]
        first, last = order_period(order, AS_OF)
        assert first <= event.occurred_at.date() <= last <= AS_OF
        assert event.person_id == order.person_id and event.supplier == order.supplier
        assert event.received_at >= event.occurred_at
        if event.kind == "curfew_violation":
            start = order.curfew_start or time()
            end = order.curfew_end or time()
            days = [int(d) for d in order.curfew_days]
            assert in_curfew(
                event.occurred_at, start.hour * 60 + start.minute, end.hour * 60 + end.minute, days
            )


def test_a_plausible_stream_mostly_none(made):
    with_events = {e.order_id for e in made.events}
    assert len(with_events) < len(made.orders)  # most orders, or many, have none
    kinds = Counter(e.kind for e in made.events)
    assert kinds["curfew_violation"] > 0 and kinds["curfew_violation"] >= kinds["strap_tamper"]
    assert len({e.supplier_event_id for e in made.events}) == len(made.events)
    for event in made.events:
        assert (event.alert_status == "judged") == bool(event.reason)


def test_alerts_more_than_a_week_old_are_a_mix_mostly_judged(made):
    from desist.core.synth._util import stream
    from desist.core.synth.monitoring import _alert_status

    rng = stream(7, "test-alerts")
    old = Counter(_alert_status(rng, 30) for _ in range(2000))
    assert old["judged"] > 1500 and old["open"] > 0 and old["acknowledged"] > 0
    recent = Counter(_alert_status(rng, 1) for _ in range(200))
    assert recent["judged"] == 0 and recent["open"] > recent["acknowledged"] > 0
    statuses = Counter(e.alert_status for e in made.events if e.alert_status)
    assert statuses["judged"] > statuses["open"]
