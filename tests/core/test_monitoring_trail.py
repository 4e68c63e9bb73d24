"""Violations from location points (issue 14, items 3 and 5): a point inside an exclusion zone, or away from
the curfew address during curfew hours, starts a violation; a trail carrying on the same breach does not
start another. Property tests (hypothesis) for the geometry."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from desist.core.monitoring import (
    Curfew,
    EventKind,
    Fence,
    TrailPoint,
    distance_m,
    point_breach,
    point_in_zone,
    trail_violations,
    zone_polygons,
)

SQUARE = zone_polygons(
    {"type": "Polygon", "coordinates": [[[1.0, 51.0], [1.1, 51.0], [1.1, 51.1], [1.0, 51.1], [1.0, 51.0]]]}
)
HOME = (0.55, 51.24)  # (lon, lat)
# 19:00 to 07:00 every day; in January London is on UTC.
CURFEW = Curfew(start_minute=19 * 60, end_minute=7 * 60, days=(1, 2, 3, 4, 5, 6, 7), home=HOME, radius_m=100)
NIGHT = datetime(2026, 1, 14, 22, 0, tzinfo=UTC)
NOON = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)

lon = st.floats(min_value=-10, max_value=10, allow_nan=False)
lat = st.floats(min_value=45, max_value=58, allow_nan=False)


def test_a_point_in_the_zone_is_a_zone_entry_and_outside_is_nothing():
    fence = Fence(zone=SQUARE)
    assert point_breach(TrailPoint(NOON, 1.05, 51.05), fence) == EventKind.ZONE_ENTRY
    assert point_breach(TrailPoint(NOON, 1.2, 51.05), fence) is None


def test_away_from_home_only_breaches_during_curfew_hours():
    fence = Fence(curfew=CURFEW)
    away = (0.60, 51.24)  # about 3.5 km east
    assert point_breach(TrailPoint(NIGHT, *away), fence) == EventKind.CURFEW_VIOLATION
    assert point_breach(TrailPoint(NOON, *away), fence) is None
    assert point_breach(TrailPoint(NIGHT, 0.5505, 51.2402), fence) is None  # in the garden


def test_curfew_hours_are_local_time():
    # 18:30 UTC on a summer evening is 19:30 in London: curfew hours.
    summer = datetime(2026, 7, 14, 18, 30, tzinfo=UTC)
    assert point_breach(TrailPoint(summer, 0.60, 51.24), Fence(curfew=CURFEW)) == EventKind.CURFEW_VIOLATION


def test_a_trail_through_the_zone_is_one_entry_and_a_second_visit_another():
    fence = Fence(zone=SQUARE)
    coords = [(1.2, 51.05), (1.05, 51.05), (1.06, 51.05), (1.07, 51.05), (1.2, 51.05), (1.05, 51.06)]
    points = [TrailPoint(NOON + timedelta(minutes=5 * i), x, y) for i, (x, y) in enumerate(coords)]
    assert trail_violations(points, fence) == [None, "zone_entry", None, None, None, "zone_entry"]


def test_a_breach_under_way_before_the_feed_carries_on_and_a_long_gap_starts_again():
    fence = Fence(zone=SQUARE)
    inside = [TrailPoint(NOON + timedelta(minutes=i), 1.05, 51.05) for i in range(3)]
    before = (NOON - timedelta(minutes=1), EventKind.ZONE_ENTRY)
    assert trail_violations(inside, fence, before=before) == [None, None, None]
    long_ago = (NOON - timedelta(hours=3), EventKind.ZONE_ENTRY)
    assert trail_violations(inside, fence, before=long_ago) == ["zone_entry", None, None]


@given(lon, lat, lon, lat)
def test_distance_is_symmetric_non_negative_and_zero_only_at_the_point(x1, y1, x2, y2):
    d = distance_m(x1, y1, x2, y2)
    assert d >= 0 and math.isclose(d, distance_m(x2, y2, x1, y1), rel_tol=1e-9, abs_tol=1e-6)
    assert distance_m(x1, y1, x1, y1) == 0
    # A degree of latitude is about 111 km everywhere.
    assert math.isclose(distance_m(x1, y1, x1, y1 + 1), 111_195, rel_tol=0.01)


@given(
    st.floats(min_value=-5, max_value=5, allow_nan=False),
    st.floats(min_value=45, max_value=58, allow_nan=False),
    st.floats(min_value=0.001, max_value=1),
    st.floats(min_value=0.001, max_value=1),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
)
def test_points_strictly_inside_a_rectangle_are_in_it_and_points_beyond_are_not(x, y, w, h, fx, fy):
    rect = zone_polygons(
        {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}
    )
    assume(0.01 < fx < 0.99 and 0.01 < fy < 0.99)
    assert point_in_zone(x + fx * w, y + fy * h, rect)
    assert not point_in_zone(x + w + 0.001 + fx, y + fy * h, rect)
    assert not point_in_zone(x + fx * w, y - 0.001 - fy, rect)


@given(
    st.floats(min_value=-5, max_value=5, allow_nan=False),
    st.floats(min_value=45, max_value=58, allow_nan=False),
    st.floats(min_value=0.01, max_value=1),
    st.floats(min_value=0.01, max_value=0.99),
    st.floats(min_value=0.01, max_value=0.99),
)
def test_a_zone_is_the_same_whichever_way_its_ring_runs_or_where_it_starts(x, y, size, fx, fy):
    ring = [[x, y], [x + size, y], [x + size / 2, y + size], [x, y]]
    forwards = zone_polygons({"type": "Polygon", "coordinates": [ring]})
    backwards = zone_polygons({"type": "Polygon", "coordinates": [ring[::-1]]})
    rotated = zone_polygons({"type": "Polygon", "coordinates": [[*ring[1:-1], ring[0], ring[1]]]})
    px, py = x + fx * size, y + fy * size
    assert (
        point_in_zone(px, py, forwards) == point_in_zone(px, py, backwards) == point_in_zone(px, py, rotated)
    )


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=600), st.booleans()),
        min_size=1,
        max_size=40,
        unique_by=lambda t: t[0],
    )
)
def test_violations_start_only_on_breaching_points_and_never_twice_in_a_row(steps):
    fence = Fence(zone=SQUARE)
    steps.sort()
    points = [TrailPoint(NOON + timedelta(minutes=m), 1.05 if inside else 1.3, 51.05) for m, inside in steps]
    out = trail_violations(points, fence)
    assert len(out) == len(points)
    for i, (violation, (_, inside)) in enumerate(zip(out, steps, strict=True)):
        if not inside:
            assert violation is None
        if i == 0 or not steps[i - 1][1]:
            # Entering from outside (or the first point) always starts a violation when inside.
            assert (violation is not None) == inside
    # Each run of points inside starts exactly one violation when no gap exceeds an hour.
    runs = sum(1 for i, (_, inside) in enumerate(steps) if inside and (i == 0 or not steps[i - 1][1]))
    gaps = sum(
        1
        for i in range(1, len(steps))
        if steps[i][1] and steps[i - 1][1] and steps[i][0] - steps[i - 1][0] > 60
    )
    assert sum(v is not None for v in out) == runs + gaps
