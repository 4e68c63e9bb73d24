"""Where appointment reminders go: a pluggable backend named by the DESIST_NOTIFICATION_BACKEND setting (a
dotted path). `LogBackend` writes them to the log (development); `EmailBackend` sends them through Django's
mail; an SMS provider is a subclass of `SmsBackend` with `send(to, text)`."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from desist.people.models import Person

logger = logging.getLogger("desist.supervision.notify")


class NotificationBackend:
    """A way of telling a person something. `address_for` picks where to (empty: they cannot be reached
    this way), `send` sends; a failure raises, so the reminder is tried again on the next run."""

    channel = "log"

    def address_for(self, person: Person) -> str:
        raise NotImplementedError

    def send(self, to: str, text: str) -> None:
        raise NotImplementedError


class LogBackend(NotificationBackend):
    """Writes each message to the `desist.supervision.notify` log instead of sending it (development)."""

    channel = "log"

    def address_for(self, person: Person) -> str:
        return person.phone or person.email or f"person {person.pk}"

    def send(self, to: str, text: str) -> None:
        logger.info("Notification to %s: %s", to, text)


class EmailBackend(NotificationBackend):
    """E-mails the person through Django's mail settings (EMAIL_BACKEND, DEFAULT_FROM_EMAIL)."""

    channel = "email"

    def address_for(self, person: Person) -> str:
        return person.email

    def send(self, to: str, text: str) -> None:
        send_mail("Appointment reminder", text, None, [to], fail_silently=False)


class SmsBackend(NotificationBackend):
    """Texts the person's phone: a provider subclasses this and writes `send`."""

    channel = "sms"

    def address_for(self, person: Person) -> str:
        return person.phone


def notification_backend() -> NotificationBackend:
    """The backend the settings name."""
    backend: NotificationBackend = import_string(settings.DESIST_NOTIFICATION_BACKEND)()
    return backend
