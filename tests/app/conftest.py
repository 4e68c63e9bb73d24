import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing (PBKDF2, a million rounds) costs ~0.4 s a user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
