"""Two-factor sign-in (TOTP, django-otp) and an administrator's reset of someone's sign-in. Each writes its
own access-log entry: a refused code is a `denied` entry; setting up, removing and resetting are
alterations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from desist.audit.models import Action, Channel
from desist.audit.refusals import log_refusal
from desist.audit.services import log_access

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from desist.audit.context import Actor

DEVICE_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"
BACKUP_CODES = 10


class ResetRefused(Exception):
    """The acting administrator may not reset this user's sign-in."""


def totp_device_start(*, actor: Actor) -> TOTPDevice:
    """The user's unconfirmed authenticator device, with a new secret, ready to be shown as a QR code.

    Starting again replaces an earlier unconfirmed one, so an abandoned set-up leaves no secret behind."""
    assert actor.user is not None
    TOTPDevice.objects.filter(user=actor.user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor.user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, actor: Actor, device: TOTPDevice, code: str) -> bool:
    """Confirm a new device with a code from it. The user's other devices are removed (one app at a time)."""
    if device.user_id != actor.user_id or device.confirmed:
        return False
    if not device.verify_token(code.strip()):
        log_refusal(
            actor, summary="Refused a two-factor code while setting up", obj=device, reason="wrong code"
        )
        return False
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log_access(actor=actor, action=Action.ALTERATION, summary="Set up two-factor sign-in", obj=device)
    return True


def is_backup_code(code: str) -> bool:
    """A backup code is 8 letters and digits (base32); an authenticator's code is 6 digits."""
    return len(code) == 8 and code.isalnum()


@transaction.atomic
def backup_codes_issue(*, actor: Actor) -> list[str]:
    """New backup codes for the acting user (the old ones stop working), to be shown once. Each works once, in
    place of a code from the app, for when the phone is lost."""
    assert actor.user is not None
    # Keep the device itself: a session verified with a backup code stays verified.
    device, _ = StaticDevice.objects.get_or_create(
        user=actor.user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    log_access(actor=actor, action=Action.ALTERATION, summary="Made new two-factor backup codes", obj=device)
    return codes


@transaction.atomic
def two_factor_check(*, actor: Actor, code: str) -> TOTPDevice | StaticDevice | None:
    """The user's confirmed device that accepts this code (from the app, or a backup code, used up), or None
    (logged as refused). django-otp throttles: after each wrong code the next try must wait twice as long
    (1, 2, 4, 8 … seconds)."""
    code = code.strip().lower()
    kind = StaticDevice if is_backup_code(code) else TOTPDevice
    for device in kind.objects.devices_for_user(actor.user, confirmed=True):
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            log_refusal(
                actor,
                summary="Refused a two-factor code: too many tries",
                obj=device,
                reason="throttled",
                detail={"failures": device.throttling_failure_count},
            )
            return None
        if device.verify_token(code):
            if kind is StaticDevice:
                log_access(
                    actor=actor,
                    action=Action.ALTERATION,
                    obj=device,
                    summary=f"Signed in with a backup code ({device.token_set.count()} left)",
                )
            return device
        log_refusal(
            actor,
            summary="Refused a two-factor code",
            obj=device,
            reason="wrong code",
            detail={"failures": device.throttling_failure_count},
        )
        return None
    log_refusal(
        actor,
        summary="Refused a two-factor code",
        reason="no backup codes" if kind is StaticDevice else "no authenticator",
    )
    return None


def throttled_for(*, actor: Actor) -> bool:
    """True while django-otp makes the user wait before the next code."""
    return any(
        not device.verify_is_allowed()[0]
        for kind in (TOTPDevice, StaticDevice)
        for device in kind.objects.devices_for_user(actor.user)
    )


@transaction.atomic
def two_factor_remove(*, actor: Actor) -> int:
    """Remove the acting user's own authenticator (allowed only where two-factor sign-in is not required)."""
    removed, _ = TOTPDevice.objects.filter(user_id=actor.user_id).delete()
    StaticDevice.objects.filter(user_id=actor.user_id).delete()
    if removed:
        log_access(actor=actor, action=Action.ALTERATION, summary="Turned off two-factor sign-in")
    return removed


@dataclass(frozen=True)
class SignInReset:
    user: User
    devices_removed: int
    set_password_path: str


def may_reset(actor: Actor, user: User) -> bool:
    """An administrator resets the sign-in of people in their own agencies; only a superuser resets a
    superuser or someone outside those agencies. Nobody resets their own this way (they use the account page).
    At the command line the operator may reset anyone."""
    if actor.user is None:
        return (
            actor.channel == Channel.CLI
        )  # someone at the server's command line (`manage.py reset_sign_in`)
    if not actor.is_administrator or user.pk == actor.user_id:
        return False
    if getattr(actor.user, "is_superuser", False):
        return True
    if user.is_superuser:
        return False
    admin_agencies = set(
        actor.user.memberships.filter(is_active=True, role="administrator").values_list(
            "agency_id", flat=True
        )
    )
    return user.memberships.filter(agency_id__in=admin_agencies).exists()


@transaction.atomic
def sign_in_reset(*, actor: Actor, user: User) -> SignInReset:
    """Reset a user's password and two-factor sign-in: the old password stops working at once (which also ends
    their sessions), their authenticators are removed so they set one up again, and a one-time link to choose
    a new password is returned for the administrator to pass on by another channel. The link lapses when used,
    when the user signs in, or after PASSWORD_RESET_TIMEOUT."""
    if not may_reset(actor, user):
        log_refusal(
            actor,
            summary=f"Refused to reset the sign-in of {user.username}",
            obj=user,
            reason="not an administrator of the user's agency",
        )
        raise ResetRefused(f"You may not reset the sign-in of {user.username}.")
    devices_removed, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.set_unusable_password()
    user.save(update_fields=["password"])
    token = default_token_generator.make_token(user)
    path = reverse(
        "password_set", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token}
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=user,
        summary=f"Reset the password and two-factor sign-in of {user.username}",
        detail={"devices_removed": devices_removed},
    )
    return SignInReset(user=user, devices_removed=devices_removed, set_password_path=path)
