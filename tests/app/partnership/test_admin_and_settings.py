"""The Django admin manages agencies, teams, users and reference data; production settings are safe."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from desist.audit.context import system_actor
from desist.audit.services import log_access
from desist.offences.models import OffenceCode
from desist.offences.services import offence_codes_load

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root.admin", "admin@example.org", "a-long-admin-password")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/partnership/agency/",
        "/admin/partnership/agency/add/",
        "/admin/partnership/team/",
        "/admin/partnership/membership/",
        "/admin/partnership/district/",
        "/admin/auth/user/",
        "/admin/offences/offencecode/",
        "/admin/api/apitoken/",
        "/admin/audit/accesslogentry/",
    ],
)
def test_admin_pages_open(client, superuser, partnership, url):
    client.force_login(superuser)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_admin_adds_an_agency_and_a_membership(client, superuser, partnership):
    client.force_login(superuser)
    response = client.post(
        "/admin/partnership/agency/add/",
        {
            "code": "hostel",
            "name": "Northampton Hostel",
            "kind": "housing",
            "district": "",
            "teams-TOTAL_FORMS": "0",
            "teams-INITIAL_FORMS": "0",
            "teams-MIN_NUM_FORMS": "0",
            "teams-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    assert partnership.probation.__class__.objects.filter(code="hostel").exists()


@pytest.mark.django_db
def test_the_access_log_cannot_be_edited_in_the_admin(client, superuser):
    entry = log_access(actor=system_actor(), action="consultation", summary="x")
    client.force_login(superuser)
    assert client.get(f"/admin/audit/accesslogentry/{entry.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_offence_codes_load_from_the_published_list():
    assert offence_codes_load() == 3028
    assert offence_codes_load() == 3028  # loading again adds nothing
    burglary = OffenceCode.objects.get(code="02800")
    assert burglary.ogrs3_category.startswith("Burglary")
    assert OffenceCode.objects.filter(needs_details=True).count() == 3


def _check_deploy(**env):
    # The browser tests' async-safety switch must not leak into a production-like run.
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check():
    result = _check_deploy(
        DESIST_PRODUCTION="1",
        DESIST_SECRET_KEY="x" * 60 + "-Kq3#pZ!rT9",
        DESIST_ALLOWED_HOSTS="desist.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_demo_secret():
    result = _check_deploy(DESIST_PRODUCTION="1", DESIST_SECRET_KEY="")
    assert result.returncode != 0
    assert "DESIST_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/admin/iom/cohortsettings/", "/admin/iom/panel/add/", "/admin/assessments/riskscore/"]
)
def test_risk_and_iom_admin_pages_open(client, superuser, url):
    client.force_login(superuser)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_passwords_are_validated_against_the_configured_rules():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = User(username="morgan.probation", first_name="Morgan", email="morgan@example.org")
    refusals = {
        "short": "password_too_short",
        "password1234": "password_too_common",
        "morgan.probation1": "password_too_similar",
        "839201745563": "password_entirely_numeric",
    }
    for password, code in refusals.items():
        with pytest.raises(ValidationError) as refused:
            validate_password(password, user=user)
        assert code in {e.code for e in refused.value.error_list}, password
    assert validate_password("quartz-lantern-orbit-meadow-71", user=user) is None
