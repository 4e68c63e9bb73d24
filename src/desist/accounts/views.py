"""Two-factor sign-in, the account page and an administrator's reset of someone's sign-in."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from desist.accounts import services
from desist.accounts.forms import CodeForm, SignInCodeForm
from desist.accounts.rules import forget_device, two_factor_required
from desist.audit.refusals import AuthenticatedHttpRequest, refuse

SETUP_DEVICE_KEY = "desist_totp_setup_device"
BACKUP_CODES_KEY = "desist_backup_codes_to_show"


def _next(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("home")
    return target


@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask a signed-in user with an authenticator for the current code."""
    if request.user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(_next(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = services.throttled_for(actor=request.actor)  # before this try: it must wait
        device = services.two_factor_check(actor=request.actor, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once fully signed in
            return HttpResponseRedirect(_next(request))
        if throttled:
            form.add_error("code", "Too many wrong codes. Wait a few seconds, then enter the newest code")
        else:
            form.add_error("code", "The code is not right. Enter the newest code from your authenticator app")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)})


@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then confirm with a code from it."""
    # Someone holding only the password must not swap in their own authenticator: replacing one needs a code
    # first.
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': reverse('two_factor_setup')})}")
    device = None
    if request.method == "POST":
        device = TOTPDevice.objects.filter(
            pk=request.session.get(SETUP_DEVICE_KEY), user=request.user, confirmed=False
        ).first()
    if device is None:
        device = services.totp_device_start(actor=request.actor)
        request.session[SETUP_DEVICE_KEY] = device.pk
        form = CodeForm()
    else:
        form = CodeForm(request.POST)
        if form.is_valid():
            if services.totp_device_confirm(
                actor=request.actor, device=device, code=form.cleaned_data["code"]
            ):
                request.session.pop(SETUP_DEVICE_KEY, None)
                forget_device(request.session)
                otp_login(request, device)
                request.session.cycle_key()
                messages.success(
                    request,
                    "Two-factor sign-in is set up. You will be asked for a code each time you sign in.",
                )
                request.session[BACKUP_CODES_KEY] = services.backup_codes_issue(actor=request.actor)
                return redirect(f"{reverse('two_factor_backup_codes')}?{urlencode({'next': _next(request)})}")
            device.refresh_from_db()
            form.add_error(
                "code",
                "The code is not right. Check the app shows desist, then enter its newest code"
                if device.throttling_failure_count <= 1
                else "Too many wrong codes. Wait a few seconds, then enter the newest code",
            )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr_data_uri": qr.svg_data_uri(scale=5, border=2),
            "secret": _grouped(device),
            "required": two_factor_required(request.actor),
        },
    )


def _grouped(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
def backup_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show new backup codes once (GET, straight after they are made), or make new ones (POST)."""
    if request.method == "POST":
        if not user_has_device(request.user, confirmed=True):
            return redirect("account")
        request.session[BACKUP_CODES_KEY] = services.backup_codes_issue(actor=request.actor)
        return redirect("two_factor_backup_codes")
    codes = request.session.pop(BACKUP_CODES_KEY, None)
    if not codes:
        return redirect("account")
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next(request)})


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own account: two-factor sign-in on or off."""
    return render(
        request,
        "accounts/account.html",
        {
            "has_device": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "backup_codes_left": StaticToken.objects.filter(device__user=request.user).count(),
            "required": two_factor_required(request.actor),
            "required_for": settings.DESIST_2FA_REQUIRED_FOR,
            "may_reset_others": request.actor.is_administrator,
        },
    )


@login_required
@require_POST
def two_factor_remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    if two_factor_required(request.actor):
        refuse(
            request.actor,
            summary="Refused to turn off two-factor sign-in",
            reason="two-factor sign-in required",
            status=403,
            message="Two-factor sign-in is required for your account.",
        )
    services.two_factor_remove(actor=request.actor)
    forget_device(request.session)
    messages.success(request, "Two-factor sign-in is turned off.")
    return redirect("account")


@login_required
def users(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Administrators: the users whose sign-in they may reset."""
    actor = request.actor
    if not actor.is_administrator:
        refuse(
            actor,
            summary="Refused the list of users",
            reason="not an administrator",
            status=403,
            message="Only administrators can reset someone's sign-in.",
        )
    people = User.objects.filter(is_active=True).exclude(pk=request.user.pk).order_by("username")
    if not request.user.is_superuser:
        agencies = request.user.memberships.filter(is_active=True, role="administrator").values("agency_id")
        people = people.filter(is_superuser=False, memberships__agency_id__in=agencies).distinct()
    enrolled = set(
        TOTPDevice.objects.filter(confirmed=True, user__in=people).values_list("user_id", flat=True)
    )
    return render(request, "accounts/users.html", {"people": people[:500], "enrolled": enrolled})


@login_required
def user_reset(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Administrators: reset one user's password and two-factor sign-in (confirm, then do it)."""
    subject = get_object_or_404(User, pk=user_id, is_active=True)
    actor = request.actor
    if not services.may_reset(actor, subject):
        refuse(
            actor,
            summary=f"Refused to reset the sign-in of {subject.username}",
            obj=subject,
            status=403,
            reason="not an administrator of the user's agency",
            message="You may not reset this user's sign-in.",
        )
    if request.method != "POST":
        return render(request, "accounts/user_reset.html", {"subject": subject})
    reset = services.sign_in_reset(actor=actor, user=subject)
    return render(
        request,
        "accounts/user_reset_done.html",
        {
            "subject": subject,
            "reset": reset,
            "link": request.build_absolute_uri(reset.set_password_path),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link from an administrator's reset: choose a new password, then sign in."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        messages.success(self.request, "Your new password is set. Sign in with it.")
        return super().form_valid(form)
