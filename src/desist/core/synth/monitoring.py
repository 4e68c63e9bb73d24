"""Electronic monitoring for a generated partnership (issue 14, item 5): a monitoring order for each curfew,
exclusion, electronic monitoring and alcohol abstinence and monitoring (AAMR) requirement of an order
running in the last two years, and for each electronic monitoring licence condition (a tag, a curfew or an
exclusion zone) of a licence running then; and the supplier's events for each order up to the as-of date.

Most orders have no events at all; some have a curfew violation, an entry into the exclusion zone, alcohol
detected, a strap tamper or an equipment fault, the more prone to offend (the generator's risk) more often.
Every event falls inside its order's period, up to the as-of date. Most violations more than a week old are
judged acceptable with a reason (a judgement of unacceptable needs a failure to comply, which the
supervision generator owns), a few are still awaiting judgement or never answered; the last week's are a mix
of open, acknowledged and judged, for the officer's work queue (`_alert_status`).

It reads the generated tables only and draws from its own stream (``stream(seed, "electronic-monitoring")``),
so nothing else the generator makes changes. Deterministic for the partnership.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from desist.core.monitoring import EventKind, response_hours

from ._util import stream
from .supervision import supervision_period

STREAM = "electronic-monitoring"
HISTORY_DAYS = 730  # orders running at some time in the last two years
RECENT_DAYS = 7  # violations received in the last week are mostly still being answered
SUPPLIERS = ("sentinel", "guardian")

# The order's kind by the requirement's, and by the licence condition's code.
REQUIREMENT_ORDERS = {
    "curfew": "curfew",
    "exclusion": "exclusion_zone",
    "aamr": "alcohol",
    "electronic_monitoring": "",  # a curfew or trail monitoring, drawn
}
CONDITION_ORDERS = {"ADD_EM_TAG": "trail", "ADD_CURFEW": "curfew", "ADD_EXCLUSION_ZONE": "exclusion_zone"}
CURFEW_HOURS = ((time(19), time(7)), (time(20), time(6)), (time(21), time(7)), (time(19), time(6)))
# Expected events of each kind in 30 days of an order, for a person of average propensity.
EVENT_RATES: dict[str, tuple[tuple[str, float], ...]] = {
    "curfew": (
        (EventKind.CURFEW_VIOLATION, 0.08),
        (EventKind.STRAP_TAMPER, 0.01),
        (EventKind.EQUIPMENT_FAULT, 0.015),
        (EventKind.BATTERY_LOW, 0.02),
    ),
    "exclusion_zone": (
        (EventKind.ZONE_ENTRY, 0.03),
        (EventKind.STRAP_TAMPER, 0.01),
        (EventKind.EQUIPMENT_FAULT, 0.015),
    ),
    "trail": (
        (EventKind.STRAP_TAMPER, 0.015),
        (EventKind.EQUIPMENT_FAULT, 0.015),
        (EventKind.SIGNAL_LOST, 0.03),
    ),
    "alcohol": (
        (EventKind.ALCOHOL_DETECTED, 0.06),
        (EventKind.ALCOHOL_TAMPER, 0.01),
        (EventKind.EQUIPMENT_FAULT, 0.015),
    ),
}
DETAILS: dict[str, str] = {
    EventKind.CURFEW_VIOLATION: "Left the curfew address during the curfew.",
    EventKind.STRAP_TAMPER: "Strap integrity alert.",
    EventKind.ZONE_ENTRY: "Entered the exclusion zone.",
    EventKind.EQUIPMENT_FAULT: "Home monitoring unit not responding.",
    EventKind.ALCOHOL_DETECTED: "Transdermal alcohol reading above the threshold.",
    EventKind.ALCOHOL_TAMPER: "Obstruction between the tag and the skin.",
    EventKind.BATTERY_LOW: "Tag battery below 20%.",
    EventKind.SIGNAL_LOST: "No GPS fix for over an hour.",
}
ACCEPTABLE_REASONS: dict[str, str] = {
    EventKind.CURFEW_VIOLATION: "Late back from a work shift; the employer's rota was seen.",
    EventKind.STRAP_TAMPER: "Strap damaged at work; the supplier refitted it the next day.",
    EventKind.ZONE_ENTRY: "Brief pass through the zone on a bus route; no stop made.",
    EventKind.EQUIPMENT_FAULT: "Supplier confirmed a fault in the home unit and replaced it.",
    EventKind.ALCOHOL_DETECTED: "Supplier's review found a false reading from a hand sanitiser.",
    EventKind.ALCOHOL_TAMPER: "Tag worn over a bandage after a hospital visit; discharge letter seen.",
}
# Town centres (longitude, latitude) an exclusion zone is drawn round.
ZONE_CENTRES = (
    ("Canterbury city centre", 1.080, 51.279),
    ("Maidstone town centre", 0.522, 51.272),
    ("Margate seafront", 1.386, 51.389),
    ("Chatham high street", 0.527, 51.380),
    ("Ashford town centre", 0.873, 51.146),
    ("Folkestone town centre", 1.176, 51.081),
    ("Dover town centre", 1.311, 51.126),
    ("Gravesend town centre", 0.369, 51.442),
    ("Dartford town centre", 0.215, 51.446),
    ("Royal Tunbridge Wells town centre", 0.263, 51.132),
    ("Sittingbourne high street", 0.733, 51.340),
)


@dataclass
class Order:
    order_id: int
    person_id: int
    sentence_id: int
    worker_id: int
    kind: str
    start_date: date
    end_date: date | None
    supplier: str
    device_id: str
    requirement_id: int | None = None
    condition_id: int | None = None
    curfew_start: time | None = None
    curfew_end: time | None = None
    curfew_days: str = ""
    zone: dict[str, Any] | None = None
    zone_name: str = ""


@dataclass
class Event:
    event_id: int
    order_id: int
    person_id: int
    supplier: str
    supplier_event_id: str
    kind: str
    occurred_at: datetime  # local (Europe/London) time, naive
    received_at: datetime
    detail: str
    latitude: float | None = None
    longitude: float | None = None
    # For a violation: "open", "acknowledged" or "judged" (acceptable, with the reason); "" for none.
    alert_status: str = ""
    reason: str = ""


@dataclass
class Monitoring:
    orders: list[Order] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def row_counts(self) -> dict[str, int]:
        return {
            "monitoring orders": len(self.orders),
            "monitoring events": len(self.events),
            "monitoring alerts": sum(1 for e in self.events if e.alert_status),
        }


def order_period(order: Order, as_of: date) -> tuple[date, date]:
    """The days an order's events may fall on: from its start to its end, up to the as-of date."""
    end = order.end_date if order.end_date is not None else as_of
    return order.start_date, min(end, as_of)


def _zone(rng: np.random.Generator) -> tuple[str, dict[str, Any]]:
    name, lon, lat = ZONE_CENTRES[int(rng.integers(len(ZONE_CENTRES)))]
    half_lon, half_lat = round(float(rng.uniform(0.006, 0.015)), 4), round(float(rng.uniform(0.004, 0.01)), 4)
    west, east = round(lon - half_lon, 4), round(lon + half_lon, 4)
    south, north = round(lat - half_lat, 4), round(lat + half_lat, 4)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return name, {"type": "Polygon", "coordinates": [ring]}


def generate_monitoring(world: Any) -> Monitoring:
    """Monitoring orders and their events for the partnership (see the module's docstring)."""
    cfg = world.config
    as_of: date = cfg.as_of
    rng = stream(cfg.seed, STREAM)
    # The alerts' statuses from a stream of their own, so the orders and events drawn do not move with them.
    alerts = stream(cfg.seed, STREAM + "-alerts")
    out = Monitoring()

    propensity = {
        r["person_id"]: r["propensity"] for r in world.people.select(["person_id", "propensity"]).to_pylist()
    }
    probation_workers = [r["worker_id"] for r in world.workers.to_pylist() if r["agency_code"] == "probation"]
    leads: dict[tuple[int, date], int] = {}
    for r in world.involvements.to_pylist():
        if r["agency_code"] == "probation" and r["worker_id"] is not None:
            leads[(r["person_id"], r["start_date"])] = r["worker_id"]
    requirements: dict[int, list[dict[str, Any]]] = {}
    for r in world.requirements.to_pylist():
        if r["kind"] in REQUIREMENT_ORDERS:
            requirements.setdefault(r["sentence_id"], []).append(r)
    conditions: dict[int, list[dict[str, Any]]] = {}
    for r in world.licence_conditions.to_pylist():
        if r["code"] in CONDITION_ORDERS:
            conditions.setdefault(r["sentence_id"], []).append(r)

    since = as_of - timedelta(days=HISTORY_DAYS)
    for s in world.sentences.to_pylist():
        bases = requirements.get(s["sentence_id"], []) + conditions.get(s["sentence_id"], [])
        if not bases:
            continue
        period = supervision_period(s, as_of)
        if period is None or period[1] < since:
            continue
        worker = leads.get((s["person_id"], s["sentence_date"]))
        if worker is None:
            worker = probation_workers[int(rng.integers(len(probation_workers)))]
        for basis in bases:
            if "requirement_id" in basis:
                kind = REQUIREMENT_ORDERS[basis["kind"]] or ("curfew" if rng.random() < 0.6 else "trail")
                start = max(basis["start_date"], period[0])
                end = basis["end_date"] or period[1]
            else:
                kind = CONDITION_ORDERS[basis["code"]]
                start, end = period
            end = min(end, period[1])
            if start > as_of or end < start or end < since:
                continue
            order = _order(rng, len(out.orders) + 1, s, worker, kind, start, end, basis)
            out.orders.append(order)
            _events(rng, out, order, as_of, 0.5 + float(propensity.get(s["person_id"], 0.5)), alerts)
    return out


def _order(
    rng: np.random.Generator,
    order_id: int,
    s: dict[str, Any],
    worker: int,
    kind: str,
    start: date,
    end: date,
    basis: dict[str, Any],
) -> Order:
    supplier = SUPPLIERS[int(rng.integers(len(SUPPLIERS)))]
    order = Order(
        order_id=order_id,
        person_id=s["person_id"],
        sentence_id=s["sentence_id"],
        worker_id=worker,
        kind=kind,
        start_date=start,
        end_date=end,
        supplier=supplier,
        device_id=f"{supplier[:2].upper()}{order_id:07d}",
        requirement_id=basis.get("requirement_id"),
        condition_id=basis.get("condition_id"),
    )
    if kind == "curfew":
        order.curfew_start, order.curfew_end = CURFEW_HOURS[int(rng.integers(len(CURFEW_HOURS)))]
        order.curfew_days = "1234567" if rng.random() < 0.8 else "12345"
    elif kind == "exclusion_zone":
        order.zone_name, order.zone = _zone(rng)
    return order


def _alert_status(rng: np.random.Generator, age_days: int) -> str:
    """Where the officer has got to with an alert received `age_days` before the as-of date: the last two
    days mostly open; the rest of the week half judged; older ones mostly judged, but a few still
    acknowledged and awaiting judgement, and a very few never answered (overdue on the work queue)."""
    draw = rng.random()
    if age_days <= 2:
        return "open" if draw < 0.6 else "acknowledged"
    if age_days <= RECENT_DAYS:
        return "judged" if draw < 0.5 else ("acknowledged" if draw < 0.8 else "open")
    return "judged" if draw < 0.86 else ("acknowledged" if draw < 0.95 else "open")


def _events(
    rng: np.random.Generator,
    out: Monitoring,
    order: Order,
    as_of: date,
    scale: float,
    alerts: np.random.Generator,
) -> None:
    first, last = order_period(order, as_of)
    days = (last - first).days + 1
    for kind, rate in EVENT_RATES[order.kind]:
        for _ in range(int(rng.poisson(rate * scale * days / 30))):
            day = first + timedelta(days=int(rng.integers(days)))
            if kind == EventKind.CURFEW_VIOLATION and order.curfew_start is not None:
                # In the evening part of the curfew: the day's curfew, on a curfew day.
                while str(day.isoweekday()) not in order.curfew_days and day > first:
                    day -= timedelta(days=1)
                if str(day.isoweekday()) not in order.curfew_days:
                    continue
                begin = order.curfew_start.hour * 60 + order.curfew_start.minute
                minute = int(rng.integers(begin, 24 * 60))
            else:
                minute = int(rng.integers(0, 24 * 60))
            occurred = datetime.combine(day, time()) + timedelta(minutes=minute)
            received = occurred + timedelta(minutes=int(rng.integers(2, 30)))
            event_id = len(out.events) + 1
            event = Event(
                event_id=event_id,
                order_id=order.order_id,
                person_id=order.person_id,
                supplier=order.supplier,
                supplier_event_id=f"{order.supplier[:2].upper()}-{event_id:08d}",
                kind=str(kind),
                occurred_at=occurred,
                received_at=received,
                detail=DETAILS[kind],
            )
            if kind == EventKind.ZONE_ENTRY and order.zone is not None:
                (west, south), (east, north) = (
                    order.zone["coordinates"][0][0],
                    order.zone["coordinates"][0][2],
                )
                event.longitude = round((west + east) / 2, 5)
                event.latitude = round((south + north) / 2, 5)
            if response_hours(kind) is not None:
                event.alert_status = _alert_status(alerts, (as_of - received.date()).days)
                if event.alert_status == "judged":
                    event.reason = ACCEPTABLE_REASONS[kind]
            out.events.append(event)


def trail_points(
    seed: int,
    key: int,
    *,
    home: tuple[float, float],
    until: datetime,
    hours: int = 24,
    every_minutes: int = 15,
    visit: tuple[float, float] | None = None,
) -> list[tuple[datetime, float, float]]:
    """A GPS tag's trail for the last `hours` before `until`: (time, lon, lat) every `every_minutes`, at home
    (lon, lat) overnight and wandering within a few kilometres by day; with `visit`, one hour spent there in
    the afternoon (an exclusion zone entered, for the demo), once in the trail whatever the time `until` is,
    then back home. Deterministic for the seed, key and `until`."""
    rng = stream(seed, f"{STREAM}-trail-{key}")
    points: list[tuple[datetime, float, float]] = []
    lon, lat = home
    start = until - timedelta(hours=hours)
    steps = hours * 60 // every_minutes
    visiting = visited = False
    for n in range(steps + 1):
        at = start + timedelta(minutes=n * every_minutes)
        hour = at.hour
        if hour < 8 or hour >= 22:
            # Home overnight, give or take the fix's accuracy.
            lon = home[0] + float(rng.normal(0, 0.0002))
            lat = home[1] + float(rng.normal(0, 0.0001))
        elif visit is not None and hour == 15 and not visited:
            visiting = True
            lon = visit[0] + float(rng.normal(0, 0.0005))
            lat = visit[1] + float(rng.normal(0, 0.0003))
        else:
            if visiting:
                # The visit is over: straight back home, so a 24-hour trail makes it once, not twice.
                visiting, visited = False, True
                lon, lat = home
            # A random walk by day, pulled back towards home.
            lon += float(rng.normal(0, 0.004)) + (home[0] - lon) * 0.1
            lat += float(rng.normal(0, 0.0025)) + (home[1] - lat) * 0.1
        points.append((at, round(lon, 6), round(lat, 6)))
    return points
