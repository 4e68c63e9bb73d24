"""What the acting commands share: `--user USERNAME` (and `--purpose`) build the Actor a command acts as, so
the access rule and the access log apply to the command line as they do to the pages and the API."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from desist.audit.context import Actor, actor_for_user
from desist.audit.models import Channel
from desist.audit.refusals import NOT_FOUND, log_refusal


def add_actor_arguments(parser: CommandParser) -> None:
    """`--user` (required) and `--purpose` for a command that acts as a named user."""
    parser.add_argument(
        "--user", required=True, metavar="USERNAME", help="Act as this user (their access applies)."
    )
    parser.add_argument(
        "--purpose", default="", help="Why (one of DESIST_PURPOSES; the default purpose if left out)."
    )


def command_actor(username: str, purpose: str = "") -> Actor:
    """The Actor for a named, active user on the command line (channel cli), or a clear CommandError."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user is called {username!r}.")
    if purpose and purpose not in settings.DESIST_PURPOSES:
        raise CommandError(f"Choose a purpose: {', '.join(settings.DESIST_PURPOSES)}.")
    return actor_for_user(user, channel=Channel.CLI, purpose=purpose, path="manage.py")


def iso_date(text: str) -> date:
    """An argparse type: a date as YYYY-MM-DD, with a message that says so."""
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"give the date as YYYY-MM-DD, not {text!r}") from error


def refused(actor: Actor, what: str, person_id: int | None) -> CommandError:
    """Log a refusal (`denied`) and return the error to raise: the same words for a record that does not exist
    and one the user may not see."""
    log_refusal(actor, summary=f"Refused access to {what}", person_id=person_id, reason="not visible")
    return CommandError(NOT_FOUND)


def run(action: Callable[[], Any], *errors: type[Exception]) -> Any:
    """Run a service call, turning its refusals (ValueError subclasses and the like) into a CommandError."""
    try:
        return action()
    except errors as error:
        raise CommandError(str(error)) from error
