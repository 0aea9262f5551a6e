"""Fixtures of the API fuzzing run (``make fuzz``): a small populated district, built once per process in
the test database, API tokens for the personas the run speaks as, and the OpenAPI schema each fetches from
``/api/v1/schema/`` through the WSGI application in this process.

Outside the suite's ``testpaths``: ``make test`` never collects it; ``make fuzz`` runs it alone.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import override_settings
from rest_framework.throttling import AnonRateThrottle

SCHEMA_URL = "/api/v1/schema/?format=json"
#: Examples drawn per operation in the fuzzing phase (the coverage phase adds its own boundary and
#: invalid values, a number fixed by each operation's parameters).
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 20)
#: The seed when pytest is given no ``--hypothesis-seed``: the run is the same every time.
DEFAULT_SEED = 20261206
#: What every answer is held to: never a server error, and only what the schema declares.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)


def _quick_render(kind, content):
    """Documents are "rendered" as their content: the fuzzer checks the API, not WeasyPrint's layout, and
    a case walked through its forms costs milliseconds instead of seconds."""
    from zhifa.documents import rendering

    body = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()
    return rendering.Rendered(pdf=b"%PDF-1.7\n%" + body, docx=b"PK" + body)


@pytest.fixture(scope="session")
def fuzz_settings(tmp_path_factory):
    """Issued documents and evidence in this run's own directory; quick personas and documents."""
    from zhifa.documents import rendering

    data_dir = tmp_path_factory.mktemp("data")
    with (
        override_settings(
            DATA_DIR=data_dir, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(rendering, "render", _quick_render)
        # The public portal's JSON is throttled per address (120 a minute): every request of the run
        # comes from one address, and would meet 429 (documented) instead of the endpoint's code.
        patch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1000000/minute"})
        yield


@pytest.fixture(scope="session")
def fuzz_world(fuzz_settings, django_db_setup, django_db_blocker):
    """The populated district (fuzz.world), kept for the whole run of this process; each test's own
    changes roll back with its transaction."""
    from fuzz.world import populate

    with django_db_blocker.unblock():
        return populate()


@pytest.fixture(scope="session")
def wsgi_app():
    """The WSGI application, kept inside the test's transaction.

    Django closes the database connection when a request finishes; inside the test's transaction that
    would drop it, so (as Django's own test client does) that handler is disconnected for the run.
    """
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _subtest_node_id(request):
    """schemathesis 4.32 names each operation's subtest by rewriting ``node._nodeid``, an attribute
    pytest 9 no longer has (it keeps ``_id``); give the node one to read. Reporting only."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


def issue_token(user) -> str:
    """An API token as a client holds it (issued after the second factor, where the role needs one)."""
    from zhifa.accounts import tokens

    return tokens.issue(user, name="接口模糊测试", mfa_verified=True)[1]


def _seed(request) -> int:
    given = request.config.getoption("hypothesis_seed", None)
    return int(given) if given not in (None, "") else DEFAULT_SEED


def schema_for(request, app, user):
    """The schema /api/v1/schema/ serves to ``user``, set up to call the application as ``user``."""
    token = issue_token(user)
    config = schemathesis.Config.from_dict(
        {
            "seed": _seed(request),
            "generation": {"max-examples": FUZZ_EXAMPLES, "database": "none"},
            "headers": {"Authorization": f"Token {token}"},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )
    return schemathesis.openapi.from_wsgi(
        SCHEMA_URL, app, config=config, headers={"Authorization": f"Token {token}"}
    )


@pytest.fixture
def leader_schema(request, fuzz_world, db, wsgi_app):
    """As the district leader (dan): every board's records."""
    return schema_for(request, wsgi_app, fuzz_world.dan)


@pytest.fixture
def officer_schema(request, fuzz_world, db, wsgi_app):
    """As a board officer of 湖塘镇 (alice): her board's records only, 404 for the others'."""
    return schema_for(request, wsgi_app, fuzz_world.alice)


class FuzzStats:
    """Requests made and time spent per operation, for the run's summary."""

    def __init__(self):
        self.requests: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def add(self, label: str, seconds: float) -> None:
        self.requests[label] += 1
        self.seconds[label] += seconds

    def summary(self) -> dict:
        slowest = sorted(self.seconds.items(), key=lambda kv: -kv[1])[:5]
        return {
            "operations": len(self.requests),
            "requests": sum(self.requests.values()),
            "seconds": round(sum(self.seconds.values()), 1),
            "slowest": [(label, self.requests[label], round(s, 1)) for label, s in slowest],
        }


@pytest.fixture
def fuzz_stats(request):
    """Kept with the test's report (so it also reaches the summary from pytest-xdist's workers)."""
    stats = FuzzStats()
    yield stats
    request.node.user_properties.append(("fuzz", stats.summary()))


def pytest_terminal_summary(terminalreporter):
    rows = [
        (report.nodeid, value)
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "teardown"
        for name, value in getattr(report, "user_properties", [])
        if name == "fuzz"
    ]
    if not rows:
        return
    terminalreporter.section("API fuzzing")
    for nodeid, stats in rows:
        terminalreporter.write_line(
            f"{nodeid}: {stats['operations']} operations, {stats['requests']} requests, "
            f"{stats['seconds']}s in requests and checks; slowest {stats['slowest']}"
        )
