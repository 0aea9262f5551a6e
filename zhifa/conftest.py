import pytest
from rest_framework.test import APIClient

from zhifa.core.testing import build_world


@pytest.fixture
def world(db):
    """The district, boards 湖塘镇 (A) and 牛塘镇 (B) and the named personas (see zhifa.core.testing)."""
    return build_world()


@pytest.fixture
def api():
    """Return an API client logged in as the given user (by token)."""
    from rest_framework.authtoken.models import Token

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def web(client):
    """Return a Django test client logged in as the given user (no login view round trip)."""

    def client_for(user=None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2's deliberate slowness is for attackers, not for the suite's dozens of personas."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL's concurrency: skip them on any other database."""
    from django.db import connections

    vendor = connections["default"].vendor
    if vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL (database here: {vendor}); run `make test-pg`")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f" on {db.get('HOST')}:{db.get('PORT')}" if db.get("HOST") else ""
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} {db.get('NAME')}{where} (tests marked postgres run only on postgresql)"
