"""Builders for planning tests: small districts described by plain specs (hypothesis generates them)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from zhifa.core.testing import (
    make_board,
    make_district,
    make_enterprise,
    make_expert,
    valid_id_number,
    valid_uscc,
)
from zhifa.enterprises.models import Enterprise
from zhifa.experts.models import Expert, ExpertAvailability, ExpertConflict, ExpertGroup
from zhifa.inspections.choices import ChecklistStatus, InspectionOrigin, InspectionStatus
from zhifa.inspections.models import ChecklistTemplate, Inspection, InspectionOfficer
from zhifa.orgs.choices import CertificateStatus, Post
from zhifa.orgs.models import Certificate, Officer, Pairing, Secondment
from zhifa.planning.models import OfficerConflict
from zhifa.planning.workdays import month_bounds

#: Industry codes: one per seeded group used here, and one no group covers (retail is 52xx: "special").
INDUSTRIES = {"chem": "2614", "machinery": "3411", "special": "5212"}
#: Codes for the generated boards (fictitious suffixes 8xx, clear of the personas' boards).
BOARD_CODES = ["320412801", "320412802", "320412803"]
FAST = {"max_deterministic_time": 2.0}
_numbers = itertools.count(5000)


def next_month() -> tuple[int, int]:
    first = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.year, first.month


def month_window(year: int, month: int) -> tuple[date, date, date]:
    first, last = month_bounds(year, month)
    return first, first.replace(day=15), last


def certificate_period(kind: str, year: int, month: int) -> tuple[date, date] | None:
    first, mid, last = month_window(year, month)
    return {
        "full": (first - timedelta(days=365), last + timedelta(days=365)),
        "first_half": (first - timedelta(days=365), mid),
        "second_half": (mid + timedelta(days=1), last + timedelta(days=365)),
        "suspended": (first - timedelta(days=365), last + timedelta(days=365)),
    }.get(kind)


def officer_with(unit, post, cert: str, year: int, month: int) -> Officer:
    n = next(_numbers)
    officer = Officer.objects.create(
        name=f"抽取测试{n}",
        # make_officer's id numbers repeat every 1,000; many hypothesis examples need more.
        id_number=valid_id_number(n, birth=f"19{60 + (n // 1000) % 40:02d}0101"),
        unit=unit,
        post=post,
    )
    period = certificate_period(cert, year, month)
    if period is not None:
        Certificate.objects.create(
            officer=officer,
            number=f"T{officer.pk:08d}",
            valid_from=period[0],
            valid_to=period[1],
            status=CertificateStatus.SUSPENDED if cert == "suspended" else CertificateStatus.VALID,
            status_reason="暂扣（测试）" if cert == "suspended" else "",
        )
    return officer


def group(code: str) -> ExpertGroup:
    return ExpertGroup.objects.get(code=code)


def general_checklist() -> ChecklistTemplate:
    return (
        ChecklistTemplate.objects.filter(status=ChecklistStatus.PUBLISHED, expert_group__isnull=True)
        .order_by("-version")
        .first()
    )


def signed_off_inspection(enterprise, officers, expert, on: date) -> Inspection:
    """A signed-off inspection in the past (written directly: the history the draw reads)."""
    started = timezone.make_aware(datetime.combine(on, time(9, 0)))
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        board=enterprise.board,
        checklist=general_checklist(),
        expert=expert,
        origin=InspectionOrigin.PLANNED,
        started_at=started,
        ended_at=started + timedelta(hours=2),
        status=InspectionStatus.SIGNED_OFF,
        signed_off_at=started + timedelta(hours=2),
    )
    for i, officer in enumerate(officers):
        InspectionOfficer.objects.create(inspection=inspection, officer=officer, order=i)
    return inspection


@dataclass
class Built:
    boards: list = field(default_factory=list)
    officers: list = field(default_factory=list)
    brigade: list = field(default_factory=list)
    experts: list = field(default_factory=list)
    enterprises: list = field(default_factory=list)


def quiet_world() -> None:
    """Take the personas' officers and experts out of the draw: the test's district is the whole pool."""
    Officer.objects.update(active=False)
    Expert.objects.update(active=False)


def build_district(spec: dict, year: int, month: int) -> Built:
    """Build a district from a spec (see ``test_draw_properties.district_specs``)."""
    quiet_world()
    district = make_district()
    first, mid, last = month_window(year, month)
    built = Built()
    for index, board_spec in enumerate(spec["boards"]):
        board = make_board(f"测试板块{index + 1}", BOARD_CODES[index], short_name=f"测{index + 1}")
        built.boards.append(board)
        for cert in board_spec["officers"]:
            post = (
                Post.BOARD_LEADER
                if not any(o.unit_id == board.pk for o in built.officers)
                else Post.BOARD_OFFICER
            )
            built.officers.append(officer_with(board, post, cert, year, month))
        for enterprise_spec in board_spec["enterprises"]:
            enterprise = make_enterprise(board, industry=INDUSTRIES[enterprise_spec["industry"]])
            Enterprise.objects.filter(pk=enterprise.pk).update(enforcement_class=enterprise_spec["class"])
            built.enterprises.append(enterprise)
    for brigade_spec in spec["brigade"]:
        officer = officer_with(district, Post.BRIGADE_OFFICER, brigade_spec["cert"], year, month)
        built.brigade.append(officer)
        kind, _, index = brigade_spec["attach"].partition(":")
        if kind in ("second", "pair") and int(index) < len(built.boards):
            model = Secondment if kind == "second" else Pairing
            model.objects.create(
                officer=officer, region=built.boards[int(index)], start=first - timedelta(days=30)
            )
    for expert_spec in spec["experts"]:
        expert = make_expert([group(code) for code in sorted(expert_spec["groups"])])
        employer = expert_spec["employer_of"]
        if employer is not None and built.enterprises:
            target = built.enterprises[employer % len(built.enterprises)]
            Expert.objects.filter(pk=expert.pk).update(employer_uscc=target.uscc)
        availability = {
            "first_half": (first, mid),
            "second_half": (mid + timedelta(days=1), last),
            "outside": (first - timedelta(days=200), first - timedelta(days=100)),
        }.get(expert_spec["availability"])
        if availability:
            ExpertAvailability.objects.create(expert=expert, start=availability[0], end=availability[1])
        built.experts.append(expert)
    people = built.officers + built.brigade
    for officer_index, enterprise_index in spec["officer_conflicts"]:
        if people and built.enterprises:
            OfficerConflict.objects.get_or_create(
                officer=people[officer_index % len(people)],
                enterprise=built.enterprises[enterprise_index % len(built.enterprises)],
                defaults={"reason": "近亲属任职（测试）"},
            )
    for expert_index, enterprise_index in spec["expert_conflicts"]:
        if built.experts and built.enterprises:
            ExpertConflict.objects.get_or_create(
                expert=built.experts[expert_index % len(built.experts)],
                enterprise=built.enterprises[enterprise_index % len(built.enterprises)],
                defaults={"reason": "曾为该企业提供咨询（测试）"},
            )
    for enterprise_index, officer_a, officer_b, expert_index in spec["history"]:
        if not built.enterprises or len(people) < 2:
            continue
        enterprise = built.enterprises[enterprise_index % len(built.enterprises)]
        a, b = people[officer_a % len(people)], people[officer_b % len(people)]
        if a == b:
            continue
        expert = built.experts[expert_index % len(built.experts)] if built.experts else None
        signed_off_inspection(enterprise, [a, b], expert, first - timedelta(days=60))
    return built


def unique_uscc() -> str:
    return valid_uscc()
