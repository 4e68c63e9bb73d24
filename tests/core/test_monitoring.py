"""Electronic monitoring's rules: reading a supplier's feed (hostile bytes included), dedupe keys, response
deadlines, curfew hours, and zones (point in polygon, the schematic districts, the drawing)."""

import codecs
import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core.monitoring import (
    MAX_FIELD,
    EventKind,
    ZoneError,
    content_key,
    district_at,
    district_boundaries,
    draw_zone,
    in_curfew,
    parse_feed,
    parse_time,
    point_in_zone,
    response_due,
    zone_polygons,
)

CSV = (
    "Event ID,Device ID,Event Type,Timestamp,Latitude,Longitude\n"
    "E1,TAG1,Curfew Violation,2026-03-01T23:15:00Z,,\n"
    "E2,TAG1,strap-tamper,2026-07-01 23:15,51.27,1.08\n"
)


def test_csv_reads_events_in_utc():
    result = parse_feed(CSV.encode(), supplier="acme")
    assert result.ok and result.format == "csv" and len(result.events) == 2
    first, second = result.events
    assert first.kind == EventKind.CURFEW_VIOLATION
    assert first.occurred_at == datetime(2026, 3, 1, 23, 15, tzinfo=UTC)
    # No zone: London time, summer time in July.
    assert second.kind == EventKind.STRAP_TAMPER
    assert second.occurred_at == datetime(2026, 7, 1, 22, 15, tzinfo=UTC)
    assert (second.latitude, second.longitude) == (51.27, 1.08)
    assert first.dedupe_key == "id:E1"
    assert second.raw["Device ID"] == "TAG1"


def test_bom_and_utf16_are_read():
    for data in (codecs.BOM_UTF8 + CSV.encode(), CSV.encode("utf-16")):
        result = parse_feed(data, supplier="acme")
        assert result.ok, result.errors
        assert len(result.events) == 2


def test_wrong_encoding_is_refused_with_the_line():
    data = (CSV + "E3,TAG\xe9,curfew,2026-03-01T23:15:00Z,,\n").encode("latin-1")
    result = parse_feed(data, supplier="acme")
    assert not result.ok and not result.events
    assert result.errors[0].row == 0 and "Line 4" in result.errors[0].problem


def test_missing_columns_named():
    result = parse_feed(b"id,when\n1,2026-01-01T00:00Z\n", supplier="acme")
    assert not result.ok
    assert "device id" in result.errors[0].problem and "kind" in result.errors[0].problem


def test_row_errors_say_row_and_column():
    data = (
        "event_id,device_id,kind,occurred_at\n"
        "E1,TAG1,curfew_violation,yesterday\n"
        "E2,TAG1,teleported,2026-03-01T23:15:00Z\n"
        f"E3,{'x' * (MAX_FIELD + 1)},curfew,2026-03-01T23:15:00Z\n"
        "E4,,curfew,2026-03-01T23:15:00Z\n"
        "E5,TAG1,curfew,2026-03-01T23:15:00Z\n"
    )
    result = parse_feed(data.encode(), supplier="acme")
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "occurred_at"),
        (3, "kind"),
        (4, "device_id"),
        (5, "device_id"),
    ]
    assert [e.supplier_event_id for e in result.events] == ["E5"]


def test_duplicates_in_file_counted_once_and_content_hash_without_id():
    data = (
        "device_id,kind,occurred_at\n"
        "TAG1,curfew,2026-03-01T23:15:00Z\n"
        "TAG1,curfew,2026-03-01T23:15:00+00:00\n"
        "TAG1,curfew,2026-03-02T00:15:00+01:00\n"
    )
    result = parse_feed(data.encode(), supplier="acme")
    assert result.ok and len(result.events) == 1 and result.duplicates_in_file == 2
    key = result.events[0].dedupe_key
    assert key.startswith("sha256:")
    assert key == content_key("acme", "TAG1", "curfew_violation", datetime(2026, 3, 1, 23, 15, tzinfo=UTC))
    assert key != parse_feed(data.encode(), supplier="other").events[0].dedupe_key


def test_json_array_and_lines():
    events = [
        {
            "id": "J1",
            "device": "TAG1",
            "type": "zone_violation",
            "timestamp": "2026-03-01T10:00:00Z",
            "lat": 51.2,
        },
        {"id": "J2", "device": "TAG1", "type": "low battery", "timestamp": "2026-03-01T11:00:00Z"},
    ]
    array = parse_feed(json.dumps(events).encode(), supplier="acme")
    assert array.format == "json"
    # J1 has a latitude without a longitude.
    assert [(e.row, e.column) for e in array.errors] == [(1, "latitude/longitude")]
    lines = parse_feed(("\n".join(json.dumps(e) for e in events) + "\n{bad\n[1]\n").encode(), supplier="acme")
    assert [e.row for e in lines.errors] == [1, 3, 4]
    assert [e.kind for e in lines.events] == [EventKind.BATTERY_LOW]


def test_empty_and_nul_files():
    assert parse_feed(b"", supplier="a").errors[0].problem == "The file is empty."
    assert not parse_feed(b"device_id,kind,occurred_at\n", supplier="a").ok
    assert not parse_feed(b"a\x00b\x00c\x00d\x00" * 10, supplier="a").ok


def test_parse_time():
    assert parse_time("01/03/2026 23:15") == datetime(2026, 3, 1, 23, 15, tzinfo=UTC)
    assert parse_time("2026-03-01T23:15:00+05:30") == datetime(2026, 3, 1, 17, 45, tzinfo=UTC)
    for bad in ("", "1999-01-01T00:00Z", "31/02/2026 10:00", "x" * 100):
        try:
            parse_time(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_response_deadlines_from_the_table_and_overrides():
    received = datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert response_due(EventKind.ZONE_ENTRY, received) == received + timedelta(hours=2)
    assert response_due(EventKind.CURFEW_VIOLATION, received) == received + timedelta(hours=24)
    assert response_due(EventKind.BATTERY_LOW, received) is None
    assert response_due(
        EventKind.CURFEW_VIOLATION, received, {"curfew_violation": 8}
    ) == received + timedelta(hours=8)
    assert response_due(EventKind.EQUIPMENT_FAULT, received, {"equipment_fault": None}) is None


def test_curfew_hours_cross_midnight():
    seven_to_seven = (19 * 60, 7 * 60)
    weekdays = (1, 2, 3, 4, 5)
    assert in_curfew(datetime(2026, 3, 2, 22, 0), *seven_to_seven, weekdays)  # Monday night
    assert in_curfew(datetime(2026, 3, 3, 6, 59), *seven_to_seven, weekdays)  # Tuesday morning
    assert not in_curfew(datetime(2026, 3, 3, 7, 0), *seven_to_seven, weekdays)
    assert in_curfew(datetime(2026, 3, 7, 6, 0), *seven_to_seven, weekdays)  # Saturday morning: Friday's
    assert not in_curfew(datetime(2026, 3, 8, 6, 0), *seven_to_seven, weekdays)  # Sunday: Saturday's
    assert in_curfew(datetime(2026, 3, 2, 10, 0), 9 * 60, 17 * 60, weekdays)


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[1.0, 51.0], [1.1, 51.0], [1.1, 51.1], [1.0, 51.1], [1.0, 51.0]]],
}
HOLED = {
    "type": "MultiPolygon",
    "coordinates": [
        [
            SQUARE["coordinates"][0],
            [[1.04, 51.04], [1.06, 51.04], [1.06, 51.06], [1.04, 51.06], [1.04, 51.04]],
        ],
        [[[0.5, 51.3], [0.6, 51.3], [0.55, 51.4], [0.5, 51.3]]],
    ],
}


def test_point_in_zone_with_holes_and_parts():
    polygons = zone_polygons(HOLED)
    assert point_in_zone(1.02, 51.02, polygons)
    assert not point_in_zone(1.05, 51.05, polygons)  # in the hole
    assert point_in_zone(0.55, 51.32, polygons)
    assert not point_in_zone(0.9, 51.2, polygons)
    assert zone_polygons({"type": "Feature", "geometry": SQUARE})


def test_bad_zones_refused():
    for bad in (
        None,
        {"type": "Point", "coordinates": [1, 51]},
        {"type": "Polygon", "coordinates": [[[1, 51], [2, 51], [1, 51]]]},
        {"type": "Polygon", "coordinates": [[[1, 51], [2, 51], [2, 52], [1, 52.5]]]},
        {"type": "Polygon", "coordinates": [[[1, 51], [200, 51], [2, 52], [1, 51]]]},
        {"type": "Polygon", "coordinates": [[["a", 51], [2, 51], [2, 52], [1, 51]]]},
        {"type": "MultiPolygon", "coordinates": []},
    ):
        try:
            zone_polygons(bad)
        except ZoneError:
            continue
        raise AssertionError(bad)


def test_districts_cover_their_centres_and_drawing():
    boundaries = district_boundaries()
    assert len(boundaries) == 13
    assert district_at(1.08, 51.28) == "CAN" and district_at(0.55, 51.40) == "MED"
    assert district_at(5.0, 51.0) is None
    drawing = draw_zone(
        zone_polygons(
            {"type": "Polygon", "coordinates": [[[1.07, 51.27], [1.09, 51.27], [1.08, 51.29], [1.07, 51.27]]]}
        )
    )
    assert (
        drawing.district == "CAN" and drawing.zone_path.startswith("M") and drawing.view_box == "0 0 400 400"
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_parser_never_raises_on_bytes(data):
    result = parse_feed(data, supplier="acme")
    assert result.ok or result.errors


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=15))
def test_every_row_is_an_event_or_an_error(rows):
    lines = ["event_id,device_id,kind,occurred_at"]
    lines += [",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows]
    result = parse_feed("\n".join(lines).encode("utf-8"), supplier="acme")
    if result.errors and result.errors[0].row in (0, 1) and not result.events:
        return  # the file as a whole (or its header) was refused
    erroneous = {e.row for e in result.errors}
    assert len(result.events) + result.duplicates_in_file + len(erroneous) == result.rows


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "device", "type", "timestamp", "lat", "lon", "x"]),
            st.one_of(CELL, st.integers(), st.floats(), st.none()),
        ),
        max_size=10,
    )
)
def test_json_never_raises(items):
    result = parse_feed(json.dumps(items).encode(), supplier="acme")
    erroneous = {e.row for e in result.errors}
    assert (
        len(result.events) + result.duplicates_in_file + len(erroneous - {0}) == len(items) or result.errors
    )
