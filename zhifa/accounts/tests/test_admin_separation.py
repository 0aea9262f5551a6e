"""三员 separation in the admin: accounts by the system administrator, roles by the security administrator."""

import pytest

from zhifa.accounts.models import User
from zhifa.core.roles import Role

pytestmark = pytest.mark.django_db


def test_enforcement_users_cannot_open_the_admin(world, web):
    for persona in ("alice", "dan", "lily", "audrey"):
        response = web(getattr(world, persona)).get("/admin/")
        assert response.status_code == 302, persona
        assert "/admin/login/" in response["Location"]


def test_the_system_administrator_manages_accounts_but_cannot_assign_roles(world, web):
    client = web(world.sam)
    assert client.get("/admin/").status_code == 200
    page = client.get(f"/admin/accounts/user/{world.alice.pk}/change/")
    assert page.status_code == 200
    assert 'name="role"' not in page.content.decode()  # read-only for him
    client.post(
        f"/admin/accounts/user/{world.alice.pk}/change/",
        {"username": "alice", "full_name": "艾丽（改）", "email": "", "is_active": "on"},
    )
    alice = User.objects.get(pk=world.alice.pk)
    assert alice.full_name == "艾丽（改）"
    assert alice.role == Role.BOARD_OFFICER


def test_the_security_administrator_assigns_roles(world, web):
    client = web(world.sue)
    page = client.get(f"/admin/accounts/user/{world.bob.pk}/change/")
    assert 'name="role"' in page.content.decode()
    response = client.post(
        f"/admin/accounts/user/{world.bob.pk}/change/",
        {
            "role": Role.BOARD_LEADER,
            "region": world.board_b.pk,
            "officer": world.bob.officer_id,
            "expert": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=world.bob.pk).role == Role.BOARD_LEADER


def test_nothing_can_be_deleted_in_the_admin(world, web):
    client = web(world.sam)
    assert client.get(f"/admin/accounts/user/{world.alice.pk}/delete/").status_code in (302, 403)
    assert User.objects.filter(pk=world.alice.pk).exists()


def test_the_audit_administrator_cannot_change_accounts(world, web):
    assert web(world.audrey).get(f"/admin/accounts/user/{world.alice.pk}/change/").status_code == 302
