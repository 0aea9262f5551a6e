"""Accounts for the load scenario, written as the JSON the locustfile reads (run by ``benchmarks/load.py``).

Officers are the demo's board officers (each linked to a certified officer of a board, so the inspections
they start are theirs); several simulated officers may share one, as colleagues at two desks would.
Legal reviewers and district leaders get one account each per simulated user (``load-reviewer-N``,
``load-leader-N``): their role requires a second factor, and a time-based code is accepted once per
device and 30-second step, so two people cannot share one authenticator. Every account whose role (or
the installation) requires a second factor gets a confirmed TOTP device with a random key; the key goes
into the JSON so the simulated user computes its codes as an authenticator app would.

    python benchmarks/load/prepare.py DEMO_ACCOUNTS.json OUT.json --password PW --officers N --reviewers N --leaders N
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("demo_accounts", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--password", required=True)
    parser.add_argument("--officers", type=int, required=True)
    parser.add_argument("--reviewers", type=int, required=True)
    parser.add_argument("--leaders", type=int, required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    import django

    django.setup()
    from django.utils import timezone

    from zhifa.accounts.models import User
    from zhifa.core.roles import Role

    try:
        from zhifa.accounts.mfa import mfa_required_for
    except ImportError:  # an installation without the second factor

        def mfa_required_for(user) -> bool:
            return False

    demo = json.loads(args.demo_accounts.read_text(encoding="utf-8"))
    officer_names = [a["username"] for a in demo if a["role"] == Role.BOARD_OFFICER]
    officers = list(
        User.objects.filter(
            username__in=officer_names, is_active=True, officer__isnull=False, region__isnull=False
        ).order_by("username")
    )
    if not officers:
        sys.exit("the demo has no board officer accounts")

    def load_account(username: str, role: str, full_name: str) -> User:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.full_name, user.is_active = role, full_name, True
        user.set_password(args.password)
        if hasattr(user, "password_changed_at"):
            user.password_changed_at = timezone.now()  # not sent to change an expired password
        user.full_clean(exclude=["password"])
        user.save()
        return user

    reviewers = [
        load_account(f"load-reviewer-{n}", Role.LEGAL_REVIEWER, f"压测审核员{n}")
        for n in range(1, args.reviewers + 1)
    ]
    leaders = [
        load_account(f"load-leader-{n}", Role.DISTRICT_LEADER, f"压测领导{n}")
        for n in range(1, args.leaders + 1)
    ]

    def entry(user: User) -> dict:
        key = None
        if mfa_required_for(user):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            key = secrets.token_hex(20)
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(user=user, name="load", key=key, confirmed=True)
        return {"username": user.username, "otp_key": key}

    out = {
        "password": args.password,
        "officer": [entry(u) for u in officers],
        "reviewer": [entry(u) for u in reviewers],
        "leader": [entry(u) for u in leaders],
    }
    if any(a["otp_key"] for a in out["officer"]) and len(officers) < args.officers:
        sys.exit(
            f"board officers require a second factor here, and {args.officers} simulated officers "
            f"would share {len(officers)} accounts (one code per device and 30 s): use fewer users"
        )
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"{len(officers)} officer, {len(reviewers)} reviewer and {len(leaders)} leader accounts; "
        f"second factor for {sum(1 for k in ('officer', 'reviewer', 'leader') for a in out[k] if a['otp_key'])}"
    )


if __name__ == "__main__":
    main()
