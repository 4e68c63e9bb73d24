"""Electronic monitoring (issue 14, item 5): reading a monitoring supplier's event feed, the events' dedupe
key, the response deadline for each kind of event, and where a point falls against a zone.

Plain Python (no Django). `parse_feed` takes the file's bytes as they came (CSV, a JSON array or JSON lines)
and never raises: every data row becomes either a typed `FeedEvent` or a `RowError` (row number as a
spreadsheet or editor shows it, the column, the problem), and a problem with the file as a whole is a
`RowError` on row 0. The app imports a file only when it has no errors (all or nothing).

A time with a zone (``2026-03-01T23:15:00Z``, ``+01:00``) is converted to UTC; a time without one is read
as the partnership's local time (Europe/London), as the suppliers' own consoles show it.

Zones are GeoJSON Polygon or MultiPolygon geometries, lon/lat (RFC 7946): `point_in_zone` is an even-odd ray
casting test, holes included. `district_boundaries` gives schematic polygons for the Kent and Medway
districts (the cells around each district's centre, worked out here deterministically): a backdrop for the
zone's map, not a real boundary.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class EventKind(StrEnum):
    CURFEW_VIOLATION = "curfew_violation"
    STRAP_TAMPER = "strap_tamper"
    ZONE_ENTRY = "zone_entry"
    EQUIPMENT_FAULT = "equipment_fault"
    ALCOHOL_DETECTED = "alcohol_detected"
    ALCOHOL_TAMPER = "alcohol_tamper"
    LOCATION = "location"
    BATTERY_LOW = "battery_low"
    SIGNAL_LOST = "signal_lost"


EVENT_LABELS: dict[str, str] = {
    EventKind.CURFEW_VIOLATION: "Curfew violation",
    EventKind.STRAP_TAMPER: "Strap tamper",
    EventKind.ZONE_ENTRY: "Exclusion zone entered",
    EventKind.EQUIPMENT_FAULT: "Equipment fault",
    EventKind.ALCOHOL_DETECTED: "Alcohol detected",
    EventKind.ALCOHOL_TAMPER: "Alcohol tag tamper",
    EventKind.LOCATION: "Location point",
    EventKind.BATTERY_LOW: "Battery low",
    EventKind.SIGNAL_LOST: "Signal lost",
}

# Hours the responsible officer has to respond to each kind of event; None: no alert (information only).
# The settings' DESIST_MONITORING_RESPONSE_HOURS overrides any of these (docs/monitoring.md).
RESPONSE_HOURS: dict[str, int | None] = {
    EventKind.ZONE_ENTRY: 2,
    EventKind.STRAP_TAMPER: 4,
    EventKind.CURFEW_VIOLATION: 24,
    EventKind.ALCOHOL_DETECTED: 24,
    EventKind.ALCOHOL_TAMPER: 24,
    EventKind.EQUIPMENT_FAULT: 72,
    EventKind.LOCATION: None,
    EventKind.BATTERY_LOW: None,
    EventKind.SIGNAL_LOST: None,
}

# What suppliers call them, besides the names above (compared lower-case with spaces, dashes and dots as _).
KIND_ALIASES: dict[str, str] = {
    "curfew_breach": EventKind.CURFEW_VIOLATION,
    "curfew": EventKind.CURFEW_VIOLATION,
    "absent_during_curfew": EventKind.CURFEW_VIOLATION,
    "tamper": EventKind.STRAP_TAMPER,
    "strap_tamper_alert": EventKind.STRAP_TAMPER,
    "strap_cut": EventKind.STRAP_TAMPER,
    "exclusion_zone_entry": EventKind.ZONE_ENTRY,
    "zone_violation": EventKind.ZONE_ENTRY,
    "inclusion_zone_exit": EventKind.ZONE_ENTRY,
    "device_fault": EventKind.EQUIPMENT_FAULT,
    "equipment_failure": EventKind.EQUIPMENT_FAULT,
    "alcohol_positive": EventKind.ALCOHOL_DETECTED,
    "transdermal_alcohol": EventKind.ALCOHOL_DETECTED,
    "gps": EventKind.LOCATION,
    "trail_point": EventKind.LOCATION,
    "low_battery": EventKind.BATTERY_LOW,
    "no_signal": EventKind.SIGNAL_LOST,
}

# The columns of a feed (CSV headers or JSON keys), with the names suppliers use for them.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "eventid", "supplier_event_id", "id", "reference"),
    "device_id": ("device_id", "deviceid", "device", "tag_id", "tag"),
    "kind": ("kind", "event_type", "eventtype", "type", "event"),
    "occurred_at": ("occurred_at", "occurredat", "timestamp", "time", "event_time", "datetime"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
    "detail": ("detail", "details", "description", "note", "message"),
}
REQUIRED_COLUMNS = ("device_id", "kind", "occurred_at")
MAX_FIELD = 1000  # characters in any one field
MAX_ID = 64  # characters in an event or device id
MAX_ERRORS = 1000  # row errors kept; the count goes on
MAX_RAW_FIELDS = 32  # fields of a row kept as its raw record


@dataclass(frozen=True, slots=True)
class FeedEvent:
    row: int
    supplier_event_id: str
    device_id: str
    kind: str
    occurred_at: datetime  # UTC
    latitude: float | None
    longitude: float | None
    detail: str
    dedupe_key: str
    raw: dict[str, str]


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 0: the file as a whole
    column: str
    problem: str


@dataclass
class FeedParse:
    events: list[FeedEvent] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    duplicates_in_file: int = 0
    rows: int = 0
    encoding: str = ""
    format: str = ""

    def error(self, row: int, column: str, problem: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, problem))

    @property
    def ok(self) -> bool:
        return self.error_count == 0


# --- Reading the bytes ----------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


class FeedFileError(ValueError):
    """The file cannot be read at all; the message says why."""


def decode(content: bytes) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 (with or without a byte-order mark), or UTF-16/32 with one.
    Anything else is refused with the line where it goes wrong; a supplier's feed is never guessed at."""
    for bom, encoding, label in _BOMS:
        if content.startswith(bom):
            try:
                return content.decode(encoding).lstrip("\ufeff"), label
            except UnicodeDecodeError as error:
                raise FeedFileError(
                    f"The file starts as {label} but is not {label} text throughout."
                ) from error
    sample = content[:4096]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        raise FeedFileError("The file looks like UTF-16 text without a byte-order mark: send it as UTF-8.")
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise FeedFileError(
            f"Line {line:,} is not UTF-8 text (byte {content[error.start]:02X}): send the feed as UTF-8."
        ) from error


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


_COLUMN_BY_ALIAS = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}


@lru_cache(maxsize=512)
def kind_of(text: str) -> str | None:
    """The event kind a supplier's name stands for, or None."""
    key = _key(text)
    if key in RESPONSE_HOURS:
        return key
    return KIND_ALIASES.get(key)


_NAIVE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def parse_time(text: str, local: ZoneInfo = LONDON) -> datetime:
    """A timestamp in UTC. ISO 8601 with a zone is converted; without one it is local time. ValueError,
    with words for the officer, when it is not a time."""
    if len(text) == 20 and text[19] == "Z" and text[10] == "T":
        # The common case, 2026-03-01T23:15:00Z: already UTC.
        try:
            quick = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if quick.year >= 2000:
                return quick
    value = text.strip()
    if not value:
        raise ValueError("The time is missing.")
    if len(value) > 40:
        raise ValueError("The time is too long to be a time.")
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in "zZ" else value)
    except ValueError:
        for fmt in _NAIVE_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(f"{value!r} is not a date and time (use ISO 8601, as 2026-03-01T23:15:00Z).")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local)
    if parsed.year < 2000:
        raise ValueError(f"{value!r} is before 2000: not a monitoring event's time.")
    return parsed.astimezone(UTC)


def content_key(supplier: str, device_id: str, kind: str, occurred_at: datetime) -> str:
    """The dedupe key of an event whose supplier gives it no id: a hash of what makes it that event."""
    text = "\x1f".join((supplier, device_id, kind, occurred_at.astimezone(UTC).isoformat()))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:48]


def dedupe_key(
    supplier: str, supplier_event_id: str, device_id: str, kind: str, occurred_at: datetime
) -> str:
    """The supplier's own event id when it gives one, otherwise the content hash. Unique per supplier."""
    return (
        f"id:{supplier_event_id}"
        if supplier_event_id
        else content_key(supplier, device_id, kind, occurred_at)
    )


def _coordinate(text: str, low: float, high: float, name: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not a {name}.") from None
    if not (low <= value <= high) or math.isnan(value):
        raise ValueError(f"{text[:40]!r} is not a {name} (between {low:g} and {high:g}).")
    return value


Row = tuple[int, dict[str, str], dict[str, str], str]  # row number, mapped fields, raw fields, too long


def _rows_csv(text: str, result: FeedParse) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        result.error(1, "", f"The header row cannot be read as CSV ({error}).")
        return
    columns = [_COLUMN_BY_ALIAS.get(_key(name), "") for name in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    names = [name[:40] for name in header]
    raw_names = names[:MAX_RAW_FIELDS]
    mapped = [(column, i) for i, column in enumerate(columns) if column and column not in columns[:i]]
    if missing:
        result.error(
            1,
            ", ".join(missing),
            f"The header has no {' or '.join(m.replace('_', ' ') for m in missing)} column "
            f"(found: {', '.join(h[:40] for h in header[:12]) or 'nothing'}).",
        )
        return
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            result.error(
                reader.line_num, "", f"The row cannot be read as CSV ({error}); nothing after it was read."
            )
            return
        if not "".join(values).strip():
            continue
        result.rows += 1
        row = reader.line_num
        if len(values) > len(header):
            result.error(row, "", f"The row has {len(values)} fields; the header has {len(header)}.")
            continue
        too_long = ""
        if max(map(len, values), default=0) > MAX_FIELD:
            too_long = next(n for n, v in zip(names, values, strict=False) if len(v) > MAX_FIELD)
        record = {column: values[i] for column, i in mapped if i < len(values)}
        yield row, record, dict(zip(raw_names, values, strict=False)), too_long


def _rows_json(text: str, result: FeedParse) -> Iterator[Row]:
    stripped = text.lstrip()
    items: Iterable[tuple[int, Any]]
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError) as error:
            result.error(0, "", f"The file is not valid JSON ({str(error)[:120]}).")
            return
        if not isinstance(data, list):
            result.error(0, "", "The JSON file is not a list of events.")
            return
        items = enumerate(data, start=1)
    else:
        items = _json_lines(text, result)
    for row, item in items:
        result.rows += 1
        if not isinstance(item, dict):
            result.error(row, "", "The event is not a JSON object.")
            continue
        record: dict[str, str] = {}
        raw: dict[str, str] = {}
        too_long = ""
        for name, value in list(item.items())[:200]:
            name = str(name)[:40]
            column = _COLUMN_BY_ALIAS.get(_key(name), "")
            text_value = (
                "" if value is None else value if isinstance(value, str) else json.dumps(value)[:2000]
            )
            if len(text_value) > MAX_FIELD:
                too_long = name
            if column:
                record.setdefault(column, text_value)
            if len(raw) < MAX_RAW_FIELDS:
                raw.setdefault(name, text_value[:MAX_FIELD])
        missing = [c for c in REQUIRED_COLUMNS if c not in record]
        if missing:
            result.error(row, ", ".join(missing), f"The event has no {' or '.join(missing)}.")
            continue
        yield row, record, raw, too_long


def _json_lines(text: str, result: FeedParse) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as error:
            result.rows += 1
            result.error(number, "", f"The line is not valid JSON ({str(error)[:120]}).")
            continue
        yield number, item


def _is_json(text: str) -> bool:
    return text.lstrip()[:1] in ("[", "{")


def parse_feed(content: bytes, *, supplier: str, local: ZoneInfo = LONDON) -> FeedParse:
    """Every row of a supplier's feed as an event or an error, never an exception. Rows repeating an event
    earlier in the same file are counted, not kept."""
    result = FeedParse()
    try:
        text, result.encoding = decode(content)
    except FeedFileError as error:
        result.error(0, "", str(error))
        return result
    if not text.strip():
        result.error(0, "", "The file is empty.")
        return result
    if "\x00" in text:
        result.error(0, "", "The file holds NUL characters: it is not a text feed.")
        return result
    result.format = "json" if _is_json(text) else "csv"
    rows = _rows_json(text, result) if result.format == "json" else _rows_csv(text, result)
    seen: set[str] = set()
    for row, record, raw, too_long in rows:
        if too_long:
            result.error(row, too_long, f"The value is longer than {MAX_FIELD:,} characters.")
            continue
        event = _event(row, record, raw, supplier, local, result)
        if event is None:
            continue
        if event.dedupe_key in seen:
            result.duplicates_in_file += 1
            continue
        seen.add(event.dedupe_key)
        result.events.append(event)
    if result.rows == 0 and result.ok:
        result.error(0, "", "The file has no events.")
    return result


def _event(
    row: int, record: dict[str, str], raw: dict[str, str], supplier: str, local: ZoneInfo, result: FeedParse
) -> FeedEvent | None:
    before = result.error_count
    event_id = record.get("event_id", "").strip()
    device_id = record.get("device_id", "").strip()
    if len(event_id) > MAX_ID:
        result.error(row, "event_id", f"The event id is longer than {MAX_ID} characters.")
    if not device_id:
        result.error(row, "device_id", "The device id is missing.")
    elif len(device_id) > MAX_ID:
        result.error(row, "device_id", f"The device id is longer than {MAX_ID} characters.")
    kind_text = record.get("kind", "")
    kind = kind_of(kind_text)
    if kind is None:
        result.error(row, "kind", f"{kind_text[:40]!r} is not an event kind desist knows.")
    try:
        occurred_at: datetime | None = parse_time(record.get("occurred_at", ""), local)
    except (ValueError, OverflowError) as error:
        result.error(row, "occurred_at", str(error))
        occurred_at = None
    latitude = longitude = None
    lat_text, lon_text = record.get("latitude", ""), record.get("longitude", "")
    if lat_text or lon_text:
        try:
            latitude = _coordinate(lat_text, -90, 90, "latitude")
            longitude = _coordinate(lon_text, -180, 180, "longitude")
        except ValueError as error:
            result.error(row, "latitude/longitude", str(error))
        if (latitude is None) != (longitude is None):
            result.error(row, "latitude/longitude", "Give both the latitude and the longitude, or neither.")
    if result.error_count > before or kind is None or occurred_at is None:
        return None
    return FeedEvent(
        row=row,
        supplier_event_id=event_id,
        device_id=device_id,
        kind=kind,
        occurred_at=occurred_at,
        latitude=latitude,
        longitude=longitude,
        detail=record["detail"].strip()[:300] if "detail" in record else "",
        dedupe_key=dedupe_key(supplier, event_id, device_id, kind, occurred_at),
        raw=raw,
    )


# --- Response deadlines -----------------------------------------------------------------------------------


def response_hours(kind: str, overrides: Mapping[str, int | None] | None = None) -> int | None:
    """Hours to respond to an event of this kind (None: no alert), the settings' overrides first."""
    if overrides and kind in overrides:
        return overrides[kind]
    return RESPONSE_HOURS.get(kind)


def response_due(
    kind: str, received_at: datetime, overrides: Mapping[str, int | None] | None = None
) -> datetime | None:
    """When the responsible officer must have responded: the kind's hours from when desist received it."""
    hours = response_hours(kind, overrides)
    return None if hours is None else received_at + timedelta(hours=hours)


def alerting_kinds(overrides: Mapping[str, int | None] | None = None) -> frozenset[str]:
    return frozenset(k for k in RESPONSE_HOURS if response_hours(k, overrides) is not None)


# --- Curfew hours ---------------------------------------------------------------------------------------


def in_curfew(local_time: datetime, start_minute: int, end_minute: int, days: Sequence[int]) -> bool:
    """Whether a local time falls in curfew hours (minutes after midnight; a curfew may cross midnight, and
    then belongs to the day it starts on). `days`: ISO weekdays (1 Monday .. 7 Sunday) the curfew starts."""
    minute = local_time.hour * 60 + local_time.minute
    weekday = local_time.isoweekday()
    if start_minute <= end_minute:
        return weekday in days and start_minute <= minute < end_minute
    if minute >= start_minute:
        return weekday in days
    previous = 7 if weekday == 1 else weekday - 1
    return minute < end_minute and previous in days


# --- Zones ----------------------------------------------------------------------------------------------

Ring = list[tuple[float, float]]


class ZoneError(ValueError):
    """The zone is not a GeoJSON Polygon or MultiPolygon desist can draw and test."""


def zone_polygons(geometry: Any) -> list[list[Ring]]:
    """The zone as polygons, each a list of rings (the outer ring, then holes) of (lon, lat); ZoneError
    when it is not a valid GeoJSON Polygon or MultiPolygon (a Feature's geometry is taken too)."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict):
        raise ZoneError("The zone is not a GeoJSON geometry.")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        polygons = coordinates
    else:
        raise ZoneError("The zone must be a GeoJSON Polygon or MultiPolygon.")
    result: list[list[Ring]] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ZoneError("Each polygon needs at least its outer ring.")
        rings: list[Ring] = []
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ZoneError("Each ring needs at least four positions (the first repeated last).")
            points: Ring = []
            for position in ring:
                if (
                    not isinstance(position, list | tuple)
                    or len(position) < 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
                ):
                    raise ZoneError("Each position is [longitude, latitude].")
                lon, lat = float(position[0]), float(position[1])
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ZoneError("A position is outside longitude -180..180 or latitude -90..90.")
                points.append((lon, lat))
            if points[0] != points[-1]:
                raise ZoneError("Each ring must end where it starts.")
            rings.append(points)
        result.append(rings)
    if not result:
        raise ZoneError("The zone has no polygons.")
    return result


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_zone(lon: float, lat: float, polygons: list[list[Ring]]) -> bool:
    """Whether the point is inside any polygon of the zone (inside its outer ring, outside its holes)."""
    for rings in polygons:
        if _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, hole) for hole in rings[1:]):
            return True
    return False


def bounds(polygons: Iterable[list[Ring]]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the polygons' outer rings."""
    points = [p for rings in polygons for p in rings[0]]
    return (
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    )


# --- Violations from location points -------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
HOME_RADIUS_M = 100  # how far from the curfew address a point may fall (the fix's accuracy), by default
# After this long without a point, a point still in breach is a new violation: the last one may have ended
# unseen while the signal was lost.
EPISODE_GAP = timedelta(hours=1)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The great-circle distance between two points in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Curfew:
    """Curfew hours (minutes after midnight, local time; ISO weekdays it starts on) at an address."""

    start_minute: int
    end_minute: int
    days: tuple[int, ...]
    home: tuple[float, float]  # (lon, lat) of the curfew address
    radius_m: float = HOME_RADIUS_M


@dataclass(frozen=True, slots=True)
class Fence:
    """What a device's location points are tested against: an exclusion zone, a curfew, or both."""

    zone: list[list[Ring]] | None = None
    curfew: Curfew | None = None


@dataclass(frozen=True, slots=True)
class TrailPoint:
    at: datetime  # aware
    lon: float
    lat: float


def point_breach(point: TrailPoint, fence: Fence, local: ZoneInfo = LONDON) -> str | None:
    """What the point breaches, if anything: inside the exclusion zone (a zone entry), or further than the
    radius from the curfew address during curfew hours (a curfew violation). The zone is tested first."""
    if fence.zone is not None and point_in_zone(point.lon, point.lat, fence.zone):
        return EventKind.ZONE_ENTRY
    curfew = fence.curfew
    if curfew is None:
        return None
    local_time = point.at.astimezone(local)
    if (
        in_curfew(local_time, curfew.start_minute, curfew.end_minute, curfew.days)
        and distance_m(point.lon, point.lat, *curfew.home) > curfew.radius_m
    ):
        return EventKind.CURFEW_VIOLATION
    return None


def trail_violations(
    points: Sequence[TrailPoint],
    fence: Fence,
    *,
    before: tuple[datetime, str | None] | None = None,
    gap: timedelta = EPISODE_GAP,
    local: ZoneInfo = LONDON,
) -> list[str | None]:
    """For each point (in time order), the violation that starts there, or None. A violation starts where a
    point breaches and the point before it did not breach the same way, or came more than `gap` earlier:
    a trail of a hundred points inside a zone is one zone entry, not a hundred. `before` is the point held
    before these (its time and breach), so a later feed carries on the same episode."""
    out: list[str | None] = []
    last_at, last = before if before is not None else (None, None)
    for point in points:
        breach = point_breach(point, fence, local)
        starts = breach is not None and (breach != last or last_at is None or point.at - last_at > gap)
        out.append(breach if starts else None)
        last_at, last = point.at, breach
    return out


# --- Schematic district boundaries ------------------------------------------------------------------------

# Each Kent and Medway district's rough centre (lon, lat); its schematic boundary is the set of points nearer
# to it than to any other centre, inside the county's box.
DISTRICT_CENTRES: dict[str, tuple[float, float]] = {
    "ASH": (0.87, 51.14),
    "CAN": (1.08, 51.28),
    "DAR": (0.22, 51.44),
    "DOV": (1.28, 51.17),
    "FOL": (1.05, 51.07),
    "GRA": (0.37, 51.42),
    "MAI": (0.55, 51.24),
    "MED": (0.55, 51.40),
    "SEV": (0.16, 51.27),
    "SWA": (0.80, 51.33),
    "THA": (1.37, 51.35),
    "TON": (0.36, 51.28),
    "TUN": (0.35, 51.11),
}
COUNTY_BOX = (0.03, 50.90, 1.46, 51.50)


def _clip(polygon: Ring, a: tuple[float, float], b: tuple[float, float]) -> Ring:
    """The part of a convex polygon nearer to centre a than to centre b (Sutherland-Hodgman, one plane)."""
    # Local metres-ish scale: a degree of longitude is shorter than one of latitude at 51 degrees north.
    k = math.cos(math.radians(51.2))

    def side(p: tuple[float, float]) -> float:
        return ((p[0] - a[0]) * k) ** 2 + (p[1] - a[1]) ** 2 - ((p[0] - b[0]) * k) ** 2 - (p[1] - b[1]) ** 2

    out: Ring = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        sc, sp = side(current), side(previous)
        if sc <= 0:
            if sp > 0:
                t = sp / (sp - sc)
                out.append(
                    (
                        previous[0] + t * (current[0] - previous[0]),
                        previous[1] + t * (current[1] - previous[1]),
                    )
                )
            out.append(current)
        elif sp <= 0:
            t = sp / (sp - sc)
            out.append(
                (previous[0] + t * (current[0] - previous[0]), previous[1] + t * (current[1] - previous[1]))
            )
    return out


def district_boundaries() -> dict[str, Ring]:
    """Schematic (not real) boundaries of the Kent and Medway districts, each a closed lon/lat ring."""
    west, south, east, north = COUNTY_BOX
    result: dict[str, Ring] = {}
    for code, centre in DISTRICT_CENTRES.items():
        polygon: Ring = [(west, south), (east, south), (east, north), (west, north)]
        for other_code, other in DISTRICT_CENTRES.items():
            if other_code != code and polygon:
                polygon = _clip(polygon, centre, other)
        ring = [(round(x, 5), round(y, 5)) for x, y in polygon]
        result[code] = [*ring, ring[0]]
    return result


def district_at(lon: float, lat: float) -> str | None:
    """The schematic district holding the point, or None outside the county's box."""
    for code, ring in district_boundaries().items():
        if _in_ring(lon, lat, ring):
            return code
    return None


# --- Drawing a zone -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drawing:
    """An SVG drawing of a zone over the district boundaries: the viewBox, the paths and the district."""

    view_box: str
    zone_path: str
    districts: list[tuple[str, str]]  # (code, path)
    district: str | None
    bounds: tuple[float, float, float, float]


def draw_zone(polygons: list[list[Ring]], *, size: float = 400.0, margin: float = 0.6) -> Drawing:
    """Project the zone (equirectangular at its latitude) into a square viewBox with a margin around it,
    and the schematic district boundaries behind it (the viewBox clips them)."""
    west, south, east, north = bounds(polygons)
    k = math.cos(math.radians((south + north) / 2))
    width = max((east - west) * k, north - south, 1e-4) * (1 + 2 * margin)
    cx, cy = (west + east) / 2 * k, (south + north) / 2
    x0, y0 = cx - width / 2, cy + width / 2
    scale = size / width

    def path(ring: Ring) -> str:
        return (
            "M"
            + " L".join(f"{(lon * k - x0) * scale:.1f},{(y0 - lat) * scale:.1f}" for lon, lat in ring)
            + " Z"
        )

    zone = " ".join(path(ring) for rings in polygons for ring in rings)
    districts = [(code, path(ring)) for code, ring in district_boundaries().items()]
    return Drawing(
        view_box=f"0 0 {size:g} {size:g}",
        zone_path=zone,
        districts=districts,
        district=district_at((west + east) / 2, (south + north) / 2),
        bounds=(west, south, east, north),
    )


@dataclass(frozen=True)
class TrailDrawing:
    """An SVG drawing of a device's latest location points over its zones and the district boundaries: the
    viewBox, the zones' path, the trail as a polyline, each point (x, y) oldest first, the latest point."""

    view_box: str
    zone_path: str
    districts: list[tuple[str, str]]  # (code, path)
    trail: str  # polyline points "x,y x,y"
    points: list[tuple[float, float]]
    latest: tuple[float, float] | None
    district: str | None
    bounds: tuple[float, float, float, float]


def draw_trail(
    points: Sequence[tuple[float, float]],
    zones: Sequence[list[list[Ring]]] = (),
    *,
    size: float = 400.0,
    margin: float = 0.15,
) -> TrailDrawing:
    """Project the trail's points (lon, lat, oldest first) and the zones (equirectangular at their latitude)
    into a square viewBox holding them all with a margin, over the schematic district boundaries."""
    outer = [p for zone in zones for rings in zone for p in rings[0]]
    every = [*points, *outer]
    if not every:
        raise ValueError("Nothing to draw: no points and no zones.")
    west, south = min(p[0] for p in every), min(p[1] for p in every)
    east, north = max(p[0] for p in every), max(p[1] for p in every)
    k = math.cos(math.radians((south + north) / 2))
    width = max((east - west) * k, north - south, 0.005) * (1 + 2 * margin)
    cx, cy = (west + east) / 2 * k, (south + north) / 2
    x0, y0 = cx - width / 2, cy + width / 2
    scale = size / width

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round((lon * k - x0) * scale, 1), round((y0 - lat) * scale, 1)

    def path(ring: Ring) -> str:
        return "M" + " L".join("{:.1f},{:.1f}".format(*xy(lon, lat)) for lon, lat in ring) + " Z"

    projected = [xy(lon, lat) for lon, lat in points]
    centre = points[-1] if points else ((west + east) / 2, (south + north) / 2)
    return TrailDrawing(
        view_box=f"0 0 {size:g} {size:g}",
        zone_path=" ".join(path(ring) for zone in zones for rings in zone for ring in rings),
        districts=[(code, path(ring)) for code, ring in district_boundaries().items()],
        trail=" ".join(f"{x:.1f},{y:.1f}" for x, y in projected),
        points=projected,
        latest=projected[-1] if projected else None,
        district=district_at(*centre),
        bounds=(west, south, east, north),
    )
