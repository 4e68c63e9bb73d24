import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing (PBKDF2, a million rounds) costs ~0.4 s a user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_done_at_sign_in(request):
    """Tests sign in (force_login, client.login) as administrators without typing a code: whoever must give a code
    gets an authenticator and a verified session at sign-in. Tests of the two-factor flow itself opt out with
    ``@pytest.mark.two_factor_flow``."""
    if request.node.get_closest_marker("two_factor_flow"):
        yield
        return
    from django.contrib.auth.signals import user_logged_in

    def verified(sender, request, user, **kwargs):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from desist.accounts.rules import needs_code
        from desist.audit.context import actor_for_user

        if needs_code(user, actor_for_user(user, channel="web")):
            device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                      or TOTPDevice.objects.create(user=user, name="test", confirmed=True))
            request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id

    user_logged_in.connect(verified, dispatch_uid="tests.two_factor_done")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.two_factor_done")
