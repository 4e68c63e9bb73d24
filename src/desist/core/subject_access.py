"""Subject access request deadlines (UK GDPR Art. 12(3); DPA 2018 s.45(3) and s.54 for law-enforcement
processing). Plain Python.

The time limit is one month, counted as the ICO's guidance on the right of access says ("How long do we have
to comply?", ico.org.uk, right of access, time limits):

* from the day the request is received, whether a working day or not, to the corresponding calendar date in
  the next month (received 3 September: due 3 October);
* where the next month has no corresponding date, the last day of that month (received 31 March: due
  30 April);
* where the date falls on a weekend or a bank holiday, the next working day;
* where identity must be verified, the clock starts when the proof of identity arrives (Art. 12(6); DPA 2018
  s.54(4) and (5): the period begins with the day on which the identity information is received);
* it may be extended by up to two further months where the request is complex or one of several
  (Art. 12(3)); the person must be told within the first month. DPA 2018 s.54(3) allows the Secretary of
  State to extend the law-enforcement period by regulations; none has been made, so the same month applies,
  and the partnership uses the same extension for both (a partnership choice: DESIST_SAR_EXTENSION_MONTHS).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from desist.core.working_days import is_working_day

#: One month (Art. 12(3); s.54(2) "the applicable time period" of one month).
RESPONSE_MONTHS = 1
#: Up to two further months for complex or numerous requests (Art. 12(3)).
MAX_EXTENSION_MONTHS = 2


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` calendar months on; the month's last day where it is shorter."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, otherwise the next working day (England and Wales)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def clock_starts(received_on: date, identity_verified_on: date | None) -> date:
    """The clock starts on receipt, or on the later day proof of identity arrived."""
    if identity_verified_on is not None and identity_verified_on > received_on:
        return identity_verified_on
    return received_on


def response_due(
    received_on: date, *, identity_verified_on: date | None = None, extension_months: int = 0
) -> date:
    """The day the response is due: one month (plus any extension) from the day the clock starts, moved to the
    next working day."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"An extension is 0 to {MAX_EXTENSION_MONTHS} months, not {extension_months}.")
    start = clock_starts(received_on, identity_verified_on)
    return next_working_day(add_months(start, RESPONSE_MONTHS + extension_months))


def days_left(due_on: date, today: date) -> int:
    """Calendar days to the deadline: 0 on the day, negative once overdue."""
    return (due_on - today).days
