import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing (PBKDF2, a million rounds) costs ~0.4 s a user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_done_at_sign_in(request):
    """Tests sign in (force_login, client.login) as administrators without typing a code: whoever must give a
    code gets an authenticator and a verified session at sign-in. Tests of the two-factor flow itself opt out
    with ``@pytest.mark.two_factor_flow``."""
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
            device = TOTPDevice.objects.filter(
                user=user, confirmed=True
            ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id

    user_logged_in.connect(verified, dispatch_uid="tests.two_factor_done")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.two_factor_done")


# The partnership's staff that tests sign in as, by the name tests use for them: (username, agency, role).
TEAM_MEMBERS: dict[str, tuple[str, str, str]] = {
    "officer": ("ruth.responsible", "probation", "practitioner"),
    "colleague": ("colin.colleague", "probation", "practitioner"),
    "practitioner": ("pat.probation", "probation", "practitioner"),
    "coordinator": ("cora.coordinator", "probation", "coordinator"),
    "vlo": ("val.liaison", "probation", "victim_liaison"),
    "other_vlo": ("vera.liaison", "probation", "victim_liaison"),
    "police": ("pc.plod", "police", "practitioner"),
    "iom_officer": ("ian.iom", "police", "practitioner"),
    "housing": ("harry.housing", "housing", "practitioner"),
    "keyworker": ("kim.keyworker", "housing", "practitioner"),
    "housing_vlo": ("hal.liaison", "housing", "victim_liaison"),
    "worker": ("tina.treatment", "treatment", "practitioner"),
}


@pytest.fixture
def team(request, partnership):
    """The staff a test module names in its TEAM tuple (keys of TEAM_MEMBERS), made in that order before the
    test starts, as a dict by name. Which users exist can matter (victim liaison officers, lead workers), so
    each module says exactly whom it needs."""
    names = getattr(request.module, "TEAM", None)
    if names is None:
        raise pytest.UsageError(
            f"{request.module.__name__} uses `team` but names no TEAM = (...) of {sorted(TEAM_MEMBERS)}"
        )
    made = {}
    for name in names:
        username, agency, role = TEAM_MEMBERS[name]
        made[name] = partnership.user(username, getattr(partnership, agency), role=role)
    return made
