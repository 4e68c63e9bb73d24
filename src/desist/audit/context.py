"""Who is acting, for which agencies, for what stated purpose: passed explicitly to every service."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef

from desist.audit.models import Channel

#: The data protection officer's permission (defined by desist.sharing; the DPO's page, break-glass reviews,
#: subject access requests).
DPO_PERMISSION = "sharing.act_as_dpo"

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
    from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    """The person (or process) behind an action. Access rules and the access log both read it."""

    user: User | None
    agency_ids: frozenset[int] = frozenset()
    agency_code: str = ""
    roles: frozenset[str] = frozenset()
    purpose: str = ""
    channel: str = Channel.WEB
    ip_address: str | None = None
    path: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # The user's own words when the purpose is "other" (DPA 2018 s.62: the justification); copied to each
    # entry.
    justification: str = ""
    # Whether the user holds the data protection officer's permission (`sharing.act_as_dpo`, directly or
    # through a group), read with their memberships so the navigation costs no query; None when not read
    # (then `is_data_protection_officer` asks Django's permission check).
    dpo_permission: bool | None = None

    @property
    def username(self) -> str:
        # Without a user: "system" for commands and tasks, or the name given by an anonymous attempt (a failed
        # sign-in names the account tried).
        return self.user.get_username() if self.user is not None else self.extra.get("username", "system")

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def is_administrator(self) -> bool:
        return "administrator" in self.roles or bool(
            self.user is not None and getattr(self.user, "is_superuser", False)
        )

    @property
    def is_data_protection_officer(self) -> bool:
        """Django's `user.has_perm("sharing.act_as_dpo")`: an active user holding the permission, or an active
        superuser. Answered from the flag read with the memberships when there is one."""
        if self.user is None:
            return False
        if self.dpo_permission is not None:
            return self.dpo_permission
        return self.user.has_perm(DPO_PERMISSION)

    @property
    def purpose_label(self) -> str:
        return purpose_label(self.purpose, self.justification)


def purpose_label(purpose: str, justification: str = "") -> str:
    """The purpose in words: "Safeguarding", "Other: <the user's words>", or "Not stated"."""
    if not purpose:
        return "Not stated"
    if purpose == "other" and justification:
        return f"Other: {justification}"
    return str(settings.DESIST_PURPOSES.get(purpose, purpose))


def actor_for_user(
    user: AbstractBaseUser | AnonymousUser | None,
    *,
    channel: str,
    purpose: str = "",
    ip_address: str | None = None,
    path: str = "",
) -> Actor:
    """Build an Actor from a user's active memberships (one query). Each membership row also says whether the
    user holds the data protection officer's permission (their own or a group's), so that check, on every
    page's navigation, needs no query of its own."""
    if user is None or not user.is_authenticated:
        return Actor(user=None, channel=channel, purpose=purpose, ip_address=ip_address, path=path)
    signed_in = cast("User", user)  # authenticated: the project's user model (AUTH_USER_MODEL is auth.User)
    memberships = list(
        signed_in.memberships.filter(is_active=True)
        .select_related("agency")
        .annotate(dpo=_holds_permission(DPO_PERMISSION))
    )
    # As Django's ModelBackend: an inactive user holds nothing, an active superuser everything. Without a
    # membership there is no row to carry the flag: Django's check answers, when asked.
    dpo = (
        signed_in.is_active and (signed_in.is_superuser or bool(memberships[0].dpo)) if memberships else None
    )
    return Actor(
        user=signed_in,
        agency_ids=frozenset(m.agency_id for m in memberships),
        agency_code=memberships[0].agency.code if memberships else "",
        roles=frozenset(m.role for m in memberships),
        purpose=purpose or settings.DESIST_DEFAULT_PURPOSE,
        channel=channel,
        ip_address=ip_address,
        path=path,
        dpo_permission=dpo,
    )


def _holds_permission(permission: str) -> ExpressionWrapper:
    """For a row with a `user`: whether that user holds `permission` ("app_label.codename") directly or
    through one of their groups, as Django's ModelBackend reads it."""
    from django.contrib.auth.models import Permission

    app_label, codename = permission.split(".", 1)
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    held = Exists(granted.filter(user=OuterRef("user"))) | Exists(
        granted.filter(group__user=OuterRef("user"))
    )
    return ExpressionWrapper(held, output_field=BooleanField())


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind DESIST_PROXY_COUNT trusted reverse proxies it is the address the
    outermost of them recorded in X-Forwarded-For (earlier entries could be forged by the client)."""
    proxies = settings.DESIST_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def actor_for_request(request: HttpRequest, *, channel: str = Channel.WEB) -> Actor:
    """The actor for a web or API request: the signed-in user and the purpose they stated this session, or no
    purpose at all when none is stated yet (never the default: issue 10, item 8)."""
    session = getattr(request, "session", None)
    purpose = session.get("purpose", "") if session is not None else ""
    justification = session.get("purpose_justification", "") if session is not None else ""
    actor = actor_for_user(
        getattr(request, "user", None),
        channel=channel,
        purpose=purpose,
        ip_address=client_ip(request),
        path=request.get_full_path()[:500],
    )
    if actor.purpose != purpose or actor.justification != justification:
        actor = replace(actor, purpose=purpose, justification=justification)
    return actor


def system_actor(
    *, channel: str = Channel.CLI, purpose: str = "", agency_ids: frozenset[int] = frozenset()
) -> Actor:
    """An actor for commands and tasks run by the system rather than a signed-in user."""
    return Actor(
        user=None,
        agency_ids=agency_ids,
        roles=frozenset({"administrator"}),
        channel=channel,
        purpose=purpose or "administration",
    )
