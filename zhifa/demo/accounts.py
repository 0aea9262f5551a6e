"""The demo's accounts: one per role, and three per board of 武进区 (copy 1), linked to its people.

Usernames are readable ASCII: ``leader``, ``brigade1``…, ``reviewer1``…, ``b100_leader`` /
``b100_officer`` / ``b100_safety`` (the last three digits of the board's code), ``expert1``…,
``sysadmin``, ``secadmin``, ``auditor``. Every run creates the missing ones and brings the others
back to their role, links and the given password. All accounts share the one demo password, so its
hash is computed once (PBKDF2 is deliberately slow: one hash per account would cost seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db.models import Model, QuerySet

from zhifa.accounts.models import User
from zhifa.core.roles import Role
from zhifa.demo import data
from zhifa.demo.generate import DemoError, board_code
from zhifa.demo.second_factor import bind_demo_authenticators
from zhifa.experts.models import Expert
from zhifa.orgs.choices import Post
from zhifa.orgs.models import Officer, Pairing, Region, Secondment


@dataclass
class Account:
    username: str
    role: str
    region: Region | None = None
    officer: Officer | None = None
    expert: Expert | None = None
    full_name: str = ""

    @property
    def board_code(self) -> str | None:
        return self.region.code if self.region is not None else None

    @property
    def person(self) -> str:
        return self.full_name

    def as_json(self) -> dict:
        return {"username": self.username, "role": self.role, "board_code": self.board_code}


_M = TypeVar("_M", bound=Model)


def _first(queryset: QuerySet[_M]) -> _M:
    item = queryset.order_by("pk").first()
    if item is None:
        raise DemoError(f"演示数据不完整：找不到所需的{queryset.model._meta.verbose_name}")
    return item


def planned_accounts() -> list[Account]:
    district = Region.objects.get(code=data.DISTRICT_CODE)
    people = Officer.objects.filter(is_fictitious=True)
    brigade = people.filter(unit=district)
    accounts = [
        Account("leader", Role.DISTRICT_LEADER, officer=_first(brigade.filter(post=Post.BUREAU_LEADER))),
        Account("brigade1", Role.BRIGADE_OFFICER, officer=_first(brigade.filter(post=Post.BRIGADE_CAPTAIN))),
        Account(
            "brigade2",
            Role.BRIGADE_OFFICER,
            officer=_first(Secondment.objects.filter(officer__in=brigade)).officer,
        ),
        Account(
            "brigade3",
            Role.BRIGADE_OFFICER,
            officer=_first(Pairing.objects.filter(officer__in=brigade)).officer,
        ),
    ]
    reviewers = list(brigade.filter(post=Post.LEGAL_REVIEWER, legal_qualification=True).order_by("pk")[:3])
    if not reviewers:
        raise DemoError("演示数据不完整：没有具备法律职业资格的法制审核员")
    accounts += [
        Account(f"reviewer{n}", Role.LEGAL_REVIEWER, officer=o) for n, o in enumerate(reviewers, start=1)
    ]
    for index in range(len(data.BOARDS)):
        board = Region.objects.get(code=board_code(1, index))
        staff = people.filter(unit=board)
        prefix = f"b{board.code[-3:]}"
        accounts += [
            Account(
                f"{prefix}_leader", Role.BOARD_LEADER, board, _first(staff.filter(post=Post.BOARD_LEADER))
            ),
            Account(
                f"{prefix}_officer", Role.BOARD_OFFICER, board, _first(staff.filter(post=Post.BOARD_OFFICER))
            ),
            Account(
                f"{prefix}_safety", Role.SAFETY_MANAGER, board, _first(staff.filter(post=Post.SAFETY_MANAGER))
            ),
        ]
    experts = Expert.objects.filter(is_fictitious=True)
    for n, group in enumerate(("chem", "machinery"), start=1):
        accounts.append(Account(f"expert{n}", Role.EXPERT, expert=_first(experts.filter(groups__code=group))))
    accounts += [
        Account("sysadmin", Role.SYSTEM_ADMIN, full_name="系统管理员（演示）"),
        Account("secadmin", Role.SECURITY_ADMIN, full_name="安全管理员（演示）"),
        Account("auditor", Role.AUDIT_ADMIN, full_name="审计管理员（演示）"),
    ]
    for account in accounts:
        person = account.officer or account.expert
        if person is not None:
            account.full_name = person.name
    return accounts


def _is_demo_account(user: User) -> bool:
    """An existing account the demo may take over: linked to a fictitious person, or a demo admin."""
    if user.officer_id or user.expert_id:
        return bool(
            (user.officer and user.officer.is_fictitious) or (user.expert and user.expert.is_fictitious)
        )
    return user.full_name.endswith(data.MARK)


def reconcile_accounts(password: str) -> list[Account]:
    """Create or update every planned account; each save is recorded by the audit signals.

    An existing account of the same name that is not a demo account (a real administrator, say) is
    never taken over: the run stops before any account is changed.
    """
    encoded = make_password(password)
    accounts = planned_accounts()
    existing = {
        u.username: u
        for u in User.objects.filter(username__in=[a.username for a in accounts]).select_related(
            "officer", "expert"
        )
    }
    foreign = sorted(name for name, user in existing.items() if not _is_demo_account(user))
    if foreign:
        raise DemoError(f"已有同名的非演示账号：{'、'.join(foreign)}；演示不会接管或重置这些账号，已停止。")
    saved: list[User] = []
    for account in accounts:
        user = existing.get(account.username) or User(username=account.username)
        user.role = account.role
        user.region = account.region
        user.officer = account.officer
        user.expert = account.expert
        user.full_name = account.full_name
        user.is_active = True
        user.is_staff = False
        user.is_superuser = False
        user.password = encoded
        user.full_clean()
        user.save()
        saved.append(user)
    # The district leader, the legal reviewers and the administrators need a second factor: the demo's
    # published secret lets a visitor sign in as them (zhifa.demo.second_factor).
    bind_demo_authenticators(saved)
    return accounts
