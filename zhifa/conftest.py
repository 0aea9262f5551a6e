import importlib

import pytest
from rest_framework.test import APIClient

from zhifa.core.testing import build_world


@pytest.fixture
def world(db):
    """The district, boards 湖塘镇 (A) and 牛塘镇 (B) and the named personas (see zhifa.core.testing)."""
    return build_world()


@pytest.fixture
def api():
    """Return an API client logged in as the given user (by an API token issued after the second factor)."""
    from django.utils import timezone

    from zhifa.accounts import tokens
    from zhifa.accounts.models import ApiToken

    issued: dict[int, str] = {}

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            if user.pk not in issued:
                token, issued[user.pk] = tokens.issue(user, name="测试", mfa_verified=True)
                # As if used a moment ago: its once-a-minute note of use is not written during the test,
                # so tests that count a request's queries count the same on every call.
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
            client.credentials(HTTP_AUTHORIZATION=f"Token {issued[user.pk]}")
        return client

    return client_for


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(request, monkeypatch):
    """``client.force_login`` stands for the whole sign-in, second factor included.

    Hundreds of tests sign in a legal reviewer, a district leader or an administrator, whose role
    requires a second factor. Rather than switching the requirement off (which would leave the
    middleware untried by every other test), a force-logged-in account that needs one gets a
    confirmed authenticator device and its session is marked verified through django-otp's own
    session key, exactly as the code page does. Tests of the second factor itself opt out by using
    the ``real_second_factor`` fixture.
    """
    if "real_second_factor" in request.fixturenames:
        yield
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from zhifa.accounts.mfa import mfa_required_for

        if not mfa_required_for(user):
            return
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
    yield


@pytest.fixture
def real_second_factor():
    """Use in tests of the second factor: ``force_login`` then signs in with the password only."""


@pytest.fixture
def web(client):
    """Return a Django test client logged in as the given user (no login view round trip)."""

    def client_for(user=None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


class _SchemaEditorShim:
    def __init__(self, conn):
        self.connection = conn

    def execute(self, sql):
        with self.connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.fixture(scope="module")
def audit_triggers_lifted(django_db_setup, django_db_blocker):
    """Lift the audit log's append-only triggers for one test module, and put them back after it.

    The audit log rejects DELETE and TRUNCATE down to the database (migration core 0002), yet a
    ``transactional_db`` test ends by flushing every table. Use this fixture (before
    ``transactional_db``) in modules of transactional tests; they must not be testing the triggers
    themselves (test_audit_chain does, in ordinary transactions, which pytest-django runs first).
    """
    from django.db import connection

    append_only = importlib.import_module("zhifa.core.migrations.0002_audit_append_only")
    # 0006 narrows the triggers to the archive's permit and guards the archive checkpoints too.
    archive_permit = importlib.import_module("zhifa.core.migrations.0006_audit_archive")
    shim = _SchemaEditorShim(connection)
    with django_db_blocker.unblock():
        archive_permit.reverse(None, shim)
        append_only.reverse(None, shim)
    yield
    with django_db_blocker.unblock():
        archive_permit.reverse(None, shim)
        append_only.reverse(None, shim)
        append_only.forward(None, shim)
        archive_permit.forward(None, shim)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The working-day calendar keeps its override rows per process; a test's rows roll back with it."""
    from zhifa.core import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


#: Test directories whose tests read what a document says (its content), not how WeasyPrint lays it out:
#: their documents are "rendered" as the content itself, which takes a case through its dozen forms in
#: milliseconds instead of seconds. Tests of layout and PDF text (the document engine, the case file,
#: the forms' PDF text, the browser) are outside these paths or marked ``real_render``.
QUICK_RENDER_PATHS = (
    "zhifa/cases/tests/",
    "zhifa/disclosure/tests/",
    "zhifa/reviews/tests/",
    "zhifa/bulletins/tests/",
    "zhifa/core/tests/test_access_matrix.py",
)
REAL_RENDER_FILES = ("test_case_file.py", "test_browser.py", "test_documents.py", "test_pdf.py")


@pytest.fixture(autouse=True)
def _quick_render(request, monkeypatch):
    path = str(request.node.path).replace("\\", "/")
    if (
        not any(p in path for p in QUICK_RENDER_PATHS)
        or path.endswith(REAL_RENDER_FILES)
        or request.node.get_closest_marker("real_render")
    ):
        yield
        return
    import json

    from zhifa.documents import rendering

    def render(kind, content):
        body = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()
        return rendering.Rendered(pdf=b"%PDF-1.7\n%" + body, docx=b"PK" + body)

    monkeypatch.setattr(rendering, "render", render)
    yield


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
