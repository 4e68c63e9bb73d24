"""A meeting series as an iCalendar (RFC 5545) feed. A calendar program keeps what it fetches outside desist,
so each event holds the series, time and place only, never the agenda; the link opens the meeting behind
sign-in."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from desist.meetings.models import Meeting, MeetingSeries, MeetingStatus


def series_calendar(
    series: MeetingSeries, meetings: Iterable[Meeting], *, link: Callable[[Meeting], str]
) -> bytes:
    """The series' meetings as one VCALENDAR, an event each (a cancelled one marked so)."""
    calendar = Calendar()
    calendar.add("prodid", "-//desist//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"desist: {series.name}")
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@desist")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", series.name)
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.status == MeetingStatus.CANCELLED:
            event.add("status", "CANCELLED")
        url = link(meeting)
        event.add("url", url)
        event.add("description", f"Agenda and papers in desist: {url}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
