"""三员 separation, as a matrix of real requests: who of the three administrators and the business roles
reaches which administration page, audit page and API, and what their POSTs change.

- system administrator (sam): accounts (create, name, e-mail, active) and reference data; no audit
  log, no roles, no sessions/lockouts/tokens of others;
- security administrator (sue): roles, jurisdictions, sessions, lockouts, tokens; creates no account,
  reads no audit log;
- audit administrator (audrey): reads and exports the audit log, nothing else;
- business roles: none of the above.
Django's own change log (LogEntry) is neither written nor shown (it would be an audit log the system
administrator reads).
"""

from __future__ import annotations

import time

import pytest
from django.contrib.admin.models import LogEntry

from zhifa.accounts.mfa import REAUTH_SESSION_KEY
from zhifa.accounts.models import User
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.roles import Role
from zhifa.core.testing import make_enterprise

pytestmark = pytest.mark.django_db

ADMINS = ("sam", "sue", "audrey")
BUSINESS = ("alice", "albert", "amy", "bob", "dan", "bruce", "lily", "eve")
PERSONAS = ADMINS + BUSINESS
LOGIN = 302  # the admin site sends anyone it does not admit to its sign-in page


def only(ok: dict[str, int], others: int) -> dict[str, int]:
    return {p: ok.get(p, others) for p in PERSONAS}


# route → expected status per persona. "{alice}" and "{audit}" are filled in per test.
MATRIX: dict[str, dict[str, int]] = {
    # The admin site: the system and security administrators only
    "/admin/": only({"sam": 200, "sue": 200}, LOGIN),
    "/admin/accounts/user/": only({"sam": 200, "sue": 200}, LOGIN),
    "/admin/accounts/user/add/": only({"sam": 200, "sue": 403}, LOGIN),
    "/admin/accounts/user/{alice}/change/": only({"sam": 200, "sue": 200}, LOGIN),
    "/admin/accounts/user/{alice}/password/": only({"sam": 200, "sue": 403}, LOGIN),
    "/admin/accounts/user/{breakglass}/change/": only(
        {"sam": 302, "sue": 302}, LOGIN
    ),  # not found: back to the list
    "/admin/accounts/user/{alice}/history/": only({"sam": 403, "sue": 403}, LOGIN),
    "/admin/accounts/user/{alice}/delete/": only({"sam": 403, "sue": 403}, LOGIN),
    "/admin/enterprises/classruleset/add/": only({"sam": 200, "sue": 403}, LOGIN),
    "/admin/admin/logentry/": only({"sam": 404, "sue": 404}, LOGIN),
    # The audit log: the audit administrator only
    "/audit/": only({"audrey": 200}, 403),
    "/audit/{audit}/": only({"audrey": 200}, 403),
    "/audit/export/": only({"audrey": 200}, 403),
    # Sessions, lockouts, every account's tokens: the security administrator only
    "/accounts/sessions/": only({"sue": 200}, 403),
    "/accounts/sessions/lockouts/": only({"sue": 200}, 403),
    "/accounts/tokens/all/": only({"sue": 200}, 403),
    # Enforcement records: business roles only (board A's officer, the district's leader)
    "/enterprises/": only({p: 200 for p in ("alice", "albert", "amy", "bob", "dan", "bruce", "lily")}, 403),
}

API_MATRIX: dict[str, dict[str, int]] = {
    "/api/v1/enterprises/": only(
        {p: 200 for p in ("alice", "albert", "amy", "bob", "dan", "bruce", "lily")}, 403
    ),
    "/api/v1/cases/": only({p: 200 for p in ("alice", "albert", "amy", "bob", "dan", "bruce", "lily")}, 403),
}


@pytest.fixture
def filled(world):
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    from zhifa.accounts import breakglass

    account, _, _ = breakglass.enable("恢复访问的演练", 1)
    breakglass.disable("演练结束")
    return {"alice": world.alice.pk, "audit": entry.pk, "breakglass": account.pk}


@pytest.mark.parametrize("route", list(MATRIX))
def test_pages(world, web, filled, route):
    url = route.format(**filled)
    got = {p: web(getattr(world, p)).get(url).status_code for p in PERSONAS}
    assert got == MATRIX[route]
    # Anonymous: to a sign-in page.
    assert web(None).get(url).status_code == 302


@pytest.mark.parametrize("route", list(API_MATRIX))
def test_api(world, api, route):
    got = {p: api(getattr(world, p)).get(route).status_code for p in PERSONAS}
    assert got == API_MATRIX[route]
    assert api().get(route).status_code == 401


def test_the_system_administrator_manages_accounts_but_cannot_assign_roles(world, web):
    client = web(world.sam)
    page = client.get(f"/admin/accounts/user/{world.alice.pk}/change/").content.decode()
    assert 'name="role"' not in page and 'name="region"' not in page  # read-only for him
    client.post(
        f"/admin/accounts/user/{world.alice.pk}/change/",
        {
            "username": "alice",
            "full_name": "艾丽（改）",
            "email": "alice@example.cn",
            "is_active": "on",
            "role": Role.DISTRICT_LEADER,
        },
    )
    alice = User.objects.get(pk=world.alice.pk)
    assert (alice.full_name, alice.email, alice.role) == (
        "艾丽（改）",
        "alice@example.cn",
        Role.BOARD_OFFICER,
    )


def test_the_system_administrator_creates_and_deactivates_accounts(world, web):
    client = web(world.sam)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "full_name": "新同事",
            "password1": "Xq7!mountain-river",
            "password2": "Xq7!mountain-river",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="newcomer")
    assert created.role == "" and not created.is_superuser and not created.is_staff
    client.post(
        f"/admin/accounts/user/{world.bob.pk}/change/",
        {"username": "bob", "full_name": world.bob.full_name, "email": ""},
    )
    assert not User.objects.get(pk=world.bob.pk).is_active


def test_the_security_administrator_assigns_roles_but_edits_nothing_else(world, web):
    client = web(world.sue)
    session = client.session
    session[REAUTH_SESSION_KEY] = time.time()  # a role change follows re-authentication
    session.save()
    page = client.get(f"/admin/accounts/user/{world.bob.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="full_name"' not in page and 'name="is_active"' not in page
    response = client.post(
        f"/admin/accounts/user/{world.bob.pk}/change/",
        {
            "role": Role.BOARD_LEADER,
            "region": world.board_b.pk,
            "officer": world.bob.officer_id,
            "expert": "",
            "full_name": "改名",
            "is_active": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    bob = User.objects.get(pk=world.bob.pk)
    assert bob.role == Role.BOARD_LEADER
    assert bob.full_name != "改名" and bob.is_active
    assert AuditEntry.objects.filter(
        action=AuditAction.ROLE_CHANGE, object_id=str(bob.pk), username="sue"
    ).exists()


def test_the_security_administrator_sets_no_password(world, web):
    before = User.objects.get(pk=world.alice.pk).password
    response = web(world.sue).post(
        f"/admin/accounts/user/{world.alice.pk}/password/",
        {"password1": "Xq7!mountain-river", "password2": "Xq7!mountain-river"},
    )
    assert response.status_code == 403
    assert User.objects.get(pk=world.alice.pk).password == before


def test_the_security_administrator_creates_no_account(world, web):
    response = web(world.sue).post(
        "/admin/accounts/user/add/",
        {
            "username": "intruder",
            "full_name": "x",
            "password1": "Xq7!mountain-river",
            "password2": "Xq7!mountain-river",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="intruder").exists()


def test_the_audit_administrator_changes_nothing_in_the_admin(world, web):
    response = web(world.audrey).post(
        f"/admin/accounts/user/{world.alice.pk}/change/", {"username": "alice", "full_name": "改"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert User.objects.get(pk=world.alice.pk).full_name != "改"


def test_nothing_can_be_deleted_in_the_admin(world, web):
    response = web(world.sam).post(f"/admin/accounts/user/{world.alice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=world.alice.pk).exists()


def test_admin_changes_go_to_the_audit_chain_not_to_django_s_log(world, web):
    client = web(world.sam)
    client.post(
        f"/admin/accounts/user/{world.alice.pk}/change/",
        {"username": "alice", "full_name": "艾丽二", "email": "", "is_active": "on"},
    )
    assert LogEntry.objects.count() == 0
    row = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="accounts.user").latest("id")
    assert row.object_id == str(world.alice.pk) and row.username == "sam"
    assert row.after["full_name"] == "艾丽二"
    index = client.get("/admin/").content.decode()
    assert "recent-actions-module" not in index
    change = client.get(f"/admin/accounts/user/{world.alice.pk}/change/").content.decode()
    assert "/history/" not in change


def test_the_history_beside_a_record_is_shown_to_no_business_role(world, web):
    enterprise = make_enterprise(world.board_a, name="湖塘精密机械")
    assert AuditEntry.objects.filter(
        object_type="enterprises.enterprise", object_id=str(enterprise.pk)
    ).exists()
    for persona in ("alice", "albert", "dan"):
        page = web(getattr(world, persona)).get(f"/enterprises/{enterprise.pk}/").content.decode()
        assert "/audit/" not in page, persona
    # The audit administrator finds the same rows in the audit log, not beside the record.
    assert web(world.audrey).get(f"/enterprises/{enterprise.pk}/").status_code == 403
    listing = web(world.audrey).get("/audit/?object_type=enterprises.enterprise").content.decode()
    assert "湖塘精密机械" in listing


def test_only_the_audit_administrator_sees_recent_audit_rows_at_home(world, web):
    assert "/audit/" in web(world.audrey).get("/").content.decode()
    for persona in ("sam", "sue", "dan"):
        assert 'href="/audit/' not in web(getattr(world, persona)).get("/").content.decode(), persona


def test_no_role_is_superuser_or_staff_and_those_flags_grant_nothing(world):
    assert not User.objects.filter(is_superuser=True).exists()
    # is_staff set by hand (the model rule allows it; it means nothing here) opens nothing.
    User.objects.filter(pk=world.alice.pk).update(is_staff=True)
    alice = User.objects.get(pk=world.alice.pk)
    assert not alice.has_perm("accounts.add_user") and not alice.has_perm("core.view_auditentry")
