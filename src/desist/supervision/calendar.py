"""The practitioner's diary as an iCalendar (RFC 5545) feed. A calendar program keeps what it fetches on a
phone or another service, outside desist, so each event names the person by initials and number only; the
link opens the appointment in desist, behind sign-in."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth.models import User
from django.utils import timezone
from icalendar import Calendar, Event

from desist.supervision.models import Appointment


def event_title(appointment: Appointment) -> str:
    person = appointment.person
    initials = f"{person.first_name[:1]}{person.last_name[:1]}".upper()
    return f"{appointment.get_kind_display()}: {initials} (person {person.pk})"


def diary_calendar(
    owner: User, appointments: Iterable[Appointment], *, link: Callable[[Appointment], str]
) -> bytes:
    """The appointments as one VCALENDAR, an event each."""
    calendar = Calendar()
    calendar.add("prodid", "-//desist//supervision diary//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"desist diary: {owner.get_full_name() or owner.get_username()}")
    stamp = timezone.now()
    for appointment in appointments:
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@desist")
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        event.add("summary", event_title(appointment))
        event.add("sequence", appointment.version)
        if appointment.location:
            event.add("location", appointment.location)
        url = link(appointment)
        event.add("url", url)
        event.add("description", f"{appointment.agency.name}. {url}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
